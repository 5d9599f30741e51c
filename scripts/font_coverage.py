"""Write reports/fonts/coverage.txt: the code points every vendored font face can draw.

    .venv/bin/python scripts/font_coverage.py      (after adding or changing a font)

The reports replace anything else by a visible stand-in (`pipelines/reports/glyphs.py`):
PDF/UA-1 forbids a missing glyph, so Typst would refuse the whole report. Needs fontTools
(a development dependency).
"""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "reports" / "fonts"


def coverage() -> list[tuple[int, int]]:
    """Ranges (first, last) of the code points in the cmap of every face."""
    faces = [set(TTFont(p).getBestCmap()) for p in sorted(FONTS.glob("*.ttf"))]
    points = sorted(set.intersection(*faces))
    ranges, first, last = [], points[0], points[0]
    for p in points[1:]:
        if p != last + 1:
            ranges.append((first, last))
            first = p
        last = p
    ranges.append((first, last))
    return ranges


def text() -> str:
    lines = ["# code points all faces in this folder draw (scripts/font_coverage.py)"]
    lines += [f"{a:04X}-{b:04X}" for a, b in coverage()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (FONTS / "coverage.txt").write_text(text())
