"""The package's shape: no import cycles inside pressarchive/ (imports inside functions count, those
under ``if TYPE_CHECKING:`` do not), and only the command line (cli/) and render.py import click or Rich."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pressarchive"
UI_MODULES = {"pressarchive.cli", "pressarchive.render"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports_of(path: Path) -> set[str]:
    """Every module imported anywhere in the file (TYPE_CHECKING blocks left out), absolute names."""
    found: set[str] = set()
    inside = PACKAGE in path.resolve().parents
    package = "" if not inside else module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            for child in getattr(node, "orelse", []):
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pressarchive import index`
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges[name] = {m for m in imports_of(path) if m in modules and m != name}
    return edges


def test_no_import_cycles_inside_the_package():
    edges = graph()
    # a package's __init__ importing its own submodules (to re-export them) is not a cycle of work
    edges = {m: {d for d in ds if not (m.startswith(d + ".") and edges.get(d) is not None)} for m, ds in edges.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(edges.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                walk(dep)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            walk(module)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_only_the_command_line_imports_click_or_rich():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        if name in UI_MODULES or name.startswith("pressarchive.cli."):
            continue
        ui = {m for m in imports_of(path) if m.split(".")[0] in ("click", "rich")}
        if ui:
            offenders.append(f"{name}: {sorted(ui)}")
    assert not offenders, offenders


def test_the_checker_sees_function_level_imports(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import rich\n"
                      "def f():\n    from pressarchive import index\n    import click\n", encoding="utf-8")
    found = imports_of(sample)
    assert "click" in found and "pressarchive.index" in found and "rich" not in found
