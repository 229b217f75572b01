"""Every Python example in the module docs is a real program: it must plan offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from lz.plan import plan_callable

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = sorted(p for p in (ROOT / "docs" / "modules").glob("*.md") if p.name != "reference.md")  # generated


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_every_module_has_a_documented_example() -> None:
    modules = {p.stem for p in (ROOT / "modules" / "aws").glob("*.py")} - {"__init__", "iam_docs", "cidr"}
    modules |= {p.stem for p in (ROOT / "modules" / "azure").glob("*.py")} - {"__init__"}
    documented = {p.stem.split("-", 1)[1].replace("-", "_") for p in DOCS}
    assert modules <= documented


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_module_doc_example_plans(doc: Path) -> None:
    blocks = python_blocks(doc)
    assert blocks, f"{doc.name} has no python example"
    for code in blocks:
        config = {"aws:region": "eu-west-2", "azure-native:location": "uksouth"}
        plan = plan_callable(lambda code=code: exec(compile(code, str(doc), "exec"), {"__name__": "__main__"}),
                             stack="docs", config=config)
        assert plan.managed(), f"{doc.name}: the example registered nothing"


def test_readme_manifest_example_is_valid(tmp_path: Path) -> None:
    from lz.manifest import load_manifest

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# yaml-language-server.*?)```", text, re.S)
    assert block
    data = yaml.safe_load(block.group(1))
    path = tmp_path / f"{data['service']}.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    manifest = load_manifest(path)
    assert manifest.service == "housing-repairs"
