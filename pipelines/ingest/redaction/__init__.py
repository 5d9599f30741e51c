"""Redaction of personal data in free-text comments, before anything is stored.

The package: `core` (the `Redactor`, titles/intros/sign-offs, keyword rules, hold-back),
`numbers` (checksum- and numbering-plan-validated numbers: IBAN, phone, IP, UUID),
`structures` (shapes found by the language around them: obfuscated e-mails, bare URLs
and handles, codes, plates, dates of birth, streets in any case) and `names` (the name
gazetteer and context rules for names). See `core` for the order of work and the
known gaps.
"""

from pipelines.ingest.redaction.core import Redacted, Redactor
from pipelines.ingest.redaction.rules import KINDS, RedactionConfigError, load_rules, read_names

__all__ = ["KINDS", "Redacted", "RedactionConfigError", "Redactor", "load_rules", "read_names"]
