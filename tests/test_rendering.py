"""Rendering a figures document: PDF (content and accessibility), CSV, JSON twin, mail text and
report paths. The PDF is checked on its text (pypdf) and its structure tree, as readers get it."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from pipelines.core import registry
from pipelines.reports import context, formatting, json_twin, outputs, page, pdf, spreadsheet, templates
from tests.sample_docs import sample_doc, scale_item

ROOT = Path(__file__).resolve().parents[1]
WITHHELD = "Q05_SQ004"
WITHHELD_LABEL = "Räumlichkeiten: Barrierefreiheit"
# Values planted in a withheld item: no output meant for people may show them.
SENTINEL_COUNTS = {"1": 71, "2": 73, "3": 79, "4": 83, "5": 89}
SENTINEL_TOP2 = 0.4242  # "42,4 %" / "42,42"
SENTINEL_MEAN = 3.77  # "3,77"


def pdf_lines(data: bytes | Path) -> list[str]:
    """The PDF's text as laid out, line by line (pypdf's layout mode keeps table columns apart)."""
    reader = pypdf.PdfReader(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [
        line for page in reader.pages for line in page.extract_text(extraction_mode="layout").splitlines()
    ]


def flat(data: bytes | Path) -> str:
    """The PDF's text with all white space (line breaks too) as single spaces; words the
    layout hyphenated at a line end are joined again."""
    return " ".join(re.sub(r"(\w)-\n\s*(\w)", r"\1\2", "\n".join(pdf_lines(data))).split())


def cells(line: str) -> list[str]:
    """A table line's cells: the text between runs of two or more spaces."""
    return [c for c in re.split(r"\s{2,}", line.strip()) if c]


def rows_for(data: bytes | Path, label: str, lines: int = 1) -> list[list[list[str]]]:
    """Each table row whose first cell is `label`: its first `lines` lines, as cells."""
    text = pdf_lines(data)
    found = [
        [cells(line) for line in text[i : i + lines]]
        for i, line in enumerate(text)
        if cells(line)[:1] == [label]
    ]
    assert found, f"no table row for {label!r}"
    return found


def bold_texts(data: bytes) -> list[str]:
    """The texts set in a bold font, each as one piece."""
    out = []

    def visit(text, cm, tm, font, size):
        if font is not None and "Bold" in str(font.get("/BaseFont")) and text.strip():
            out.append(text.strip())

    for p in pypdf.PdfReader(io.BytesIO(data)).pages:
        p.extract_text(visitor_text=visit)
    return out


def render(doc: dict) -> bytes:
    return pdf.pdf_bytes(doc)


def struct_elements(data: bytes) -> list[pypdf.generic.DictionaryObject]:
    """Every element of the PDF's structure tree (its tags), in reading order."""
    out = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                out.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"])
    return out


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def planted_doc(**kwargs) -> dict:
    """The sample doc with sentinel figures left in its withheld item."""
    doc = sample_doc(**kwargs)
    doc["items"][WITHHELD].update(
        counts=dict(SENTINEL_COUNTS), top2=SENTINEL_TOP2, mean=SENTINEL_MEAN, top2_ci=[0.3131, 0.5353]
    )
    return doc


@pytest.fixture(scope="module")
def weekly_pdf(tmp_path_factory) -> tuple[dict, Path]:
    doc = planted_doc()
    path = tmp_path_factory.mktemp("pdf") / "altona-2020-W38.pdf"
    pdf.render_pdf(doc, path)
    return doc, path


# --------------------------------------------------------------------------- formatting


def test_german_number_and_date_formats():
    assert formatting.fmt_percent(0.9091) == "90,9 %"
    assert formatting.fmt_percent(0.00049) == "0,0 %"
    assert formatting.fmt_percent(0.12345, 2) == "12,35 %"  # half up, not to even
    assert formatting.fmt_percent(None) == "–"
    assert formatting.fmt_decimal(1.6) == "1,60"
    assert formatting.fmt_decimal(1234.5, 1) == "1.234,5"
    assert formatting.fmt_int(52496) == "52.496"
    assert formatting.fmt_points(0.0691) == "+6,9 Pp."
    assert formatting.fmt_points(-0.165) == "−16,5 Pp."
    assert formatting.fmt_date("2020-09-14") == "14.09.2020"
    assert formatting.fmt_weekday_date("2020-09-20") == "Sonntag, 20.09.2020"
    assert formatting.fmt_datetime("2020-09-21T04:15:00+00:00") == "21.09.2020, 06:15 Uhr"
    assert formatting.week_long("2020-W38") == "Kalenderwoche 38/2020"
    assert formatting.period_name("2020-W38") == "KW 38/2020"
    assert formatting.period_name("2021-03") == "März 2021"
    assert formatting.period_name("midterm") == "Zwischenbilanz"


