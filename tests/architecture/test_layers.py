"""The layers hold: the core (`governance`) imports no app, and no two apps import each other, directly
or through a third. Read from the source (ast), so a lazy import inside a function counts too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["streets", "communities", "grids", "service_stations", "assessments", "accounts", "admissions", "meetings"]
# What composes every app lives apart and says so (issue: "a core that knows no app").
WIRING = {"settings.py", "test_settings.py", "urls.py", "api_urls.py", "celery.py", "wsgi.py", "asgi.py"}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def core_modules() -> list[Path]:
    base = ROOT / "governance"
    return [
        p for p in base.rglob("*.py")
        if "district" not in p.relative_to(base).parts and "migrations" not in p.parts
        and not (p.parent == base and p.name in WIRING)
    ]


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_no_app(path):
    assert imported_top_levels(path) & set(APPS) == set()


def app_graph() -> dict[str, set[str]]:
    graph = {}
    for app in APPS:
        found = set()
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= imported_top_levels(path)
        graph[app] = (found & set(APPS)) - {app}
    return graph


def test_no_import_cycle_between_apps():
    graph = app_graph()

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph[start])

    cycles = sorted(app for app in APPS if reaches(app, app))
    assert cycles == [], f"apps in an import cycle: {cycles}; graph: {graph}"
