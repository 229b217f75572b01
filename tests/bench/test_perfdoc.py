"""Benchmarks share docs/performance.md: each replaces only its own section."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _perfdoc():
    spec = importlib.util.spec_from_file_location("perfdoc", ROOT / "bench" / "perfdoc.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_replace_section_keeps_the_others_byte_for_byte() -> None:
    perfdoc = _perfdoc()
    heading = "## CUR grouping (bench/bench_cur.py)"
    new = heading + "\n\nnew numbers\n"
    document = "# Performance\n\nintro\n\n## Core\n\ncore numbers\n\n" + heading + "\n\nold\n\n## Carbon\n\nc\n"
    updated = perfdoc.replace_section(document, heading, new)
    assert updated == "# Performance\n\nintro\n\n## Core\n\ncore numbers\n\n" + new + "\n## Carbon\n\nc\n"
    assert perfdoc.replace_section("# Performance\n", heading, new) == "# Performance\n\n" + new
    assert perfdoc.replace_section(updated, heading, new) == updated


def test_write_section_adds_the_header_and_keeps_existing_sections(tmp_path: Path) -> None:
    perfdoc = _perfdoc()
    doc = tmp_path / "performance.md"
    doc.write_text("# Old title\n\n## A\n\na\n")
    perfdoc.write_section("## B", "## B\n\nb\n", doc)
    assert doc.read_text() == perfdoc.HEADER + "\n## A\n\na\n\n## B\n\nb\n"
    perfdoc.write_section("## A", "## A\n\nA2\n", doc)
    assert doc.read_text() == perfdoc.HEADER + "\n## A\n\nA2\n\n## B\n\nb\n"


def test_the_committed_performance_doc_has_the_shared_header() -> None:
    assert (ROOT / "docs" / "performance.md").read_text().startswith(_perfdoc().HEADER)
