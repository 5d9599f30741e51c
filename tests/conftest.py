"""Shared fixtures: warehouses (SQLite and the real PostgreSQL), landing folders."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

PG_ADMIN_URL = os.environ.get("SURVEY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def postgres_server():
    problem = _postgres_available()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is required under CI=true: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh database per test, dropped afterwards."""
    name = f"survey_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from pipelines.warehouse import engine_for

    # Engines are cached per URL: close their pooled connections before dropping.
    engine_for(url).dispose()
    engine_for.cache_clear()
    with admin.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse_url(request):
    """Runs a test once on SQLite and once on the real PostgreSQL server."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def small_registry(tmp_path, monkeypatch):
    """The reference data with only three centres in two districts (altona, blankenese in
    Altona; harburg in Harburg): the pipeline is data-driven, and fewer centres make the
    report tests faster."""
    import shutil

    import yaml

    from pipelines.core import registry

    target = tmp_path / "config"
    shutil.copytree(registry.DEFAULT_CONFIG_DIR, target)
    data = yaml.safe_load((target / "centres.yaml").read_text(encoding="utf-8"))
    data["centres"] = [c for c in data["centres"] if c["code"] in ("altona", "blankenese", "harburg")]
    (target / "centres.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SURVEY_CONFIG_DIR", str(target))
    return registry.registry()


@pytest.fixture(scope="session")
def demo_year_files(tmp_path_factory):
    """The whole demo year (seed 2020), generated once (10-20 s) for test_demo_generator
    and test_demo_year, which only read it. Under pytest-xdist both modules run on one
    worker (SAME_WORKER_MODULES), so it is generated once there too."""
    from pipelines.demo import generate

    base = tmp_path_factory.mktemp("demo-year-files")
    summary = generate(base / "landing", base / "truth", seed=2020)
    return base / "landing", base / "truth", summary


# pytest-xdist (addopts in pyproject.toml): each test is a unit of its own, as with
# `--dist load`, except these modules, which go to one worker together: their
# module-scoped fixtures and the demo year they share are built once (about three
# minutes). The largest unit is handed out first. (`--dist loadgroup` with xdist_group
# marks would say the same, but pytest-xdist 3.8 tags the marked tests through
# Item._nodeid, which pytest 9.2 no longer reads, so the marks had no effect.)
SAME_WORKER_MODULES = ("tests/test_demo_generator.py", "tests/test_demo_year.py")


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":  # another --dist given on the command line
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduler(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "demo_year" if nodeid.split("::", 1)[0] in SAME_WORKER_MODULES else nodeid

    return Scheduler(config, log)
