"""Stage 4: delivery by e-mail, with a ledger so that each report version goes out once.

`messages` builds the e-mail of a report version, `ledger` keeps the books in SQL,
`smtp` is the transport (SMTP with deadlines, or an outbox folder) and `dispatch`
delivers report versions with the three.
"""
