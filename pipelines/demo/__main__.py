"""python -m pipelines.demo --landing var/landing --truth var/demo_truth [--seed 2020] [--start --end] [--scale 1.0]"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from pipelines.demo.generator import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.demo", description=__doc__.split("\n")[0])
    parser.add_argument("--landing", type=Path, required=True, help="landing folder to (re)create")
    parser.add_argument(
        "--truth", type=Path, required=True, help="folder for the ground truth (outside landing)"
    )
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--start", type=dt.date.fromisoformat, help="first visit day (default: survey start)")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="last visit day (default: survey end)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the volumes")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        s = generate(
            args.landing, args.truth, seed=args.seed, start=args.start, end=args.end, scale=args.scale
        )
    except ValueError as exc:
        parser.error(str(exc))
    counted, files = s["counted"], s["files"]
    print(
        f"demo survey {s['start']}..{s['end']} seed {s['seed']} scale {s['scale']}: {time.perf_counter() - began:.1f} s"
    )
    print(
        f"  counted questionnaires: {counted['total']} (tablet {counted['by_channel']['tablet']}, "
        f"web {counted['by_channel']['web']}; up to {counted['midterm_end']}: {counted['midterm']})"
    )
    print(
        f"  misuse completions: {s['misuse_completions']}, unfinished web responses: {s['unfinished_web']['total']}"
    )
    print(
        f"  files: {files['tablet']} tablet, {files['web_daily']} daily + {files['web_full']} full web exports, "
        f"{files['bytes'] / 1e6:.1f} MB in {args.landing}"
    )
    print(
        f"  breakage: {sum(v['instances'] for v in s['breakage'].values())} instances; truth in {args.truth}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
