"""The code's shape: stages as packages, imports one way, Dagster only in the wiring, and
the period vocabulary defined once (`pipelines.core.periods`)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import pipelines
from pipelines.core import periods

ROOT = Path(pipelines.__file__).parent
# What each top-level package may import from the others (down the data flow).
MAY_IMPORT = {
    "core": set(),
    "warehouse": {"core"},
    "ingest": {"core", "warehouse"},
    "figures": {"core", "warehouse"},
    "reports": {"core", "figures"},
    "delivery": {"core", "warehouse"},
    "demo": {"core"},
}
WIRING = ("defs", "definitions", "main", "__init__")  # may import anything, and dagster


def _sources() -> dict[str, ast.Module]:
    return {
        str(p.relative_to(ROOT)): ast.parse(p.read_text(), filename=str(p))
        for p in sorted(ROOT.rglob("*.py"))
    }


def _imports(tree: ast.Module) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_every_module_imports():
    names = [
        m.name for m in pkgutil.walk_packages([str(ROOT)], "pipelines.") if not m.name.endswith("__main__")
    ]
    assert "pipelines.core.periods" in names and len(names) > 40
    for name in names:
        importlib.import_module(name)


def test_imports_run_down_the_data_flow_and_dagster_stays_in_the_wiring():
    wrong = []
    for path, tree in _sources().items():
        package = Path(path).parts[0].removesuffix(".py")
        if package in WIRING:
            continue
        others = {*MAY_IMPORT, *WIRING} - {package, *MAY_IMPORT[package]}
        for name in _imports(tree):
            top = name.split(".")
            if (
                top[0] == "dagster"
                or top[0].startswith("dagster_")
                or top[0] == "pipelines"
                and len(top) > 1
                and top[1] in others
            ):
                wrong.append(f"{path} imports {name}")
    assert wrong == []


def _is_vocabulary(value) -> bool:
    """A collection spelling out cadences or reviews, as a second definition would."""
    if type(value) not in (tuple, list, set, frozenset) or len(value) < 2:
        return False
    if not all(isinstance(v, str) for v in value):
        return False
    return set(value) in (set(periods.CADENCES), set(periods.REVIEWS))


def test_the_cadence_list_is_defined_once():
    seconds = []
    for info in pkgutil.walk_packages([str(ROOT)], "pipelines."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            if _is_vocabulary(value) and value is not periods.CADENCES and value is not periods.REVIEWS:
                seconds.append(f"{info.name}.{attr}")
    assert seconds == []
    # ... nor spelled out inline (a literal tuple of cadences in a condition)
    inline = [
        f"{path}:{node.lineno}"
        for path, tree in _sources().items()
        if path != "core/periods.py"
        for node in ast.walk(tree)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set))
        and all(isinstance(e, ast.Constant) for e in node.elts)
        and _is_vocabulary([e.value for e in node.elts])
    ]
    assert inline == []


# A period key's format: `-W` before a week number, or a regular expression of a key.
_KEY_FORMAT = re.compile(r"-W\{|-W\(|-W%|\\d\{4\}\)?-\(?\\d\{2\}\)?\$")


def _strings(tree: ast.Module):
    """(line, text) of every string literal; an f-string's fields read as `{`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_period_key_formats_are_defined_once():
    found = [
        f"{path}:{line}: {text[:40]}"
        for path, tree in _sources().items()
        if path != "core/periods.py"
        for line, text in _strings(tree)
        if _KEY_FORMAT.search(text)
    ]
    assert found == []


@pytest.mark.parametrize(
    "bad", ['f"{year}-W{week:02d}"', 'r"^(\\d{4})-W(\\d{2})$"', 'r"^(\\d{4})-(\\d{2})$"']
)
def test_the_key_format_scan_sees_a_second_definition(bad):
    assert any(_KEY_FORMAT.search(text) for _, text in _strings(ast.parse(f"KEY = {bad}")))


MAX_MODULE_LINES = 420  # "a few hundred lines": one job a reader takes in at one sitting
MAX_FUNCTION_LINES = 60


def _long_functions(tree: ast.Module, source: list[str]) -> list[tuple[int, str, int]]:
    """(line, name, body lines) of functions longer than the limit, docstring not counted,
    unless a comment in their first lines says why (`# (long, ...`)."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        if not body:
            continue
        length = body[-1].end_lineno - body[0].lineno + 1
        head = source[node.lineno - 1 : body[0].lineno + 2]
        if length > MAX_FUNCTION_LINES and not any("# (long" in line for line in head):
            out.append((node.lineno, node.name, length))
    return out


def test_modules_and_functions_are_small_enough_to_read():
    too_long, long_functions = [], []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "demo":
            continue
        text = path.read_text()
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{rel}: {text.count(chr(10))} lines")
        long_functions += [
            f"{rel}:{line} {name}: {n} lines"
            for line, name, n in _long_functions(ast.parse(text), text.splitlines())
        ]
    assert too_long == [] and long_functions == []


def test_the_length_check_sees_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    source = f"def f():\n{body}\n"
    assert [name for _, name, _ in _long_functions(ast.parse(source), source.splitlines())] == ["f"]
    excused = f"def f():\n    # (long, but a table)\n{body}\n"
    assert _long_functions(ast.parse(excused), excused.splitlines()) == []
