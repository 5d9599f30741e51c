"""Contracts, reference data and the suites the pipeline runs must agree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipelines.core import contracts, registry
from pipelines.ingest import validation
from pipelines.ingest.parsing import web_header
from pipelines.warehouse import schema


def test_reference_data_loads_with_the_spec_values():
    centres = registry.load_registry()
    assert len(centres.centres) == 19
    assert centres.by_code["eimsbuettel"].name == "Kundenzentrum Eimsbüttel"
    assert centres.districts()["Harburg"] == ["harburg", "suederelbe"]
    assert all(a.endswith(".example") for c in centres.centres for a in c.recipients)
    q = registry.load_questionnaire()
    assert q.version_on(registry.load_survey().start).version == 1
    assert q.version_on(pd.Timestamp("2021-01-11").date()).version == 2
    assert "Q06" in q.version(1).items and "Q06" not in q.version(2).items
    assert q.common_items() == ["Q01", "Q02", "Q03_SQ001", "Q03_SQ002", "Q03_SQ003", "Q04",
                                "Q05_SQ001", "Q05_SQ002", "Q05_SQ003", "Q05_SQ004", "C01"]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        ("centres.yaml", lambda d: d["centres"].append(dict(d["centres"][0])), "duplicate centre codes"),
        ("centres.yaml", lambda d: d["centres"][0].update(recipients=["not-an-address"]), "not an e-mail"),
        ("centres.yaml", lambda d: d["centres"][0].update(valid_to="2019-01-01"), "valid_to is before"),
        ("questionnaire.yaml", lambda d: d["versions"][0]["items"].append("Q99"), "unknown items"),
        ("survey.yaml", lambda d: d.update(start="2020-09-15"), "Monday"),
        ("questionnaire.yaml", lambda d: d["report_items"].update(headline="Q02"), "must be a scale item"),
        (
            "questionnaire.yaml",
            lambda d: d["report_items"].update(settled="Q99"),
            "must be a categorical item",
        ),
        ("reports.yaml", lambda d: d["max_comments"].update(weekly=0), "positive number"),
        (
            "reports.yaml",
            lambda d: d["max_comments"].pop("final"),
            "for each of weekly, monthly, midterm, final",
        ),
    ],
)
def test_invalid_reference_data_is_refused(tmp_path, file, edit, message):
    for name in ("centres.yaml", "questionnaire.yaml", "survey.yaml", "reports.yaml"):
        shutil.copy(registry.DEFAULT_CONFIG_DIR / name, tmp_path / name)
    data = yaml.safe_load((tmp_path / file).read_text(encoding="utf-8"))
    edit(data)
    (tmp_path / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loader = {"centres.yaml": registry.load_registry, "questionnaire.yaml": registry.load_questionnaire,
              "survey.yaml": registry.load_survey, "reports.yaml": registry.load_report_settings}[file]  # fmt: skip
    with pytest.raises(registry.RegistryError, match=message):
        loader(tmp_path)


def test_response_contract_items_agree_with_the_questionnaire():
    contract = contracts.load("responses")
    q = registry.questionnaire()
    for item in q.answer_items:
        prop = contract.by_name[item.code]
        expected = set(item.valid) | ({item.cannot_judge} if item.cannot_judge is not None else set())
        assert set(prop.valid_values) == expected, item.code
        assert set(prop.versions) == {v.version for v in q.versions if item.code in v.items}, item.code
    assert set(contract.by_name["questionnaire_version"].valid_values) == {v.version for v in q.versions}
    assert set(contract.by_name["language"].valid_values) == set(q.languages)


def test_raw_contracts_match_the_spec_headers():
    assert contracts.load("tablet_raw").columns == [
        "feedback_id", "session_id", "device_id", "centre_code", "local_time", "questionnaire_version",
        "language", "question_code", "answer", "free_text", "misuse",
    ]  # fmt: skip
    assert web_header()[:11] == ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
                                 "datestamp", "ipaddr", "refurl", "KZ", "QV"]  # fmt: skip
    assert "Q03[SQ001]" in web_header() and web_header()[-1] == "C01"
    personal = set(contracts.load("web_raw").personal_columns())
    assert {"ipaddr", "refurl", "C01"} <= personal


def test_warehouse_table_is_built_from_the_contract():
    contract = contracts.load("responses")
    assert [c.name for c in schema.responses.columns] == contract.columns
    assert [c.name for c in schema.responses.primary_key] == ["response_key"]
    required = {p.name for p in contract.properties if p.required}
    assert {c.name for c in schema.responses.columns if not c.nullable} == required


def test_the_suite_the_pipeline_runs_covers_every_contract_rule_and_nothing_else():
    contract = contracts.load("responses")
    suite_rules = [e.meta["rule"] for e in validation.suite_for(contract).expectations]
    contract_rules = [r.name for r in contract.rules() if r.kind != "datetime"]
    assert sorted(suite_rules) == sorted(contract_rules + ["responses_columns"])
    # Every rule written in the YAML reaches the suite: count them in the raw file.
    raw = contract.raw["schema"][0]
    yaml_rules = sum(len(p.get("quality") or []) for p in raw["properties"]) + len(raw.get("quality") or [])
    kinds = [r for r in contract.rules() if r.kind in ("valid_values", "duplicates")]
    assert len(kinds) == yaml_rules


def _good_row(**over):
    row = {c: None for c in contracts.load("responses").columns}
    row.update(response_key="0" * 32, channel="web", centre="altona", response_date=pd.Timestamp("2020-09-15").date(),
               daypart="vormittags", questionnaire_version=1, language="de", Q01=1, Q06=2,
               comment_status="none", source_file="web/x.csv")  # fmt: skip
    row.update(over)
    return row


@pytest.mark.parametrize(
    ("over", "rule"),
    [
        ({"Q01": 7}, "Q01_valid_values"),
        ({"Q07": 1}, "Q07_only_in_versions"),
        ({"language": "fr"}, "language_valid_values"),
        ({"response_key": "abc"}, "response_key_pattern"),
        ({"centre": "nowhere"}, "centre_valid_values"),
    ],
)
def test_validation_names_the_broken_rule(over, rule):
    frame = pd.DataFrame([_good_row(), _good_row(**({"response_key": "1" * 32} | over))])
    for col in [i.code for i in registry.questionnaire().answer_items] + ["questionnaire_version"]:
        frame[col] = frame[col].astype("Int16")
    centres = {"centre_valid_values": [c.code for c in registry.registry().centres]}
    outcome = validation.validate(contracts.load("responses"), frame, centres)
    assert not outcome.success
    assert [r.rule for r in outcome.failed] == [rule]
    assert outcome.failed[0].unexpected_count == 1


def test_valid_rows_pass():
    frame = pd.DataFrame([_good_row(), _good_row(response_key="1" * 32)])
    for col in [i.code for i in registry.questionnaire().answer_items] + ["questionnaire_version"]:
        frame[col] = frame[col].astype("Int16")
    assert validation.validate(contracts.load("responses"), frame).success


WORKER_RUN = """
import pickle, sys
import pandas as pd
from pipelines.ingest import validation
from tests.test_contracts import _typed_frame, _good_row
from pipelines.core import contracts, registry
frames = [_typed_frame([_good_row(), _good_row(response_key="1" * 32, Q01=7, centre="nowhere")]),
          _typed_frame([_good_row(), _good_row(response_key="1" * 32)])]
