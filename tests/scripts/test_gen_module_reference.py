"""The module reference is generated from the args dataclasses and must not drift."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("gen_module_reference", ROOT / "scripts" / "gen_module_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_reference_is_up_to_date() -> None:
    assert _script().main(["--check"]) == 0


def test_every_args_field_is_documented_as_required_or_optional() -> None:
    text = (ROOT / "docs" / "modules" / "reference.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) > 40
    undocumented = [row for row in rows if not row.rstrip(" |").split("| ")[-1].startswith(("Required.", "Optional."))]
    assert undocumented == []


def test_components_and_their_type_tokens_are_listed() -> None:
    text = (ROOT / "docs" / "modules" / "reference.md").read_text(encoding="utf-8")
    for token in ("lz:aws:Bucket", "lz:aws:StaticSite", "lz:aws:Database", "lz:aws:SpokeVpc",
                  "lz:azure:ResourceGroup", "lz:azure:StorageAccount"):
        assert f"(`{token}`)" in text


def test_check_fails_on_drift(tmp_path: Path) -> None:
    script = _script()
    (tmp_path / "modules" / "aws").mkdir(parents=True)
    (tmp_path / "modules" / "aws" / "thing.py").write_text(
        "from dataclasses import dataclass\n\n@dataclass\nclass ThingArgs:\n"
        "    name: str\n    \"\"\"Required. A name.\"\"\"\n"
    )
    assert script.main(["--check", "--root", str(tmp_path)]) == 1
    assert script.main(["--root", str(tmp_path)]) == 0
    assert "| `name` | `str` |  | Required. A name. |" in (tmp_path / "docs" / "modules" / "reference.md").read_text()
    assert script.main(["--check", "--root", str(tmp_path)]) == 0
