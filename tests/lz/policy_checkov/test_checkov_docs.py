"""docs/checkov.md: its checkov <-> policy table follows the pack's METADATA."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from lz.policy.checkov_export import correspondence, render_correspondence

REPO_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = REPO_ROOT / "scripts" / "gen_checkov_map.py"


@dataclass(frozen=True)
class FakeRule:
    name: str
    checkov: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()


RULES = [
    FakeRule("aws-ec2-sg-admin", ("CKV_AWS_25", "CKV_AWS_24"), ("aws:ec2/securityGroup:SecurityGroup",)),
    FakeRule("aws-vpc-rule-admin", ("CKV_AWS_24",), ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",)),
    FakeRule("aws-s3-pab", ("CKV2_AWS_6",), ("aws:s3/bucket:Bucket", "aws:nosuch/thing:Thing")),
    FakeRule("azure-kv-purge", ("CKV_AZURE_110",), ("azure-native:keyvault:Vault",)),
    FakeRule("lz-budget"),
]


def test_correspondence_groups_policies_by_check_in_check_order() -> None:
    assert correspondence(RULES) == [
        ("CKV_AWS_24", ["aws-ec2-sg-admin", "aws-vpc-rule-admin"]),
        ("CKV_AWS_25", ["aws-ec2-sg-admin"]),
        ("CKV2_AWS_6", ["aws-s3-pab"]),
        ("CKV_AZURE_110", ["azure-kv-purge"]),
    ]


def test_rendered_table() -> None:
    assert render_correspondence(RULES).splitlines() == [
        "| checkov check | policy | Terraform types in the export |",
        "|---|---|---|",
        "| `CKV_AWS_24` | `aws-ec2-sg-admin`<br>`aws-vpc-rule-admin` | "
        "`aws_security_group`, `aws_vpc_security_group_ingress_rule` |",
        "| `CKV_AWS_25` | `aws-ec2-sg-admin` | `aws_security_group` |",
        "| `CKV2_AWS_6` | `aws-s3-pab` | `aws_s3_bucket`, not mapped |",
        "| `CKV_AZURE_110` | `azure-kv-purge` | Azure: not exported |",
        "",
        "Policies with no checkov counterpart (1): checkov cannot give a second opinion on these, "
        "so they rest on the pack alone.",
        "",
        "* `lz-budget`",
    ]


def test_docs_table_matches_the_pack() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--docs", "--check"], capture_output=True, text=True,
                            timeout=300, check=False, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr + result.stdout
