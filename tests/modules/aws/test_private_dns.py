"""modules/aws/private_dns.py: PrivateDns under the offline planner, its helpers and its validation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pulumi_aws as aws
import pytest

from lz.plan import PlannedResource, StackPlan, plan_callable
from modules.aws.private_dns import (
    PrivateDns,
    PrivateDnsArgs,
    SpokeDns,
    domain_suffix,
    target_cidrs,
    validate_private_dns_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import children_of, plan_component

TOKEN = "lz:aws:PrivateDns"
TAGGABLE = set(json.loads((Path(__file__).parents[3] / "lz" / "data" / "taggable_types.json").read_text())["aws"])
ORG = "arn:aws:organizations::111111111111:organization/o-exampleorg1"
HUB_VPC = "vpc-0123456789abcdef0"
SUBNETS = ["subnet-0a000000000000000", "subnet-0b000000000000000"]
RULES = {"corp.example.gov.uk": ["10.1.0.10", "10.1.0.11"], "legacy.example.org": ["10.2.0.53"]}
WORKLOAD_ROLE = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"

ZONE = "aws:route53/zone:Zone"
SG = "aws:ec2/securityGroup:SecurityGroup"
ENDPOINT = "aws:route53/resolverEndpoint:ResolverEndpoint"
RULE = "aws:route53/resolverRule:ResolverRule"
RULE_ASSOC = "aws:route53/resolverRuleAssociation:ResolverRuleAssociation"
ZONE_ASSOC = "aws:route53/zoneAssociation:ZoneAssociation"
AUTH = "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization"
SHARE = "aws:ram/resourceShare:ResourceShare"
SHARE_RES = "aws:ram/resourceAssociation:ResourceAssociation"
SHARE_PRINCIPAL = "aws:ram/principalAssociation:PrincipalAssociation"


def spoke_vpc(index: int) -> str:
    return f"vpc-{index:017x}"


def make_args(**overrides: Any) -> PrivateDnsArgs:
    base = PrivateDnsArgs(
        name_tag="ebc-shared-dns",
        tags=TAGS,
        zone_name="aws.ebc.internal",
        vpc_id=HUB_VPC,
        endpoint_subnet_ids=SUBNETS,
        resolver_rules=RULES,
        organisation_arn=ORG,
    )
    return dataclasses.replace(base, **overrides)


def plan_dns(overrides: dict[str, Any], spokes: dict[str, str] | None = None) -> StackPlan:
    """`spokes`: key -> "cross" (in a workload account) or "local" (the zone's own account)."""

    def build() -> PrivateDns:
        workload = aws.Provider("workload", region="eu-west-2",
                                assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=WORKLOAD_ROLE)])
        spoke_args = {
            key: SpokeDns(vpc_id=spoke_vpc(i), provider=workload if kind == "cross" else None)
            for i, (key, kind) in enumerate(sorted((spokes or {}).items()))
        }
        return PrivateDns("dns", make_args(**overrides, spokes=spoke_args))

    return plan_component(build, "zone_id", "zone_name", endpoint="resolver_endpoint_id", rules="resolver_rule_ids",
                          share="resource_share_arn")


def children(plan: StackPlan) -> list[PlannedResource]:
    return children_of(plan, TOKEN, "dns")


def kinds(plan: StackPlan) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in children(plan))


def provider_name(resource: PlannedResource) -> str | None:
    return resource.provider.split("::")[3] if resource.provider else None


HUB = [
    (ZONE, "dns-zone"),
    (SG, "dns-resolver-sg"),
    (ENDPOINT, "dns-outbound"),
    (RULE, "dns-rule-corp-example-gov-uk"),
    (RULE, "dns-rule-legacy-example-org"),
    (SHARE, "dns-share"),
    (SHARE_RES, "dns-share-rule-corp-example-gov-uk"),
    (SHARE_RES, "dns-share-rule-legacy-example-org"),
    (SHARE_PRINCIPAL, "dns-share-organisation"),
]


# -- structure ----------------------------------------------------------------------------------------


def test_hub_only_creates_exactly_these_children() -> None:
    plan = plan_dns({})
    assert kinds(plan) == sorted(HUB)


def test_zone_only_without_rules() -> None:
    plan = plan_dns({"resolver_rules": {}, "endpoint_subnet_ids": []}, spokes={"a-dev": "cross"})
    assert kinds(plan) == sorted(
        [(ZONE, "dns-zone"), (AUTH, "dns-a-dev-zone-authorisation"), (ZONE_ASSOC, "dns-a-dev-zone-association")]
    )


