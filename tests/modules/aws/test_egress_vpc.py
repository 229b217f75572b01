"""modules/aws/egress_vpc.py: EgressVpc under the offline planner, its pure helpers and its validation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from lz.plan import PlannedResource, StackPlan, plan_callable
from modules.aws.egress_vpc import (
    ALLOWLIST_DEFAULT_ACTIONS,
    EgressVpc,
    EgressVpcArgs,
    allowlist_capacity,
    firewall_endpoint_id,
    nat_zones,
    validate_egress_vpc_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import children_of, plan_component

TOKEN = "lz:aws:EgressVpc"
TAGGABLE = set(json.loads((Path(__file__).parents[3] / "lz" / "data" / "taggable_types.json").read_text())["aws"])
TGW_ID = "tgw-0123456789abcdef0"
FLOW = "arn:aws:s3:::ebc-shared-euw2-s3-log-archive/vpc-flow-logs"
POOL = "10.64.0.0/12"
ZONES = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
NAME = "ebc-shared-euw2-vpc-egress"

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
RT = "aws:ec2/routeTable:RouteTable"
RTA = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ROUTE = "aws:ec2/route:Route"
DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
FLOWLOG = "aws:ec2/flowLog:FlowLog"
IGW = "aws:ec2/internetGateway:InternetGateway"
EIP = "aws:ec2/eip:Eip"
NAT = "aws:ec2/natGateway:NatGateway"
ATTACH = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
FIREWALL = "aws:networkfirewall/firewall:Firewall"
POLICY = "aws:networkfirewall/firewallPolicy:FirewallPolicy"
RULES = "aws:networkfirewall/ruleGroup:RuleGroup"
FW_LOGS = "aws:networkfirewall/loggingConfiguration:LoggingConfiguration"


def make_args(**overrides: Any) -> EgressVpcArgs:
    base = EgressVpcArgs(
        name_tag=NAME,
        tags=TAGS,
        cidr_block="10.63.0.0/22",
        availability_zones=ZONES,
        transit_gateway_id=TGW_ID,
        spoke_cidrs=[POOL],
        flow_log_destination_arn=FLOW,
    )
    return dataclasses.replace(base, **overrides)


FIREWALLED = {
    "network_firewall": True,
    "allowed_egress_domains": ["api.github.com", ".gov.uk"],
    "firewall_log_bucket": "ebc-shared-euw2-s3-log-archive",
}


def plan_egress(args: EgressVpcArgs) -> StackPlan:
    return plan_component(
        lambda: EgressVpc("egress", args),
        "vpc_id",
        "cidr_block",
        "firewall_arn",
        public="public_subnet_ids",
        transit="transit_subnet_ids",
        private="private_subnet_ids",
        firewall="firewall_subnet_ids",
        nats="nat_gateway_ids",
        attachment="transit_gateway_attachment_id",
    )


def children(plan: StackPlan) -> list[PlannedResource]:
    return children_of(plan, TOKEN, "egress")


def kinds(plan: StackPlan) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in children(plan))


def routes(plan: StackPlan) -> dict[str, dict[str, Any]]:
    return {r.name: r.inputs for r in plan.find(ROUTE)}


def expected_children(
    zones: list[str], nat_zones_: list[str], firewall: bool, allowlist: bool
) -> list[tuple[str, str]]:
    tiers = ["public", "transit", "private"] + (["firewall"] if firewall else [])
    out = [(VPC, "egress-vpc"), (DSG, "egress-default-sg"), (FLOWLOG, "egress-flow-log"), (IGW, "egress-igw"),
           (ATTACH, "egress-tgw-attachment"), (RT, "egress-rt-private"), (ROUTE, "egress-private-to-10-64-0-0-12")]
    for tier in tiers:
        out += [(SUBNET, f"egress-{tier}-{z}") for z in zones]
        out += [(RTA, f"egress-rta-{tier}-{z}") for z in zones]
    for z in zones:
        out += [(RT, f"egress-rt-transit-{z}"), (RT, f"egress-rt-public-{z}"), (ROUTE, f"egress-transit-{z}-default"),
                (ROUTE, f"egress-public-{z}-default"), (ROUTE, f"egress-public-{z}-to-10-64-0-0-12")]
        if firewall:
            out += [(RT, f"egress-rt-firewall-{z}"), (ROUTE, f"egress-firewall-{z}-default"),
                    (ROUTE, f"egress-firewall-{z}-to-10-64-0-0-12")]
    for z in nat_zones_:
        out += [(EIP, f"egress-eip-{z}"), (NAT, f"egress-nat-{z}")]
    if firewall:
        out += [(POLICY, "egress-policy"), (FIREWALL, "egress-firewall"), (FW_LOGS, "egress-firewall-logging")]
    if allowlist:
        out += [(RULES, "egress-allowlist")]
    return sorted(out)


# -- structure ----------------------------------------------------------------------------------------


def test_nat_per_zone_creates_exactly_these_children() -> None:
    plan = plan_egress(make_args())
    assert kinds(plan) == expected_children(ZONES, ZONES, firewall=False, allowlist=False)
    assert {r.type for r in plan.managed()} - {TOKEN} == {t for t, _ in kinds(plan)}


def test_single_nat_creates_exactly_these_children() -> None:
    plan = plan_egress(make_args(nat_gateways="single", availability_zones=ZONES[:2]))
    assert kinds(plan) == expected_children(ZONES[:2], ZONES[:1], firewall=False, allowlist=False)


def test_firewall_with_allowlist_creates_exactly_these_children() -> None:
    plan = plan_egress(make_args(**FIREWALLED))
    assert kinds(plan) == expected_children(ZONES, ZONES, firewall=True, allowlist=True)


def test_firewall_without_allowlist_has_no_rule_group() -> None:
    plan = plan_egress(make_args(**{**FIREWALLED, "allowed_egress_domains": []}))
    assert kinds(plan) == expected_children(ZONES, ZONES, firewall=True, allowlist=False)


# -- addressing ----------------------------------------------------------------------------------------


def test_subnets_take_fixed_tier_quarters() -> None:
    plan = plan_egress(make_args(**FIREWALLED))
    cidrs = {r.name: r.inputs["cidrBlock"] for r in plan.find(SUBNET)}
    assert cidrs == {
        "egress-public-eu-west-2a": "10.63.0.0/26", "egress-public-eu-west-2b": "10.63.0.64/26",
        "egress-public-eu-west-2c": "10.63.0.128/26",
        "egress-firewall-eu-west-2a": "10.63.1.0/26", "egress-firewall-eu-west-2b": "10.63.1.64/26",
        "egress-firewall-eu-west-2c": "10.63.1.128/26",
        "egress-transit-eu-west-2a": "10.63.2.0/26", "egress-transit-eu-west-2b": "10.63.2.64/26",
        "egress-transit-eu-west-2c": "10.63.2.128/26",
        "egress-private-eu-west-2a": "10.63.3.0/26", "egress-private-eu-west-2b": "10.63.3.64/26",
        "egress-private-eu-west-2c": "10.63.3.128/26",
    }
    for subnet in plan.find(SUBNET):
        assert subnet.inputs["mapPublicIpOnLaunch"] is False
        assert subnet.name.endswith(subnet.inputs["availabilityZone"])
        assert subnet.inputs["vpcId"] == plan.one(VPC).id


def test_turning_the_firewall_on_moves_no_existing_subnet() -> None:
    off = plan_egress(make_args())
    on = plan_egress(make_args(**FIREWALLED))
    for subnet in off.find(SUBNET):
        assert on.one(SUBNET, subnet.name).inputs == subnet.inputs


def test_vpc() -> None:
    vpc = plan_egress(make_args()).one(VPC)
    assert vpc.inputs["cidrBlock"] == "10.63.0.0/22"
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True
    assert vpc.inputs["tags"]["Name"] == NAME


# -- NAT, routes and the attachment ------------------------------------------------------------------


def test_one_nat_gateway_per_zone_in_its_public_subnet() -> None:
    plan = plan_egress(make_args())
    for z in ZONES:
        nat = plan.one(NAT, f"egress-nat-{z}")
        assert nat.inputs["subnetId"] == plan.one(SUBNET, f"egress-public-{z}").id
        assert nat.inputs["allocationId"] == plan.one(EIP, f"egress-eip-{z}").id
        assert nat.inputs["connectivityType"] == "public"
        assert plan.one(IGW).urn in nat.dependencies
        assert plan.one(EIP, f"egress-eip-{z}").inputs["domain"] == "vpc"
        assert routes(plan)[f"egress-transit-{z}-default"]["natGatewayId"] == nat.id


def test_single_nat_gateway_serves_every_zone() -> None:
    plan = plan_egress(make_args(nat_gateways="single"))
    nat = plan.one(NAT)
    for z in ZONES:
        assert routes(plan)[f"egress-transit-{z}-default"] == {
            "routeTableId": plan.one(RT, f"egress-rt-transit-{z}").id,
            "destinationCidrBlock": "0.0.0.0/0",
            "natGatewayId": nat.id,
        }


def test_routes_without_firewall() -> None:
    plan = plan_egress(make_args(on_premises_cidrs=["10.1.0.10/32"]))
    r = routes(plan)
    igw = plan.one(IGW).id
    attachment = plan.one(ATTACH)
    for z in ZONES:
        public_rt = plan.one(RT, f"egress-rt-public-{z}").id
        assert r[f"egress-public-{z}-default"] == {"routeTableId": public_rt, "destinationCidrBlock": "0.0.0.0/0",
                                                   "gatewayId": igw}
        assert r[f"egress-public-{z}-to-10-64-0-0-12"] == {"routeTableId": public_rt, "destinationCidrBlock": POOL,
                                                           "transitGatewayId": TGW_ID}
        assert attachment.urn in plan.one(ROUTE, f"egress-public-{z}-to-10-64-0-0-12").dependencies
    private_rt = plan.one(RT, "egress-rt-private").id
    assert r["egress-private-to-10-64-0-0-12"] == {"routeTableId": private_rt, "destinationCidrBlock": POOL,
                                                   "transitGatewayId": TGW_ID}
    assert r["egress-private-to-10-1-0-10-32"] == {"routeTableId": private_rt, "destinationCidrBlock": "10.1.0.10/32",
                                                   "transitGatewayId": TGW_ID}
    # The private tier has no way out to the internet.
    assert not any(name.startswith("egress-private") and v["destinationCidrBlock"] == "0.0.0.0/0"
                   for name, v in r.items())


def test_route_table_associations() -> None:
    plan = plan_egress(make_args(**FIREWALLED))
    for tier in ("public", "transit", "firewall"):
        for z in ZONES:
            assert plan.one(RTA, f"egress-rta-{tier}-{z}").inputs == {
                "subnetId": plan.one(SUBNET, f"egress-{tier}-{z}").id,
                "routeTableId": plan.one(RT, f"egress-rt-{tier}-{z}").id,
            }
    for z in ZONES:
        assert plan.one(RTA, f"egress-rta-private-{z}").inputs["routeTableId"] == plan.one(RT, "egress-rt-private").id


def test_routes_with_firewall_go_through_the_zone_endpoint_both_ways() -> None:
    plan = plan_egress(make_args(**FIREWALLED))
    r = routes(plan)
    for z in ZONES:
        subnet_id = plan.one(SUBNET, f"egress-firewall-{z}").id
        endpoint = firewall_endpoint_id(plan.one(FIREWALL).outputs["firewallStatuses"], subnet_id)
        assert endpoint.startswith("vpce-")
        assert r[f"egress-transit-{z}-default"]["vpcEndpointId"] == endpoint
        assert "natGatewayId" not in r[f"egress-transit-{z}-default"]
        assert r[f"egress-public-{z}-to-10-64-0-0-12"]["vpcEndpointId"] == endpoint
        assert "transitGatewayId" not in r[f"egress-public-{z}-to-10-64-0-0-12"]
        assert r[f"egress-firewall-{z}-default"]["natGatewayId"] == plan.one(NAT, f"egress-nat-{z}").id
        assert r[f"egress-firewall-{z}-to-10-64-0-0-12"]["transitGatewayId"] == TGW_ID
    assert len({r[f"egress-transit-{z}-default"]["vpcEndpointId"] for z in ZONES}) == 3


@pytest.mark.parametrize(("firewall", "appliance"), [(False, "disable"), (True, "enable")])
def test_transit_gateway_attachment(firewall: bool, appliance: str) -> None:
    plan = plan_egress(make_args(**FIREWALLED) if firewall else make_args())
    attachment = plan.one(ATTACH)
    assert attachment.inputs["transitGatewayId"] == TGW_ID
    assert attachment.inputs["vpcId"] == plan.one(VPC).id
    assert attachment.inputs["subnetIds"] == [plan.one(SUBNET, f"egress-transit-{z}").id for z in ZONES]
    assert attachment.inputs["dnsSupport"] == "enable"
    assert attachment.inputs["applianceModeSupport"] == appliance
    assert attachment.inputs["transitGatewayDefaultRouteTableAssociation"] is False
    assert attachment.inputs["transitGatewayDefaultRouteTablePropagation"] is False


# -- security and logging --------------------------------------------------------------------------------


def test_default_security_group_is_locked_down() -> None:
    dsg = plan_egress(make_args()).one(DSG)
    assert dsg.inputs["ingress"] == []
    assert dsg.inputs["egress"] == []


def test_flow_logs_to_the_archive_as_hourly_parquet() -> None:
    plan = plan_egress(make_args())
    flow = plan.one(FLOWLOG)
    assert flow.inputs["vpcId"] == plan.one(VPC).id
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestinationType"] == "s3"
    assert flow.inputs["logDestination"] == FLOW
    assert flow.inputs["destinationOptions"] == {
        "fileFormat": "parquet", "perHourPartition": True, "hiveCompatiblePartitions": False
    }
    assert "iamRoleArn" not in flow.inputs


def test_allowlist_rule_group_content() -> None:
    plan = plan_egress(make_args(**FIREWALLED))
    rules = plan.one(RULES)
    assert rules.inputs["type"] == "STATEFUL"
    assert rules.inputs["capacity"] == 100
    assert rules.inputs["name"] == f"{NAME}-allowlist"
    assert rules.inputs["ruleGroup"] == {
        "rulesSource": {
            "rulesSourceList": {
                "generatedRulesType": "ALLOWLIST",
                "targetTypes": ["HTTP_HOST", "TLS_SNI"],
                "targets": ["api.github.com", ".gov.uk"],
            }
        },
        "statefulRuleOptions": {"ruleOrder": "STRICT_ORDER"},
    }


def test_policy_with_allowlist_is_strict_order_with_default_drop() -> None:
    plan = plan_egress(make_args(**FIREWALLED))
    policy = plan.one(POLICY).inputs["firewallPolicy"]
    assert policy == {
        "statelessDefaultActions": ["aws:forward_to_sfe"],
        "statelessFragmentDefaultActions": ["aws:forward_to_sfe"],
        "statefulEngineOptions": {"ruleOrder": "STRICT_ORDER"},
        "statefulDefaultActions": list(ALLOWLIST_DEFAULT_ACTIONS),
        "statefulRuleGroupReferences": [{"resourceArn": plan.one(RULES).outputs["arn"], "priority": 1}],
    }
    assert "aws:drop_established" in policy["statefulDefaultActions"]


def test_policy_without_allowlist_passes_everything() -> None:
    plan = plan_egress(make_args(**{**FIREWALLED, "allowed_egress_domains": []}))
    policy = plan.one(POLICY).inputs["firewallPolicy"]
    assert policy == {
        "statelessDefaultActions": ["aws:forward_to_sfe"],
        "statelessFragmentDefaultActions": ["aws:forward_to_sfe"],
        "statefulEngineOptions": {"ruleOrder": "STRICT_ORDER"},
    }


def test_firewall_in_every_zone_with_logging_to_the_archive() -> None:
    plan = plan_egress(make_args(**FIREWALLED))
    firewall = plan.one(FIREWALL)
    assert firewall.inputs["name"] == f"{NAME}-fw"
    assert firewall.inputs["vpcId"] == plan.one(VPC).id
    assert firewall.inputs["firewallPolicyArn"] == plan.one(POLICY).outputs["arn"]
    assert firewall.inputs["subnetMappings"] == [{"subnetId": plan.one(SUBNET, f"egress-firewall-{z}").id}
                                                 for z in ZONES]
    assert firewall.inputs["deleteProtection"] is True
    assert firewall.inputs["subnetChangeProtection"] is True
    logging = plan.one(FW_LOGS)
    assert logging.inputs == {
        "firewallArn": firewall.outputs["arn"],
        "loggingConfiguration": {
            "logDestinationConfigs": [
                {"logDestination": {"bucketName": "ebc-shared-euw2-s3-log-archive", "prefix": f"network-firewall/{k}"},
                 "logDestinationType": "S3", "logType": k.upper()}
                for k in ("alert", "flow")
            ]
        },
    }


@pytest.mark.parametrize("lock", [True, False])
def test_lock_protects_vpc_eips_and_firewall(lock: bool) -> None:
    plan = plan_egress(make_args(**FIREWALLED, lock=lock))
    for r in children(plan):
        expected = lock and r.type in (VPC, EIP, FIREWALL)
        assert bool(r.options["protect"]) is expected, r.name
        assert bool(r.options["retain_on_delete"]) is expected, r.name
    assert plan.one(FIREWALL).inputs["deleteProtection"] is lock


@pytest.mark.parametrize("overrides", [{}, FIREWALLED], ids=["nat", "firewall"])
def test_tags_on_every_taggable_child(overrides: dict[str, Any]) -> None:
    plan = plan_egress(make_args(**overrides))
    taggable = [r for r in children(plan) if r.type in TAGGABLE]
    expected = {VPC, SUBNET, RT, DSG, FLOWLOG, IGW, EIP, NAT, ATTACH}
    if overrides:
        expected |= {FIREWALL, POLICY, RULES}
    assert {r.type for r in taggable} == expected
    for r in taggable:
        tags = r.inputs["tags"]
        assert tags == {**TAGS, "Name": tags["Name"]}, r.name
        assert tags["Name"].startswith(NAME), r.name


def test_outputs() -> None:
    plan = plan_egress(make_args(nat_gateways="single"))
    assert plan.outputs == {
        "vpc_id": plan.one(VPC).id,
        "cidr_block": "10.63.0.0/22",
        "public": [plan.one(SUBNET, f"egress-public-{z}").id for z in ZONES],
        "transit": [plan.one(SUBNET, f"egress-transit-{z}").id for z in ZONES],
        "private": [plan.one(SUBNET, f"egress-private-{z}").id for z in ZONES],
        "nats": {"eu-west-2a": plan.one(NAT).id},
        "attachment": plan.one(ATTACH).id,
    }
    firewalled = plan_egress(make_args(**FIREWALLED))
    assert firewalled.outputs["firewall_arn"] == firewalled.one(FIREWALL).outputs["arn"]
    assert firewalled.outputs["firewall"] == [firewalled.one(SUBNET, f"egress-firewall-{z}").id for z in ZONES]


# -- pure helpers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zones", "mode", "expected"),
    [
        (["a1", "b1"], "one_per_az", {"a1": "a1", "b1": "b1"}),
        (["a1", "b1", "c1"], "single", {"a1": "a1", "b1": "a1", "c1": "a1"}),
        (["c1", "a1"], "single", {"c1": "c1", "a1": "c1"}),
    ],
)
def test_nat_zones(zones: list[str], mode: Any, expected: dict[str, str]) -> None:
    assert nat_zones(zones, mode) == expected


@pytest.mark.parametrize(("domains", "capacity"), [(0, 100), (1, 100), (25, 100), (26, 200), (100, 400), (251, 1100)])
def test_allowlist_capacity(domains: int, capacity: int) -> None:
    assert allowlist_capacity(domains) == capacity


STATUSES = [{"sync_states": [
    {"availability_zone": "eu-west-2a", "attachments": [{"subnet_id": "subnet-a", "endpoint_id": "vpce-a"}]},
    {"availability_zone": "eu-west-2b", "attachments": [{"subnet_id": "subnet-b", "endpoint_id": "vpce-b"}]},
]}]


@pytest.mark.parametrize(
    ("statuses", "subnet", "endpoint"),
    [
        (STATUSES, "subnet-a", "vpce-a"),
        (STATUSES, "subnet-b", "vpce-b"),
        ([{"syncStates": [{"attachments": [{"subnetId": "subnet-c", "endpointId": "vpce-c"}]}]}], "subnet-c", "vpce-c"),
    ],
)
def test_firewall_endpoint_id(statuses: Any, subnet: str, endpoint: str) -> None:
    assert firewall_endpoint_id(statuses, subnet) == endpoint


@pytest.mark.parametrize("statuses", [STATUSES, [], None])
def test_firewall_endpoint_id_missing(statuses: Any) -> None:
    with pytest.raises(ValueError, match="the firewall reports no endpoint in subnet subnet-z"):
        firewall_endpoint_id(statuses, "subnet-z")


# -- validation --------------------------------------------------------------------------------------------

INVALID: list[tuple[str, dict[str, Any], list[str]]] = [
    ("name chars", {"name_tag": "egress vpc"},
     ["name_tag 'egress vpc' must be letters, digits and hyphens (Network Firewall names)"]),
    ("long name", {"name_tag": "e" * 111},
     ["name_tag is 111 characters long; at most 110 leave room for the children's suffixes"]),
    ("missing tags", {"tags": {"service": "platform"}},
     ["tags: Missing mandatory tags: cost-centre, owner, environment, business-unit, data-classification, "
      "managed-by"]),
    ("host bits", {"cidr_block": "10.63.0.1/22"},
     ["cidr_block '10.63.0.1/22' is not a valid CIDR (host bits must be zero)"]),
    ("ipv6", {"cidr_block": "fd00::/56"}, ["cidr_block 'fd00::/56' is not an IPv4 CIDR"]),
    ("too small", {"cidr_block": "10.63.0.0/25"},
     ["cidr_block 10.63.0.0/25 must be between /16 and /24 (four tiers of four zone slots of at least /28)"]),
    ("public range", {"cidr_block": "8.8.0.0/22"}, ["cidr_block 8.8.0.0/22 is not a private (RFC 1918) range"]),
    ("one zone", {"availability_zones": ["eu-west-2a"]}, ["availability_zones must list 2 or 3 zones, got 1"]),
    ("bad tgw", {"transit_gateway_id": "tgw"}, ["transit_gateway_id 'tgw' is not a transit gateway id (tgw-...)"]),
    ("no spokes", {"spoke_cidrs": []}, ["spoke_cidrs must list at least one range (the spokes' address space)"]),
    ("spokes overlap vpc", {"spoke_cidrs": ["10.63.0.0/16"]},
     ["spoke_cidrs: 10.63.0.0/16 overlaps the VPC range 10.63.0.0/22"]),
    ("spokes string", {"spoke_cidrs": POOL}, ["spoke_cidrs must be a list of CIDRs, not a single string"]),
    ("on-prem host bits", {"on_premises_cidrs": ["10.1.0.10/24"]},
     ["on_premises_cidrs: '10.1.0.10/24' is not a valid CIDR (host bits must be zero)"]),
    ("on-prem duplicates", {"on_premises_cidrs": ["10.1.0.10/32", "10.1.0.10/32"]},
     ["on_premises_cidrs has duplicates: 10.1.0.10/32"]),
    ("flow log not s3", {"flow_log_destination_arn": "arn:aws:logs:eu-west-2:123456789012:log-group:x"},
     ["flow_log_destination_arn 'arn:aws:logs:eu-west-2:123456789012:log-group:x' is not an S3 bucket ARN "
      "(arn:aws:s3:::<bucket>[/<prefix>])"]),
    ("nat mode", {"nat_gateways": "two"}, ["nat_gateways must be 'one_per_az' or 'single', got 'two'"]),
    ("allowlist without firewall", {"allowed_egress_domains": ["gov.uk"]},
     ["allowed_egress_domains needs network_firewall: without it nothing enforces the list"]),
    ("bad domain", {**FIREWALLED, "allowed_egress_domains": ["https://gov.uk", "*.gov.uk"]},
     ["allowed_egress_domains: 'https://gov.uk' is not a lowercase domain like 'example.gov.uk' or '.gov.uk'",
      "allowed_egress_domains: '*.gov.uk' is not a lowercase domain like 'example.gov.uk' or '.gov.uk'"]),
    ("duplicate domain", {**FIREWALLED, "allowed_egress_domains": ["gov.uk", "gov.uk"]},
     ["allowed_egress_domains has duplicates: gov.uk"]),
    ("domains string", {**FIREWALLED, "allowed_egress_domains": "gov.uk"},
     ["allowed_egress_domains must be a list of domains, not a single string"]),
    ("firewall without bucket", {"network_firewall": True},
     ["firewall_log_bucket is required with network_firewall (its ALERT and FLOW logs)"]),
    ("bucket without firewall", {"firewall_log_bucket": "ebc-logs"},
     ["firewall_log_bucket is only used with network_firewall"]),
    ("bucket arn", {**FIREWALLED, "firewall_log_bucket": "arn:aws:s3:::ebc-logs"},
     ["firewall_log_bucket 'arn:aws:s3:::ebc-logs' is not an S3 bucket name (a name, not an ARN)"]),
    ("prefix", {"firewall_log_prefix": "/logs/"}, ["firewall_log_prefix '/logs/' is not an S3 key prefix like 'a/b'"]),
    ("firewall flag", {"network_firewall": "yes"}, ["network_firewall must be True or False, got 'yes'"]),
    ("lock", {"lock": 1}, ["lock must be True or False, got 1"]),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_egress_vpc_args(make_args(**overrides)) == expected


def test_all_problems_at_once_before_anything_is_registered() -> None:
    args = make_args(cidr_block="10.63.0.0/25", nat_gateways="none", network_firewall=True)
    assert validate_egress_vpc_args(args) == [
        "cidr_block 10.63.0.0/25 must be between /16 and /24 (four tiers of four zone slots of at least /28)",
        "nat_gateways must be 'one_per_az' or 'single', got 'none'",
        "firewall_log_bucket is required with network_firewall (its ALERT and FLOW logs)",
    ]
    with pytest.raises(Exception, match=r"cidr_block 10\.63\.0\.0/25 must be between .*; nat_gateways must be"):
        plan_callable(lambda: EgressVpc("egress", args), stack="test", config={"aws:region": "eu-west-2"})


@pytest.mark.parametrize("overrides", [{}, FIREWALLED, {"nat_gateways": "single", "cidr_block": "172.16.0.0/24"}])
def test_valid_args_have_no_problems(overrides: dict[str, Any]) -> None:
    assert validate_egress_vpc_args(make_args(**overrides)) == []
