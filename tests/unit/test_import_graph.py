"""Edges the crawl machinery must not grow back (issue #15).

Spiders read the archive through the crawl run (``newsarchive.run``), not through the
pipelines; the middlewares know no spider. Both are read from the source with ``ast``, so an
import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "newsarchive"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, by its absolute dotted name."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def importers_of(files: list[Path], prefix: str) -> dict[str, list[str]]:
    """The files among ``files`` that import ``prefix`` or a module under it."""
    return {
        path.relative_to(PACKAGE.parent).as_posix(): sorted(
            name
            for name in imported_modules(path)
            if name == prefix or name.startswith(prefix + ".")
        )
        for path in files
        if any(name == prefix or name.startswith(prefix + ".") for name in imported_modules(path))
    }


def test_imported_modules_lists_modules_and_names() -> None:
    folder = PACKAGE / "spiders"
    found = imported_modules(folder / "base.py")
    assert "newsarchive.run" in found
    assert "newsarchive.run.ArchiveRun" in found
    assert "scrapy" in found


def test_no_spider_imports_the_pipelines() -> None:
    spiders = sorted((PACKAGE / "spiders").glob("*.py"))
    names = [path.name for path in spiders]
    assert names == ["__init__.py", "base.py", "generic.py", "news.py", "warc.py"]
    assert importers_of(spiders, "newsarchive.pipelines") == {}


def test_the_middlewares_import_no_spider() -> None:
    middlewares = PACKAGE / "middlewares.py"
    assert "newsarchive.pipelines.dedup" in imported_modules(middlewares)
    assert importers_of([middlewares], "newsarchive.spiders") == {}