def test_spokes_add_exactly_these_children() -> None:
    plan = plan_dns({}, spokes={"housing-dev": "cross", "tools": "local"})
    assert kinds(plan) == sorted(
        [
            *HUB,
            (AUTH, "dns-housing-dev-zone-authorisation"),
            (ZONE_ASSOC, "dns-housing-dev-zone-association"),
            (RULE_ASSOC, "dns-housing-dev-rule-corp-example-gov-uk"),
            (RULE_ASSOC, "dns-housing-dev-rule-legacy-example-org"),
            (ZONE_ASSOC, "dns-tools-zone-association"),
            (RULE_ASSOC, "dns-tools-rule-corp-example-gov-uk"),
            (RULE_ASSOC, "dns-tools-rule-legacy-example-org"),
        ]
    )


def test_unshared_rules_have_no_ram_share() -> None:
    plan = plan_dns({"organisation_arn": None}, spokes={"tools": "local"})
    assert not plan.find(SHARE) and not plan.find(SHARE_RES) and not plan.find(SHARE_PRINCIPAL)


# -- the zone -----------------------------------------------------------------------------------------


def test_private_zone_with_the_hub_vpc() -> None:
    zone = plan_dns({}).one(ZONE)
    assert zone.inputs["name"] == "aws.ebc.internal"
    assert zone.inputs["vpcs"] == [{"vpcId": HUB_VPC}]
    assert zone.inputs["forceDestroy"] is False
    assert zone.options["ignore_changes"] == ["vpcs"]
    assert zone.id.startswith("Z")


@pytest.mark.parametrize("lock", [True, False])
def test_lock_protects_the_zone_only(lock: bool) -> None:
    plan = plan_dns({"lock": lock}, spokes={"a": "cross"})
    for r in children(plan):
        assert bool(r.options["protect"]) is (lock and r.type == ZONE), r.name
        assert bool(r.options["retain_on_delete"]) is (lock and r.type == ZONE), r.name


# -- resolver -----------------------------------------------------------------------------------------


def test_endpoint_security_group_allows_dns_to_the_targets_only() -> None:
    plan = plan_dns({})
    sg = plan.one(SG)
    assert sg.inputs["name"] == "ebc-shared-dns-resolver"
    assert sg.inputs["vpcId"] == HUB_VPC
    assert sg.inputs["ingress"] == []
    targets = ["10.1.0.10/32", "10.1.0.11/32", "10.2.0.53/32"]
    assert sg.inputs["egress"] == [
        {"protocol": p, "fromPort": 53, "toPort": 53, "cidrBlocks": targets,
         "description": f"DNS over {p.upper()} to the forwarding targets"}
        for p in ("tcp", "udp")
    ]


def test_outbound_endpoint_has_an_ip_in_each_subnet() -> None:
    plan = plan_dns({})
    endpoint = plan.one(ENDPOINT)
    assert endpoint.inputs["direction"] == "OUTBOUND"
    assert endpoint.inputs["name"] == "ebc-shared-dns-outbound"
    assert endpoint.inputs["protocols"] == ["Do53"]
    assert endpoint.inputs["securityGroupIds"] == [plan.one(SG).id]
    assert endpoint.inputs["ipAddresses"] == [{"subnetId": s} for s in SUBNETS]


def test_one_forwarding_rule_per_domain() -> None:
    plan = plan_dns({})
    endpoint_id = plan.one(ENDPOINT).id
    rule = plan.one(RULE, "dns-rule-corp-example-gov-uk")
    assert rule.inputs == {
        "name": "ebc-shared-dns-corp-example-gov-uk",
        "domainName": "corp.example.gov.uk",
        "ruleType": "FORWARD",
        "resolverEndpointId": endpoint_id,
        "targetIps": [{"ip": "10.1.0.10", "port": 53, "protocol": "Do53"},
                      {"ip": "10.1.0.11", "port": 53, "protocol": "Do53"}],
        "tags": {**TAGS, "Name": "ebc-shared-dns-rule-corp-example-gov-uk"},
    }
    assert plan.one(RULE, "dns-rule-legacy-example-org").inputs["targetIps"] == [
        {"ip": "10.2.0.53", "port": 53, "protocol": "Do53"}
    ]


