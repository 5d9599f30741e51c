"""Redaction of personal data in free-text comments, before anything is stored.

The package: `redactor` (the `Redactor`: the order of work and the known gaps),
`rules` (reading the rules file and name lists), `structured` (the structured-data
pass: `web`, `numbers`, `births`, `keywords`, `codes`, `plates`, `shapes`,
`addresses`, with the regex building blocks of `patterns`), `sayings` (sayings set
aside while names are found), `names` (the name lists and gazetteer, and the context
rules for names) and `holdback` (whether a redacted comment must still be held back).
"""

from pipelines.ingest.redaction.redactor import Redacted, Redactor
from pipelines.ingest.redaction.rules import KINDS, RedactionConfigError, load_rules, read_names

__all__ = ["KINDS", "Redacted", "RedactionConfigError", "Redactor", "load_rules", "read_names"]
