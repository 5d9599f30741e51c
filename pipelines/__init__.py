"""Survey pipeline: a Dagster code location (`pipelines.definitions:defs`).

The definitions are loaded lazily so that the pure modules (parsing, redaction, the demo
generator) can be imported without starting Dagster, while
`dagster job execute -m pipelines` still finds them (as `code_location`: the name `defs`
is the package of the Dagster wiring).
"""


def __getattr__(name: str):
    if name == "code_location":
        from pipelines.definitions import defs

        return defs
    raise AttributeError(name)


def __dir__():
    return ["code_location"]
