"""Keyed hashing of identifiers (device serials, response ids)."""

from __future__ import annotations

import dagster as dg

from pipelines.ingest.pseudonyms import Pseudonymiser

# Only for the demo survey year: a fixed key keeps demo runs reproducible. Outside
# the demo (SURVEY_DEMO unset) the pipeline refuses to run without a real secret.
DEMO_KEY = "demo-key-not-secret"


class PseudonymiserResource(dg.ConfigurableResource):
    """HMAC-SHA256 with the secret `SURVEY_PSEUDONYM_KEY`."""

    key: str = ""
    demo: bool = False

    def get(self) -> Pseudonymiser:
        if self.key:
            return Pseudonymiser(self.key)
        if self.demo:
            return Pseudonymiser(DEMO_KEY)
        raise dg.Failure(
            "SURVEY_PSEUDONYM_KEY is not set. Set a long random secret (and keep it: "
            "changing it changes every pseudonym). Only the demo (SURVEY_DEMO=true) runs without one."
        )
