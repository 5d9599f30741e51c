"""Killed while rendering: a process writing report files dies by SIGKILL, then a normal re-run.

Whenever the kill lands, every report file in place is complete (the previous good
version or the new one, never half of either); the killed writer's temporary files are
removed by the next write, and the re-run leaves complete, current files only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pypdf

from pipelines.reports import atomic_files, outputs
from tests import builders as b
from tests.sample_docs import sample_doc

ROOT = Path(__file__).resolve().parents[1]

WRITER = r"""
import sys, time
from pathlib import Path
from pipelines.reports import atomic_files, outputs
from tests.sample_docs import sample_doc

root, mode = Path(sys.argv[1]), sys.argv[2]
doc = sample_doc("weekly")
doc["responses"]["total"] += 1  # the new version differs from the good one on disk
if mode == "half-written":
    write_temp = atomic_files.write_temp

    def dying(path, data):
        if path.suffix == ".pdf":  # half of the new PDF is on disk when the kill comes
            (root / "READY").write_text(write_temp(path, data[: len(data) // 2]))
            time.sleep(600)
        return write_temp(path, data)

    atomic_files.write_temp = dying
    outputs.write_report(doc, root)
else:  # render again and again until killed
    for i in range(10**6):
        doc["responses"]["total"] = 1000 + i
        outputs.write_report(doc, root)
        (root / "COUNT").write_text(str(i + 1))
"""


def _writer(root: Path, mode: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", WRITER, str(root), mode], cwd=ROOT, env=env)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, f"writer exited with {proc.returncode}"
        assert time.monotonic() < deadline, f"{path.name} did not appear"
        time.sleep(0.05)


def _kill(proc: subprocess.Popen) -> None:
    proc.kill()  # SIGKILL: no handler, no cleanup
    proc.wait(timeout=30)  # reaped: its pid is gone


def _assert_complete(folder: Path) -> dict:
    """Every report file parses in full; returns the JSON twins by path below `folder`."""
    twins = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".pdf":
            text = "".join(p.extract_text() for p in pypdf.PdfReader(path, strict=True).pages)
            assert "Kundenzentrum" in text, path
        elif path.suffix == ".json":
            twins[str(path.relative_to(folder))] = json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".csv":
            rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
            assert rows[0][0] == "Bereich" and len(rows) > 5, path
    return twins


def _temps(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


def test_killed_while_writing_the_pdf_leaves_the_good_files_and_the_rerun_cleans_up(tmp_path):
    root = tmp_path / "reports"
    good = outputs.write_report(sample_doc("weekly"), root)
    before = {ext: p.read_bytes() for ext, p in good.items()}
    proc = _writer(root, "half-written")
    _wait_for(root / "READY", proc)
    half = Path((root / "READY").read_text())
    _kill(proc)
    (root / "READY").unlink()
    # The half-written PDF never took the good one's place.
    assert half.exists() and half.stat().st_size < len(before["pdf"])
    assert {ext: p.read_bytes() for ext, p in good.items()} == before
    _assert_complete(root)
    # A normal re-run: complete new files, the killed writer's temporary file removed.
    doc = sample_doc("weekly")
    doc["responses"]["total"] += 1
    outputs.write_report(doc, root)
    assert _temps(root) == []
    twins = _assert_complete(root)
    assert twins["altona/weekly/2020-W38.json"]["responses"]["total"] == doc["responses"]["total"]


def test_killed_at_a_random_moment_of_rendering_leaves_complete_files(tmp_path):
    root = tmp_path / "reports"
    outputs.write_report(sample_doc("weekly"), root)
    rng = random.Random(8)
    for _ in range(3):
        proc = _writer(root, "loop")
        _wait_for(root / "COUNT", proc)
        time.sleep(rng.uniform(0.0, 0.8))  # mostly inside PDF rendering, the slow part
        _kill(proc)
        (root / "COUNT").unlink()
        _assert_complete(root)
    atomic_files.remove_stale_temp_files(root)  # what the files asset does first
    assert _temps(root) == []
    outputs.write_report(sample_doc("weekly"), root)
    assert _temps(root) == []
    assert (
        _assert_complete(root)["altona/weekly/2020-W38.json"]["responses"]["total"]
        == sample_doc("weekly")["responses"]["total"]
    )


def test_temporary_files_of_a_live_writer_stay(tmp_path):
    path = tmp_path / "altona" / "weekly" / "2020-W38.pdf"
    mine = Path(atomic_files.write_temp(path, b"%PDF-1.7 in progress"))
    foreign = path.parent / ".2020-W38.pdf.otherhost-1.abcdefgh.tmp"
    foreign.write_bytes(b"x")
    assert atomic_files.remove_stale_temp_files(tmp_path) == []
    assert mine.exists() and foreign.exists()
    old = time.time() - atomic_files.STALE_TEMP_SECONDS - 10
    os.utime(foreign, (old, old))
    assert atomic_files.remove_stale_temp_files(tmp_path) == [foreign]


FILES_RUN = r"""
import os, sys
import dagster as dg
from pipelines.defs import partitions
from pipelines.defs.assets import ingest
from pipelines.defs.assets.reports import build_report_assets
from pipelines.defs.resources import LandingResource, PseudonymiserResource, ReportStorageResource, WarehouseResource

tmp = sys.argv[1]
assets = build_report_assets("weekly", partitions.weekly)
result = dg.materialize(
    [ingest.raw_exports, ingest.responses, *assets[:2]],
    instance=dg.DagsterInstance.ephemeral(),
    tags={"dagster/asset_partition_range_start": "2020-09-14", "dagster/asset_partition_range_end": "2020-09-28"},
    resources={
        "warehouse": WarehouseResource(url=f"sqlite:///{tmp}/w.db"),
        "landing": LandingResource(landing_dir=f"{tmp}/landing", quarantine_dir=f"{tmp}/q"),
        "pseudonymiser": PseudonymiserResource(key="k"),
        "reports": ReportStorageResource(reports_dir=f"{tmp}/reports"),
    },
    raise_on_error=False,
)
sys.exit(0 if result.success else 1)
"""


def _landing(landing: Path, q01: int) -> None:
    rows, n = [], 0
    for day in ("2020-09-15", "2020-09-22", "2020-09-29"):
        for centre in ("altona", "blankenese", "harburg"):
            for _ in range(6):
                n += 1
                rows += b.completion(n, centre=centre, time=f"{day} 10:00:00", answers=dict(b.V1, Q01=q01))
    b.write_tablet(landing, "altona", "TAB-0001", "2020-09-15", rows)


def test_a_report_run_killed_while_rendering_then_run_again(tmp_path, small_registry):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SURVEY_CONFIG_DIR=os.environ["SURVEY_CONFIG_DIR"],
               DAGSTER_HOME=str(tmp_path))  # fmt: skip
    run = [sys.executable, "-c", FILES_RUN, str(tmp_path)]
    reports = tmp_path / "reports"
    _landing(tmp_path / "landing", q01=1)
    subprocess.run(run, cwd=ROOT, env=env, check=True, capture_output=True)
    good = {p: p.read_bytes() for p in reports.rglob("*.*") if not p.name.startswith(".")}
    assert len(good) == 27
    _landing(tmp_path / "landing", q01=3)  # re-delivered with other answers: new figures
    proc = subprocess.Popen(run, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while not any(p.read_bytes() != old for p, old in good.items() if p.suffix == ".pdf"):
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it was killed"
        time.sleep(0.02)
    _kill(proc)  # some reports replaced, the next one being rendered
    twins = _assert_complete(reports)
    assert len(twins) == 9
    subprocess.run(run, cwd=ROOT, env=env, check=True, capture_output=True)
    assert _temps(reports) == []
    twins = _assert_complete(reports)
    assert all(t["items"]["Q01"].get("top2") in (None, 0.0) for t in twins.values())
