"""lz/stacks/aws_organisation.py: the `platform-aws-organisation` layer under mocks."""

from __future__ import annotations

import json
import re
from typing import Any, get_type_hints

import pytest

from lz.plan.model import StackPlan
from lz.stacks.aws_common import platform_tags
from lz.stacks.aws_organisation import run_organisation, tag_policy_environments
from lz.stacks.contracts import ORGANISATION_LAYER, OrganisationExport
from modules.aws.org_policies import tag_policy_json
from tests.lz.stacks.layer_helpers import example_platform, plan_layer

ORG = "aws:organizations/organization:Organization"
OU = "aws:organizations/organizationalUnit:OrganizationalUnit"
ACCOUNT = "aws:organizations/account:Account"
POLICY = "aws:organizations/policy:Policy"
ATTACH = "aws:organizations/policyAttachment:PolicyAttachment"
PROVIDER = "pulumi:providers:aws"


def plan() -> StackPlan:
    platform = example_platform()
    return plan_layer(lambda: run_organisation(platform, []), ORGANISATION_LAYER, platform)


@pytest.fixture(scope="module")
def layer() -> StackPlan:
    return plan()


def test_export_matches_the_contract(layer: StackPlan) -> None:
    platform = example_platform()
    export: dict[str, Any] = layer.outputs["organisation"]
    assert list(layer.outputs) == ["organisation"]
    hints = get_type_hints(OrganisationExport)
    assert set(export) == set(hints)
    for key, hint in hints.items():
        origin = getattr(hint, "__origin__", hint)
        assert isinstance(export[key], origin), key
    assert re.fullmatch(r"o-[0-9a-f]{10}", export["id"])
    assert export["arn"] == f"arn:aws:organizations::{export['management_account_id']}:organization/{export['id']}"
    assert re.fullmatch(r"r-[0-9a-f]{4}", export["root_id"])
    assert re.fullmatch(r"\d{12}", export["management_account_id"])
    assert sorted(export["ou_ids"]) == sorted(platform.organisation.organizational_units)
    assert all(re.fullmatch(r"ou-[0-9a-f]{4}-[0-9a-f]{8}", v) for v in export["ou_ids"].values())
    assert sorted(export["account_ids"]) == sorted(platform.organisation.accounts)
    assert all(re.fullmatch(r"\d{12}", v) for v in export["account_ids"].values())
    assert len(set(export["account_ids"].values())) == len(export["account_ids"])
    assert export["access_role_name"] == platform.organisation.access_role_name == "OrganizationAccountAccessRole"


def test_export_ids_are_the_planned_resources(layer: StackPlan) -> None:
    export = layer.outputs["organisation"]
    assert layer.one(ORG, "organisation-org").id == export["id"]
    for slug, account_id in export["account_ids"].items():
        assert layer.one(ACCOUNT, f"organisation-account-{slug}").id == account_id
    for path, ou_id in export["ou_ids"].items():
        assert layer.one(OU, f"organisation-ou-{path.replace('/', '-').lower()}").id == ou_id


def test_runs_in_the_management_account_through_an_explicit_provider(layer: StackPlan) -> None:
    provider = layer.one(PROVIDER, "management")
    assert provider.inputs["region"] == "eu-west-2"
    assert "assumeRoles" not in provider.inputs and "assumeRole" not in provider.inputs
    for resource in layer.managed():
        if resource.type.startswith("aws:organizations"):
            assert resource.provider is not None and resource.provider.startswith(provider.urn), resource.name
    assert layer.metadata["stack_references"] == []


def test_builds_the_platform_definition(layer: StackPlan) -> None:
    platform = example_platform()
    assert layer.counts_by_type() == {
        ACCOUNT: len(platform.organisation.accounts),
        ORG: 1,
        OU: len(platform.organisation.organizational_units),
        POLICY: 10,
        ATTACH: sum(len(v) for v in platform.organisation.scp_attachments.values()) + 2,
        "lz:aws:Organisation": 1,
        "aws:ram/sharingWithOrganization:SharingWithOrganization": 1,
        PROVIDER: 1,
    }
    backup = json.loads(layer.one(POLICY, "organisation-backup-policy").inputs["content"])
    rule = backup["plans"]["ebc-daily"]["rules"]["daily"]
    assert rule["schedule_expression"] == {"@@assign": platform.organisation.backup.schedule}
    assert rule["lifecycle"]["delete_after_days"] == {"@@assign": "35"}
    assert rule["target_backup_vault_name"] == {"@@assign": "ebc-backup"}
    assert backup["plans"]["ebc-daily"]["selections"]["tags"]["daily"]["tag_key"] == {"@@assign": "backup"}
    assert layer.one(ATTACH, "organisation-attach-workloads-prod-backup-policy").inputs["targetId"] == (
        layer.outputs["organisation"]["ou_ids"]["Workloads/Prod"]
    )
    assert layer.one(POLICY, "organisation-tag-policy").inputs["content"] == tag_policy_json(environments=["shared"])


def test_platform_tags_on_every_taggable_resource(layer: StackPlan) -> None:
    tags = platform_tags(example_platform())
    for resource in layer.managed():
        if resource.type in (OU, ACCOUNT, POLICY):
            assert resource.inputs["tags"] == tags, resource.name


def test_stateful_resources_are_protected(layer: StackPlan) -> None:
    for resource in layer.managed():
        locked = resource.type in (ORG, OU, ACCOUNT)
        assert bool(resource.options.get("protect")) is locked, resource.name
        assert bool(resource.options.get("retain_on_delete")) is locked, resource.name


def test_deterministic_across_runs(layer: StackPlan) -> None:
    again = plan()
    assert again.outputs == layer.outputs
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(layer.to_json(), sort_keys=True)


def test_tag_policy_environments_include_service_environments() -> None:
    class Manifest:
        def __init__(self, *envs: str) -> None:
            self.environments = dict.fromkeys(envs)

    manifests: Any = [Manifest("prod", "dev"), Manifest("test", "prod")]
    assert tag_policy_environments(manifests) == ["dev", "prod", "shared", "test"]
    assert tag_policy_environments([]) == ["shared"]


def test_ram_sharing_with_the_organisation_is_enabled(layer: StackPlan) -> None:
    sharing = layer.one("aws:ram/sharingWithOrganization:SharingWithOrganization")
    organisation = layer.one("aws:organizations/organization:Organization")
    assert sharing.provider is not None
    assert sharing.provider.startswith(layer.one("pulumi:providers:aws", "management").urn + "::")
    assert organisation.urn in sharing.dependencies
