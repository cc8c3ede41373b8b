"""Project rules that a reviewer would otherwise have to remember (Zulip-style lint tests)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "villages", "cadres", "ledgers", "supervision", "reports"]
# views.py modules, the modules of a views/ package, and every API module (viewsets and the
# serializers' related fields).
VIEW_FILES = [
    p
    for app in APPS
    for pattern in ("**/views.py", "**/views/*.py", "**/api/*.py")
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