def test_template_filters_are_registered():
    env = templates.environment()
    text = env.from_string(
        "{{ 0.9091|percent }} {{ 1.6|decimal }} {{ 52496|thousands }} {{ '2020-09-14'|date }} "
        "{{ '2020-W38'|kw }}"
    ).render()
    assert text == "90,9 % 1,60 52.496 14.09.2020 Kalenderwoche 38/2020"
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render()


@pytest.mark.parametrize(
    ("cadence", "title"),
    [
        ("weekly", "Kundenbefragung – Wochenbericht KW 38/2020, Kundenzentrum Altona"),
        ("monthly", "Kundenbefragung – Monatsbericht Oktober 2020, Kundenzentrum Altona"),
        ("midterm", "Kundenbefragung – Zwischenbilanz, Kundenzentrum Altona"),
        ("final", "Kundenbefragung – Abschlussbericht, Kundenzentrum Altona"),
    ],
)
def test_every_cadence_renders_with_its_title(cadence, title):
    data = render(sample_doc(cadence))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == title
    text = flat(data)
    assert text.startswith(title)  # the first heading
    assert text.count(title) == len(reader.pages)  # ... and the running header of pages 2, 3, ...
    assert "So lesen Sie die Zahlen" in text


def test_spec_keys_alone_are_enough():
    doc = {k: v for k, v in sample_doc().items() if k in json_twin.SPEC_KEYS}
    text = flat(render(doc))
    assert text.startswith(
        "Kundenbefragung – Wochenbericht KW 38/2020, Kundenzentrum Altona"
    )  # registry name
    assert "Kommentare werden in diesem Bericht nicht gezeigt." in text
    assert "Vergleichsgruppen" not in text and "Entwicklung seit Beginn" not in text
    assert "Erstellt am " in text and "Datenstand" not in text
    assert "Gezählte Fragebögen: 57" in templates.render_email_text(doc)


# --------------------------------------------------------------------------- the PDF


def test_pdf_is_valid_and_shows_centre_period_and_headline(weekly_pdf):
    _, path = weekly_pdf
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) >= 1
    text = pdf_text(path)
    assert "Kundenzentrum Altona" in text
    assert "KW 38" in text
    assert "14.09.2020" in text
    assert "90,9 %" in text
    assert "80,4 % bis 96,1 %" in text  # the headline's interval
    assert re.search(r"Seite 1 von \d", text)
    assert "Erstellt am 21.09.2020, 06:15 Uhr" in text
    assert reader.metadata.title == "Kundenbefragung – Wochenbericht KW 38/2020, Kundenzentrum Altona"
    assert reader.trailer["/Root"]["/Lang"] == "de"


def test_pdf_is_pdf_ua_with_tagged_headings_tables_and_figures(weekly_pdf):
    _, path = weekly_pdf
    data = path.read_bytes()
    reader = pypdf.PdfReader(path)
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp  # PDF/UA-1
    assert "<rdf:li>de</rdf:li>" in xmp
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/ViewerPreferences"]["/DisplayDocTitle"]
    tags = [str(e["/S"]) for e in struct_elements(data)]
    assert tags.count("/H1") == 1 and tags.index("/H1") < tags.index("/H2")
    assert tags.count("/H2") >= 8 and "/H3" in tags  # sections; "Das Wichtigste in Kürze"
    assert tags.count("/Table") >= 5 and tags.count("/TH") >= 20  # table headers marked
    assert all(e.get("/Alt") for e in struct_elements(data) if e["/S"] == "/Figure")


def test_pdf_uses_only_the_vendored_fonts(weekly_pdf):
    _, path = weekly_pdf
    fonts = set()
    for p in pypdf.PdfReader(path).pages:
        for font in p["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and fonts <= {
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSans-BoldOblique",
    }
    assert {p.name for p in pdf.FONTS_DIR.iterdir()} >= {"DejaVuSans.ttf", "LICENSE"}


