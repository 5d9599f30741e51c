"""Writes the platform's exports while the year is generated, day by day.

Only the responses that can still appear in a daily export are held in memory
(a week and a bit); the full exports are open files that grow as ids are handed
out, so ten times the volume needs no more memory than one.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

from pipelines.demo.breakage import NONE, NOT_COUNTED
from pipelines.demo.truth import Truth
from pipelines.demo.web import IPADDR, WINDOW, ExportDays, Layout, Response, export_name, render

BOM = "\ufeff"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


class _FullExport:
    def __init__(self, landing: Path, name: str, header: list[str]):
        self.name = name
        self.handle = (landing / name).open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        self.writer.writerow(header)
        self.rows = 0


class WebExports:
    def __init__(self, landing: Path, survey_id: str, layout: Layout, days: ExportDays, truth: Truth):
        self.landing, self.survey_id, self.layout, self.days, self.truth = (
            landing,
            survey_id,
            layout,
            days,
            truth,
        )
        (landing / "web").mkdir(parents=True, exist_ok=True)
        self.pending: list[Response] = []  # no id yet: started after the last midnight passed
        self.window: list[Response] = []  # with an id, in id order, may still appear in a daily export
        self.next_id = 1
        self.full = {
            day: _FullExport(landing, export_name(survey_id, day, full=True), layout.header)
            for day in days.full
        }
        self.stats: Counter[str] = Counter()
        self.superseded_rows = 0
        self.seen_unfinished: set[int] = set()  # ids exported unfinished that are finished later

    def add(self, responses: list[Response]) -> None:
        self.pending.extend(responses)

    def end_of_day(self, day: dt.date) -> None:
        """After midnight: hand out ids to the responses started that day, then run the exports."""
        cutoff = _midnight(day + dt.timedelta(days=1))
        ready = sorted(
            (r for r in self.pending if r.startdate < cutoff), key=lambda r: (r.startdate, r.order)
        )
        self.pending = [r for r in self.pending if r.startdate >= cutoff]
        for response in ready:
            response.id = self.next_id
            self.next_id += 1
            self.truth.web(response)
        self.window.extend(ready)
        for export_day, full in list(self.full.items()):
            moment = _midnight(export_day)
            for response in ready:
                state = response.state_before(moment)
                if state is not None:
                    full.rows += 1
                    self._note(full.name, full.rows, response, state)
                    full.writer.writerow([str(response.id), *response.rows[state]])
            if export_day <= day + dt.timedelta(days=1):  # nobody started before it is left to come
                full.handle.close()
                del self.full[export_day]
        export_day = day + dt.timedelta(days=1)
        if self.days.first <= export_day <= self.days.last and export_day != self.days.missing:
            self._daily(export_day)
        start_of_next = cutoff + dt.timedelta(days=1) - WINDOW
        self.window = [r for r in self.window if r.datestamps[-1] >= start_of_next]

    def _note(self, name: str, row: int, response: Response, state: int) -> None:
        if response.breakage:
            kind, item = response.breakage
            self.truth.breakage(kind, name, row, "web", str(response.id), item, NOT_COUNTED)
        if state < len(response.rows) - 1:
            self.superseded_rows += 1
            self.seen_unfinished.add(response.id)

    def _daily(self, export_day: dt.date) -> None:
        moment = _midnight(export_day)
        name = export_name(self.survey_id, export_day)
        chosen = []
        for response in self.window:
            state = response.state_before(moment)
            if state is not None and response.datestamps[state] >= moment - WINDOW:
                chosen.append((response, state))
        self.stats["daily"] += 1
        path = self.landing / name
        if export_day == self.days.empty:
            path.write_bytes(b"")
            self.truth.breakage("empty_file", name, None, "web", "", "", NONE)
            self.stats["empty"] += 1
            return
        rows = [[str(r.id), *r.rows[k]] for r, k in chosen]
        for number, (response, state) in enumerate(chosen, start=1):
            self._note(name, number, response, state)
        data = (BOM + render(self.layout.header, rows)).encode("utf-8")
        if export_day == self.days.truncated and rows:
            # The upload broke off inside the last row's IP address.
            last = rows[-1]
            before = len((BOM + render(self.layout.header, rows[:-1])).encode("utf-8"))
            ip = last[IPADDR + 1]
            data = data[: before + sum(len(v) + 3 for v in last[: IPADDR + 1]) + 1 + len(ip) // 2]
            self.truth.breakage("truncated_file", name, len(rows), "web", last[0], "", NONE)
            self.stats["truncated"] += 1
        path.write_bytes(data)

    def close(self) -> None:
        for full in self.full.values():
            full.handle.close()
        self.full.clear()
