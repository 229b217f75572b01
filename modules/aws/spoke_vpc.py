"""`SpokeVpc`: a service environment's private VPC, reaching everything else through the hub.

One private subnet per availability zone, one route table, the default security group locked down
(CIS AWS Foundations 5.4), mandatory VPC flow logs, an S3 gateway endpoint, optional interface
endpoints, and an optional transit gateway attachment carrying the default route (which the caller
may add itself once a gateway owner in another account has accepted the attachment). There is no
internet gateway, no NAT gateway and no public subnet: egress and inspection happen in the hub.

Subnet layout: the VPC range is always split into four equal slots (`SUBNET_SLOTS`) and subnet *i*
takes slot *i* in the order of `availability_zones`. Two-zone VPCs therefore leave two slots free,
three-zone VPCs one, and adding a third zone later adds a subnet without moving (replacing) the
existing two. The order of `availability_zones` is part of the address plan: append, never reorder.

The module never creates its dependencies: the flow log destination (a bucket or log group in the
log archive), its delivery role, the IPAM pool and the transit gateway all come in as IDs/ARNs.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.tags import MAX_TAGS, check_tags
from modules.aws.cidr import AWS_MAX_SUBNET_PREFIXLEN, split_prefixlen, subnet_cidrs

TYPE_TOKEN = "lz:aws:SpokeVpc"

#: Equal slots the VPC range is split into: up to three zones plus one spare (see the module doc).
SUBNET_SLOTS = 4
#: AWS VPC size limits for the primary IPv4 range.
VPC_MIN_PREFIXLEN = 16
VPC_MAX_PREFIXLEN = 28
#: IPAM netmask lengths this module accepts; the split into `SUBNET_SLOTS` narrows the upper end.
NETMASK_RANGE = (22, 28)
#: Largest VPC prefix whose `SUBNET_SLOTS` slots are still valid AWS subnets (a /26 gives four /28s).
LARGEST_SPLITTABLE_PREFIXLEN = AWS_MAX_SUBNET_PREFIXLEN - (SUBNET_SLOTS - 1).bit_length()
#: Longest `name_tag`: Name tags are at most 256 characters and children append suffixes such as
#: `-private-eu-west-2a` or `-vpce-elasticloadbalancing`.
NAME_TAG_MAX_LENGTH = 200

FlowLogDestinationType = Literal["s3", "cloud-watch-logs"]

#: Interface endpoint services a spoke may ask for, by the short name after `com.amazonaws.<region>.`.
#: S3 is deliberately absent: it is always reached through the (free) gateway endpoint.
KNOWN_INTERFACE_ENDPOINTS: frozenset[str] = frozenset(
    {
        "autoscaling",
        "backup",
        "ec2",
        "ec2messages",
        "ecr.api",
        "ecr.dkr",
        "ecs",
        "ecs-agent",
        "ecs-telemetry",
        "elasticfilesystem",
        "elasticloadbalancing",
        "events",
        "execute-api",
        "kms",
        "lambda",
        "logs",
        "monitoring",
        "rds",
        "secretsmanager",
        "sns",
        "sqs",
        "ssm",
        "ssmmessages",
        "states",
        "sts",
    }
)

_AZ = re.compile(r"^(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)[a-z]$")
_S3_BUCKET_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/.*)?$")
_LOG_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[^:*]+(?::\*)?$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_IPAM_POOL_ID = re.compile(r"^ipam-pool-[0-9a-f]+$")
_TGW_ID = re.compile(r"^tgw-[0-9a-f]+$")


@dataclass(frozen=True, kw_only=True)
class SpokeVpcArgs:
    """Inputs of `SpokeVpc`. Give the address range either as `cidr_block` or as an IPAM allocation."""

    name_tag: str
    """Required. Prefix of every child's `Name` tag, e.g. the VPC's physical name from `naming`."""

    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included, applied to every taggable child."""

    availability_zones: Sequence[str]
    """Required. Two or three distinct zones of one region, e.g. `["eu-west-2a", "eu-west-2b"]`.
    Their order fixes each subnet's address slot: append zones, never reorder them."""

    flow_log_destination_arn: pulumi.Input[str]
    """Required. Where VPC flow logs go: an S3 bucket ARN (optionally with a `/prefix`) or a
    CloudWatch Logs log group ARN, matching `flow_log_destination_type`."""

    flow_log_destination_type: FlowLogDestinationType = "s3"
    """Optional. `"s3"` (default) or `"cloud-watch-logs"`."""

    flow_log_role_arn: pulumi.Input[str] | None = None
    """Optional. IAM role the flow log service assumes to write to CloudWatch Logs; required for
    `"cloud-watch-logs"` and not allowed for `"s3"` (S3 delivery is authorised by the bucket policy)."""

    cidr_block: str | None = None
    """Optional. A literal IPv4 range (/16 to /26). Give this or `ipam_pool_id`, not both."""

    ipam_pool_id: pulumi.Input[str] | None = None
    """Optional. IPAM pool the VPC's range is allocated from, with `netmask_length`."""

    netmask_length: int | None = None
    """Optional. Size of the IPAM allocation (22 to 26: the range is split into four subnet slots
    and AWS subnets are at least /28). Required with `ipam_pool_id`, not allowed otherwise."""

    interface_endpoints: Sequence[str] = ()
    """Optional. Interface endpoint services by short name (`"ssm"`, `"ecr.api"`, `"logs"` ...), each
    with private DNS in every subnet, behind a security group allowing HTTPS from the VPC only."""

    transit_gateway_id: pulumi.Input[str] | None = None
    """Optional. Attach the VPC to this transit gateway (in every subnet) and route 0.0.0.0/0 to it.
    A gateway shared from another account that does not auto-accept attachments needs its owner to
    accept this one (`TransitHub.connect_spoke`); then set `transit_gateway_default_route=False`."""

    transit_gateway_default_route: bool = True
    """Optional. With `transit_gateway_id`: route 0.0.0.0/0 to the gateway from inside the component,
    after the attachment. Set False when the attachment must first be accepted by the gateway's owner
    (a shared gateway that does not auto-accept) and add the route after the accepter instead."""

    flow_log_parquet: bool = False
    """Optional. With an S3 destination: deliver Apache Parquet files in hourly partitions (smaller,
    cheaper to query with Athena) instead of plain text in daily ones."""

    lock: bool = False
    """Optional. Protect the VPC and its subnets from deletion (`protect` and `retain_on_delete`)."""