def test_the_same_document_gives_the_same_pdf():
    assert render(sample_doc()) == render(sample_doc())  # creation time from meta.generated_at


def figure_alts(path: Path) -> list[str]:
    """The alternative texts of the PDF's tagged figures, in reading order."""
    return [str(e.get("/Alt") or "") for e in struct_elements(path.read_bytes()) if e["/S"] == "/Figure"]


def test_pdf_is_compact_and_its_charts_have_text_alternatives(weekly_pdf):
    _, path = weekly_pdf
    assert len(pypdf.PdfReader(path).pages) <= 4  # a weekly report: 3 to 4 pages
    alts = figure_alts(path)
    assert len(alts) == 3  # headline interval, distribution, trend
    assert alts[0].startswith("Anteil zufrieden 90,9 %, 95-%-Vertrauensbereich 80,4 % bis 96,1 %")
    assert alts[1].startswith("Verteilung der Antworten je Frage")
    assert f"{WITHHELD_LABEL}: unterdrückt – weniger als 5 Antworten" in alts[1]
    assert "Zufriedenheit mit dem Besuch insgesamt: Anteil zufrieden (Top-2)" in alts[2]


def test_pdf_withholds_suppressed_item(weekly_pdf):
    doc, path = weekly_pdf
    text = pdf_text(path)
    assert "unterdrückt – weniger als 5 Antworten" in " ".join(text.split())
    for planted in ("42,4", "3,77", "31,3", "53,5"):
        assert planted not in text


def test_pdf_withholds_suppressed_item_everywhere(weekly_pdf):
    _, path = weekly_pdf
    # its label wraps in the tables ("Räumlichkeiten:" / "Barrierefreiheit"), not in the chart
    rows = [line for line in pdf_lines(path) if re.match(r"\s*Räumlichkeiten:\s+unterdrückt", line)]
    rows += [line for line in pdf_lines(path) if line.strip().startswith(WITHHELD_LABEL)]
    assert len(rows) == 3  # chart, figures table, comparisons table
    for row in rows:
        assert "unterdrückt" in row and "%" not in row
        assert not {str(v) for v in SENTINEL_COUNTS.values()} & set(cells(row))
    # figures table: "unterdrückt" over the counts, n and "cannot judge" stay, the reason
    assert ["Räumlichkeiten:", "unterdrückt", "3", "14", "weniger als 5 Antworten"] in [
        cells(r) for r in rows
    ]
    text = flat(path)
    for planted in ("42,4", "3,77", "31,3", "53,5", " 71 ", " 89 "):
        assert planted not in text
    assert (
        "1 Frage wird nicht ausgewiesen (Räumlichkeiten: Barrierefreiheit: unterdrückt – weniger als 5"
        in text
    )


def test_withheld_categorical_item_and_headline():
    doc = sample_doc(suppressed=("Q01", "Q02"))
    doc["items"]["Q02"]["counts"] = {"1": 41, "2": 11, "3": 5}
    text = flat(render(doc))
    assert "Die Gesamtzufriedenheit wird in dieser Woche nicht ausgewiesen" in text
    assert "unterdrückt – zum Schutz anderer Werte" in text
    categorical = text[text.index("Weitere Fragen") :]
    settled = categorical[: categorical.index("Art des Anliegens")]
    assert "Anliegen erledigt?" in settled and "unterdrückt – zum Schutz anderer Werte" in settled
    assert " 41 " not in settled and "%" not in settled


def test_small_numbers_note():
    doc = sample_doc(suppressed=())
    assert "Hinweis zu kleinen Zahlen" not in flat(render(sample_doc("monthly", suppressed=())))
    doc["responses"] = {"total": 12, "tablet": 7, "web": 5}
    text = flat(render(doc))
    assert "Hinweis zu kleinen Zahlen" in text
    assert "In dieser Woche wurden 12 Fragebögen gezählt" in text


# Typst markup and code in every form a comment or a name might carry: printed as it is.
MARKUP = '#set page(fill: red) *fett* _kursiv_ $x^2$ <marke> @ref ] [ \\ `code` = Titel #panic("x")'


