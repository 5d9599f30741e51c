"""The Dagster UI, driven in headless Chromium: the asset graph with its latest materialisations.

Starts `dagster-webserver -w workspace.yaml` on loopback over an instance in which the
ingest job has run, opens the ingest group's lineage in Debian's chromium (through
Playwright, using the system browser) and keeps a screenshot in test-artifacts/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests import builders as b
from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def webserver(tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is required under CI=true (.ci/run installs it)")
        pytest.skip("chromium not installed")
    landing = tmp_path / "landing"
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1) + b.completion(2))
    b.write_web(landing, "2020-09-16", [b.web_response(7)])
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    env = dict(
        os.environ,
        DAGSTER_HOME=str(home),
        SURVEY_DEMO="true",
        SURVEY_LANDING_DIR=str(landing),
        SURVEY_WAREHOUSE_URL=f"sqlite:///{tmp_path / 'w.db'}",
        SURVEY_REPORTS_DIR=str(tmp_path / "reports"),
        SURVEY_QUARANTINE_DIR=str(tmp_path / "q"),
        SURVEY_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "dagster", "job", "execute", "-m", "pipelines", "-j", "ingest"], env=env, cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "dagster-webserver", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/server_info", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("dagster-webserver did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_asset_graph_shows_assets_and_latest_materialisations(webserver):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        # The code location of workspace.yaml is called "survey".
        page.goto(f"{webserver}/locations/survey/asset-groups/ingest", wait_until="networkidle")
        # Dagster's newsletter prompt on a fresh instance covers the page; absent: nothing to do.
        with contextlib.suppress(Exception):
            page.get_by_role("button", name="Skip").click(timeout=8000)
        page.get_by_text("raw_exports").first.wait_for(timeout=30000)
        page.get_by_text("Materialized").first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "asset-graph.png"))
        text = page.locator("body").inner_text()
        browser.close()
    assert "raw_exports" in text and "responses" in text
    assert text.count("Materialized") >= 2  # both ingest assets show their latest materialisation
    assert "2 / 2 Passed" in text  # and their asset checks
    for downstream in ("weekly_figures", "monthly_figures", "review_figures"):
        assert downstream in text
    assert (ARTIFACTS / "asset-graph.png").stat().st_size > 10_000
