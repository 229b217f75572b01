"""modules/aws/transit_hub.py: TransitHub under the offline planner, and its validation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from lz.plan import PlannedResource, StackPlan, plan_callable
from modules.aws.transit_hub import TransitHub, TransitHubArgs, cidr_suffix, validate_transit_hub_args
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import children_of, plan_component

TOKEN = "lz:aws:TransitHub"
TAGGABLE = set(json.loads((Path(__file__).parents[3] / "lz" / "data" / "taggable_types.json").read_text())["aws"])
ORG = "arn:aws:organizations::111111111111:organization/o-exampleorg1"
EGRESS_ATTACHMENT = "tgw-attach-0egress0000000000"
SPOKE_ATTACHMENT = "tgw-attach-0spoke00000000000"

TGW = "aws:ec2transitgateway/transitGateway:TransitGateway"
TGW_RT = "aws:ec2transitgateway/routeTable:RouteTable"
TGW_ROUTE = "aws:ec2transitgateway/route:Route"
TGW_ASSOC = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"
TGW_PROP = "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"
ACCEPTER = "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter"
SHARE = "aws:ram/resourceShare:ResourceShare"
SHARE_RES = "aws:ram/resourceAssociation:ResourceAssociation"
SHARE_PRINCIPAL = "aws:ram/principalAssociation:PrincipalAssociation"


def make_args(**overrides: Any) -> TransitHubArgs:
    base = TransitHubArgs(
        name_tag="ebc-shared-euw2-tgw-hub",
        tags=TAGS,
        amazon_side_asn=64512,
        organisation_arn=ORG,
        spoke_cidrs=["10.64.0.0/12"],
    )
    return dataclasses.replace(base, **overrides)


def plan_hub(args: TransitHubArgs, *, egress: bool = False, spokes: dict[str, bool] | None = None) -> StackPlan:
    def build() -> TransitHub:
        hub = TransitHub("hub", args)
        if egress:
            hub.connect_egress(EGRESS_ATTACHMENT)
        for key, accept in (spokes or {}).items():
            hub.connect_spoke(key, SPOKE_ATTACHMENT, accept=accept)
        return hub

    return plan_component(build, tgw="transit_gateway_id", spokes_rt="spokes_route_table_id",
                          egress_rt="egress_route_table_id", share="resource_share_arn")


def children(plan: StackPlan) -> list[PlannedResource]:
    return children_of(plan, TOKEN, "hub")


def kinds(plan: StackPlan) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in children(plan))


BASE = [
    (TGW, "hub-tgw"),
    (TGW_RT, "hub-rt-spokes"),
    (TGW_RT, "hub-rt-egress"),
    (TGW_ROUTE, "hub-blackhole-10-64-0-0-12"),
    (SHARE, "hub-share"),
    (SHARE_RES, "hub-share-tgw"),
    (SHARE_PRINCIPAL, "hub-share-organisation"),
]


def test_creates_exactly_these_children() -> None:
    plan = plan_hub(make_args())
    assert kinds(plan) == sorted(BASE)
    assert {r.type for r in plan.managed()} - {TOKEN} == {t for t, _ in BASE}


def test_connecting_egress_and_spokes_adds_exactly_these() -> None:
    plan = plan_hub(make_args(), egress=True, spokes={"housing-dev": True, "local": False})
    assert kinds(plan) == sorted(
        [
            *BASE,
            (TGW_ASSOC, "hub-egress-association"),
            (TGW_ROUTE, "hub-default-route"),
            (ACCEPTER, "hub-spoke-housing-dev-accepter"),
            (TGW_ASSOC, "hub-spoke-housing-dev-association"),
            (TGW_PROP, "hub-spoke-housing-dev-propagation"),
            (TGW_ASSOC, "hub-spoke-local-association"),
            (TGW_PROP, "hub-spoke-local-propagation"),
        ]
    )


def test_gateway_settings() -> None:
    tgw = plan_hub(make_args(amazon_side_asn=65010)).one(TGW)
    assert tgw.inputs["amazonSideAsn"] == 65010
    assert tgw.inputs["autoAcceptSharedAttachments"] == "disable"
    assert tgw.inputs["defaultRouteTableAssociation"] == "disable"
    assert tgw.inputs["defaultRouteTablePropagation"] == "disable"
    assert tgw.inputs["dnsSupport"] == "enable"
    assert tgw.inputs["tags"]["Name"] == "ebc-shared-euw2-tgw-hub"


def test_route_tables_belong_to_the_gateway() -> None:
    plan = plan_hub(make_args())
    tgw = plan.one(TGW)
    for name, label in (("hub-rt-spokes", "spokes"), ("hub-rt-egress", "egress")):
        rt = plan.one(TGW_RT, name)
        assert rt.inputs["transitGatewayId"] == tgw.id
        assert rt.inputs["tags"]["Name"] == f"ebc-shared-euw2-tgw-hub-{label}"


def test_spokes_table_default_route_to_egress_and_blackholes_no_spoke_routes() -> None:
    plan = plan_hub(make_args(spoke_cidrs=["10.64.0.0/12", "172.20.0.0/16"]), egress=True, spokes={"a": True})
    spokes_rt = plan.one(TGW_RT, "hub-rt-spokes").id
    routes = {r.name: r.inputs for r in plan.find(TGW_ROUTE)}
    assert routes == {
        "hub-default-route": {
            "transitGatewayRouteTableId": spokes_rt,
            "destinationCidrBlock": "0.0.0.0/0",
            "transitGatewayAttachmentId": EGRESS_ATTACHMENT,
        },
        "hub-blackhole-10-64-0-0-12": {
            "transitGatewayRouteTableId": spokes_rt,
            "destinationCidrBlock": "10.64.0.0/12",
            "blackhole": True,
        },
        "hub-blackhole-172-20-0-0-16": {
            "transitGatewayRouteTableId": spokes_rt,
            "destinationCidrBlock": "172.20.0.0/16",
            "blackhole": True,
        },
    }
    # Spokes only propagate into the egress table: nothing teaches one spoke the way to another.
    props = plan.find(TGW_PROP)
    assert [p.inputs["transitGatewayRouteTableId"] for p in props] == [plan.one(TGW_RT, "hub-rt-egress").id]


def test_egress_attachment_is_associated_with_the_egress_table() -> None:
    plan = plan_hub(make_args(), egress=True)
    assoc = plan.one(TGW_ASSOC, "hub-egress-association")
    assert assoc.inputs == {
        "transitGatewayAttachmentId": EGRESS_ATTACHMENT,
        "transitGatewayRouteTableId": plan.one(TGW_RT, "hub-rt-egress").id,
    }


def test_spoke_is_accepted_then_associated_and_propagated() -> None:
    plan = plan_hub(make_args(), spokes={"housing-dev": True})
    accepter = plan.one(ACCEPTER)
    assert accepter.inputs["transitGatewayAttachmentId"] == SPOKE_ATTACHMENT
    assert accepter.inputs["transitGatewayDefaultRouteTableAssociation"] is False
    assert accepter.inputs["transitGatewayDefaultRouteTablePropagation"] is False
    assert accepter.inputs["tags"] == {**TAGS, "Name": "ebc-shared-euw2-tgw-hub-housing-dev"}
    assoc = plan.one(TGW_ASSOC, "hub-spoke-housing-dev-association")
    prop = plan.one(TGW_PROP, "hub-spoke-housing-dev-propagation")
    assert assoc.inputs["transitGatewayRouteTableId"] == plan.one(TGW_RT, "hub-rt-spokes").id
    assert prop.inputs["transitGatewayRouteTableId"] == plan.one(TGW_RT, "hub-rt-egress").id
    for r in (assoc, prop):
        assert r.inputs["transitGatewayAttachmentId"] == SPOKE_ATTACHMENT
        assert accepter.urn in r.dependencies


def test_ram_share_with_the_organisation_only() -> None:
    plan = plan_hub(make_args())
    share = plan.one(SHARE)
    assert share.inputs["allowExternalPrincipals"] is False
    assert share.inputs["name"] == "ebc-shared-euw2-tgw-hub"
    assert plan.one(SHARE_RES).inputs == {
        "resourceArn": plan.one(TGW).outputs["arn"],
        "resourceShareArn": share.outputs["arn"],
    }
    assert plan.one(SHARE_PRINCIPAL).inputs == {"principal": ORG, "resourceShareArn": share.outputs["arn"]}


def test_outputs() -> None:
    plan = plan_hub(make_args())
    assert plan.outputs == {
        "tgw": plan.one(TGW).id,
        "spokes_rt": plan.one(TGW_RT, "hub-rt-spokes").id,
        "egress_rt": plan.one(TGW_RT, "hub-rt-egress").id,
        "share": plan.one(SHARE).outputs["arn"],
    }
    assert plan.one(TGW).id.startswith("tgw-")


@pytest.mark.parametrize("lock", [True, False])
def test_lock_protects_the_gateway_only(lock: bool) -> None:
    plan = plan_hub(make_args(lock=lock), egress=True, spokes={"a": True})
    for r in children(plan):
        if r.type == TGW:
            assert bool(r.options["protect"]) is lock
            assert bool(r.options["retain_on_delete"]) is lock
        else:
            assert not r.options["protect"], r.name


def test_tags_on_every_taggable_child() -> None:
    plan = plan_hub(make_args(), egress=True, spokes={"a": True})
    taggable = [r for r in children(plan) if r.type in TAGGABLE]
    assert {r.type for r in taggable} == {TGW, TGW_RT, SHARE, ACCEPTER}
    for r in taggable:
        assert r.inputs["tags"] == {**TAGS, "Name": r.inputs["tags"]["Name"]}, r.name
        assert r.inputs["tags"]["Name"].startswith("ebc-shared-euw2-tgw-hub"), r.name


def test_connecting_twice_is_refused() -> None:
    def program() -> None:
        hub = TransitHub("hub", make_args())
        hub.connect_spoke("a", SPOKE_ATTACHMENT)
        hub.connect_spoke("a", SPOKE_ATTACHMENT)

    with pytest.raises(Exception, match="hub: spoke 'a' is already connected"):
        plan_callable(program, stack="test", config={"aws:region": "eu-west-2"})

    def twice() -> None:
        hub = TransitHub("hub", make_args())
        hub.connect_egress(EGRESS_ATTACHMENT)
        hub.connect_egress(EGRESS_ATTACHMENT)

    with pytest.raises(Exception, match="hub: the egress attachment is already connected"):
        plan_callable(twice, stack="test", config={"aws:region": "eu-west-2"})


def test_bad_spoke_key_is_refused() -> None:
    def program() -> None:
        TransitHub("hub", make_args()).connect_spoke("Bad_Key", SPOKE_ATTACHMENT)

    with pytest.raises(Exception, match="spoke key 'Bad_Key' must be a lowercase slug"):
        plan_callable(program, stack="test", config={"aws:region": "eu-west-2"})


@pytest.mark.parametrize(
    ("cidr", "suffix"),
    [("10.64.0.0/12", "10-64-0-0-12"), ("192.168.0.0/16", "192-168-0-0-16"), ("fd00::/8", "fd00---8")],
)
def test_cidr_suffix(cidr: str, suffix: str) -> None:
    assert cidr_suffix(cidr) == suffix


INVALID: list[tuple[str, dict[str, Any], list[str]]] = [
    ("empty name", {"name_tag": ""}, [
        "name_tag '' is 0 characters long; Transit gateway (Name tag) names are 1-256",
        "name_tag '' has characters or a shape Transit gateway (Name tag) names do not allow (tag value characters)",
    ]),
    ("long name", {"name_tag": "h" * 161},
     ["name_tag is 161 characters long; at most 160 leave room for the children's suffixes"]),
    ("Name tag", {"tags": {**TAGS, "Name": "x"}},
     ["tags must not set 'Name': each child's Name tag is built from name_tag"]),
    ("public asn", {"amazon_side_asn": 7224},
     ["amazon_side_asn must be a private ASN (64512-65534 or 4200000000-4294967294), got 7224"]),
    ("bool asn", {"amazon_side_asn": True},
     ["amazon_side_asn must be a private ASN (64512-65534 or 4200000000-4294967294), got True"]),
    ("org arn", {"organisation_arn": "o-exampleorg1"},
     ["organisation_arn 'o-exampleorg1' is not an organization ARN "
      "(arn:aws:organizations::<account>:organization/o-...)"]),
    ("no cidrs", {"spoke_cidrs": []}, ["spoke_cidrs must list at least one range (the spokes' address space)"]),
    ("cidr string", {"spoke_cidrs": "10.64.0.0/12"}, ["spoke_cidrs must be a list of CIDRs, not a single string"]),
    ("host bits", {"spoke_cidrs": ["10.64.0.1/12"]},
     ["spoke_cidrs: '10.64.0.1/12' is not a valid CIDR (host bits must be zero)"]),
    ("ipv6", {"spoke_cidrs": ["fd00::/8"]}, ["spoke_cidrs: 'fd00::/8' is not an IPv4 CIDR"]),
    ("overlap", {"spoke_cidrs": ["10.64.0.0/12", "10.65.0.0/16"]},
     ["spoke_cidrs: 10.65.0.0/16 overlaps 10.64.0.0/12"]),
    ("lock", {"lock": "yes"}, ["lock must be True or False, got 'yes'"]),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_transit_hub_args(make_args(**overrides)) == expected


def test_all_problems_at_once_and_nothing_registered() -> None:
    args = make_args(amazon_side_asn=1, spoke_cidrs=[], lock=None)
    assert len(validate_transit_hub_args(args)) == 3

    def program() -> None:
        TransitHub("hub", args)

    with pytest.raises(Exception, match="amazon_side_asn must be a private ASN") as info:
        plan_callable(program, stack="test", config={"aws:region": "eu-west-2"})
    assert "spoke_cidrs must list at least one range" in str(info.value)


def test_valid_args_have_no_problems() -> None:
    assert validate_transit_hub_args(make_args()) == []
    assert validate_transit_hub_args(make_args(amazon_side_asn=4200000000, lock=False)) == []