def test_comments_and_names_are_printed_literally_never_run_as_typst():
    doc = sample_doc()
    doc["comments"].append({"text": MARKUP + " [NAME]", "language": "de"})
    doc["centre_name"] = "Kundenzentrum #strong[Altona] $1$"
    data = render(doc)  # a #panic(..) that ran would have failed the compilation
    text = flat(data)
    assert MARKUP + " [NAME]" in text
    assert "Kundenzentrum #strong[Altona] $1$" in text
    assert pypdf.PdfReader(io.BytesIO(data)).metadata.title.endswith("Kundenzentrum #strong[Altona] $1$")


def test_placeholders_are_marked():
    parts = page.placeholder_parts("Frau [NAME] rief [TELEFON] an, [sic] und [A]")
    assert [p["text"] for p in parts if p["mark"]] == ["[NAME]", "[TELEFON]", "[A]"]
    assert "".join(p["text"] for p in parts) == "Frau [NAME] rief [TELEFON] an, [sic] und [A]"
    listed = page.page_data(sample_doc())["comments"]["list"]
    assert [p for p in listed[0]["parts"] if p["mark"]] == [{"text": "[NAME]", "mark": True}]
    text = flat(render(sample_doc()))
    assert "Sehr freundliche Beratung, [NAME] hat mir alles gut erklärt." in text
    assert "Call me at [TELEFON] if needed." in text


def test_a_long_run_without_spaces_may_break_in_a_comment():
    doc = sample_doc()
    doc["comments"] = [
        {"text": "Siehe https://example.org/" + "abcdefghij" * 12 + " bitte", "language": "de"}
    ]
    (part,) = page.page_data(doc)["comments"]["list"][0]["parts"]
    assert part["text"].count("\u200b") >= 5  # break opportunities, invisible
    assert part["text"].replace("\u200b", "") == doc["comments"][0]["text"]
    assert "abcdefghij" * 2 in flat(render(doc)).replace("\u200b", "")


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("weniger als 10 Antworten", "nicht gezeigt: weniger als 10 Antworten."),
        ("Kommentare werden erst ab 10 Antworten im Zeitraum gezeigt.",
         "nicht gezeigt. Kommentare werden erst ab 10 Antworten im Zeitraum gezeigt."),
    ],
)  # fmt: skip
def test_comments_absent_show_the_note(note, shown):
    doc = sample_doc(comments=False)
    doc["comments_note"] = note
    text = flat(render(doc))
    # the sentence ends the section (the next text is the reading notes or the page's footer)
    assert re.search(
        re.escape(f"Kommentare werden in diesem Bericht {shown}") + " (So lesen|Datenstand)", text
    )
    assert "im Wortlaut" not in text
    assert "Sehr freundliche Beratung" not in text


def test_comments_note_beside_comments():
    doc = sample_doc()
    doc["comments_note"] = "Gezeigt werden die 60 neuesten von 75 Kommentaren."
    text = flat(render(doc))
    assert "Gezeigt werden die 60 neuesten von 75 Kommentaren." in text
    assert "6 Kommentare im Wortlaut" in text
    for i, comment in enumerate(doc["comments"], 1):
        assert f"{i}. {' '.join(comment['text'].split())}" in text


def test_comments_in_other_languages_are_tagged_with_their_language():
    data = render(sample_doc())
    langs = [str(e["/Lang"]) for e in struct_elements(data) if "/Lang" in e]
    assert langs.count("en") == 1 and langs.count("tr") == 1
    assert "(Englisch)" in flat(data) and "(Türkisch)" in flat(data)


def test_comparisons_mark_only_significant_differences():
    data = render(sample_doc(week="2020-W47"))
    values, verdicts, deltas = rows_for(data, "Wartezeit vor Ort", lines=3)[-1]
    assert values == ["Wartezeit vor Ort", "54,5 %", "38,0 %", "47,0 %", "71,0 %", "69,0 %"]
    # previous week significant, running average not (the difference still shown), district significant
    assert verdicts == ["▲ höher", "nicht signifikant", "▼ niedriger", "▼ niedriger"]
    assert deltas == ["+16,6 Pp.", "+7,6 Pp.", "−16,5 Pp.", "−14,5 Pp."]
    values, verdicts, deltas = rows_for(data, "Personal: Fachkompetenz", lines=3)[-1]
    assert values[2:] == ["85,0 %"] * 4
    assert verdicts == ["nicht signifikant"] * 4
    assert "▲ Wartezeit vor Ort: signifikant besser als in der Vorwoche (KW 46/2020), +16,6 Pp." in flat(data)


