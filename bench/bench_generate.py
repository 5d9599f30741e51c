"""Generates one demo survey year into a temporary folder and prints time, files, bytes and peak memory.

python bench/bench_generate.py [--scale 1] [--seed 2020] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from pipelines.demo import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="volume multiplier (10 = ten times the volume)"
    )
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--keep", type=Path, help="generate here and keep the files (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="demo-bench-") as tmp:
        base = args.keep or Path(tmp)
        began = time.perf_counter()
        summary = generate(base / "landing", base / "truth", seed=args.seed, scale=args.scale)
        wall = time.perf_counter() - began
    files = summary["files"]
    n_files = files["tablet"] + files["web_daily"] + files["web_full"]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    counted = summary["counted"]
    print(f"scale {args.scale:g}, seed {args.seed}: survey year {summary['start']}..{summary['end']}")
    print(f"  wall time     {wall:8.1f} s")
    print(
        f"  files         {n_files:8d}  ({files['tablet']} tablet, {files['web_daily']} daily + {files['web_full']} full web)"
    )
    print(f"  bytes         {files['bytes'] / 1e6:8.1f} MB")
    print(f"  peak memory   {peak_mib:8.0f} MiB (max RSS of the process)")
    print(f"  counted       {counted['total']:8d}  (mid-term {counted['midterm']})")
    print(f"  throughput    {counted['total'] / wall:8.0f} questionnaires/s")


if __name__ == "__main__":
    main()