centres = {"centre_valid_values": [c.code for c in registry.registry().centres]}
validation.start_worker()
out = [validation.validate(contracts.load("responses"), f, centres) for f in frames]
imported_here = "great_expectations" in sys.modules
validation._WORKER["process"].kill()  # a dead worker: the same outcome, validated here
out.append(validation.validate(contracts.load("responses"), frames[0], centres))
sys.stdout.buffer.write(pickle.dumps((out, imported_here)))
"""


def _typed_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in [i.code for i in registry.questionnaire().answer_items] + ["questionnaire_version"]:
        frame[col] = frame[col].astype("Int16")
    return frame


def test_the_validation_worker_gives_what_validating_here_gives():
    import pickle
    import subprocess
    import sys

    # A fresh process: GX is not imported there yet, so the worker validates.
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-c", WORKER_RUN], cwd=root, capture_output=True, check=True, timeout=300
    )
    (broken, fine, fallback), imported_here = pickle.loads(run.stdout)
    assert not imported_here  # GX was imported in the worker only
    frame = _typed_frame([_good_row(), _good_row(response_key="1" * 32, Q01=7, centre="nowhere")])
    centres = {"centre_valid_values": [c.code for c in registry.registry().centres]}
    here = validation.validate(contracts.load("responses"), frame, centres)
    assert broken == here == fallback and not here.success
    assert sorted(r.rule for r in broken.failed) == ["Q01_valid_values", "centre_valid_values"]
    assert fine.success and fine.rows == 2


def _contracts_copy(tmp_path, monkeypatch, name: str, edit) -> None:
    """A contracts folder whose `name` contract is edited, in force for the test."""
    folder = tmp_path / "contracts"
    shutil.copytree(contracts.CONTRACTS_DIR, folder)
    path = folder / f"{name}.odcs.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SURVEY_CONTRACTS_DIR", str(folder))


def test_the_file_format_is_read_from_the_contract(tmp_path, monkeypatch):
    from pipelines.ingest.parsing import parse_tablet
    from tests.builders import completion, tablet_text

    assert contracts.raw("tablet").file_format.encodings == ("utf-8-sig", "cp1252")
    assert contracts.raw("web").file_format == contracts.FileFormat(",", '"', True, ("utf-8-sig",))
    text = tablet_text(completion(1))
    assert parse_tablet(text, "t.csv").rows and not parse_tablet(text.replace(";", "|"), "t.csv").rows

    def pipe(data):
        fmt = next(p for p in data["customProperties"] if p["property"] == "format")
        fmt["value"]["delimiter"] = "|"

    _contracts_copy(tmp_path, monkeypatch, "tablet_raw", pipe)
    assert len(parse_tablet(text.replace(";", "|"), "t.csv").rows) == len(completion(1))


def test_a_reason_quotes_only_unclassified_columns(tmp_path, monkeypatch):
    from pipelines.ingest.parsing import parse_tablet
    from tests.builders import completion, tablet_text

    def reasons(rows) -> list[str]:
        return [r.reason for r in parse_tablet(tablet_text(rows), "t.csv").rejects]

    bad_time = [dict(r, local_time="2020-09-15T10:12") for r in completion(1)]
    bad_language = [dict(r, language="xx") for r in completion(2)]
    assert all("(Wert nicht angezeigt)" in r and "10:12" not in r for r in reasons(bad_time))
    assert all("'xx'" in r for r in reasons(bad_language))
    assert not contracts.raw("web").quotable("ipaddr") and contracts.raw("web").quotable("KZ")

    # The classification decides, not the code: declassify local_time and its value is quoted.
    def declassify(data):
        prop = next(p for p in data["schema"][0]["properties"] if p["name"] == "local_time")
        del prop["classification"]

    _contracts_copy(tmp_path, monkeypatch, "tablet_raw", declassify)
    assert all("'2020-09-15T10:12'" in r for r in reasons(bad_time))