def test_no_difference_is_claimed_where_nothing_could_be_tested():
    doc = sample_doc(week="2020-W47")
    for block in doc["comparisons"].values():
        for cell in block["items"].values():
            cell.update(p=None, p_adjusted=None, significant=False, direction=None)
    texts = [s["text"] for s in context.build_context(doc)["statements"]]
    assert not any("Keine signifikanten Unterschiede" in t for t in texts)
    assert any("ließen sich nicht prüfen" in t for t in texts)
    _, verdicts, deltas = rows_for(render(doc), "Personal: Fachkompetenz", lines=3)[-1]
    assert verdicts == ["kein Test möglich"] * 4 and deltas == ["+5,7 Pp."] * 4


def test_trend_breaks_the_line_where_withheld():
    doc = sample_doc(week="2020-W47")
    assert [t["items"]["Q01"]["top2"] for t in doc["trend"]][3] is None
    chart = context.build_context(doc)["trend"]
    assert len(chart["lines"]) == 2
    assert chart["gaps"] == 1
    assert "KW 41/2020: nicht ausgewiesen" in chart["desc"]
    assert page.page_data(doc)["trend"]["svg"].count("<polyline") == 2  # the chart the PDF shows
    assert "Lücken (×): in 1 Zeitraum nicht ausgewiesen (1 mit weniger als 5 Antworten)" in flat(render(doc))


def test_chart_texts_are_escaped():
    doc = sample_doc("final", centre="hamburg")
    doc["centres_overview"][0]["name"] = 'Kundenzentrum <b>"Mitte"</b> & Co #x'
    data = page.page_data(doc)
    svg = data["overview"]["chart"]["svg"]
    assert "<b>" not in svg and "Kundenzentrum &lt;b&gt;&#34;Mitte&#34;&lt;/b&gt; &amp; Co #x" in svg
    assert 'Kundenzentrum <b>"Mitte"</b> & Co #x' in data["overview"]["chart"]["alt"]
    pdf_data = render(doc)
    assert 'Kundenzentrum <b>"Mitte"</b> & Co #x' in flat(pdf_data)  # row label and table, as written
    assert any(
        'Kundenzentrum <b>"Mitte"</b> & Co #x: 84,1 %' in str(e.get("/Alt"))
        for e in struct_elements(pdf_data)
    )


def test_city_report_shows_centres_overview(tmp_path):
    doc = sample_doc("final", centre="hamburg")
    path = tmp_path / "final.pdf"
    pdf.render_pdf(doc, path)
    text = flat(path)
    assert "Kundenzentren im Überblick" in text and "Abschlussbericht" in text
    assert rows_for(path, "Kundenzentrum Süderelbe")[-1] == [["Kundenzentrum Süderelbe", "452", "85,6 %"]]
    assert rows_for(path, "Kundenzentrum Finkenwerder")[-1] == [
        ["Kundenzentrum Finkenwerder", "341", "unterdrückt"]
    ]
    assert "Kundenzentrum Finkenwerder unterdrückt" in text  # the chart's row
    alt = next(a for a in figure_alts(path) if a.startswith("Gesamtzufriedenheit (Top-2) je Kundenzentrum"))
    assert "Kundenzentrum Finkenwerder: unterdrückt" in alt and "Kundenzentrum Süderelbe: 85,6 %" in alt


def test_printed_shares_and_means_are_rounded_once_from_the_counts():
    doc = sample_doc(week="2020-W47")
    # 5x1, 1x2, 3x3, 1x4, 1x5: top two 6/11 = 54.545 % -> 54,5 % (via the twin's 0.5455: 54,6 %)
    doc["items"]["Q04"] = scale_item((5, 1, 3, 1, 1), 0)
    # 6x1, 10x2: mean 26/16 = 1.625 -> 1,63 (the float rounds to 1.62)
    doc["items"]["Q05_SQ001"] = scale_item((6, 10, 0, 0, 0), 0)
    data = render(doc)
    waiting = next(r[0] for r in rows_for(data, "Wartezeit vor Ort") if len(r[0]) == 11)  # figures table
    assert waiting == [
        "Wartezeit vor Ort",
        "5",
        "1",
        "3",
        "1",
        "1",
        "11",
        "0",
        "2,27",
        "54,5 %",
        "28,0–78,7 %",
    ]
    orientation = next(r[0] for r in rows_for(data, "Räumlichkeiten: Orientierung") if len(r[0]) > 5)
    assert "1,63" in orientation and "100,0 %" in orientation