def _duplicates(values: Sequence[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def validate_name_tagged_tags(tags: Mapping[str, str]) -> list[str]:
    """Problems with a tag set every child gets plus its own `Name` tag (shared by the hub modules)."""
    problems = [f"tags: {p}" for p in check_tags(tags)]
    if "Name" in tags:
        problems.append("tags must not set 'Name': each child's Name tag is built from name_tag")
    elif len(tags) == MAX_TAGS:
        problems.append(f"tags has {len(tags)} entries; at most {MAX_TAGS - 1} fit alongside the Name tag")
    return problems


def name_tag_length_problems(name_tag: str, max_length: int) -> list[str]:
    """The problem with a `name_tag` longer than `max_length` (shared by the hub modules)."""
    if len(name_tag) > max_length:
        return [
            f"name_tag is {len(name_tag)} characters long; at most {max_length} leave room for the "
            "children's suffixes"
        ]
    return []


def name_tagged(tags: Mapping[str, str], name_tag: str, suffix: str | None = None) -> dict[str, str]:
    """`tags` plus the `Name` tag `<name_tag>-<suffix>` (just `name_tag` without a suffix)."""
    return {**tags, "Name": f"{name_tag}-{suffix}" if suffix else name_tag}


def _validate_name_tag(args: SpokeVpcArgs) -> list[str]:
    name_tag = args.name_tag
    problems = [f"name_tag {name_tag!r} {p}" for p in check_name(NAME_RULES["aws"]["vpc"], name_tag)]
    if name_tag != name_tag.strip():
        problems.append(f"name_tag {name_tag!r} must not start or end with whitespace")
    if not problems:
        problems += name_tag_length_problems(name_tag, NAME_TAG_MAX_LENGTH)
    if not problems and args.interface_endpoints:
        sg_name = endpoint_security_group_name(name_tag)
        problems += [
            f"name_tag {name_tag!r} gives the endpoint security group name {sg_name!r}, which {p}"
            for p in check_name(NAME_RULES["aws"]["security_group"], sg_name)
        ]
    return problems


def _validate_addressing(args: SpokeVpcArgs) -> list[str]:
    problems: list[str] = []
    has_cidr = args.cidr_block is not None
    has_ipam = args.ipam_pool_id is not None
    if has_cidr and has_ipam:
        problems.append("set either cidr_block or ipam_pool_id (with netmask_length), not both")
    elif not has_cidr and not has_ipam:
        problems.append("set either cidr_block or ipam_pool_id (with netmask_length)")
    if has_ipam and args.netmask_length is None:
        problems.append("netmask_length is required with ipam_pool_id")
    if not has_ipam and args.netmask_length is not None:
        problems.append("netmask_length is only used with ipam_pool_id")
    if isinstance(args.ipam_pool_id, str) and not _IPAM_POOL_ID.match(args.ipam_pool_id):
        problems.append(f"ipam_pool_id {args.ipam_pool_id!r} is not an IPAM pool id (ipam-pool-...)")

    if args.netmask_length is not None:
        low, high = NETMASK_RANGE
        if not low <= args.netmask_length <= high:
            problems.append(f"netmask_length must be between {low} and {high}, got {args.netmask_length}")
        elif args.netmask_length > LARGEST_SPLITTABLE_PREFIXLEN:
            problems.append(_too_small(f"netmask_length {args.netmask_length}", args.netmask_length))

    if args.cidr_block is not None:
        try:
            network = ipaddress.ip_network(args.cidr_block, strict=True)
        except ValueError:
            problems.append(f"cidr_block {args.cidr_block!r} is not a valid CIDR (host bits must be zero)")
        else:
            if not isinstance(network, ipaddress.IPv4Network):
                problems.append(f"cidr_block {args.cidr_block!r} is not an IPv4 CIDR")
            elif not VPC_MIN_PREFIXLEN <= network.prefixlen <= VPC_MAX_PREFIXLEN:
                problems.append(
                    f"cidr_block {args.cidr_block} must be between /{VPC_MIN_PREFIXLEN} and "
                    f"/{VPC_MAX_PREFIXLEN} (AWS VPC limits)"
                )
            elif network.prefixlen > LARGEST_SPLITTABLE_PREFIXLEN:
                problems.append(_too_small(f"cidr_block {args.cidr_block}", network.prefixlen))
    return problems


def _too_small(what: str, prefixlen: int) -> str:
    return (
        f"{what} is too small: the range is split into {SUBNET_SLOTS} subnet slots of "
        f"/{split_prefixlen(prefixlen, SUBNET_SLOTS)}, below the AWS minimum of /{AWS_MAX_SUBNET_PREFIXLEN}; "
        f"use /{LARGEST_SPLITTABLE_PREFIXLEN} or larger"
    )


def validate_availability_zones(zones: Sequence[str]) -> list[str]:
    """Problems with a list of 2 or 3 distinct zones of one region (shared by the hub modules)."""
    if isinstance(zones, str):
        return ["availability_zones must be a list of zone names, not a single string"]
    problems: list[str] = []
    if len(zones) not in (2, 3):
        problems.append(f"availability_zones must list 2 or 3 zones, got {len(zones)}")
    dups = _duplicates(zones)
    if dups:
        problems.append(f"availability_zones has duplicates: {', '.join(dups)}")
    regions: set[str] = set()
    for zone in zones:
        m = _AZ.match(zone)
        if m is None:
            problems.append(f"availability zone {zone!r} is not a zone name like 'eu-west-2a'")
        else:
            regions.add(m.group("region"))
    if len(regions) > 1:
        problems.append(f"availability_zones span several regions ({', '.join(sorted(regions))}); a VPC is in one")
    return problems


def _validate_flow_logs(args: SpokeVpcArgs) -> list[str]:
    problems: list[str] = []
    kind = args.flow_log_destination_type
    if kind not in get_args(FlowLogDestinationType):
        return [f"flow_log_destination_type must be 's3' or 'cloud-watch-logs', got {kind!r}"]
    dest = args.flow_log_destination_arn
    if isinstance(dest, str):
        if kind == "s3" and not _S3_BUCKET_ARN.match(dest):
            problems.append(
                f"flow_log_destination_arn {dest!r} is not an S3 bucket ARN (arn:aws:s3:::<bucket>[/<prefix>])"
            )
        if kind == "cloud-watch-logs" and not _LOG_GROUP_ARN.match(dest):
            problems.append(
                f"flow_log_destination_arn {dest!r} is not a CloudWatch Logs log group ARN "
                "(arn:aws:logs:<region>:<account>:log-group:<name>)"
            )
    role = args.flow_log_role_arn
    if kind == "cloud-watch-logs" and role is None:
        problems.append("flow_log_role_arn is required when flow_log_destination_type is 'cloud-watch-logs'")
    if kind == "s3" and role is not None:
        problems.append(
            "flow_log_role_arn must not be set when flow_log_destination_type is 's3': "
            "S3 delivery is authorised by the bucket policy"
        )
    if isinstance(role, str) and not _ROLE_ARN.match(role):
        problems.append(f"flow_log_role_arn {role!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    if not isinstance(args.flow_log_parquet, bool):
        problems.append(f"flow_log_parquet must be True or False, got {args.flow_log_parquet!r}")
    elif args.flow_log_parquet and kind != "s3":
        problems.append("flow_log_parquet needs flow_log_destination_type 's3': CloudWatch Logs has no file format")
    return problems


def _validate_endpoints(services: Sequence[str]) -> list[str]:
    if isinstance(services, str):
        return ["interface_endpoints must be a list of service names, not a single string"]
    problems: list[str] = []
    dups = _duplicates(services)
    if dups:
        problems.append(f"interface_endpoints has duplicates: {', '.join(dups)}")
    for service in dict.fromkeys(services):
        if service == "s3":
            problems.append("interface endpoint 's3' is not needed: S3 is always reached through the gateway endpoint")
        elif service not in KNOWN_INTERFACE_ENDPOINTS:
            close = difflib.get_close_matches(service, sorted(KNOWN_INTERFACE_ENDPOINTS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"interface endpoint {service!r} is not a known service{hint}")
    return problems


def validate_spoke_vpc_args(args: SpokeVpcArgs) -> list[str]:
    """Every problem with `args`, as messages; an empty list means the arguments are valid."""
    problems = _validate_name_tag(args)
    problems += validate_name_tagged_tags(args.tags)
    problems += _validate_addressing(args)
    problems += validate_availability_zones(args.availability_zones)
    problems += _validate_flow_logs(args)
    problems += _validate_endpoints(args.interface_endpoints)
    tgw = args.transit_gateway_id
    if isinstance(tgw, str) and not _TGW_ID.match(tgw):
        problems.append(f"transit_gateway_id {tgw!r} is not a transit gateway id (tgw-...)")
    if not isinstance(args.transit_gateway_default_route, bool):
        problems.append(
            f"transit_gateway_default_route must be True or False, got {args.transit_gateway_default_route!r}"
        )
    elif not args.transit_gateway_default_route and args.transit_gateway_id is None:
        problems.append("transit_gateway_default_route=False only makes sense with transit_gateway_id")
    if not isinstance(args.lock, bool):
        problems.append(f"lock must be True or False, got {args.lock!r}")
    return problems


def zone_region(zone: str) -> str:
    """The region of an availability zone name: `eu-west-2a` -> `eu-west-2`."""
    m = _AZ.match(zone)
    if m is None:
        raise ValueError(f"{zone!r} is not an availability zone name like 'eu-west-2a'")
    return m.group("region")


def endpoint_security_group_name(name_tag: str) -> str:
    """Physical name of the interface endpoints' security group (fixed: no random suffix)."""
    return f"{name_tag}-vpce"


def _endpoint_suffix(service: str) -> str:
    """Logical-name suffix of an interface endpoint: `ecr.api` -> `ecr-api`."""
    return service.replace(".", "-")


class SpokeVpc(pulumi.ComponentResource):
    """A private, hub-routed VPC for one service environment (see the module docstring)."""

    vpc_id: pulumi.Output[str]
    """The VPC's id."""
    cidr_block: pulumi.Output[str]
    """The VPC's IPv4 range (IPAM-allocated ranges are known once the VPC exists)."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Private subnet ids in the order of `availability_zones`."""
    route_table_id: pulumi.Output[str]
    """The private route table shared by all subnets."""
    endpoint_security_group_id: pulumi.Output[str] | None
    """Security group of the interface endpoints; None when there are none."""
    transit_gateway_attachment_id: pulumi.Output[str] | None
    """The transit gateway VPC attachment's id; None when not attached."""
    availability_zones: list[str]
    """The zones, in subnet order."""

    def __init__(self, name: str, args: SpokeVpcArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_spoke_vpc_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)

        zones = list(args.availability_zones)
        child = pulumi.ResourceOptions(parent=self)
        # Deleting the VPC or a subnet takes everything inside with it: `lock` guards exactly those.
        stateful = pulumi.ResourceOptions(
            parent=self,
            protect=True if args.lock else None,
            retain_on_delete=True if args.lock else None,
        )

        def tags(suffix: str | None = None) -> dict[str, str]:
            return name_tagged(args.tags, args.name_tag, suffix)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            ipv4_ipam_pool_id=args.ipam_pool_id,
            ipv4_netmask_length=args.netmask_length,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=tags(),
            opts=stateful,
        )

        # Carved from the VPC's own cidr_block output, so IPAM-allocated ranges work the same way.
        count = len(zones)
        cidrs = vpc.cidr_block.apply(lambda cidr: subnet_cidrs(cidr, count, reserve=SUBNET_SLOTS - count))
        subnets: list[aws.ec2.Subnet] = []
        for index, zone in enumerate(zones):
            subnets.append(
                aws.ec2.Subnet(
                    f"{name}-subnet-{zone}",
                    vpc_id=vpc.id,
                    availability_zone=zone,
                    cidr_block=cidrs[index],
                    map_public_ip_on_launch=False,
                    tags=tags(f"private-{zone}"),
                    opts=stateful,
                )
            )

        route_table = aws.ec2.RouteTable(f"{name}-rt", vpc_id=vpc.id, tags=tags("private"), opts=child)
        for zone, subnet in zip(zones, subnets, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{name}-rta-{zone}", subnet_id=subnet.id, route_table_id=route_table.id, opts=child
            )

        # Adopting the default security group with no rules removes AWS's allow-all defaults (CIS 5.4).
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[], tags=tags("default"), opts=child
        )

        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type=args.flow_log_destination_type,
            log_destination=args.flow_log_destination_arn,
            iam_role_arn=args.flow_log_role_arn,
            max_aggregation_interval=60,
            destination_options=aws.ec2.FlowLogDestinationOptionsArgs(
                file_format="parquet", per_hour_partition=True, hive_compatible_partitions=False
            )
            if args.flow_log_parquet
            else None,
            tags=tags("flow-log"),
            opts=child,
        )

        # Zones are validated to share one region, and a subnet can only be created in a zone of the
        # provider's region, so the zones name the region without an invoke (and it is known at preview).
        region = zone_region(zones[0])

        aws.ec2.VpcEndpoint(
            f"{name}-vpce-s3",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[route_table.id],
            tags=tags("vpce-s3"),
            opts=child,
        )

        endpoint_sg: aws.ec2.SecurityGroup | None = None
        if args.interface_endpoints:
            endpoint_sg = aws.ec2.SecurityGroup(
                f"{name}-vpce-sg",
                name=endpoint_security_group_name(args.name_tag),
                description="HTTPS from inside the VPC to its interface endpoints",
                vpc_id=vpc.id,
                ingress=[
                    aws.ec2.SecurityGroupIngressArgs(
                        protocol="tcp",
                        from_port=443,
                        to_port=443,
                        cidr_blocks=[vpc.cidr_block],
                        description="HTTPS from the VPC",
                    )
                ],
                # An explicit empty list makes the group authoritative: no egress, now or later.
                egress=[],
                tags=tags("vpce"),
                opts=child,
            )
            for service in args.interface_endpoints:
                aws.ec2.VpcEndpoint(
                    f"{name}-vpce-{_endpoint_suffix(service)}",
                    vpc_id=vpc.id,
                    service_name=f"com.amazonaws.{region}.{service}",
                    vpc_endpoint_type="Interface",
                    private_dns_enabled=True,
                    subnet_ids=[s.id for s in subnets],
                    security_group_ids=[endpoint_sg.id],
                    tags=tags(f"vpce-{_endpoint_suffix(service)}"),
                    opts=child,
                )

        attachment: aws.ec2transitgateway.VpcAttachment | None = None
        if args.transit_gateway_id is not None:
            # Default route-table association/propagation are left to the gateway's owner: they cannot
            # be set from the spoke account when the gateway is shared through RAM.
            attachment = aws.ec2transitgateway.VpcAttachment(
                f"{name}-tgw-attachment",
                transit_gateway_id=args.transit_gateway_id,
                vpc_id=vpc.id,
                subnet_ids=[s.id for s in subnets],
                dns_support="enable",
                tags=tags("tgw"),
                opts=child,
            )
            if args.transit_gateway_default_route:
                aws.ec2.Route(
                    f"{name}-default-route",
                    route_table_id=route_table.id,
                    destination_cidr_block="0.0.0.0/0",
                    transit_gateway_id=args.transit_gateway_id,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]),
                )

        self.vpc_id = vpc.id
        self.cidr_block = vpc.cidr_block
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in subnets])
        self.route_table_id = route_table.id
        self.endpoint_security_group_id = endpoint_sg.id if endpoint_sg is not None else None
        self.transit_gateway_attachment_id = attachment.id if attachment is not None else None
        self.availability_zones = zones
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "cidr_block": self.cidr_block,
                "private_subnet_ids": self.private_subnet_ids,
                "route_table_id": self.route_table_id,
                "endpoint_security_group_id": self.endpoint_security_group_id,
                "transit_gateway_attachment_id": self.transit_gateway_attachment_id,
                "availability_zones": self.availability_zones,
            }
        )
