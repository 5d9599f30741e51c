"""Preview one report PDF while changing its layout (`reports/templates/*.typ`).

    .venv/bin/python scripts/preview_report.py [--cadence weekly] [--centre altona] [--out var/preview.pdf]
    .venv/bin/python scripts/preview_report.py --doc report.json        # a document (JSON) of your own
    .venv/bin/python scripts/preview_report.py --watch                  # re-render on every template save
    .venv/bin/python scripts/preview_report.py --png                    # also page PNGs (needs pdftoppm)

The document is the hand-built sample of the tests (`tests/sample_docs.py`, realistic
figures with a withheld item, comparisons, a trend and comments), or `--doc`: a figures
document as JSON, e.g. from the warehouse's `report_documents` table. With `--watch`
the Typst compiler re-renders the PDF whenever a template or partial changes (Ctrl-C ends).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.core import periods  # noqa: E402
from pipelines.reports import pdf  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadence", default="weekly", choices=periods.CADENCES)
    parser.add_argument("--centre", default="altona", help="centre code, or hamburg for the city report")
    parser.add_argument("--doc", type=Path, help="a figures document as JSON instead of the sample")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "preview.pdf")
    parser.add_argument("--watch", action="store_true", help="re-render whenever a template changes")
    parser.add_argument("--png", action="store_true", help="also write <out>-<page>.png at 70 dpi")
    args = parser.parse_args()
    if args.doc:
        doc = json.loads(args.doc.read_text(encoding="utf-8"))
    else:
        from tests.sample_docs import sample_doc

        doc = sample_doc(args.cadence, centre=args.centre, week="2020-W47")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.watch:
        import typst

        print(f"rendering {args.out} on every change of {pdf.TEMPLATES_DIR} (Ctrl-C ends)")
        compiler = typst.Compiler(
            str(pdf.MAIN),
            root=str(pdf.TEMPLATES_DIR),
            font_paths=[str(pdf.FONTS_DIR)],
            ignore_system_fonts=True,
            sys_inputs=pdf.typst_inputs(doc),
        )
        compiler.watch(str(args.out), pdf_standards=["ua-1"])
        return
    pdf.render_pdf(doc, args.out)
    print(args.out)
    if args.png:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(args.out), str(args.out.with_suffix(""))], check=True
        )


if __name__ == "__main__":
    main()
