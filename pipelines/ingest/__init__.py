"""Stage 1: landed files → pseudonymous, redacted staging → the response store."""
