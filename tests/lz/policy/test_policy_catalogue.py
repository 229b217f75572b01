"""docs/policies.md is generated from the pack's metadata and committed; CI fails when it drifts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from gate_helpers import NAMED, OWNER, named_policy, owner_policy

from lz.policy.catalogue import GENERATED_HEADER, group_of, pack_rules, render
from lz.policy.evaluate import REGISTER_POLICY, Rule

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_policy_catalogue", ROOT / "scripts" / "gen_policy_catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_policy_catalogue", module)
    spec.loader.exec_module(module)
    return module


def test_committed_catalogue_is_up_to_date(gen: ModuleType) -> None:
    stale = [p.as_posix() for p in gen.drifted(ROOT)]
    assert stale == [], f"out of date: {', '.join(stale)}; run `python scripts/gen_policy_catalogue.py`"


def test_check_fails_and_names_the_file_when_it_is_missing(
    gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gen.main(["--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "out of date: docs/policies.md; run `python scripts/gen_policy_catalogue.py`\n"
    )


def test_writing_then_checking_passes(gen: ModuleType, tmp_path: Path) -> None:
    assert gen.main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "docs" / "policies.md").read_text(encoding="utf-8").startswith("# Policy catalogue\n")
    assert gen.main(["--check", "--root", str(tmp_path)]) == 0


def rules() -> list[Rule]:
    from policies.tags.mandatory_tags import METADATA, POLICY

    made = [Rule.from_metadata(*owner_policy()), Rule.from_metadata(*named_policy())]
    azure = Rule(name="azure-storage-account-x", description="Storage | is private.", severity="critical",
                 default_level="mandatory", remediation="Set `a|b`.", ncsc="2.3",
                 ncsc_title="Asset protection and resilience", clouds=("azure",),
                 resource_types=("azure-native:storage:StorageAccount",))
    return [*made, azure, Rule.from_metadata(POLICY, METADATA)]


def test_the_page_has_the_header_counts_tables_and_mapping() -> None:
    page = render(rules())
    lines = page.splitlines()
    assert lines[0] == "# Policy catalogue"
    assert lines[2] == f"> {GENERATED_HEADER}"
    assert "| AWS | 0 | 1 | 1 | 0 | 2 | 2 | 0 |" in lines
    assert "| Azure | 1 | 0 | 0 | 0 | 1 | 1 | 0 |" in lines
    assert "| Both clouds | 0 | 1 | 0 | 0 | 1 | 1 | 0 |" in lines
    assert "| **All** | 1 | 2 | 1 | 0 | 4 | 4 | 0 |" in lines
    assert [line for line in lines if line.startswith("## ")] == [
        "## Enforcement levels and configuration", "## Summary", "## AWS", "## Azure", "## Both clouds",
        "## Framework mapping", "## Checks of the gate itself",
    ]
    assert (
        f'| <a id="{OWNER}"></a>`{OWNER}` | high | mandatory | resource | `aws:s3/bucket:Bucket` | '
        "Buckets carry an owner tag. | Add the owner tag. |"
    ) in lines
    assert (
        '| <a id="azure-storage-account-x"></a>`azure-storage-account-x` | critical | mandatory | resource | '
        "`azure-native:storage:StorageAccount` | Storage \\| is private. | Set `a\\|b`. |"
    ) in lines
    assert f"| [`{OWNER}`](#{OWNER}) | 5.1 Operational security | CIS Controls v8 1.1 | — | CKV_TEST_1 |" in lines
    assert f"| [`{NAMED}`](#{NAMED}) | 2 Asset protection and resilience | — | Secure configuration | — |" in lines
    assert any(line.startswith(f'| <a id="{REGISTER_POLICY}"></a>') for line in lines)
    assert "every taggable type" in page


def test_a_policy_for_one_cloud_goes_under_it() -> None:
    by_name = {r.name: group_of(r) for r in rules()}
    assert by_name == {OWNER: "aws", NAMED: "aws", "azure-storage-account-x": "azure",
                       "lz-all-resources-mandatory-tags": "both"}


def test_the_pack_rules_are_the_pack() -> None:
    from policies import pack

    assert [r.name for r in pack_rules()] == [e.name for e in pack.registry()]


def test_the_documented_config_example_is_valid_for_the_pack() -> None:
    import re

    import yaml

    from lz.policy.analyzer import reconcile_config
    from policies import pack

    (block,) = re.findall(r"```yaml\n(.*?)```", render(pack_rules()), re.S)
    example = yaml.safe_load(block)
    selected = pack.select()
    initial = pack.initial_config(selected, example)
    settings = reconcile_config([p for p, _ in selected], initial_config=initial)
    tags = settings["lz-all-resources-mandatory-tags"]
    assert tags.properties["required_tags"] == ["service", "owner", "cost-centre"]
    assert {s.level.value for s in settings.values()} == {"advisory", "mandatory"}