def test_a_comment_without_a_language_label_shows_none():
    doc = sample_doc(week="2020-W47")
    doc["comments"] = [{"text": "Çok hızlıydı, teşekkürler", "language": None}]
    data = render(doc)
    assert re.search("1. Çok hızlıydı, teşekkürler (So lesen|Datenstand)", flat(data))
    assert not [e for e in struct_elements(data) if "/Lang" in e]


def test_withheld_values_are_explained_by_their_real_reason():
    doc = sample_doc(week="2020-W47")
    doc["trend"][1]["items"]["Q01"] = {"n": 40, "top2": None, "suppression": "complementary"}
    doc["trend"][3]["items"]["Q01"] = {"n": 3, "top2": None, "suppression": "primary"}
    doc["trend"][5]["items"]["Q01"] = {"n": 0, "top2": None}
    chart = context.build_context(doc)["trend"]
    assert chart["gaps"] == 3
    assert (
        chart["gap_reasons"] == "1 zum Schutz anderer Werte, 1 mit weniger als 5 Antworten, 1 keine Antworten"
    )
    text = flat(render(doc))
    assert "in 3 Zeiträumen nicht ausgewiesen (1 zum Schutz anderer Werte" in text
    assert "zu wenige Antworten)" not in text


# --------------------------------------------------------------------------- mail text


def test_email_names_why_items_are_withheld():
    doc = sample_doc(suppressed=("Q05_SQ004",))
    doc["items"]["Q05_SQ002"] = dict(doc["items"]["Q05_SQ002"], suppressed=True, suppression="complementary")
    text = templates.render_email_text(doc)
    assert "Nicht ausgewiesene Fragen: 2 (" in text
    assert "zum Schutz anderer Werte" in text and "1 mit weniger als 5 Antworten" in text


def test_email_text_summarises_without_comments():
    doc = sample_doc(suppressed=("Q05_SQ004", "Q05_SQ002"))
    doc["centre_name"] = "Kundenzentrum A & B"
    text = templates.render_email_text(doc)
    assert text.startswith("Kundenbefragung – Wochenbericht KW 38/2020, Kundenzentrum A & B\n")
    assert "Montag, 14.09.2020 bis Sonntag, 20.09.2020" in text
    assert "Gezählte Fragebögen: 57 (31 am Tablet, 26 online)" in text
    assert "90,9 % zufrieden oder sehr zufrieden" in text
    assert "Nicht ausgewiesene Fragen: 2" in text
    for comment in doc["comments"]:
        assert comment["text"][:20] not in text
    assert "&amp;" not in text and "<" not in text


# --------------------------------------------------------------------------- CSV


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))


def test_csv_for_spreadsheets(tmp_path):
    doc = planted_doc()
    path = tmp_path / "r.csv"
    spreadsheet.write_csv(doc, path)
    rows = read_csv(path)
    header, body = rows[0], rows[1:]
    assert header[:6] == [
        "Bereich",
        "Zeitraum",
        "Frage-Code",
        "Frage",
        "n gültig",
        "kann ich nicht beurteilen",
    ]
    assert {
        "Mittelwert",
        "Anteil zufrieden (Top-2) in %",
        "KI unten in %",
        "KI oben in %",
        "unterdrückt",
    } <= set(header)
    assert [r[2] for r in body] == list(doc["items"])  # one row per item, questionnaire order
    q01 = dict(zip(header, body[0], strict=True))
    assert q01["Bereich"] == "Kundenzentrum Altona"
    assert q01["Zeitraum"] == "KW 38/2020 (14.09.2020–20.09.2020)"
    assert q01["Frage"] == "Zufriedenheit mit dem Besuch insgesamt"
    assert (q01["n gültig"], q01["Anzahl 1"], q01["Mittelwert"]) == ("55", "30", "1,60")
    assert (q01["Anteil zufrieden (Top-2) in %"], q01["KI unten in %"], q01["KI oben in %"]) == (
        "90,91",
        "80,42",
        "96,05",
    )
    assert q01["unterdrückt"] == "nein"
    withheld = dict(zip(header, next(r for r in body if r[2] == WITHHELD), strict=True))
    assert withheld["unterdrückt"] == "ja (weniger als 5 Antworten)"
    assert withheld["n gültig"] == "3"
    assert all(withheld[c] == "" for c in header if c.startswith(("Anzahl", "Anteil", "KI", "Mittelwert")))


