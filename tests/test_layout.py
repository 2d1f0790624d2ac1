"""The code stays laid out the way the README says: privacy/ one sub-package per feature, in
modules and functions a reader can hold in their head, knowing members only through the
registry, and with no import hidden inside a function to get round a cycle."""

import ast
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractUser

ROOT = Path(settings.BASE_DIR)
MODULE_LINES = 300
FUNCTION_LINES = 40
# Django's place for connecting signals once the apps are loaded.
IMPORTS_ALLOWED_IN = {"ready"}


def python_files(*folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text())


def functions(tree):
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_privacy_modules_and_functions_stay_small():
    too_long = []
    for path, tree in python_files("privacy"):
        if (lines := len(path.read_text().splitlines())) > MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
        for function in functions(tree):
            if (lines := function.end_lineno - function.lineno + 1) > FUNCTION_LINES:
                too_long.append(f"{path.relative_to(ROOT)}:{function.lineno} {function.name}")
    assert too_long == [], f"Split by idea (at most {MODULE_LINES}/{FUNCTION_LINES} lines)"


def test_no_import_inside_a_function():
    hidden = [
        f"{path.relative_to(ROOT)}:{node.lineno} in {function.name}"
        for path, tree in python_files("privacy", "forums", "community")
        for function in functions(tree)
        if function.name not in IMPORTS_ALLOWED_IN
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert hidden == [], "Import at the top of the module; queue tasks by name (enqueue)"


def user_model_fields() -> set[str]:
    """The fields forums' User model adds to Django's (display_name, company...)."""
    tree = ast.parse((ROOT / "forums" / "models.py").read_text())
    user = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "User")
    return {
        target.id
        for statement in user.body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name) and target.id.islower()
    } - {field.name for field in AbstractUser._meta.get_fields()}


def test_privacy_knows_members_only_through_the_registry():
    """No import of forums, no include of its templates, no field of its User model by name."""
    fields = user_model_fields()
    assert "display_name" in fields
    found = []
    sources = [*(ROOT / "privacy").rglob("*.py"), *(ROOT / "templates" / "privacy").rglob("*")]
    for path in sources:
        if path.is_dir() or "migrations" in path.parts:
            continue
        text = path.read_text()
        named = [name for name in fields if f".{name}" in text]
        if "forums" in text or named:
            found.append(f"{path.relative_to(ROOT)}: {named or 'forums'}")
    assert found == []
