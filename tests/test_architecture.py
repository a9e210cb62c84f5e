"""Imports go one way (docs/architecture.md): the contracts of `[tool.importlinter]` in
pyproject.toml hold for the whole package."""

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert status == 0, capsys.readouterr().out[-4000:]


def _imports_in_functions(tree: ast.AST):
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield node


def _explained(lines: list[str], imports: set[int], number: int) -> bool:
    """A comment on the import's line, or on the line above it (or above the run of imports
    it belongs to, blank lines included)."""
    line = number
    while True:
        if "#" in lines[line - 1]:
            return True
        above = line - 1
        if above < 1:
            return False
        if lines[above - 1].strip().startswith("#"):
            return True
        if above in imports or not lines[above - 1].strip():
            line = above
            continue
        return False


def test_imports_inside_functions_say_why():
    """An import inside a function hides a dependency from the contracts: it stays only with a
    comment saying why (Django's app loading, the command line setting Django up first, a
    cycle inside one app, as between a module and the task that runs it), otherwise it goes to
    the module's top."""
    unexplained = []
    for path in sorted((ROOT / "src" / "semaine").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        # every line of every import statement of the module, to walk up a run of imports
        imports = {n for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                   for n in range(node.lineno, node.end_lineno + 1)}
        for node in _imports_in_functions(tree):
            if not _explained(lines, imports, node.lineno):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                unexplained.append(f"{where}: {lines[node.lineno - 1].strip()}")
    assert not unexplained, "imports inside functions without a comment:\n" + "\n".join(unexplained)
