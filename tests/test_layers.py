"""The layers import one way: ui -> agent -> tools -> screenplay; ui reaches nothing past the agent's facade."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each package may not import, at module level or inside a function.
FORBIDDEN = {
    "ui": ("tools", "finetune"),
    "tools": ("agent", "ui", "finetune", "cli"),
    "screenplay": ("agent", "tools", "ui", "finetune", "cli"),
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_or_beside_it(package):
    bad = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in sorted(imported(path))
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert bad == []
