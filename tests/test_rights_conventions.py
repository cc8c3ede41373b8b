"""The rights have one home (core/rights.py) and one question (`Scope.allows`): lint tests that keep
string rights, private permission helpers and bypassed base classes from coming back."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["villages", "cadres", "ledgers", "supervision", "reports", "work"]
MODULES = [
    p
    for app in APPS
    for p in (ROOT / app).rglob("*.py")
    if "tests" not in p.parts and "migrations" not in p.parts
]
#: what a Scope answers; anything else (old attributes such as `editable_prefixes`) is a second rule
SCOPE_API = {"allows", "areas", "anywhere", "counties", "ancestors", "everything", "is_empty"}
SCOPE_API |= {"assigned_villages"}
RETIRED_NAMES = {"require_edit", "need", "need_books", "manager_only"}


def rights_violations(path: Path):
    source = path.read_text()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        # Only core/api.py decides who writes through the API.
        if isinstance(node, ast.FunctionDef) and node.name == "check_object_permissions":
            yield node.lineno, "check_object_permissions overridden"
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign | ast.AnnAssign):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    names = {t.id for t in targets if isinstance(t, ast.Name)}
                    if names & RETIRED_NAMES:
                        yield item.lineno, f"class attribute {sorted(names)} (declare a Right)"
                    if (
                        names & {"required_right", "post_right", "right"}
                        and isinstance(item.value, ast.Constant)
                        and isinstance(item.value.value, str)
                    ):
                        yield item.lineno, "a right given as a string"
        if isinstance(node, ast.FunctionDef) and re.fullmatch(r"may_\w+", node.name):
            if node.name not in {"may_take", "may_step", "may_do", "may_view"}:
                yield node.lineno, f"{node.name}: ask scope_for(user).allows(Right.X, code)"
    for n, line in enumerate(source.splitlines(), 1):
        for attr in re.findall(r"scope(?:_for\([^)]*\))?\.(\w+)", line):
            if attr not in SCOPE_API:
                yield n, f"Scope.{attr} is not part of the rule"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_permission_check_asks_the_one_rule(path):
    assert sorted(rights_violations(path)) == []


def test_the_lint_catches_the_old_ways(tmp_path):
    views = tmp_path / "views.py"
    views.write_text(
        "class V:\n"
        '    right = "organize"\n'
        '    required_right = "edit"\n'
        "    def check_object_permissions(self, request, obj):\n"
        "        return scope_for(request.user).may_edit(obj.area_code)\n"
        "def may_answer(user, code):\n"
        "    return scope.editable_prefixes\n"
    )
    assert sorted(n for n, _ in rights_violations(views)) == [2, 3, 4, 5, 6, 7]
