"""Text the vendored fonts cannot draw (an emoji, Chinese) gets a visible stand-in.

PDF/UA-1 forbids a missing glyph, so Typst refuses a report with one character its fonts
lack; one comment with an emoji must not stop the week's reports. The characters the
fonts draw are data (`reports/fonts/coverage.txt`, from `scripts/font_coverage.py`);
a run of others (an emoji with its joiners and modifiers) becomes one "□".
"""

from __future__ import annotations

import functools
import re

from pipelines.reports.templates import TEMPLATES_DIR

COVERAGE = TEMPLATES_DIR.parent / "fonts" / "coverage.txt"
STAND_IN = "\u25a1"  # □
# Presentation selectors only choose how a drawable character looks: dropped.
_SELECTORS = re.compile("[\ufe00-\ufe0f]")


@functools.cache
def _undrawable() -> re.Pattern:
    ranges = [line.split("-") for line in COVERAGE.read_text().splitlines() if line and line[0] != "#"]
    drawable = "".join(f"\\U{int(a, 16):08x}-\\U{int(b, 16):08x}" for a, b in ranges)
    # (tab and line breaks are layout, not glyphs; a joiner inside an emoji sequence goes with it)
    other = f"[^{drawable}\\t\\n\\r]"
    return re.compile(f"{other}+(?:\u200d{other}+)*")


def drawable(text: str) -> str:
    """`text` with every run of characters the fonts lack replaced by one stand-in."""
    return _undrawable().sub(STAND_IN, _SELECTORS.sub("", text))


def drawable_values(value):
    """A copy of a document with `drawable` applied to every string value."""
    if isinstance(value, str):
        return drawable(value)
    if isinstance(value, dict):
        return {k: drawable_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [drawable_values(v) for v in value]
    return value
