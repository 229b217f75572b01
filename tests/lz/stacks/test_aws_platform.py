"""The AWS platform as a whole: all five layers planned together, as `lz plan --all` plans them.

Per-layer behaviour is tested next to each layer (test_aws_<layer>.py); these tests check what must
hold across every layer at once: the tag contract, protection of stateful and security-critical
resources, policy documents that are valid JSON with no `*` on `*` allow, no IAM users or keys,
deterministic plans, and that the layers read each other's exports instead of constants.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lz.plan.estate import plan_estate
from lz.plan.model import EstatePlan, PlannedResource, StackPlan
from lz.plan.render import plan_json
from lz.stacks import LAYERS, load_estate
from lz.stacks.aws_common import platform_tags
from lz.tags import MANDATORY_TAG_KEYS, check_tags, is_taggable

ROOT = Path(__file__).resolve().parents[3]
PLATFORM_LAYERS = [layer.name for layer in LAYERS if layer.cloud == "aws"]

#: Resources whose loss loses data or opens the estate: each must be protected wherever it appears.
MUST_BE_PROTECTED = {
    "aws:organizations/organization:Organization",
    "aws:organizations/account:Account",
    "aws:organizations/organizationalUnit:OrganizationalUnit",
    "aws:cloudtrail/trail:Trail",
    "aws:ec2transitgateway/transitGateway:TransitGateway",
    "aws:ec2/vpcIpam:VpcIpam",
    "aws:ec2/vpcIpamPool:VpcIpamPool",
    "aws:route53/zone:Zone",
}

#: Properties holding IAM-style JSON policy documents.
DOCUMENT_PROPERTIES = ("policy", "assumeRolePolicy", "keyPolicy", "content", "accessPolicy", "inlinePolicy")


@pytest.fixture(scope="module")
def estate():
    return load_estate(ROOT)


@pytest.fixture(scope="module")
def plan(estate) -> EstatePlan:
    return plan_estate(estate)


def layers(plan: EstatePlan) -> list[StackPlan]:
    return [plan.stack(name) for name in PLATFORM_LAYERS]


def documents(resource: PlannedResource) -> list[tuple[str, Any]]:
    found = []
    for prop in DOCUMENT_PROPERTIES:
        value = resource.inputs.get(prop)
        if isinstance(value, str) and value.lstrip().startswith("{"):
            found.append((prop, json.loads(value)))  # invalid JSON fails the test here
    return found


def test_the_platform_is_five_layers_in_order(plan) -> None:
    assert PLATFORM_LAYERS == [
        "platform-aws-organisation", "platform-aws-logging", "platform-aws-identity",
        "platform-aws-network", "platform-aws-cost",
    ]
    assert [s.name for s in plan.stacks][:5] == PLATFORM_LAYERS


def test_every_taggable_resource_carries_valid_mandatory_tags(estate, plan) -> None:
    shared = platform_tags(estate.platform)
    services = {m.service for m in estate.manifests.values()}
    checked = 0
    for stack in layers(plan):
        for r in stack.managed():
            if not is_taggable(r.type):
                continue
            tags = r.inputs.get("tags") or {}
            assert check_tags(tags) == [], (stack.name, r.name)
            if tags["service"] == "platform":
                assert {k: tags[k] for k in MANDATORY_TAG_KEYS} == shared, (stack.name, r.name)
            else:
                # Vended per service (spokes, data keys): the service's cost, with its own tags.
                assert tags["service"] in services and tags["service"] in r.name, (stack.name, r.name)
            checked += 1
    assert checked > 150


def test_stateful_and_security_critical_resources_are_protected(plan) -> None:
    seen = set()
    for stack in layers(plan):
        for r in stack.managed():
            if r.type in MUST_BE_PROTECTED:
                seen.add(r.type)
                assert r.options.get("protect") is True, (stack.name, r.name)
                assert r.options.get("retain_on_delete") is True, (stack.name, r.name)
    assert seen == MUST_BE_PROTECTED


def test_platform_buckets_and_keys_are_protected(plan) -> None:
    for stack in layers(plan):
        for r in stack.managed():
            if r.type in ("aws:s3/bucket:Bucket", "aws:kms/key:Key") and r.inputs.get("tags", {}).get(
                "service"
            ) == "platform":
                assert r.options.get("protect") is True, (stack.name, r.name)


def test_policy_documents_are_valid_json_without_star_on_star_allows(plan) -> None:
    count = 0
    for stack in plan.stacks:
        for r in stack.managed():
            for prop, document in documents(r):
                statements = document.get("Statement", [])
                for statement in statements if isinstance(statements, list) else [statements]:
                    if statement.get("Effect") != "Allow":
                        continue
                    actions = statement.get("Action", [])
                    actions = [actions] if isinstance(actions, str) else actions
                    resources = statement.get("Resource", [])
                    resources = [resources] if isinstance(resources, str) else resources
                    is_key_policy = prop == "keyPolicy" or r.type == "aws:kms/key:Key"
                    if is_key_policy:
                        # A key policy's Resource "*" means "this key"; kms:* is allowed only to the account root.
                        if "kms:*" in actions:
                            principal = json.dumps(statement.get("Principal"))
                            assert principal.endswith(':root"}') or ':root"' in principal, (stack.name, r.name)
                        continue
                    assert not ({"*", "*:*"} & set(actions) and "*" in resources), (stack.name, r.name, prop)
                count += 1
    assert count > 50


def test_every_scp_denies_and_never_allows(plan) -> None:
    org = plan.stack("platform-aws-organisation")
    scps = [r for r in org.find("aws:organizations/policy:Policy") if r.inputs["type"] == "SERVICE_CONTROL_POLICY"]
    assert len(scps) == 8
    for scp in scps:
        document = json.loads(scp.inputs["content"])
        assert {s["Effect"] for s in document["Statement"]} == {"Deny"}, scp.name
        assert len(scp.inputs["content"]) <= 5120


def test_no_iam_users_or_access_keys_anywhere(plan) -> None:
    for stack in plan.stacks:
        types = {r.type for r in stack.managed()}
        forbidden = {"aws:iam/user:User", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile"}
        assert not types & forbidden, stack.name


def test_member_account_resources_assume_the_access_role_into_accounts_from_the_organisation(plan) -> None:
    accounts = plan.stack("platform-aws-organisation").raw_outputs["organisation"]["account_ids"]
    for stack in layers(plan)[1:]:
        for provider in stack.find("pulumi:providers:aws"):
            allowed = json.loads(provider.inputs.get("allowedAccountIds", "[]"))
            roles = json.loads(provider.inputs.get("assumeRoles", "[]"))
            for role in roles:
                account = role["roleArn"].split(":")[4]
                assert account in accounts.values(), (stack.name, provider.name)
                assert role["roleArn"].endswith(":role/OrganizationAccountAccessRole")
                assert allowed == [account]


def test_physical_names_are_deterministic(estate, plan) -> None:
    again = plan_estate(estate, PLATFORM_LAYERS)
    assert plan_json(again) == plan_json(EstatePlan(stacks=layers(plan)))


def test_every_provider_of_a_later_layer_is_pinned_to_one_account(plan) -> None:
    organisation = plan.stack("platform-aws-organisation").raw_outputs["organisation"]
    known = {*organisation["account_ids"].values(), organisation["management_account_id"]}
    for stack in layers(plan)[1:]:
        for provider in stack.find("pulumi:providers:aws"):
            allowed = json.loads(provider.inputs.get("allowedAccountIds", "[]"))
            assert len(allowed) == 1 and allowed[0] in known, (stack.name, provider.name)
            if "assumeRoles" not in provider.inputs:
                assert allowed == [organisation["management_account_id"]], (stack.name, provider.name)


def test_the_computed_log_archive_names_are_the_logging_layer_s(estate, plan) -> None:
    from lz.stacks.aws_common import flow_logs_destination_arn, log_archive_bucket_name

    exported = plan.stack("platform-aws-logging").raw_outputs["log_destinations"]
    assert flow_logs_destination_arn(estate.platform) == exported["flow_logs_arn"]
    assert log_archive_bucket_name(estate.platform) == exported["log_archive_bucket"]
    flows = plan.stack("platform-aws-network").find("aws:ec2/flowLog:FlowLog")
    assert flows and {f.inputs["logDestination"] for f in flows} == {exported["flow_logs_arn"]}
