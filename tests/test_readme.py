"""The README's map of the package is the tree: every module named, none invented."""

import re

from support import REPO


def _map_block() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout of the repository", 1)[1]
    return section.split("```", 2)[1]


def _mapped_modules() -> set[str]:
    """Indented names under compiler/: a folder line (``pdf/``) opens a package."""
    found, package = set(), None
    lines = _map_block().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("compiler/"))
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        name = line.split()[0]
        depth = (len(line) - len(line.lstrip())) // 2
        if depth == 1 and name.endswith("/"):
            package = name.rstrip("/")
            found.add(package)
        elif depth == 1:
            package = None
            found.add(name)
        elif depth == 2 and package:
            found.add(f"{package}/{name}")
    return found


def test_the_module_map_is_the_tree():
    tree = {str(p.relative_to(REPO / "compiler")) for p in (REPO / "compiler").rglob("*.py")
            if p.name not in ("__init__.py", "__main__.py") and "_data" not in p.parts}
    packages = {p.name for p in (REPO / "compiler").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    mapped = _mapped_modules()
    listed_packages = {m for m in mapped if "/" not in m and not m.endswith(".py")}
    assert listed_packages == packages
    # Every top-level module and every module of a package whose modules are listed.
    detailed = {m.split("/")[0] for m in mapped if "/" in m}
    expected = {m for m in tree if "/" not in m or m.split("/")[0] in detailed}
    assert {m for m in mapped if m.endswith(".py")} == expected


def test_the_shelf_lists_its_own_modules():
    """The map sends readers to compiler/shelf/__init__.py for the shelf's modules."""
    docstring = (REPO / "compiler" / "shelf" / "__init__.py").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s+(\w+\.py)\s", docstring, re.MULTILINE))
    modules = {p.name for p in (REPO / "compiler" / "shelf").glob("*.py")
               if p.name != "__init__.py"}
    assert listed == modules
