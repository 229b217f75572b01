"""lz-stack-budget-required (stack): a service stack needs a budget resource, or a budget the platform
holds for it (`stack_budget_gbp` > 0); platform stacks and untagged stacks are not judged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from policy_harness import stack_violations

from policies.common.budget_required import METADATA, POLICY

MESSAGE = "Service stack has no budget: add monthly_budget_gbp to every environment in the manifest"


def _tags(service: str) -> dict[str, str]:
    return {"service": service, "environment": "prod", "managed-by": "pulumi"}


AZURE_SERVICE: list[tuple[str, str, dict[str, Any]]] = [
    ("pulumi:providers:azure-native", "azure-uksouth", {"location": "uksouth"}),
    ("azure-native:resources:ResourceGroup", "rg", {"location": "uksouth", "tags": _tags("planning-documents")}),
    ("azure-native:storage:BlobContainer", "container", {"containerName": "data"}),
]
#: An AWS service stack where only the provider's default tags carry the service (provider inputs are JSON).
AWS_SERVICE: list[tuple[str, str, dict[str, Any]]] = [
    (
        "pulumi:providers:aws",
        "aws-eu-west-2",
        {"region": "eu-west-2", "defaultTags": json.dumps({"tags": _tags("council-website")})},
    ),
    ("aws:s3/bucket:Bucket", "site", {"bucket": "ebc-prod-council-website"}),
]
AZURE_BUDGET = (
    "azure-native:consumption:Budget",
    "budget",
    {"amount": 300, "category": "Cost", "timeGrain": "Monthly", "scope": "/subscriptions/x/resourceGroups/rg"},
)


def test_metadata() -> None:
    assert METADATA.name == "lz-stack-budget-required"
    assert METADATA.kind == "stack"
    assert METADATA.severity == "high"
    assert METADATA.config_defaults == {"stack_budget_gbp": 0, "platform_services": ["platform"]}


def test_service_stack_without_budget_fails() -> None:
    assert stack_violations(POLICY, AZURE_SERVICE) == [(MESSAGE, None)]


def test_service_stack_tagged_by_provider_default_tags_fails() -> None:
    assert stack_violations(POLICY, AWS_SERVICE) == [(MESSAGE, None)]


def test_service_tag_in_tags_all_counts() -> None:
    resources = [("aws:s3/bucket:Bucket", "site", {"tagsAll": _tags("council-website")})]
    assert stack_violations(POLICY, resources) == [(MESSAGE, None)]


@pytest.mark.parametrize(
    "budget",
    [
        AZURE_BUDGET,
        ("azure-native:costmanagement:Budget", "budget", {"amount": 300}),
    ],
)
def test_azure_budget_resource_passes(budget: tuple[str, str, dict[str, Any]]) -> None:
    assert stack_violations(POLICY, [*AZURE_SERVICE, budget]) == []


def test_aws_budget_resource_passes() -> None:
    budget = (
        "aws:budgets/budget:Budget",
        "budget",
        {"budgetType": "COST", "limitAmount": "250", "timeUnit": "MONTHLY"},
    )
    assert stack_violations(POLICY, [*AWS_SERVICE, budget]) == []


@pytest.mark.parametrize("amount", [300, 0.5, "60"])
def test_platform_held_budget_passes(amount: Any) -> None:
    assert stack_violations(POLICY, AZURE_SERVICE, config={"stack_budget_gbp": amount}) == []


@pytest.mark.parametrize("amount", [0, -1, "none", None, True])
def test_no_platform_budget_fails(amount: Any) -> None:
    assert stack_violations(POLICY, AZURE_SERVICE, config={"stack_budget_gbp": amount}) == [(MESSAGE, None)]


def test_platform_stack_is_not_judged() -> None:
    # The platform network stack holds spoke VPCs tagged for the services they serve.
    resources = [
        ("aws:ec2/vpcIpam:VpcIpam", "ipam", {"tags": _tags("platform")}),
        ("aws:ec2/vpc:Vpc", "spoke-housing-repairs-prod", {"tags": _tags("housing-repairs")}),
    ]
    assert stack_violations(POLICY, resources) == []


def test_platform_service_names_are_configurable() -> None:
    resources = [("aws:ec2/vpc:Vpc", "hub", {"tags": _tags("shared-network")})]
    assert stack_violations(POLICY, resources, config={"platform_services": ["shared-network"]}) == []


def test_stack_without_service_tags_is_not_judged() -> None:
    assert stack_violations(POLICY, [("random:index/randomPassword:RandomPassword", "pw", {"length": 32})]) == []
