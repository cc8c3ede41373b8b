"""Project rules that a reviewer would otherwise have to remember (Zulip-style lint tests)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "villages", "cadres", "ledgers", "supervision", "reports", "work"]
# views.py and *_views.py modules, the modules of a views/ package, and every API module
# (viewsets and the serializers' related fields).
VIEW_FILES = [
    p
    for app in APPS
    for pattern in ("**/*views.py", "**/views/*.py", "**/api/*.py")
    for p in (ROOT / app).glob(pattern)
    if "tests" not in p.parts and p.name != "__init__.py"
]


def unscoped_manager_calls(path: Path):
    """`Model.objects...` in a view, outside `base_queryset()` / a `queryset =` attribute,
    that never reaches `visible_to` or `editable_by`."""
    tree = ast.parse(path.read_text())
    allowed_ranges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "base_queryset":
            allowed_ranges.append((node.lineno, node.end_lineno))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "queryset" for t in node.targets
        ):
            allowed_ranges.append((node.lineno, node.end_lineno))
        # A related field that scopes its own queryset (ScopedPrimaryKeyRelatedField, ...),
        # where it is defined or used.
        if isinstance(node, ast.ClassDef) and node.name.startswith("Scoped"):
            allowed_ranges.append((node.lineno, node.end_lineno))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("Scoped")
        ):
            allowed_ranges.append((node.lineno, node.end_lineno))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            if any(a <= node.lineno <= b for a, b in allowed_ranges):
                continue
            line = path.read_text().splitlines()[node.lineno - 1]
            if "visible_to" in line or "editable_by" in line:
                continue
            yield node.lineno, line.strip()


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_reach_rows_only_through_the_scoped_querysets(path):
    assert list(unscoped_manager_calls(path)) == []


def test_the_rule_catches_an_unscoped_lookup_and_allows_scoped_ones(tmp_path):
    views = tmp_path / "views.py"
    views.write_text(
        "class V:\n"
        "    queryset = Village.objects.all()\n"
        "    def base_queryset(self):\n"
        "        return Village.objects.with_township()\n"
        "    def get(self, request):\n"
        "        Village.objects.visible_to(request.user)\n"
        "        return Village.objects.get(code='1')\n"
    )
    assert [n for n, _ in unscoped_manager_calls(views)] == [7]


def test_every_domain_model_is_audited():
    from django.apps import apps
    from pghistory.models import Event

    tracked = {
        m.pgh_tracked_model
        for m in apps.get_models()
        if issubclass(m, Event) and getattr(m, "pgh_tracked_model", None)
    }
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if issubclass(model, Event) or model._meta.proxy:
                continue
            assert model in tracked, f"{model._meta.label} has no change log"


# ---------------------------------------------------------------------------- import graph

GRAPH_PACKAGES = [
    "core",
    "villages",
    "cadres",
    "ledgers",
    "supervision",
    "reports",
    "work",
    "config",
]
DOMAIN_APPS = {"villages", "cadres", "ledgers", "supervision", "reports", "work"}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = ROOT, packages=GRAPH_PACKAGES) -> dict[str, set[str]]:
    """Module → the project modules it imports, anywhere in its body (imports inside functions
    run too, just later). Importing a package is an edge to its __init__ only, so a package that
    re-exports its submodules does not make every submodule import its parent."""
    paths = {module_name(p, root): p for pkg in packages for p in (root / pkg).rglob("*.py")}

    def existing(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        is_package = path.name == "__init__.py"
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")
                    base = base[: len(base) - node.level + (1 if is_package else 0)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                # `from pkg import sub` imports the submodule; `from mod import name` the module.
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in paths else source
                    for alias in node.names
                ]
            else:
                continue
            edges.update(t for t in map(existing, targets) if t and t != name)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(cycles)


def test_no_module_imports_itself_back():
    assert import_cycles(import_graph()) == []


def imports_of_apps_by_core(graph: dict[str, set[str]], apps=DOMAIN_APPS) -> set[tuple[str, str]]:
    return {
        (module, target)
        for module, targets in graph.items()
        if module.split(".")[0] == "core"
        for target in targets
        if target.split(".")[0] in apps
    }


def test_core_imports_no_app():
    assert imports_of_apps_by_core(import_graph()) == set()


def test_the_graph_sees_cycles_through_late_and_relative_imports(tmp_path):
    def write(path: str, text: str) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)

    write("app/__init__.py", "")
    # A package re-exporting its submodules is no cycle with a submodule importing a sibling.
    write("app/selectors/__init__.py", "from .books import *\n")
    write("app/selectors/books.py", "from ..models import Voucher\nfrom . import shared\n")
    write("app/selectors/shared.py", "")
    write("app/models.py", "import os\n")
    write("app/services.py", "def post():\n    from .selectors.books import x\n")
    write("core/__init__.py", "")
    write("core/fields.py", "from app import services\n")
    graph = import_graph(tmp_path, ["app", "core"])
    assert graph["app.selectors"] == {"app.selectors.books"}
    assert graph["app.selectors.books"] == {"app.models", "app.selectors.shared"}
    assert graph["app.services"] == {"app.selectors.books"}  # inside a function too
    assert imports_of_apps_by_core(graph, apps={"app"}) == {("core.fields", "app.services")}
    assert import_cycles(graph) == []

    # The import inside a function closes a cycle.
    write("app/models.py", "def f():\n    from app.services import post\n")
    write("app/services.py", "from .selectors import books\n")
    assert import_cycles(import_graph(tmp_path, ["app", "core"])) == [
        ["app.models", "app.selectors.books", "app.services"]
    ]


# ---------------------------------------------------------------------------- shared fields

MODEL_FILES = [
    p
    for app in APPS
    for pattern in ("models.py", "models/*.py")
    for p in (ROOT / app).glob(pattern)
]


def hand_written_area_codes(path: Path):
    """`area_code = <anything but area_code_field(...)>` in a class body."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "area_code" for t in stmt.targets)
                and not (
                    isinstance(stmt.value, ast.Call)
                    and isinstance(stmt.value.func, ast.Name)
                    and stmt.value.func.id == "area_code_field"
                )
            ):
                yield f"{node.name}.area_code, line {stmt.lineno}"


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_models_declare_the_area_code_with_the_core_field(path):
    assert list(hand_written_area_codes(path)) == []


def test_the_rule_catches_a_hand_written_area_code(tmp_path):
    models = tmp_path / "models.py"
    models.write_text(
        "class A:\n"
        "    area_code = area_code_field()\n"
        "class B:\n"
        "    area_code = models.CharField(max_length=12)\n"
    )
    assert list(hand_written_area_codes(models)) == ["B.area_code, line 4"]
