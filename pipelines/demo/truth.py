"""The ground truth: what was generated, what was broken on purpose, what a correct pipeline counts.

Written next to (never inside) the landing folder: responses.csv is streamed
while the year is generated; breakage.csv, pii.txt and summary.json at the end.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from pipelines.core.periods import week_key
from pipelines.core.registry import Questionnaire, Survey
from pipelines.demo.breakage import NOT_COUNTED

BREAKAGE_COLUMNS = ("kind", "file", "row", "channel", "ref", "item", "effect")


class Truth:
    def __init__(self, folder: Path, survey: Survey, questionnaire: Questionnaire, centres: list[str]):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.survey, self.questionnaire, self.centres = folder, survey, questionnaire, centres
        self.items = [i.code for i in questionnaire.answer_items]
        self._handle = (folder / "responses.csv").open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(
            [
                "channel",
                "ref",
                "centre",
                "date",
                "version",
                "language",
                *self.items,
                "has_comment",
                "comment_has_pii",
            ]
        )
        self.generated: Counter[str] = Counter()
        self.counted: dict[str, Counter] = {k: Counter() for k in ("channel", "centre", "month", "week")}
        self.counted_total = 0
        self.counted_midterm = 0
        self.misuse = 0
        self.unfinished: Counter[str] = Counter()
        self.web_version_before_submit_day = 0  # started on the old version, submitted on the new one
        self.breakage_rows: list[tuple] = []
        self.pii_strings: set[str] = set()

    # ---------------------------------------------------------------- questionnaires

    def _response(
        self, channel, ref, centre, day, version, language, answers, comment, has_pii, counted
    ) -> None:
        cells = [answers.get(code, "") for code in self.items]
        row = [
            channel,
            ref,
            centre,
            day.isoformat(),
            version,
            language,
            *cells,
            int(bool(comment)),
            int(has_pii),
        ]
        self._writer.writerow(row)
        self.generated[channel] += 1
        if counted:
            self.counted_total += 1
            self.counted["channel"][channel] += 1
            self.counted["centre"][centre] += 1
            self.counted["month"][day.strftime("%Y-%m")] += 1
            self.counted["week"][week_key(day)] += 1
            self.counted_midterm += day <= self.survey.midterm_end

    def tablet(self, session) -> None:
        if session.misuse:
            self.misuse += 1
            return
        counted = not any(effect == NOT_COUNTED for *_, effect in session.breakage)
        answers = dict(session.answers)
        self._response(
            "tablet",
            session.session_id,
            session.centre,
            session.start.date(),
            session.version,
            session.language,
            answers,
            session.comment,
            session.has_pii,
            counted,
        )

    def web(self, response) -> None:
        self.pii(*response.pii)
        if not response.finished:
            self.unfinished[response.centre] += 1
            return
        day = response.submitted.date()
        self.web_version_before_submit_day += response.version != self.questionnaire.version_on(day).version
        self._response(
            "web",
            str(response.id),
            response.centre,
            day,
            response.version,
            response.language,
            response.answers,
            response.comment,
            response.has_pii,
            response.breakage is None,
        )

    # ---------------------------------------------------------------- breakage and personal data

    def breakage(
        self, kind: str, file: str, row: int | None, channel: str, ref: str, item: str, effect: str
    ) -> None:
        self.breakage_rows.append((kind, file, "" if row is None else row, channel, ref, item, effect))

    def pii(self, *strings: str) -> None:
        self.pii_strings.update(strings)

    def breakage_summary(self) -> dict:
        """Per kind: instances (questionnaires or whole files) and affected data rows."""
        out: dict[str, dict] = {}
        for kind, file, row, channel, ref, *_ in self.breakage_rows:
            entry = out.setdefault(f"{channel}.{kind}", {"instances": set(), "rows": 0})
            entry["instances"].add(ref or file)
            entry["rows"] += row != ""
        return {k: {"instances": len(v["instances"]), "rows": v["rows"]} for k, v in sorted(out.items())}

    # ---------------------------------------------------------------- the end

    def finish(self, summary: dict) -> dict:
        self._handle.close()
        with (self.folder / "breakage.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(BREAKAGE_COLUMNS)
            writer.writerows(sorted(self.breakage_rows, key=lambda r: (r[3], r[0], r[1], r[2] or 0)))
        (self.folder / "pii.txt").write_text(
            "".join(f"{s}\n" for s in sorted(self.pii_strings)), encoding="utf-8"
        )
        not_counted = {(r[3], r[4]) for r in self.breakage_rows if r[6] == NOT_COUNTED}
        summary["counted"] = {
            "total": self.counted_total,
            "midterm": self.counted_midterm,
            "midterm_end": self.survey.midterm_end.isoformat(),
            "by_channel": {c: self.counted["channel"][c] for c in ("tablet", "web")},
            "by_centre": {c: self.counted["centre"][c] for c in self.centres},
            "by_month": dict(sorted(self.counted["month"].items())),
            "by_week": dict(sorted(self.counted["week"].items())),
        }
        summary["generated"] = {"total": sum(self.generated.values()), **dict(sorted(self.generated.items()))}
        summary["not_counted_by_breakage"] = len(not_counted)
        summary["misuse_completions"] = self.misuse
        summary["unfinished_web"] = {
            "total": sum(self.unfinished.values()),
            "by_centre": {c: self.unfinished[c] for c in self.centres},
        }
        summary["web_version_before_submit_day"] = self.web_version_before_submit_day
        summary["breakage"] = self.breakage_summary()
        (self.folder / "summary.json").write_text(
            json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return summary