def test_rules_are_shared_with_the_organisation_only() -> None:
    plan = plan_dns({})
    share = plan.one(SHARE)
    assert share.inputs["allowExternalPrincipals"] is False
    assert share.inputs["name"] == "ebc-shared-dns-resolver-rules"
    for domain in RULES:
        assoc = plan.one(SHARE_RES, f"dns-share-rule-{domain_suffix(domain)}")
        assert assoc.inputs == {"resourceArn": plan.one(RULE, f"dns-rule-{domain_suffix(domain)}").outputs["arn"],
                                "resourceShareArn": share.outputs["arn"]}
    assert plan.one(SHARE_PRINCIPAL).inputs == {"principal": ORG, "resourceShareArn": share.outputs["arn"]}


# -- spokes ---------------------------------------------------------------------------------------------


def test_cross_account_spoke_is_authorised_by_the_zone_owner_and_associated_from_its_account() -> None:
    plan = plan_dns({}, spokes={"housing-dev": "cross"})
    zone = plan.one(ZONE)
    auth = plan.one(AUTH)
    assoc = plan.one(ZONE_ASSOC)
    assert auth.inputs == {"zoneId": zone.id, "vpcId": spoke_vpc(0)}
    assert assoc.inputs == {"zoneId": zone.id, "vpcId": spoke_vpc(0)}
    assert provider_name(auth) is None  # the zone owner's (inherited) provider
    assert provider_name(assoc) == "workload"
    assert auth.urn in assoc.dependencies
    shared = {r.urn for r in plan.find(SHARE_RES)} | {plan.one(SHARE_PRINCIPAL).urn}
    for domain in RULES:
        rule_assoc = plan.one(RULE_ASSOC, f"dns-housing-dev-rule-{domain_suffix(domain)}")
        assert rule_assoc.inputs == {
            "name": f"housing-dev-{domain_suffix(domain)}",
            "resolverRuleId": plan.one(RULE, f"dns-rule-{domain_suffix(domain)}").id,
            "vpcId": spoke_vpc(0),
        }
        assert provider_name(rule_assoc) == "workload"
        assert shared <= set(rule_assoc.dependencies)


def test_same_account_spoke_needs_no_authorisation() -> None:
    plan = plan_dns({}, spokes={"tools": "local"})
    assert plan.find(AUTH) == []
    assoc = plan.one(ZONE_ASSOC)
    assert provider_name(assoc) is None
    for r in plan.find(RULE_ASSOC):
        assert provider_name(r) is None
        assert plan.one(SHARE_PRINCIPAL).urn not in r.dependencies


def test_tags_on_every_taggable_child() -> None:
    plan = plan_dns({}, spokes={"a": "cross"})
    taggable = [r for r in children(plan) if r.type in TAGGABLE]
    assert {r.type for r in taggable} == {ZONE, SG, ENDPOINT, RULE, SHARE}
    for r in taggable:
        tags = r.inputs["tags"]
        assert tags == {**TAGS, "Name": tags["Name"]}, r.name
        assert tags["Name"].startswith("ebc-shared-dns-"), r.name


def test_outputs() -> None:
    plan = plan_dns({})
    assert plan.outputs == {
        "zone_id": plan.one(ZONE).id,
        "zone_name": "aws.ebc.internal",
        "endpoint": plan.one(ENDPOINT).id,
        "rules": {d: plan.one(RULE, f"dns-rule-{domain_suffix(d)}").id for d in RULES},
        "share": plan.one(SHARE).outputs["arn"],
    }
    bare = plan_dns({"resolver_rules": {}, "endpoint_subnet_ids": []})
    assert bare.outputs == {"zone_id": bare.one(ZONE).id, "zone_name": "aws.ebc.internal", "rules": {}}


# -- pure helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "cidrs"),
    [
        ({}, []),
        ({"a.example": ["10.0.0.2"]}, ["10.0.0.2/32"]),
        ({"a.example": ["10.0.0.10", "10.0.0.9"], "b.example": ["10.0.0.9"]}, ["10.0.0.9/32", "10.0.0.10/32"]),
    ],
)
def test_target_cidrs(rules: dict[str, list[str]], cidrs: list[str]) -> None:
    assert target_cidrs(rules) == cidrs


@pytest.mark.parametrize(("domain", "suffix"), [("corp.example.gov.uk", "corp-example-gov-uk"), ("a.io.", "a-io")])
def test_domain_suffix(domain: str, suffix: str) -> None:
    assert domain_suffix(domain) == suffix


# -- validation -------------------------------------------------------------------------------------------

