"""Finding names: the gazetteer (`gazetteer`), what tells a name from a word (`words`),
the names found with the lists after titles, intros and sign-offs (`lists`), and the
context rules (`context`: the table of rules run over a `scan.NameScan`; the rules in
`cues`, `joins`, `forms`, `sentences` and `languages`).
"""
