"""modules/aws/organization.py: Organisation under the offline planner, and its validation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from lz.plan import PlannedResource, StackPlan
from modules.aws.org_policies import backup_policy_json, tag_policy_json
from modules.aws.organization import (
    DEFAULT_SERVICE_ACCESS_PRINCIPALS,
    MemberAccount,
    Organisation,
    OrganisationArgs,
    OrganisationBackup,
    validate_organisation_args,
)
from modules.aws.scp import deny_outside_allowed_regions, minify, scp_json
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import children_of, plan_capturing_errors, plan_component

TOKEN = "lz:aws:Organisation"
ORG = "aws:organizations/organization:Organization"
OU = "aws:organizations/organizationalUnit:OrganizationalUnit"
ACCOUNT = "aws:organizations/account:Account"
POLICY = "aws:organizations/policy:Policy"
ATTACH = "aws:organizations/policyAttachment:PolicyAttachment"
TAGGABLE = set(json.loads((Path(__file__).parents[3] / "lz" / "data" / "taggable_types.json").read_text())["aws"])

OUS = ["Security", "Infrastructure", "Workloads", "Workloads/Prod", "Workloads/NonProd", "Sandbox", "Suspended"]
ACCOUNTS = {
    "log-archive": MemberAccount(name="EBC Log Archive", email="aws-log-archive@example.gov.uk", ou="Security"),
    "audit": MemberAccount(name="EBC Audit", email="aws-audit@example.gov.uk", ou="Security"),
    "network": MemberAccount(name="EBC Network", email="aws-network@example.gov.uk", ou="Infrastructure"),
    "workloads-prod": MemberAccount(name="EBC Workloads Prod", email="aws-workloads-prod@example.gov.uk",
                                    ou="Workloads/Prod"),
    "workloads-nonprod": MemberAccount(name="EBC Workloads NonProd", email="aws-workloads-nonprod@example.gov.uk",
                                       ou="Workloads/NonProd"),
}
GUARDRAILS = ["deny-iam-users", "require-imdsv2", "deny-s3-public-access-changes"]
SCPS = {
    "Root": ["deny-leave-organisation", "protect-security-services", "deny-root-user", "deny-outside-allowed-regions"],
    "Infrastructure": GUARDRAILS,
    "Workloads": GUARDRAILS,
    "Sandbox": GUARDRAILS,
    "Suspended": ["deny-all"],
}
BACKUP = OrganisationBackup(ou="Workloads/Prod", vault_name="ebc-backup")
ROLES = ["OrganizationAccountAccessRole", "lz-break-glass"]


def make_args(**overrides: Any) -> OrganisationArgs:
    base = OrganisationArgs(
        prefix="ebc",
        tags=TAGS,
        organizational_units=OUS,
        accounts=ACCOUNTS,
        allowed_regions=["eu-west-2"],
        scp_attachments=SCPS,
        backup=BACKUP,
        tag_policy_environments=["shared", "prod", "dev"],
    )
    return dataclasses.replace(base, **overrides)


def plan_org(args: OrganisationArgs) -> StackPlan:
    return plan_component(
        lambda: Organisation("org", args),
        "id",
        "arn",
        "root_id",
        "master_account_id",
        "ou_ids",
        "account_ids",
        "policy_ids",
    )


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_org(make_args())


def children(plan: StackPlan) -> list[PlannedResource]:
    return children_of(plan, TOKEN, "org")


def by_id(plan: StackPlan) -> dict[str, PlannedResource]:
    return {str(r.id): r for r in plan.managed() if r.id}


# -- structure --------------------------------------------------------------------------------------


def test_organisation_has_all_features_and_policy_types(plan: StackPlan) -> None:
    org = plan.one(ORG, "org-org")
    assert org.inputs["featureSet"] == "ALL"
    assert org.inputs["enabledPolicyTypes"] == ["SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY"]
    assert org.inputs["awsServiceAccessPrincipals"] == sorted(DEFAULT_SERVICE_ACCESS_PRINCIPALS)
    assert {"cloudtrail.amazonaws.com", "config.amazonaws.com", "guardduty.amazonaws.com",
            "securityhub.amazonaws.com", "sso.amazonaws.com", "ram.amazonaws.com", "ipam.amazonaws.com",
            "backup.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com",
            "account.amazonaws.com"} <= set(org.inputs["awsServiceAccessPrincipals"])


def test_ous_are_created_by_path_under_their_parents(plan: StackPlan) -> None:
    root_id = plan.outputs["root_id"]
    ou_ids = plan.outputs["ou_ids"]
    ous = {r.name: r for r in plan.find(OU)}
    assert sorted(ous) == sorted(
        ["org-ou-security", "org-ou-infrastructure", "org-ou-workloads", "org-ou-workloads-prod",
         "org-ou-workloads-nonprod", "org-ou-sandbox", "org-ou-suspended"]
    )
    expected_parent = {
        "Security": root_id, "Infrastructure": root_id, "Workloads": root_id, "Sandbox": root_id,
        "Suspended": root_id, "Workloads/Prod": ou_ids["Workloads"], "Workloads/NonProd": ou_ids["Workloads"],
    }
    for path, parent in expected_parent.items():
        ou = ous[f"org-ou-{path.replace('/', '-').lower()}"]
        assert ou.inputs["name"] == path.rsplit("/", 1)[-1]
        assert ou.inputs["parentId"] == parent
        assert ou.id == ou_ids[path]
    assert root_id.startswith("r-")
    assert all(v.startswith("ou-") for v in ou_ids.values())


def test_accounts_are_in_their_ous_with_the_access_role(plan: StackPlan) -> None:
    ou_ids = plan.outputs["ou_ids"]
    accounts = {r.name: r for r in plan.find(ACCOUNT)}
    assert sorted(accounts) == sorted(f"org-account-{slug}" for slug in ACCOUNTS)
    for slug, member in ACCOUNTS.items():
        account = accounts[f"org-account-{slug}"]
        assert account.inputs["name"] == member.name
        assert account.inputs["email"] == member.email
        assert account.inputs["parentId"] == ou_ids[member.ou]
        assert account.inputs["roleName"] == "OrganizationAccountAccessRole"
        assert account.inputs["iamUserAccessToBilling"] == "ALLOW"
        assert account.inputs["closeOnDeletion"] is False
        assert sorted(account.options["ignore_changes"]) == ["iamUserAccessToBilling", "roleName"]
        assert plan.outputs["account_ids"][slug] == account.id
        assert len(account.id or "") == 12 and (account.id or "").isdigit()


def test_scp_attachments_match_the_configuration(plan: StackPlan) -> None:
    ids = by_id(plan)
    root_id = plan.outputs["root_id"]
    ou_ids = plan.outputs["ou_ids"]
    target_names = {root_id: "Root", **{v: k for k, v in ou_ids.items()}}
    attached: dict[str, list[str]] = {}
    for attachment in plan.find(ATTACH):
        policy = ids[attachment.inputs["policyId"]]
        if policy.inputs["type"] != "SERVICE_CONTROL_POLICY":
            continue
        target = target_names[attachment.inputs["targetId"]]
        scp = policy.name.removeprefix("org-scp-")
        attached.setdefault(target, []).append(scp)
        assert attachment.name == f"org-attach-{target.replace('/', '-').lower()}-{scp}"
    assert {t: sorted(v) for t, v in attached.items()} == {t: sorted(v) for t, v in SCPS.items()}


def test_one_policy_per_scp_in_use_with_its_document(plan: StackPlan) -> None:
    scps = {r.name: r for r in plan.find(POLICY) if r.inputs["type"] == "SERVICE_CONTROL_POLICY"}
    used = {name for names in SCPS.values() for name in names}
    assert sorted(scps) == sorted(f"org-scp-{n}" for n in used)
    for name in used:
        policy = scps[f"org-scp-{name}"]
        assert policy.inputs["name"] == f"ebc-{name}"
        assert policy.inputs["content"] == scp_json(name, allowed_regions=["eu-west-2"], exempt_role_names=ROLES)
        assert policy.inputs["description"]
        assert plan.outputs["policy_ids"][name] == policy.id


def test_tag_policy_is_attached_to_the_root(plan: StackPlan) -> None:
    policy = plan.one(POLICY, "org-tag-policy")
    assert policy.inputs["type"] == "TAG_POLICY"
    assert policy.inputs["name"] == "ebc-mandatory-tags"
    assert policy.inputs["content"] == tag_policy_json(environments=["shared", "prod", "dev"])
    attachment = plan.one(ATTACH, "org-attach-root-tag-policy")
    assert attachment.inputs == {"policyId": policy.id, "targetId": plan.outputs["root_id"]}


def test_backup_policy_is_attached_to_its_ou(plan: StackPlan) -> None:
    policy = plan.one(POLICY, "org-backup-policy")
    assert policy.inputs["type"] == "BACKUP_POLICY"
    assert policy.inputs["name"] == "ebc-backup-backup-daily"
    assert policy.inputs["content"] == backup_policy_json(
        plan_name="ebc-daily", schedule="cron(0 2 ? * * *)", retention_days=35, selection_tag="backup",
        vault_name="ebc-backup", regions=["eu-west-2"], plan_tags=TAGS,
    )
    attachment = plan.one(ATTACH, "org-attach-workloads-prod-backup-policy")
    assert attachment.inputs == {"policyId": policy.id, "targetId": plan.outputs["ou_ids"]["Workloads/Prod"]}


def test_no_backup_policy_without_backup() -> None:
    plan = plan_org(make_args(backup=None))
    assert plan.find(POLICY, "org-backup-policy") == []
    assert [r.name for r in plan.find(ATTACH) if "backup" in r.name] == []


def test_exact_resource_counts(plan: StackPlan) -> None:
    assert plan.counts_by_type() == {
        ACCOUNT: 5,
        ORG: 1,
        OU: 7,
        POLICY: 10,  # 8 SCPs, the tag policy and the backup policy
        ATTACH: 16,  # 4 + 3 + 3 + 3 + 1 SCP attachments, the tag policy's and the backup policy's
        TOKEN: 1,
    }


def test_policies_wait_for_the_organisation(plan: StackPlan) -> None:
    org = plan.one(ORG, "org-org")
    for policy in plan.find(POLICY):
        assert org.urn in policy.dependencies, policy.name


def test_stateful_resources_are_locked(plan: StackPlan) -> None:
    for resource in children(plan):
        stateful = resource.type in (ORG, OU, ACCOUNT)
        assert bool(resource.options["protect"]) is stateful, resource.name
        assert bool(resource.options["retain_on_delete"]) is stateful, resource.name
    unlocked = plan_org(make_args(lock=False))
    assert not any(r.options["protect"] or r.options["retain_on_delete"] for r in children(unlocked))


def test_every_taggable_child_carries_the_tags(plan: StackPlan) -> None:
    taggable = [r for r in children(plan) if r.type in TAGGABLE]
    assert {r.type for r in taggable} == {OU, ACCOUNT, POLICY}
    for resource in taggable:
        assert resource.inputs["tags"] == TAGS, resource.name
    assert ORG not in TAGGABLE and ATTACH not in TAGGABLE


def test_children_are_parented_to_the_component(plan: StackPlan) -> None:
    component = plan.one(TOKEN, "org")
    for resource in plan.managed():
        if resource.type.startswith("aws:"):
            assert resource.parent == component.urn, resource.name


def test_outputs(plan: StackPlan) -> None:
    assert plan.outputs["id"].startswith("o-")
    assert plan.outputs["arn"] == f"arn:aws:organizations::123456789012:organization/{plan.outputs['id']}"
    assert plan.outputs["master_account_id"] == "123456789012"
    assert sorted(plan.outputs["ou_ids"]) == sorted(OUS)
    assert sorted(plan.outputs["account_ids"]) == sorted(ACCOUNTS)


def test_plans_are_deterministic() -> None:
    first, second = plan_org(make_args()), plan_org(make_args())
    assert json.dumps(first.to_json(), sort_keys=True) == json.dumps(second.to_json(), sort_keys=True)
    assert json.dumps(first.outputs) == json.dumps(second.outputs)


# -- validation -------------------------------------------------------------------------------------

INVALID: list[tuple[str, dict[str, Any], list[str]]] = [
    ("bad prefix", {"prefix": "EBC"},
     ["prefix 'EBC' must be 2-6 lowercase letters or digits, starting with a letter"]),
    ("no tags", {"tags": {}},
     ["tags: Missing mandatory tags: service, cost-centre, owner, environment, business-unit, "
      "data-classification, managed-by"]),
    ("ou string", {"organizational_units": "Security", "accounts": {}, "scp_attachments": {}, "backup": None},
     ["organizational_units must be a list of OU paths, not a single string",
      "accounts must have at least one member account"]),
    ("bad ou path", {"organizational_units": [*OUS, "sandbox/dev"]},
     ["OU path 'sandbox/dev' must be names like 'Workloads/Prod' (letters and digits, each starting with a capital)"]),
    ("child before parent", {"organizational_units": ["Workloads/Prod", *[o for o in OUS if o != "Workloads/Prod"]]},
     ["OU 'Workloads/Prod' must come after its parent 'Workloads'"]),
    ("duplicate ou", {"organizational_units": [*OUS, "Sandbox"]}, ["organizational_units has duplicates: Sandbox"]),
    ("ous differing in case", {"organizational_units": [*OUS, "SandBox"]},
     ["OU paths differ only in case: sandbox"]),
    ("bad account key", {"accounts": {**ACCOUNTS, "Audit2": dataclasses.replace(ACCOUNTS["audit"],
                                                                               email="a2@example.gov.uk")}},
     ["account key 'Audit2' must be a lowercase slug like 'workloads-prod'"]),
    ("long account name", {"accounts": {**ACCOUNTS, "audit": dataclasses.replace(ACCOUNTS["audit"], name="A" * 51)}},
     ["account 'audit': name must be 1-50 characters"]),
    ("bad email", {"accounts": {**ACCOUNTS, "audit": dataclasses.replace(ACCOUNTS["audit"], email="audit")}},
     ["account 'audit': 'audit' is not an email address"]),
    ("account in unknown ou", {"accounts": {**ACCOUNTS, "audit": dataclasses.replace(ACCOUNTS["audit"], ou="Audit")}},
     ["account 'audit': OU 'Audit' is not in organizational_units"]),
    ("shared email", {"accounts": {**ACCOUNTS, "audit": dataclasses.replace(
        ACCOUNTS["audit"], email="AWS-Network@example.gov.uk")}},
     ["each account needs its own root email; shared: aws-network@example.gov.uk"]),
    ("bad access role", {"access_role_name": "bad role"},
     ["access_role_name 'bad role' is not an IAM role name (1-64 letters, digits and + = , . @ _ -)",
      "exempt role name 'bad role' is not an IAM role name (1-64 letters, digits and + = , . @ _ -)"]),
    ("same roles", {"break_glass_role_name": "OrganizationAccountAccessRole"},
     ["access_role_name and break_glass_role_name must be different roles"]),
    ("unknown scp target", {"scp_attachments": {**SCPS, "Labs": ["deny-all"]}},
     ["scp_attachments: 'Labs' is neither 'Root' nor an OU in organizational_units"]),
    ("unknown scp", {"scp_attachments": {**SCPS, "Sandbox": ["deny-iam-user"]}},
     ["scp_attachments.Sandbox: unknown SCP 'deny-iam-user' (did you mean 'deny-iam-users'?)"]),
    ("scp string", {"scp_attachments": {**SCPS, "Sandbox": "deny-all"}},
     ["scp_attachments.Sandbox must be a list of SCP names, not a single string"]),
    ("too many scps", {"scp_attachments": {**SCPS, "Sandbox": [*GUARDRAILS, "deny-root-user", "deny-all"]}},
     ["scp_attachments.Sandbox: 5 policies; AWS allows 4 besides FullAWSAccess"]),
    ("duplicate scps", {"scp_attachments": {**SCPS, "Suspended": ["deny-all", "deny-all"]}},
     ["scp_attachments.Suspended has duplicates: deny-all"]),
    ("no regions", {"allowed_regions": []}, ["allowed_regions must be a non-empty list of region names"]),
    ("bad region", {"allowed_regions": ["eu-west-2", "London"]},
     ["allowed region 'London' is not a region name like 'eu-west-2'"]),
    ("backup ou", {"backup": dataclasses.replace(BACKUP, ou="Workloads/Live")},
     ["backup.ou 'Workloads/Live' is not in organizational_units"]),
    ("backup settings", {"backup": dataclasses.replace(BACKUP, schedule="daily", retention_days=0, vault_name="v")},
     ["backup schedule 'daily' must be an AWS cron expression like 'cron(0 2 ? * * *)'",
      "backup retention_days must be a whole number of days of at least 1, got 0",
      "backup vault name 'v' must be 2-50 letters, digits, hyphens and underscores"]),
    ("bad environment", {"tag_policy_environments": ["Prod"]},
     ["tag_policy_environments: 'Prod' is not a lowercase slug"]),
    ("bad principal", {"service_access_principals": ["guardduty"]},
     ["service access principal 'guardduty' is not a service principal like 'config.amazonaws.com'"]),
    ("lock not bool", {"lock": "yes"}, ["lock must be True or False, got 'yes'"]),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_organisation_args(make_args(**overrides)) == expected


def test_oversized_scp_is_reported() -> None:
    regions = [f"eu-{a}{b}{'x' * 20}-1" for a in "abcdefghij" for b in "abcdefghijklmnopqrst"]
    size = len(minify(deny_outside_allowed_regions(allowed_regions=regions, exempt_role_names=ROLES)))
    assert size > 5120
    assert validate_organisation_args(make_args(allowed_regions=regions, backup=None)) == [
        f"SCP 'deny-outside-allowed-regions' is {size} characters; AWS allows 5120"
    ]


def test_valid_args_have_no_problems() -> None:
    assert validate_organisation_args(make_args()) == []
    assert validate_organisation_args(make_args(backup=None, scp_attachments={}, tag_policy_environments=[])) == []


def test_all_problems_are_reported_at_once() -> None:
    problems = validate_organisation_args(
        make_args(prefix="x", allowed_regions=[], backup=dataclasses.replace(BACKUP, ou="Nope"))
    )
    assert problems == [
        "prefix 'x' must be 2-6 lowercase letters or digits, starting with a letter",
        "allowed_regions must be a non-empty list of region names",
        "backup.ou 'Nope' is not in organizational_units",
    ]


def test_invalid_args_raise_before_anything_is_registered() -> None:
    bad = make_args(prefix="x", scp_attachments={"Labs": ["deny-all"]})
    plan, errors = plan_capturing_errors(lambda: Organisation("org", bad))
    assert errors == [
        "prefix 'x' must be 2-6 lowercase letters or digits, starting with a letter; "
        "scp_attachments: 'Labs' is neither 'Root' nor an OU in organizational_units"
    ]
    assert plan.managed() == []
