"""The pipeline's shape, made executable: imports flow one way and the core does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sbuv_site"

# A module may import only modules listed before it (Zola's crate DAG).
LAYERS = [
    "errors", "slugs", "dates", "yamltext", "config", "municipalities", "static", "images", "sitefiles",
    "defaultfiles", "load", "validate", "sanitize", "markup", "imagefiles", "urls", "hosting", "pagination",
    "statement", "related", "model", "siteedit",
    "mapgeometry",
    "visitmap", "sharing", "feeds", "layoutfiles", "render", "parallel", "outputguard", "write", "search",
    "cache", "sitewriter", "progress", "buildkeys", "sources", "textedits", "build", "addresses", "check",
    "overlay", "previewhttp", "watch", "serve", "importer", "newsite", "cli", "__main__",
]
PURE = {"validate", "model", "statement", "render", "visitmap", "mapgeometry", "markup", "pagination", "urls",
        "images", "sanitize", "related", "sharing", "hosting", "feeds", "overlay",
        "siteedit"}
# Attribute names that only file access uses (str.replace and Token.copy are not in it: the
# os/shutil import check below catches their file-system namesakes).
IO_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "mkdir", "unlink", "rmtree",
            "makedirs", "walk", "listdir", "scandir", "copytree", "glob", "rglob", "iterdir"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sbuv_site."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "sbuv_site":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("sbuv_site."))
    return found


def sources() -> list[tuple[str, ast.AST]]:
    return [(module_name(p), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(PACKAGE.rglob("*.py")) if p.name != "__init__.py" or p.parent != PACKAGE]


def test_every_module_has_a_place_in_the_layers() -> None:
    assert {name for name, _ in sources()} <= set(LAYERS)


def test_modules_import_only_modules_above_them() -> None:
    wrong = []
    for name, tree in sources():
        for target in imported_modules(tree) - {name, "__init__"}:
            if target in LAYERS and LAYERS.index(target) >= LAYERS.index(name):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_validate_and_model_do_not_touch_jinja() -> None:
    for name, tree in sources():
        if name in ("validate", "model"):
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
                     for a in n.names} | {n.module for n in ast.walk(tree)
                                          if isinstance(n, ast.ImportFrom) and n.module}
            assert not any(str(n).startswith("jinja2") for n in names), name


def test_the_pure_core_does_no_file_io() -> None:
    calls = []
    for name, tree in sources():
        if name not in PURE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in IO_CALLS:
                    calls.append(f"{name}:{node.lineno} calls {called}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                calls += [f"{name}:{node.lineno} imports {m}" for m in mods if m in ("os", "shutil")]
    assert calls == []
