"""Stage 3: report files (PDF, CSV, JSON twin) from the report documents.

Pure logic, no Dagster. The input is the figures document of one report (see
`shared/spec/report-figures.md`): the spec keys plus optional extra sections
(comparisons, trend, comments, ...). Everything shown is taken from the document;
this package only formats, orders and draws it. Item labels come from the
questionnaire in `config/questionnaire.yaml`.

- `formatting`: German numbers, dates and period names
- `labels`, `withheld`: what items, areas and reports are called; why figures are withheld
- `rows`, `comparisons`, `statements`, `charts`: the parts of the view model
- `context`: the view model; `page`: its figures formatted, as data for `report.typ`
- `templates`: the Jinja2 mail text and SVG charts
- `pdf` (Typst), `spreadsheet`, `json_twin`: a report's three files as bytes
- `atomic_files`, `outputs`, `files`: writing them in place, one report or many in parallel
"""
