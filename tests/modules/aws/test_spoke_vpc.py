"""modules/aws/spoke_vpc.py: SpokeVpc under the offline planner, and its validation."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from lz.plan import PlannedResource, StackPlan
from modules.aws.cidr import subnet_cidrs
from modules.aws.spoke_vpc import (
    KNOWN_INTERFACE_ENDPOINTS,
    SUBNET_SLOTS,
    SpokeVpc,
    SpokeVpcArgs,
    validate_spoke_vpc_args,
    zone_region,
)
from tests.modules.aws.component_helpers import children_of, plan_capturing_errors, plan_component

TOKEN = "lz:aws:SpokeVpc"
TAGS = {
    "service": "planning",
    "cost-centre": "CC123",
    "owner": "digital@council.gov.uk",
    "environment": "dev",
    "business-unit": "place",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}
TAGGABLE = set(json.loads((Path(__file__).parents[3] / "lz" / "data" / "taggable_types.json").read_text())["aws"])
POOL = "ipam-pool-0a1b2c3d4e5f60718"
TGW = "tgw-0123456789abcdef0"
FLOW_BUCKET = "arn:aws:s3:::lz-log-archive-flow-logs/vpc"
LOG_GROUP = "arn:aws:logs:eu-west-2:123456789012:log-group:/lz/vpc-flow-logs"
FLOW_ROLE = "arn:aws:iam::123456789012:role/lz-vpc-flow-logs"

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
RT = "aws:ec2/routeTable:RouteTable"
RTA = "aws:ec2/routeTableAssociation:RouteTableAssociation"
DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
FLOW = "aws:ec2/flowLog:FlowLog"
VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint"
ATTACH = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
ROUTE = "aws:ec2/route:Route"


def make_args(**overrides: Any) -> SpokeVpcArgs:
    base = SpokeVpcArgs(
        name_tag="lz-dev-euw2-vpc-planning",
        tags=TAGS,
        cidr_block="10.42.8.0/24",
        availability_zones=["eu-west-2a", "eu-west-2b"],
        flow_log_destination_arn=FLOW_BUCKET,
    )
    return dataclasses.replace(base, **overrides)


FULL = {
    "cidr_block": None,
    "ipam_pool_id": POOL,
    "netmask_length": 22,
    "availability_zones": ["eu-west-2a", "eu-west-2b", "eu-west-2c"],
    "flow_log_destination_type": "cloud-watch-logs",
    "flow_log_destination_arn": LOG_GROUP,
    "flow_log_role_arn": FLOW_ROLE,
    "interface_endpoints": ["ssm", "ssmmessages", "ec2messages", "ecr.api"],
    "transit_gateway_id": TGW,
    "lock": True,
}


def plan_vpc(args: SpokeVpcArgs, *, pool_cidr: str | None = None, built: list[SpokeVpc] | None = None) -> StackPlan:
    def build() -> SpokeVpc:
        if pool_cidr is not None:
            aws.ec2.VpcIpamPoolCidr("pool-cidr", ipam_pool_id=POOL, cidr=pool_cidr)
        vpc = SpokeVpc("spoke", args)
        if built is not None:
            built.append(vpc)
        return vpc

    return plan_component(build, "vpc_id", "cidr_block", "private_subnet_ids", "route_table_id",
                          "endpoint_security_group_id", "transit_gateway_attachment_id", "availability_zones")


def children(plan: StackPlan) -> list[PlannedResource]:
    return children_of(plan, TOKEN, "spoke")


def kinds(plan: StackPlan) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in children(plan))


# -- structure --------------------------------------------------------------------------------------


def test_default_config_creates_exactly_these_children() -> None:
    plan = plan_vpc(make_args())
    assert kinds(plan) == sorted(
        [
            (VPC, "spoke-vpc"),
            (SUBNET, "spoke-subnet-eu-west-2a"),
            (SUBNET, "spoke-subnet-eu-west-2b"),
            (RT, "spoke-rt"),
            (RTA, "spoke-rta-eu-west-2a"),
            (RTA, "spoke-rta-eu-west-2b"),
            (DSG, "spoke-default-sg"),
            (FLOW, "spoke-flow-log"),
            (VPCE, "spoke-vpce-s3"),
        ]
    )
    # Nothing outside the component: the module creates no dependencies of its own.
    assert {r.type for r in plan.managed()} - {TOKEN} == {t for t, _ in kinds(plan)}


def test_full_config_creates_exactly_these_children() -> None:
    plan = plan_vpc(make_args(**FULL))
    zones = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    expected = [
        (VPC, "spoke-vpc"),
        (RT, "spoke-rt"),
        (DSG, "spoke-default-sg"),
        (FLOW, "spoke-flow-log"),
        (VPCE, "spoke-vpce-s3"),
        (SG, "spoke-vpce-sg"),
        (VPCE, "spoke-vpce-ssm"),
        (VPCE, "spoke-vpce-ssmmessages"),
        (VPCE, "spoke-vpce-ec2messages"),
        (VPCE, "spoke-vpce-ecr-api"),
        (ATTACH, "spoke-tgw-attachment"),
        (ROUTE, "spoke-default-route"),
        *[(SUBNET, f"spoke-subnet-{z}") for z in zones],
        *[(RTA, f"spoke-rta-{z}") for z in zones],
    ]
    assert kinds(plan) == sorted(expected)


def test_no_internet_gateway_nat_or_public_subnets() -> None:
    plan = plan_vpc(make_args(**FULL))
    types = {r.type for r in plan.resources}
    assert not any(t.endswith((":InternetGateway", ":NatGateway", ":Eip", ":EgressOnlyInternetGateway")) for t in types)
    for subnet in plan.find(SUBNET):
        assert subnet.inputs["mapPublicIpOnLaunch"] is False


def test_vpc_has_dns_support_and_hostnames() -> None:
    vpc = plan_vpc(make_args()).one(VPC, "spoke-vpc")
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True
    assert vpc.inputs["cidrBlock"] == "10.42.8.0/24"
    assert "ipv4IpamPoolId" not in vpc.inputs


def test_outputs() -> None:
    built: list[SpokeVpc] = []
    plan = plan_vpc(make_args(), built=built)
    vpc = plan.one(VPC, "spoke-vpc")
    subnets = [plan.one(SUBNET, f"spoke-subnet-{z}") for z in ("eu-west-2a", "eu-west-2b")]
    # Exports of None are dropped by Pulumi, so the optional outputs are checked on the component.
    assert plan.outputs == {
        "vpc_id": vpc.id,
        "cidr_block": "10.42.8.0/24",
        "private_subnet_ids": [s.id for s in subnets],
        "route_table_id": plan.one(RT, "spoke-rt").id,
        "availability_zones": ["eu-west-2a", "eu-west-2b"],
    }
    assert built[0].endpoint_security_group_id is None
    assert built[0].transit_gateway_attachment_id is None
    assert built[0].availability_zones == ["eu-west-2a", "eu-west-2b"]


def test_outputs_with_endpoints_and_transit_gateway() -> None:
    plan = plan_vpc(make_args(**FULL), pool_cidr="10.64.0.0/16")
    assert plan.outputs["endpoint_security_group_id"] == plan.one(SG, "spoke-vpce-sg").id
    assert plan.outputs["transit_gateway_attachment_id"] == plan.one(ATTACH, "spoke-tgw-attachment").id
    assert plan.outputs["private_subnet_ids"] == [
        plan.one(SUBNET, f"spoke-subnet-{z}").id for z in ("eu-west-2a", "eu-west-2b", "eu-west-2c")
    ]


# -- addressing -------------------------------------------------------------------------------------


def test_literal_cidr_subnets_take_quarter_slots_in_zone_order() -> None:
    plan = plan_vpc(make_args())
    cidrs = [plan.one(SUBNET, f"spoke-subnet-{z}").inputs["cidrBlock"] for z in ("eu-west-2a", "eu-west-2b")]
    assert cidrs == ["10.42.8.0/26", "10.42.8.64/26"]
    assert [plan.one(SUBNET, f"spoke-subnet-{z}").inputs["availabilityZone"] for z in ("eu-west-2a", "eu-west-2b")] == [
        "eu-west-2a",
        "eu-west-2b",
    ]


def test_adding_a_third_zone_keeps_the_existing_subnets() -> None:
    two = plan_vpc(make_args())
    three = plan_vpc(make_args(availability_zones=["eu-west-2a", "eu-west-2b", "eu-west-2c"]))
    for zone in ("eu-west-2a", "eu-west-2b"):
        name = f"spoke-subnet-{zone}"
        assert two.one(SUBNET, name).inputs == three.one(SUBNET, name).inputs
    assert three.one(SUBNET, "spoke-subnet-eu-west-2c").inputs["cidrBlock"] == "10.42.8.128/26"


def test_ipam_allocated_vpc() -> None:
    plan = plan_vpc(make_args(**FULL), pool_cidr="10.64.0.0/16")
    vpc = plan.one(VPC, "spoke-vpc")
    assert vpc.inputs["ipv4IpamPoolId"] == POOL
    assert vpc.inputs["ipv4NetmaskLength"] == 22
    assert "cidrBlock" not in vpc.inputs

    allocated = ipaddress.IPv4Network(vpc.outputs["cidrBlock"])
    assert allocated.prefixlen == 22
    assert allocated.subnet_of(ipaddress.IPv4Network("10.64.0.0/16"))
    assert plan.outputs["cidr_block"] == str(allocated)

    zones = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    subnets = [ipaddress.IPv4Network(plan.one(SUBNET, f"spoke-subnet-{z}").inputs["cidrBlock"]) for z in zones]
    assert all(s.subnet_of(allocated) for s in subnets)
    assert [str(s) for s in subnets] == subnet_cidrs(str(allocated), 3, reserve=SUBNET_SLOTS - 3)
    for subnet in plan.find(SUBNET):
        assert subnet.inputs["vpcId"] == vpc.id


def test_ipam_allocation_without_a_registered_pool_cidr_uses_the_default_pool() -> None:
    plan = plan_vpc(make_args(cidr_block=None, ipam_pool_id=POOL, netmask_length=24))
    allocated = ipaddress.IPv4Network(plan.one(VPC, "spoke-vpc").outputs["cidrBlock"])
    for subnet in plan.find(SUBNET):
        assert ipaddress.IPv4Network(subnet.inputs["cidrBlock"]).subnet_of(allocated)


# -- security ---------------------------------------------------------------------------------------


def test_default_security_group_has_no_rules() -> None:
    plan = plan_vpc(make_args())
    dsg = plan.one(DSG, "spoke-default-sg")
    assert dsg.inputs["ingress"] == []
    assert dsg.inputs["egress"] == []
    assert dsg.inputs["vpcId"] == plan.one(VPC, "spoke-vpc").id


def test_flow_log_to_s3() -> None:
    plan = plan_vpc(make_args())
    flow = plan.one(FLOW, "spoke-flow-log")
    assert flow.inputs["vpcId"] == plan.one(VPC, "spoke-vpc").id
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["maxAggregationInterval"] == 60
    assert flow.inputs["logDestinationType"] == "s3"
    assert flow.inputs["logDestination"] == FLOW_BUCKET
    assert "iamRoleArn" not in flow.inputs


def test_flow_log_to_cloudwatch_logs_uses_the_role() -> None:
    plan = plan_vpc(make_args(**FULL), pool_cidr="10.64.0.0/16")
    flow = plan.one(FLOW, "spoke-flow-log")
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["maxAggregationInterval"] == 60
    assert flow.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow.inputs["logDestination"] == LOG_GROUP
    assert flow.inputs["iamRoleArn"] == FLOW_ROLE


def test_s3_gateway_endpoint_is_always_on_the_route_table() -> None:
    plan = plan_vpc(make_args())
    endpoint = plan.one(VPCE, "spoke-vpce-s3")
    assert endpoint.inputs["serviceName"] == "com.amazonaws.eu-west-2.s3"
    assert endpoint.inputs["vpcEndpointType"] == "Gateway"
    assert endpoint.inputs["routeTableIds"] == [plan.one(RT, "spoke-rt").id]


def test_endpoint_security_group_allows_https_from_the_vpc_only() -> None:
    plan = plan_vpc(make_args(interface_endpoints=["ssm"]))
    sg = plan.one(SG, "spoke-vpce-sg")
    assert sg.inputs["ingress"] == [
        {
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlocks": ["10.42.8.0/24"],
            "description": "HTTPS from the VPC",
        }
    ]
    assert sg.inputs["egress"] == []
    assert sg.inputs["vpcId"] == plan.one(VPC, "spoke-vpc").id
    assert sg.inputs["name"] == "lz-dev-euw2-vpc-planning-vpce"


def test_endpoint_security_group_uses_the_ipam_allocated_range() -> None:
    plan = plan_vpc(make_args(**FULL), pool_cidr="10.64.0.0/16")
    sg = plan.one(SG, "spoke-vpce-sg")
    assert sg.inputs["ingress"][0]["cidrBlocks"] == [plan.one(VPC, "spoke-vpc").outputs["cidrBlock"]]


def test_interface_endpoints_use_private_dns_in_every_subnet() -> None:
    plan = plan_vpc(make_args(**FULL), pool_cidr="10.64.0.0/16")
    subnet_ids = [plan.one(SUBNET, f"spoke-subnet-{z}").id for z in ("eu-west-2a", "eu-west-2b", "eu-west-2c")]
    sg_id = plan.one(SG, "spoke-vpce-sg").id
    for service in FULL["interface_endpoints"]:
        endpoint = plan.one(VPCE, f"spoke-vpce-{service.replace('.', '-')}")
        assert endpoint.inputs["serviceName"] == f"com.amazonaws.eu-west-2.{service}"
        assert endpoint.inputs["vpcEndpointType"] == "Interface"
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert endpoint.inputs["subnetIds"] == subnet_ids
        assert endpoint.inputs["securityGroupIds"] == [sg_id]


def test_route_table_associations_cover_every_subnet() -> None:
    plan = plan_vpc(make_args())
    rt_id = plan.one(RT, "spoke-rt").id
    for zone in ("eu-west-2a", "eu-west-2b"):
        assoc = plan.one(RTA, f"spoke-rta-{zone}")
        assert assoc.inputs == {"subnetId": plan.one(SUBNET, f"spoke-subnet-{zone}").id, "routeTableId": rt_id}


def test_transit_gateway_attachment_and_default_route() -> None:
    plan = plan_vpc(make_args(transit_gateway_id=TGW))
    attachment = plan.one(ATTACH, "spoke-tgw-attachment")
    assert attachment.inputs["transitGatewayId"] == TGW
    assert attachment.inputs["vpcId"] == plan.one(VPC, "spoke-vpc").id
    assert attachment.inputs["subnetIds"] == [
        plan.one(SUBNET, f"spoke-subnet-{z}").id for z in ("eu-west-2a", "eu-west-2b")
    ]
    route = plan.one(ROUTE, "spoke-default-route")
    assert route.inputs == {
        "routeTableId": plan.one(RT, "spoke-rt").id,
        "destinationCidrBlock": "0.0.0.0/0",
        "transitGatewayId": TGW,
    }
    assert attachment.urn in route.dependencies


@pytest.mark.parametrize(
    ("overrides", "taggable_types"),
    [({}, {VPC, SUBNET, RT, DSG, FLOW, VPCE}), (FULL, {VPC, SUBNET, RT, DSG, FLOW, VPCE, SG, ATTACH})],
    ids=["default", "full"],
)
def test_tags_on_every_taggable_child(overrides: dict[str, Any], taggable_types: set[str]) -> None:
    plan = plan_vpc(make_args(**overrides), pool_cidr="10.64.0.0/16")
    # Which types take tags comes from the SDK-derived list, not from this test.
    taggable = [r for r in children(plan) if r.type in TAGGABLE]
    assert {r.type for r in taggable} == taggable_types
    for resource in taggable:
        tags = resource.inputs.get("tags")
        assert tags is not None, resource.name
        assert {k: tags[k] for k in TAGS} == TAGS, resource.name
        assert set(tags) == {*TAGS, "Name"}, resource.name
        assert tags["Name"].startswith("lz-dev-euw2-vpc-planning"), resource.name


def test_name_tags() -> None:
    plan = plan_vpc(make_args())
    assert plan.one(VPC, "spoke-vpc").inputs["tags"]["Name"] == "lz-dev-euw2-vpc-planning"
    assert plan.one(SUBNET, "spoke-subnet-eu-west-2a").inputs["tags"]["Name"] == (
        "lz-dev-euw2-vpc-planning-private-eu-west-2a"
    )
    assert plan.one(RT, "spoke-rt").inputs["tags"]["Name"] == "lz-dev-euw2-vpc-planning-private"


def test_lock_protects_the_vpc_and_subnets_only() -> None:
    locked = plan_vpc(make_args(**FULL), pool_cidr="10.64.0.0/16")
    for resource in children(locked):
        stateful = resource.type in (VPC, SUBNET)
        assert bool(resource.options["protect"]) is stateful, resource.name
        assert bool(resource.options["retain_on_delete"]) is stateful, resource.name
    unlocked = plan_vpc(make_args())
    assert not any(r.options["protect"] or r.options["retain_on_delete"] for r in children(unlocked))


def test_children_are_parented_to_the_component() -> None:
    plan = plan_vpc(make_args(**FULL), pool_cidr="10.64.0.0/16")
    component = plan.one(TOKEN, "spoke")
    assert plan.stack_resource is not None
    assert component.parent == plan.stack_resource.urn
    for resource in plan.managed():
        if resource.type.startswith("aws:") and resource.name != "pool-cidr":
            assert resource.parent == component.urn


# -- validation -------------------------------------------------------------------------------------

INVALID: list[tuple[str, dict[str, Any], list[str]]] = [
    ("blank name tag", {"name_tag": " "}, ["name_tag ' ' must not start or end with whitespace"]),
    (
        "empty name tag",
        {"name_tag": ""},
        [
            "name_tag '' is 0 characters long; VPC (Name tag) names are 1-256",
            "name_tag '' has characters or a shape VPC (Name tag) names do not allow (tag value characters)",
        ],
    ),
    (
        "long name tag",
        {"name_tag": "n" * 201},
        ["name_tag is 201 characters long; at most 200 leave room for the children's suffixes"],
    ),
    (
        "endpoint security group name",
        {"name_tag": "sg-planning", "interface_endpoints": ["ssm"]},
        [
            "name_tag 'sg-planning' gives the endpoint security group name 'sg-planning-vpce', "
            "which must not start with 'sg-'"
        ],
    ),
    (
        "no tags",
        {"tags": {}},
        [
            "tags: Missing mandatory tags: service, cost-centre, owner, environment, business-unit, "
            "data-classification, managed-by"
        ],
    ),
    (
        "too many tags with Name",
        {"tags": {**TAGS, **{f"extra-{i}": "x" for i in range(43)}}},
        ["tags has 50 entries; at most 49 fit alongside the Name tag"],
    ),
    (
        "Name tag",
        {"tags": {**TAGS, "Name": "x"}},
        ["tags must not set 'Name': each child's Name tag is built from name_tag"],
    ),
    (
        "reserved tag prefix",
        {"tags": {**TAGS, "aws:x": "y"}},
        ["tags: Tag key 'aws:x' starts with the reserved prefix 'aws:'"],
    ),
    (
        "both ranges",
        {"ipam_pool_id": POOL, "netmask_length": 24},
        ["set either cidr_block or ipam_pool_id (with netmask_length), not both"],
    ),
    ("no range", {"cidr_block": None}, ["set either cidr_block or ipam_pool_id (with netmask_length)"]),
    (
        "ipam without netmask",
        {"cidr_block": None, "ipam_pool_id": POOL},
        ["netmask_length is required with ipam_pool_id"],
    ),
    ("netmask without ipam", {"netmask_length": 24}, ["netmask_length is only used with ipam_pool_id"]),
    (
        "netmask out of range",
        {"cidr_block": None, "ipam_pool_id": POOL, "netmask_length": 20},
        ["netmask_length must be between 22 and 28, got 20"],
    ),
    (
        "netmask too small to split",
        {"cidr_block": None, "ipam_pool_id": POOL, "netmask_length": 27},
        [
            "netmask_length 27 is too small: the range is split into 4 subnet slots of /29, below the AWS "
            "minimum of /28; use /26 or larger"
        ],
    ),
    (
        "bad pool id",
        {"cidr_block": None, "ipam_pool_id": "pool-1", "netmask_length": 24},
        ["ipam_pool_id 'pool-1' is not an IPAM pool id (ipam-pool-...)"],
    ),
    (
        "host bits",
        {"cidr_block": "10.0.0.1/24"},
        ["cidr_block '10.0.0.1/24' is not a valid CIDR (host bits must be zero)"],
    ),
    ("ipv6 range", {"cidr_block": "fd00::/56"}, ["cidr_block 'fd00::/56' is not an IPv4 CIDR"]),
    (
        "range too big",
        {"cidr_block": "10.0.0.0/8"},
        ["cidr_block 10.0.0.0/8 must be between /16 and /28 (AWS VPC limits)"],
    ),
    (
        "range too small",
        {"cidr_block": "10.0.0.0/27"},
        [
            "cidr_block 10.0.0.0/27 is too small: the range is split into 4 subnet slots of /29, below the AWS "
            "minimum of /28; use /26 or larger"
        ],
    ),
    ("one zone", {"availability_zones": ["eu-west-2a"]}, ["availability_zones must list 2 or 3 zones, got 1"]),
    (
        "four zones",
        {"availability_zones": ["eu-west-2a", "eu-west-2b", "eu-west-2c", "eu-west-2d"]},
        ["availability_zones must list 2 or 3 zones, got 4"],
    ),
    (
        "duplicate zones",
        {"availability_zones": ["eu-west-2a", "eu-west-2a"]},
        ["availability_zones has duplicates: eu-west-2a"],
    ),
    (
        "zone string",
        {"availability_zones": "eu-west-2a"},
        ["availability_zones must be a list of zone names, not a single string"],
    ),
    (
        "bad zone",
        {"availability_zones": ["eu-west-2a", "london-1"]},
        ["availability zone 'london-1' is not a zone name like 'eu-west-2a'"],
    ),
    (
        "zones in two regions",
        {"availability_zones": ["eu-west-2a", "eu-west-1b"]},
        ["availability_zones span several regions (eu-west-1, eu-west-2); a VPC is in one"],
    ),
    (
        "bad destination type",
        {"flow_log_destination_type": "kinesis"},
        ["flow_log_destination_type must be 's3' or 'cloud-watch-logs', got 'kinesis'"],
    ),
    (
        "s3 destination is a log group",
        {"flow_log_destination_arn": LOG_GROUP},
        [f"flow_log_destination_arn {LOG_GROUP!r} is not an S3 bucket ARN (arn:aws:s3:::<bucket>[/<prefix>])"],
    ),
    (
        "log group destination is a bucket, no role",
        {"flow_log_destination_type": "cloud-watch-logs"},
        [
            f"flow_log_destination_arn {FLOW_BUCKET!r} is not a CloudWatch Logs log group ARN "
            "(arn:aws:logs:<region>:<account>:log-group:<name>)",
            "flow_log_role_arn is required when flow_log_destination_type is 'cloud-watch-logs'",
        ],
    ),
    (
        "role with s3",
        {"flow_log_role_arn": FLOW_ROLE},
        [
            "flow_log_role_arn must not be set when flow_log_destination_type is 's3': "
            "S3 delivery is authorised by the bucket policy"
        ],
    ),
    (
        "bad role",
        {
            "flow_log_destination_type": "cloud-watch-logs",
            "flow_log_destination_arn": LOG_GROUP,
            "flow_log_role_arn": "lz-vpc-flow-logs",
        },
        ["flow_log_role_arn 'lz-vpc-flow-logs' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"],
    ),
    (
        "unknown endpoint",
        {"interface_endpoints": ["ssm", "secretmanager"]},
        ["interface endpoint 'secretmanager' is not a known service (did you mean 'secretsmanager'?)"],
    ),
    (
        "unknown endpoint, no hint",
        {"interface_endpoints": ["zzz"]},
        ["interface endpoint 'zzz' is not a known service"],
    ),
    (
        "s3 interface endpoint",
        {"interface_endpoints": ["s3"]},
        ["interface endpoint 's3' is not needed: S3 is always reached through the gateway endpoint"],
    ),
    ("duplicate endpoints", {"interface_endpoints": ["kms", "kms"]}, ["interface_endpoints has duplicates: kms"]),
    (
        "endpoint string",
        {"interface_endpoints": "ssm"},
        ["interface_endpoints must be a list of service names, not a single string"],
    ),
    (
        "bad transit gateway",
        {"transit_gateway_id": "tgw"},
        ["transit_gateway_id 'tgw' is not a transit gateway id (tgw-...)"],
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_spoke_vpc_args(make_args(**overrides)) == expected


def test_all_problems_are_reported_at_once() -> None:
    problems = validate_spoke_vpc_args(
        make_args(tags={}, cidr_block=None, availability_zones=["eu-west-2a"], interface_endpoints=["nope"])
    )
    assert problems == [
        "tags: Missing mandatory tags: service, cost-centre, owner, environment, business-unit, "
        "data-classification, managed-by",
        "set either cidr_block or ipam_pool_id (with netmask_length)",
        "availability_zones must list 2 or 3 zones, got 1",
        "interface endpoint 'nope' is not a known service",
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        FULL,
        {"interface_endpoints": sorted(KNOWN_INTERFACE_ENDPOINTS)},
        {"cidr_block": "10.0.0.0/16"},
        {"cidr_block": "10.0.0.0/26"},
        {"flow_log_destination_arn": "arn:aws:s3:::lz-logs"},
    ],
)
def test_valid_args_have_no_problems(overrides: dict[str, Any]) -> None:
    assert validate_spoke_vpc_args(make_args(**overrides)) == []


def test_outputs_from_other_resources_are_not_validated_as_literals() -> None:
    args = make_args(flow_log_destination_arn=pulumi.Output.from_input("anything"))
    assert validate_spoke_vpc_args(args) == []


def test_invalid_args_raise_before_anything_is_registered() -> None:
    bad = make_args(cidr_block="10.0.0.0/8", availability_zones=["eu-west-2a"], flow_log_role_arn=FLOW_ROLE)
    plan, errors = plan_capturing_errors(lambda: SpokeVpc("spoke", bad))
    assert errors == ["; ".join(validate_spoke_vpc_args(bad))]
    assert errors[0] == (
        "cidr_block 10.0.0.0/8 must be between /16 and /28 (AWS VPC limits); "
        "availability_zones must list 2 or 3 zones, got 1; "
        "flow_log_role_arn must not be set when flow_log_destination_type is 's3': "
        "S3 delivery is authorised by the bucket policy"
    )
    assert plan.managed() == []


@pytest.mark.parametrize(
    ("zone", "region"),
    [("eu-west-2a", "eu-west-2"), ("us-east-1f", "us-east-1"), ("ap-southeast-2c", "ap-southeast-2")],
)
def test_zone_region(zone: str, region: str) -> None:
    assert zone_region(zone) == region


def test_zone_region_rejects_non_zones() -> None:
    with pytest.raises(ValueError, match="'eu-west-2' is not an availability zone name"):
        zone_region("eu-west-2")


# -- parquet flow logs and the caller-owned default route ----------------------------------------------


def test_parquet_flow_logs_in_hourly_partitions() -> None:
    flow = plan_vpc(make_args(flow_log_parquet=True)).one(FLOW, "spoke-flow-log")
    assert flow.inputs["destinationOptions"] == {
        "fileFormat": "parquet", "perHourPartition": True, "hiveCompatiblePartitions": False
    }


def test_attachment_without_the_default_route_leaves_it_to_the_caller() -> None:
    plan = plan_vpc(make_args(transit_gateway_id=TGW, transit_gateway_default_route=False))
    assert plan.one(ATTACH, "spoke-tgw-attachment").inputs["transitGatewayId"] == TGW
    assert plan.find(ROUTE) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"flow_log_parquet": "yes"}, ["flow_log_parquet must be True or False, got 'yes'"]),
        (
            {"flow_log_parquet": True, "flow_log_destination_type": "cloud-watch-logs",
             "flow_log_destination_arn": LOG_GROUP, "flow_log_role_arn": FLOW_ROLE},
            ["flow_log_parquet needs flow_log_destination_type 's3': CloudWatch Logs has no file format"],
        ),
        ({"transit_gateway_default_route": False},
         ["transit_gateway_default_route=False only makes sense with transit_gateway_id"]),
        ({"transit_gateway_id": TGW, "transit_gateway_default_route": None},
         ["transit_gateway_default_route must be True or False, got None"]),
    ],
)
def test_new_option_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_spoke_vpc_args(make_args(**overrides)) == expected
