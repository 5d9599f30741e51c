"""Survey pipeline: a Dagster code location (`pipelines.definitions:defs`).

`defs` is loaded lazily so that the pure modules (parsing, redaction, the demo
generator) can be imported without starting Dagster, while
`dagster job execute -m pipelines` still finds the definitions.
"""


def __getattr__(name: str):
    if name == "defs":
        from pipelines.definitions import defs

        return defs
    raise AttributeError(name)


def __dir__():
    return ["defs"]