@pytest.mark.parametrize("bad", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_neutralise_formula_cells(bad):
    assert spreadsheet.neutralise(bad) == "'" + bad
    assert spreadsheet.neutralise("Altona") == "Altona"
    assert spreadsheet.neutralise("90,91") == "90,91"


def test_csv_neutralises_formula_injection(tmp_path, monkeypatch):
    config = tmp_path / "config"
    shutil.copytree(Path(registry.DEFAULT_CONFIG_DIR), config)
    data = yaml.safe_load((config / "questionnaire.yaml").read_text(encoding="utf-8"))
    for raw in data["items"]:
        if raw["code"] == "Q04":
            raw["label"] = '=HYPERLINK("http://evil.example","klick")'
        if raw["code"] == "Q02":
            raw["label"] = "@SUM(1+1)"
    (config / "questionnaire.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SURVEY_CONFIG_DIR", str(config))
    doc = sample_doc()
    doc["centre_name"] = "+cmd|' /C calc'!A0"
    path = tmp_path / "r.csv"
    spreadsheet.write_csv(doc, path)
    rows = read_csv(path)
    labels = {r[2]: r[3] for r in rows[1:]}
    assert labels["Q04"] == '\'=HYPERLINK("http://evil.example","klick")'
    assert labels["Q02"] == "'@SUM(1+1)"
    assert {r[0] for r in rows[1:]} == {"'+cmd|' /C calc'!A0"}
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# --------------------------------------------------------------------------- JSON twin


def test_json_twin_round_trips(tmp_path):
    doc = sample_doc("midterm", centre="hamburg")
    path = tmp_path / "r.json"
    json_twin.write_json(doc, path)
    text = path.read_text(encoding="utf-8")
    twin = json.loads(text)
    expected = {k: v for k, v in doc.items() if k not in ("comments", "meta")}
    assert twin == expected
    assert set(json_twin.SPEC_KEYS) <= set(twin)
    assert "comments" not in twin and "meta" not in twin
    assert twin["items"]["Q01"] == doc["items"]["Q01"]
    assert "Kundenzentrum Süderelbe" in text  # not \u-escaped
    assert text == json.dumps(expected, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    json_twin.write_json(doc, path)
    assert path.read_text(encoding="utf-8") == text  # stable


def test_json_twin_needs_the_spec_keys(tmp_path):
    doc = sample_doc()
    del doc["responses"]
    with pytest.raises(ValueError, match="responses"):
        json_twin.write_json(doc, tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


# --------------------------------------------------------------------------- paths


def test_report_paths(tmp_path):
    root = tmp_path
    assert (
        outputs.report_path(root, "altona", "weekly", "2020-W38", "pdf")
        == root / "altona/weekly/2020-W38.pdf"
    )
    assert (
        outputs.report_path(root, "altona", "monthly", "2020-09", "csv")
        == root / "altona/monthly/2020-09.csv"
    )
    assert (
        outputs.report_path(root, "hamburg", "midterm", "midterm", "json")
        == root / "hamburg/midterm/midterm.json"
    )
    assert outputs.report_path(root, "hamburg", "final", "final", ".pdf") == root / "hamburg/final/final.pdf"
    for bad in [
        ("altona", "daily", "2020-W38", "pdf"),
        ("../etc", "weekly", "2020-W38", "pdf"),
        ("altona", "weekly", "2020-09", "pdf"),
        ("altona", "monthly", "2020-W38", "pdf"),
        ("altona", "weekly", "2020-W38", "exe"),
    ]:
        with pytest.raises(ValueError):
            outputs.report_path(root, *bad)


def test_write_report_puts_three_files_in_place(tmp_path):
    doc = sample_doc("monthly")
    paths = outputs.write_report(doc, tmp_path)
    assert paths == {ext: tmp_path / f"altona/monthly/2020-10.{ext}" for ext in ("pdf", "csv", "json")}
    assert all(p.stat().st_size > 0 for p in paths.values())
    assert pypdf.PdfReader(paths["pdf"]).pages
    assert sorted(p.name for p in (tmp_path / "altona/monthly").iterdir()) == [
        "2020-10.csv",
        "2020-10.json",
        "2020-10.pdf",
    ]


def test_texts_quote_the_configured_thresholds(tmp_path, monkeypatch):
    config = tmp_path / "config"
    shutil.copytree(Path(registry.DEFAULT_CONFIG_DIR), config)
    (config / "disclosure.yaml").write_text(
        "min_valid_answers: 7\nmin_responses_for_comments: 12\n", encoding="utf-8"
    )
    monkeypatch.setenv("SURVEY_CONFIG_DIR", str(config))
    text = flat(render(sample_doc(comments=False)))
    assert "unterdrückt – weniger als 7 Antworten" in text
    assert "Eine Frage mit weniger als 7 gültigen Antworten" in text
    assert "erst ab 12 Antworten im Zeitraum" in text
    assert "weniger als 5" not in text


def test_the_headline_item_comes_from_the_questionnaire(tmp_path, monkeypatch):
    doc = sample_doc()
    before = context.build_context(doc)
    assert before["headline"]["code"] == "Q01" and before["trend"] is not None
    config = tmp_path / "config"
    shutil.copytree(Path(registry.DEFAULT_CONFIG_DIR), config)
    data = yaml.safe_load((config / "questionnaire.yaml").read_text(encoding="utf-8"))
    data["report_items"]["headline"] = "Q04"
    (config / "questionnaire.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SURVEY_CONFIG_DIR", str(config))
    after = context.build_context(doc)
    assert after["headline"]["code"] == "Q04"
    label = registry.questionnaire().items["Q04"].label
    assert after["trend"]["title"].startswith(label) and not before["trend"]["title"].startswith(label)
    best_and_worst = [s["text"] for s in after["statements"] if s["text"].startswith("Am ")]
    assert best_and_worst and not any(label in text for text in best_and_worst)
    # ... and the items table marks its row as the headline (in bold)
    bold = bold_texts(render(doc))
    assert label in bold and registry.questionnaire().items["Q01"].label not in bold


def test_no_difference_names_only_the_comparisons_that_were_tested():
    doc = sample_doc(week="2020-W47")
    for name in ("previous", "running_average"):
        for cell in doc["comparisons"][name]["items"].values():
            cell.update(p=None, p_adjusted=None, significant=False, direction=None)
    for block in doc["comparisons"].values():
        for cell in block["items"].values():
            cell.update(significant=False, direction=None)
    texts = [s["text"] for s in context.build_context(doc)["statements"]]
    claim = next(t for t in texts if "Keine signifikanten Unterschiede" in t)
    assert "Bezirk" in claim and "Durchschnitt" not in claim and "Vorwoche" not in claim


def test_characters_the_fonts_lack_get_a_stand_in_instead_of_failing_the_report():
    # PDF/UA-1 forbids a missing glyph: Typst would refuse the whole report
    doc = sample_doc()
    doc["centre_name"] = "Kundenzentrum 東京"
    doc["comments"] = [
        {"text": "Schöne Grüße, [NAME] 🙂 und 👨\u200d👩\u200d👧 ❤️ – ▲ danke\x01", "language": "de"}
    ]
    text = flat(render(doc))
    assert "Kundenzentrum □" in text
    assert "Schöne Grüße, [NAME] □ und □ ❤ – ▲ danke□" in text.replace("\u200b", "")
    assert "🙂" not in text and "東京" not in text


def test_font_coverage_is_what_the_vendored_fonts_draw():
    pytest.importorskip("fontTools")  # a development dependency
    import importlib.util

    spec = importlib.util.spec_from_file_location("font_coverage", ROOT / "scripts" / "font_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "reports" / "fonts" / "coverage.txt").read_text() == module.text()


def test_a_long_run_with_placeholders_keeps_them_whole_and_marked():
    doc = sample_doc()
    doc["comments"] = [{"text": "Kontakt:[NAME],[TELEFON],[E-MAIL],[ANSCHRIFT]" + "x" * 45, "language": "de"}]
    parts = page.page_data(doc)["comments"]["list"][0]["parts"]
    assert [p["text"] for p in parts if p["mark"]] == ["[NAME]", "[TELEFON]", "[E-MAIL]", "[ANSCHRIFT]"]
    assert "".join(p["text"] for p in parts).replace("\u200b", "") == doc["comments"][0]["text"]
    assert "\u200b" in parts[-1]["text"]