INVALID: list[tuple[str, dict[str, Any], list[str]]] = [
    ("name", {"name_tag": "dns zone"}, ["name_tag 'dns zone' must be letters, digits and hyphens"]),
    ("long name", {"name_tag": "d" * 41},
     ["name_tag is 41 characters long; at most 40 leave room for the children's suffixes"]),
    ("Name tag", {"tags": {**TAGS, "Name": "x"}},
     ["tags must not set 'Name': each child's Name tag is built from name_tag"]),
    ("zone", {"zone_name": "AWS.internal"}, ["zone_name 'AWS.internal' is not a lowercase domain like "
                                             "'aws.example.internal'"]),
    ("vpc", {"vpc_id": "hub"}, ["vpc_id 'hub' is not a VPC id (vpc-...)"]),
    ("org", {"organisation_arn": "o-exampleorg1"},
     ["organisation_arn 'o-exampleorg1' is not an organization ARN "
      "(arn:aws:organizations::<account>:organization/o-...)"]),
    ("rule domain", {"resolver_rules": {"corp": ["10.1.0.10"]}},
     ["resolver_rules: 'corp' is not a lowercase domain like 'corp.example.gov.uk'"]),
    ("rule inside zone", {"resolver_rules": {"x.aws.ebc.internal": ["10.1.0.10"]}},
     ["resolver_rules: 'x.aws.ebc.internal' is inside the private zone 'aws.ebc.internal'"]),
    ("no targets", {"resolver_rules": {"corp.example.gov.uk": []}},
     ["resolver_rules.corp.example.gov.uk: give 1 to 6 target IP addresses as a list"]),
    ("too many targets", {"resolver_rules": {"corp.example.gov.uk": [f"10.1.0.{i}" for i in range(7)]}},
     ["resolver_rules.corp.example.gov.uk: give 1 to 6 target IP addresses as a list"]),
    ("ipv6 target", {"resolver_rules": {"corp.example.gov.uk": ["fd00::53"]}},
     ["resolver_rules.corp.example.gov.uk: 'fd00::53' is not an IPv4 address"]),
    ("duplicate targets", {"resolver_rules": {"corp.example.gov.uk": ["10.1.0.10", "10.1.0.10"]}},
     ["resolver_rules.corp.example.gov.uk has duplicate targets"]),
    ("one subnet", {"endpoint_subnet_ids": SUBNETS[:1]},
     ["endpoint_subnet_ids must list 2 to 6 subnets in different zones for the outbound endpoint, got 1"]),
    ("subnets without rules", {"resolver_rules": {}},
     ["endpoint_subnet_ids is only used with resolver_rules"]),
    ("duplicate subnets", {"endpoint_subnet_ids": [SUBNETS[0], SUBNETS[0]]},
     ["endpoint_subnet_ids has duplicates: each endpoint IP needs its own subnet"]),
    ("spoke key", {"spokes": {"Bad_Key": SpokeDns(vpc_id="vpc-01")}},
     ["spokes: key 'Bad_Key' must be a lowercase slug (letters, digits, hyphens)"]),
    ("spoke vpc", {"spokes": {"a": SpokeDns(vpc_id="v-1")}}, ["spokes.a: vpc_id 'v-1' is not a VPC id (vpc-...)"]),
    ("spoke region", {"spokes": {"a": SpokeDns(vpc_id="vpc-01", vpc_region="London")}},
     ["spokes.a: vpc_region 'London' is not a region like 'eu-west-2'"]),
    ("lock", {"lock": None}, ["lock must be True or False, got None"]),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_private_dns_args(make_args(**overrides)) == expected


def test_cross_account_spoke_needs_the_organisation_share() -> None:
    def program() -> None:
        workload = aws.Provider("workload", region="eu-west-2")
        args = make_args(organisation_arn=None, spokes={"a": SpokeDns(vpc_id="vpc-01", provider=workload)})
        assert validate_private_dns_args(args) == [
            "spokes.a is in another account (provider set): organisation_arn is needed to share the resolver rules "
            "with it"
        ]
        with pytest.raises(ValueError, match="organisation_arn is needed"):
            PrivateDns("dns", args)

    plan_callable(program, stack="test", config={"aws:region": "eu-west-2"})


def test_all_problems_at_once() -> None:
    assert validate_private_dns_args(make_args(zone_name="x", vpc_id="y", endpoint_subnet_ids=[])) == [
        "zone_name 'x' is not a lowercase domain like 'aws.example.internal'",
        "vpc_id 'y' is not a VPC id (vpc-...)",
        "endpoint_subnet_ids must list 2 to 6 subnets in different zones for the outbound endpoint, got 0",
    ]


def test_valid_args_have_no_problems() -> None:
    assert validate_private_dns_args(make_args()) == []
    assert validate_private_dns_args(make_args(resolver_rules={}, endpoint_subnet_ids=[], organisation_arn=None)) == []
