"""The shape of the code base, read from its source (docs/architecture.md says why):

- apps are layered accounts <- books <- questions <- search <- jobs: an app imports only apps
  to its left, lazy imports inside functions included;
- the domain core (autoauthor/core) knows no app, no HTTP layer and no DRF; services, selectors
  and models import neither `autoauthor.api` nor DRF;
- modules stay under 300 lines and functions under 60.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("accounts", "books", "questions", "search", "jobs")
PROJECT_PACKAGES = (*LAYERS, "autoauthor")
HTTP_MODULES = ("autoauthor.api", "rest_framework", "rest_framework_nested", "drf_spectacular")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def _sources(*packages: str) -> list[Path]:
    return sorted(
        path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in `path`, at any depth (lazy imports too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def _is_service_layer(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return (
        parts[0] in LAYERS
        and (
            parts[1] in {"services", "selectors"}
            or path.stem in {"services", "selectors", "models", "rules"}
        )
    ) or parts[:2] == ("autoauthor", "core")


def test_apps_import_only_the_apps_below_them():
    upward = []
    for position, app in enumerate(LAYERS):
        above = LAYERS[position + 1 :]
        for path in _sources(app):
            upward.extend(
                f"{_name(path)}:{line} imports {module}"
                for line, module in _imports(path)
                if any(_is_under(module, other) for other in above)
            )
    assert upward == []


def test_the_core_imports_no_app_and_no_http_layer():
    wrong = [
        f"{_name(path)}:{line} imports {module}"
        for path in _sources("autoauthor/core")
        for line, module in _imports(path)
        if any(_is_under(module, package) for package in (*LAYERS, *HTTP_MODULES))
    ]
    assert wrong == []


def test_services_selectors_and_models_know_nothing_of_http():
    wrong = [
        f"{_name(path)}:{line} imports {module}"
        for path in _sources(*PROJECT_PACKAGES)
        if _is_service_layer(path)
        for line, module in _imports(path)
        if any(_is_under(module, package) for package in HTTP_MODULES)
    ]
    assert wrong == []


@pytest.mark.parametrize("package", [*PROJECT_PACKAGES, "bench"])
def test_modules_and_functions_stay_small(package):
    too_big = []
    for path in _sources(package):
        source = path.read_text()
        if source.count("\n") >= MAX_MODULE_LINES:
            too_big.append(f"{_name(path)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length >= MAX_FUNCTION_LINES:
                    too_big.append(f"{_name(path)}:{node.lineno} {node.name}() {length} lines")
    assert too_big == []
