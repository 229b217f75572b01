"""The gate catches each deliberately non-compliant program (tests/noncompliant/*) with exactly the
mandatory policies expected, and passes the example estate.

Each case is planned as `lz plan tests/noncompliant/<case> --stack dev` would plan it, with a
monthly budget in its metadata as a manifest would give it, so the expected set is about the case.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lz.plan import plan_directory
from lz.plan.estate import plan_estate
from lz.policy.evaluate import BUDGET_POLICY, PolicyResult, evaluate_estate, evaluate_stack
from lz.stacks import load_estate

ROOT = Path(__file__).resolve().parents[3]
NONCOMPLIANT = ROOT / "tests" / "noncompliant"
CONFIG = {"aws:region": "eu-west-2", "azure-native:location": "uksouth"}
TODAY = date(2026, 3, 1)

#: case -> the mandatory policies it must trip, no more and no fewer.
EXPECTED: dict[str, set[str]] = {
    "public_s3_bucket": {
        "aws-s3-bucket-acl-not-public",
        "aws-s3-bucket-public-access-block",
        "aws-s3-bucket-server-side-encryption",
        "aws-s3-bucket-policy-tls-only",
    },
    "open_ssh_security_group": {
        "aws-ec2-security-group-admin-ports-closed",
        "aws-ec2-security-group-internet-ingress-restricted",
    },
    "public_unencrypted_rds": {
        "aws-rds-instance-not-public",
        "aws-rds-instance-storage-encrypted",
        "aws-rds-instance-backup-retention",
    },
    "iam_wildcard_user_key": {
        "aws-iam-policy-no-admin-wildcard",
        "aws-iam-user-not-allowed",
        "aws-iam-access-key-not-allowed",
    },
    "azure_storage_insecure": {
        "azure-storage-account-https-only",
        "azure-storage-account-min-tls-1-2",
        "azure-storage-account-no-public-blob-access",
        "azure-storage-account-infrastructure-encryption",
        "azure-storage-account-network-default-deny",
        "azure-storage-account-public-network-restricted",
        "azure-storage-account-shared-key-disabled",
    },
    "azure_nsg_rdp_open": {
        "azure-network-securityrule-no-internet-admin-ports",
        "azure-network-securityrule-internet-web-ports-only",
    },
    "missing_tags": {"lz-all-resources-mandatory-tags"},
    "us_east_1": {"lz-all-location-uk-only"},
}


def evaluate_case(case: str, *, budget: float | None = 50) -> PolicyResult:
    plan = plan_directory(NONCOMPLIANT / case, stack="dev", config=CONFIG)
    if budget is not None:
        plan.metadata["monthly_budget_gbp"] = budget
    return evaluate_stack(plan, today=TODAY)


def describe(findings: list[dict[str, Any]]) -> str:
    return "\n".join(f"  {f['stack']}: {f['policy']} on {f['resource']}: {f['message']}" for f in findings)


def test_every_case_directory_is_a_case() -> None:
    dirs = {p.name for p in NONCOMPLIANT.iterdir() if p.is_dir() and (p / "__main__.py").is_file()}
    assert dirs == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_trips_exactly_its_mandatory_policies(case: str) -> None:
    result = evaluate_case(case)
    assert result.errors == []
    found = {f["policy"] for f in result.mandatory}
    assert found == EXPECTED[case], describe(result.mandatory)


def test_the_findings_name_the_offending_resources() -> None:
    result = evaluate_case("missing_tags")
    assert sorted((f["resource"], f["type"], f["message"]) for f in result.mandatory) == [
        ("app-logs", "aws:cloudwatch/logGroup:LogGroup",
         "Missing mandatory tags: service, cost-centre, owner, environment, business-unit, data-classification, "
         "managed-by"),
        ("rg", "azure-native:resources:ResourceGroup",
         "Missing mandatory tags: cost-centre, owner, environment, business-unit, data-classification"),
        ("rg", "azure-native:resources:ResourceGroup", "Tag 'managed-by' has value 'terraform'; allowed: pulumi"),
    ]
    us = evaluate_case("us_east_1")
    assert [(f["resource"], f["type"]) for f in us.mandatory] == [("us-east-1", "pulumi:providers:aws")]


def test_a_service_program_without_a_budget_also_fails_the_budget_policy() -> None:
    result = evaluate_case("us_east_1", budget=None)
    assert {f["policy"] for f in result.mandatory} == {"lz-all-location-uk-only", BUDGET_POLICY}


@pytest.mark.slow
def test_the_example_estate_has_no_mandatory_violations() -> None:
    estate = plan_estate(load_estate(ROOT))
    results = evaluate_estate(estate, today=TODAY)
    assert [r.stack for r in results] == [s.name for s in estate.stacks]
    assert [e for r in results for e in r.errors] == []
    mandatory = [f for r in results for f in r.mandatory]
    assert mandatory == [], "mandatory findings in the example estate:\n" + describe(mandatory)
