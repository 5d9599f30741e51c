"""Microsoft Presidio's pattern recognisers on a list of texts (for the redaction benchmark).

Runs under a separate virtual environment with presidio-analyzer installed (not a
dependency of the pipeline): reads a JSON list of texts on stdin, writes the texts with
every recognised span replaced by `<ENTITY_TYPE>` as a JSON list on stdout. No NLP model
is loaded: only the predefined recognisers that need none (regexes, checksums,
`phonenumbers`), as Presidio ships them for English.
"""

import json
import sys

from presidio_analyzer import RecognizerRegistry
from presidio_analyzer.predefined_recognizers import SpacyRecognizer


def main() -> None:
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    # Everything but the NLP-model recogniser: patterns, checksums, phonenumbers.
    recognizers = [r for r in registry.recognizers if not isinstance(r, SpacyRecognizer)]
    out = []
    for text in json.load(sys.stdin):
        spans = []
        for rec in recognizers:
            spans += rec.analyze(text, entities=rec.supported_entities, nlp_artifacts=None) or []
        # Longest first where spans overlap; then replace from the end.
        chosen, taken = [], []
        for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
            if s.score >= 0.3 and not any(s.start < e and b < s.end for b, e in taken):
                chosen.append(s)
                taken.append((s.start, s.end))
        for s in sorted(chosen, key=lambda s: s.start, reverse=True):
            text = text[: s.start] + f"<{s.entity_type}>" + text[s.end :]
        out.append(text)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
