"""Finding names: the gazetteer (`gazetteer`), what tells a name from a word (`words`)
and the context rules (`context`)."""
