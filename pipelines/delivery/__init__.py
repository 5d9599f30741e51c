"""Stage 4: delivery by e-mail, with a ledger so that each report version goes out once."""
