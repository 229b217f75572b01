"""`EgressVpc`: the hub VPC every spoke reaches the internet through, optionally inspected.

Traffic path: spoke → transit gateway → `transit` subnet of the same zone → (AWS Network Firewall
endpoint in the `firewall` subnet →) NAT gateway in the `public` subnet → internet gateway. Replies
come back the same way: the public route tables send the spokes' ranges to the firewall endpoint of
their zone (or straight to the transit gateway without a firewall), so inspection is symmetric.

Subnet layout (`modules.aws.cidr.tiered_subnet_cidrs`): the VPC range is split into four quarters
`public`, `firewall`, `transit`, `private`, and each quarter into four zone slots. A tier keeps its
quarter when unused, so turning the firewall on adds subnets without moving any. `private` subnets
hold hub endpoints such as the Route 53 Resolver outbound endpoint; they have no default route, only
routes to the spokes and to `on_premises_cidrs` through the transit gateway.

Also: the default security group locked down (CIS AWS Foundations 5.4), VPC flow logs to the log
archive bucket (Parquet, hourly partitions), one NAT gateway and Elastic IP per zone or a single one,
and the transit gateway attachment (appliance mode on with the firewall so flows stay in one zone).
Dependencies (the transit gateway, the log archive bucket) come in as ids and ARNs.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import pulumi
import pulumi_aws as aws

from modules.aws.cidr import EGRESS_TIERS, tiered_subnet_cidrs
from modules.aws.spoke_vpc import (
    name_tag_length_problems,
    name_tagged,
    validate_availability_zones,
    validate_name_tagged_tags,
)
from modules.aws.transit_hub import cidr_suffix

TYPE_TOKEN = "lz:aws:EgressVpc"

NatGateways = Literal["one_per_az", "single"]

#: Egress VPC sizes: four tiers of four zone slots; subnets are at least /28, so /24 is the smallest.
VPC_PREFIXLEN_RANGE = (16, 24)
#: Network Firewall names: 1-128 letters, digits and hyphens; children append up to `-allowlist`.
NAME_TAG_MAX_LENGTH = 110
#: Rule group capacity cannot change after creation: keep headroom (see `allowlist_capacity`).
MIN_RULE_GROUP_CAPACITY = 100
#: Actions Network Firewall takes on traffic no allowlist rule passed (strict order). `drop_established`
#: (not `drop_strict`) lets the TCP handshake finish so the TLS SNI / HTTP Host can be inspected.
ALLOWLIST_DEFAULT_ACTIONS: tuple[str, ...] = ("aws:drop_established", "aws:alert_established")

_NAME_TAG = re.compile(r"^[a-zA-Z0-9-]+$")
_TGW_ID = re.compile(r"^tgw-[0-9a-f]+$")
_S3_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/.*)?$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DOMAIN = re.compile(r"^\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_PREFIX = re.compile(r"^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$")


@dataclass(frozen=True, kw_only=True)
class EgressVpcArgs:
    """Inputs of `EgressVpc`."""

    name_tag: str
    """Required. Prefix of every child's `Name` tag and of the firewall's names (letters, digits, hyphens)."""

    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included, applied to every taggable child."""

    cidr_block: str
    """Required. The VPC's private IPv4 range, /16 to /24, outside the spokes' ranges."""

    availability_zones: Sequence[str]
    """Required. Two or three zones of one region; their order fixes each subnet's slot (append only)."""

    transit_gateway_id: pulumi.Input[str]
    """Required. The hub's transit gateway, in this VPC's account."""

    spoke_cidrs: Sequence[str]
    """Required. The spokes' address space (e.g. the IPAM pool): return routes to the transit gateway."""

    flow_log_destination_arn: pulumi.Input[str]
    """Required. S3 ARN (bucket, optionally `/prefix`) in the log archive that VPC flow logs go to."""

    nat_gateways: NatGateways = "one_per_az"
    """Optional. `one_per_az` (default: a zone failure only affects that zone) or `single` (cheaper)."""

    on_premises_cidrs: Sequence[str] = ()
    """Optional. Further ranges the `private` subnets reach through the transit gateway, e.g. the
    `/32`s of on-premises DNS servers the resolver forwards to."""

    network_firewall: bool = False
    """Optional. Inspect egress with AWS Network Firewall (an endpoint per zone)."""

    allowed_egress_domains: Sequence[str] = ()
    """Optional. With the firewall: the only domains HTTP (Host) and HTTPS (TLS SNI) may reach; a
    leading dot allows subdomains (`.gov.uk`). Everything else is dropped. Empty: pass all, log flows."""

    firewall_log_bucket: pulumi.Input[str] | None = None
    """Optional. Required with the firewall: name of the log archive bucket its ALERT and FLOW logs go to."""

    firewall_log_prefix: str = "network-firewall"
    """Optional. Key prefix of the firewall logs in that bucket."""

    lock: bool = True
    """Optional. Protect the VPC, the Elastic IPs (third parties may allow-list them) and the firewall
    (also its delete and subnet-change protection). Default True."""


def nat_zones(zones: Sequence[str], mode: NatGateways) -> dict[str, str]:
    """Which zone's NAT gateway each zone uses: its own (`one_per_az`) or the first zone's (`single`).

    >>> nat_zones(["eu-west-2a", "eu-west-2b"], "single")
    {'eu-west-2a': 'eu-west-2a', 'eu-west-2b': 'eu-west-2a'}
    """
    return {z: (z if mode == "one_per_az" else zones[0]) for z in zones}


def allowlist_capacity(domains: int) -> int:
    """Capacity of the allowlist rule group: two target types per domain, doubled for growth, rounded
    up to a hundred (capacity is fixed when the group is created)."""
    return max(MIN_RULE_GROUP_CAPACITY, 100 * math.ceil(domains * 2 * 2 / 100))


def firewall_endpoint_id(statuses: Any, subnet_id: str) -> str:
    """The firewall endpoint (`vpce-...`) in `subnet_id`, from the firewall's `firewall_statuses`."""
    for status in statuses or []:
        for sync in _field(status, "sync_states", "syncStates") or []:
            for attachment in _field(sync, "attachments") or []:
                if _field(attachment, "subnet_id", "subnetId") == subnet_id:
                    return str(_field(attachment, "endpoint_id", "endpointId"))
    raise ValueError(f"the firewall reports no endpoint in subnet {subnet_id}")


def _field(obj: Any, *names: str) -> Any:
    for n in names:
        value = obj.get(n) if isinstance(obj, Mapping) else getattr(obj, n, None)
        if value is not None:
            return value
    return None


def _validate_cidr_list(field: str, cidrs: Sequence[str], vpc: ipaddress.IPv4Network | None) -> list[str]:
    if isinstance(cidrs, str):
        return [f"{field} must be a list of CIDRs, not a single string"]
    problems: list[str] = []
    for cidr in cidrs:
        try:
            net = ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            problems.append(f"{field}: {cidr!r} is not a valid CIDR (host bits must be zero)")
            continue
        if not isinstance(net, ipaddress.IPv4Network):
            problems.append(f"{field}: {cidr!r} is not an IPv4 CIDR")
        elif vpc is not None and net.overlaps(vpc):
            problems.append(f"{field}: {cidr} overlaps the VPC range {vpc}")
    dups = sorted({c for c in cidrs if list(cidrs).count(c) > 1})
    if dups:
        problems.append(f"{field} has duplicates: {', '.join(dups)}")
    return problems


def _validate_range(cidr_block: str) -> tuple[list[str], ipaddress.IPv4Network | None]:
    try:
        net = ipaddress.ip_network(cidr_block, strict=True)
    except ValueError:
        return [f"cidr_block {cidr_block!r} is not a valid CIDR (host bits must be zero)"], None
    if not isinstance(net, ipaddress.IPv4Network):
        return [f"cidr_block {cidr_block!r} is not an IPv4 CIDR"], None
    low, high = VPC_PREFIXLEN_RANGE
    problems = []
    if not low <= net.prefixlen <= high:
        problems.append(
            f"cidr_block {cidr_block} must be between /{low} and /{high} (four tiers of four zone slots of at "
            "least /28)"
        )
    if not net.is_private:
        problems.append(f"cidr_block {cidr_block} is not a private (RFC 1918) range")
    return problems, net


def _validate_firewall(args: EgressVpcArgs) -> list[str]:
    problems: list[str] = []
    if not isinstance(args.network_firewall, bool):
        return [f"network_firewall must be True or False, got {args.network_firewall!r}"]
    domains = args.allowed_egress_domains
    if isinstance(domains, str):
        problems.append("allowed_egress_domains must be a list of domains, not a single string")
        domains = ()
    if domains and not args.network_firewall:
        problems.append("allowed_egress_domains needs network_firewall: without it nothing enforces the list")
    for domain in dict.fromkeys(domains):
        if not _DOMAIN.match(domain):
            problems.append(
                f"allowed_egress_domains: {domain!r} is not a lowercase domain like 'example.gov.uk' or '.gov.uk'"
            )
    dups = sorted({d for d in domains if list(domains).count(d) > 1})
    if dups:
        problems.append(f"allowed_egress_domains has duplicates: {', '.join(dups)}")
    bucket = args.firewall_log_bucket
    if args.network_firewall and bucket is None:
        problems.append("firewall_log_bucket is required with network_firewall (its ALERT and FLOW logs)")
    if not args.network_firewall and bucket is not None:
        problems.append("firewall_log_bucket is only used with network_firewall")
    if isinstance(bucket, str) and not _BUCKET.match(bucket):
        problems.append(f"firewall_log_bucket {bucket!r} is not an S3 bucket name (a name, not an ARN)")
    if not _PREFIX.match(args.firewall_log_prefix):
        problems.append(f"firewall_log_prefix {args.firewall_log_prefix!r} is not an S3 key prefix like 'a/b'")
    return problems


def validate_egress_vpc_args(args: EgressVpcArgs) -> list[str]:
    """Every problem with `args`, as messages; an empty list means the arguments are valid."""
    problems: list[str] = []
    if not _NAME_TAG.match(args.name_tag):
        problems.append(f"name_tag {args.name_tag!r} must be letters, digits and hyphens (Network Firewall names)")
    else:
        problems += name_tag_length_problems(args.name_tag, NAME_TAG_MAX_LENGTH)
    problems += validate_name_tagged_tags(args.tags)
    range_problems, vpc = _validate_range(args.cidr_block)
    problems += range_problems
    problems += validate_availability_zones(args.availability_zones)
    tgw = args.transit_gateway_id
    if isinstance(tgw, str) and not _TGW_ID.match(tgw):
        problems.append(f"transit_gateway_id {tgw!r} is not a transit gateway id (tgw-...)")
    if not isinstance(args.spoke_cidrs, str) and not args.spoke_cidrs:
        problems.append("spoke_cidrs must list at least one range (the spokes' address space)")
    problems += _validate_cidr_list("spoke_cidrs", args.spoke_cidrs, vpc)
    problems += _validate_cidr_list("on_premises_cidrs", args.on_premises_cidrs, vpc)
    dest = args.flow_log_destination_arn
    if isinstance(dest, str) and not _S3_ARN.match(dest):
        problems.append(
            f"flow_log_destination_arn {dest!r} is not an S3 bucket ARN (arn:aws:s3:::<bucket>[/<prefix>])"
        )
    if args.nat_gateways not in get_args(NatGateways):
        problems.append(f"nat_gateways must be 'one_per_az' or 'single', got {args.nat_gateways!r}")
    problems += _validate_firewall(args)
    if not isinstance(args.lock, bool):
        problems.append(f"lock must be True or False, got {args.lock!r}")
    return problems


class EgressVpc(pulumi.ComponentResource):
    """Central egress (NAT, optional Network Firewall) for every spoke (see the module docstring)."""

    vpc_id: pulumi.Output[str]
    cidr_block: str
    public_subnet_ids: pulumi.Output[list[str]]
    transit_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    """Subnets for hub endpoints (e.g. the Route 53 Resolver), in zone order."""
    private_subnet_ids_by_zone: dict[str, pulumi.Output[str]]
    """The same, per zone: for inputs that need one value per subnet (e.g. endpoint IP addresses)."""
    firewall_subnet_ids: pulumi.Output[list[str]] | None
    nat_gateway_ids: pulumi.Output[dict[str, str]]
    """Zone -> NAT gateway id (one entry with `single`)."""
    nat_public_ips: pulumi.Output[dict[str, str]]
    """Zone -> the NAT gateway's public IP: what third parties allow-list."""
    transit_gateway_attachment_id: pulumi.Output[str]
    firewall_arn: pulumi.Output[str] | None
    availability_zones: list[str]

    def __init__(self, name: str, args: EgressVpcArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_egress_vpc_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        zones = list(args.availability_zones)
        child = pulumi.ResourceOptions(parent=self)
        locked = pulumi.ResourceOptions(parent=self, protect=True if args.lock else None,
                                        retain_on_delete=True if args.lock else None)

        def tags(suffix: str | None = None) -> dict[str, str]:
            return name_tagged(args.tags, args.name_tag, suffix)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=tags(),
            opts=locked,
        )
        cidrs = tiered_subnet_cidrs(args.cidr_block, len(zones), tiers=EGRESS_TIERS)
        tiers = ["public", "transit", "private"] + (["firewall"] if args.network_firewall else [])
        subnets: dict[str, dict[str, aws.ec2.Subnet]] = {tier: {} for tier in tiers}
        for tier in tiers:
            for index, zone in enumerate(zones):
                subnets[tier][zone] = aws.ec2.Subnet(
                    f"{name}-{tier}-{zone}",
                    vpc_id=vpc.id,
                    availability_zone=zone,
                    cidr_block=cidrs[tier][index],
                    # NAT gateways have their own Elastic IPs: nothing here gets a public IP by default.
                    map_public_ip_on_launch=False,
                    tags=tags(f"{tier}-{zone}"),
                    opts=child,
                )

        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[], tags=tags("default"), opts=child
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="s3",
            log_destination=args.flow_log_destination_arn,
            max_aggregation_interval=60,
            destination_options=aws.ec2.FlowLogDestinationOptionsArgs(
                file_format="parquet", per_hour_partition=True, hive_compatible_partitions=False
            ),
            tags=tags("flow-log"),
            opts=child,
        )

        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=tags("igw"), opts=child)
        nat_of = nat_zones(zones, args.nat_gateways)
        nats: dict[str, aws.ec2.NatGateway] = {}
        eips: dict[str, aws.ec2.Eip] = {}
        for zone in dict.fromkeys(nat_of.values()):
            eips[zone] = aws.ec2.Eip(f"{name}-eip-{zone}", domain="vpc", tags=tags(f"nat-{zone}"), opts=locked)
            nats[zone] = aws.ec2.NatGateway(
                f"{name}-nat-{zone}",
                allocation_id=eips[zone].id,
                subnet_id=subnets["public"][zone].id,
                connectivity_type="public",
                tags=tags(f"nat-{zone}"),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
            )

        attachment = aws.ec2transitgateway.VpcAttachment(
            f"{name}-tgw-attachment",
            transit_gateway_id=args.transit_gateway_id,
            vpc_id=vpc.id,
            subnet_ids=[subnets["transit"][z].id for z in zones],
            dns_support="enable",
            # With a stateful firewall both directions of a flow must use the same zone's endpoint.
            appliance_mode_support="enable" if args.network_firewall else "disable",
            transit_gateway_default_route_table_association=False,
            transit_gateway_default_route_table_propagation=False,
            tags=tags("tgw"),
            opts=child,
        )
        via_tgw = pulumi.ResourceOptions(parent=self, depends_on=[attachment])

        firewall_endpoints: dict[str, pulumi.Output[str]] = {}
        firewall: aws.networkfirewall.Firewall | None = None
        if args.network_firewall:
            firewall = self._firewall(name, args, vpc, [subnets["firewall"][z] for z in zones], tags, locked)
            for zone in zones:
                statuses = firewall.firewall_statuses
                firewall_endpoints[zone] = pulumi.Output.all(statuses, subnets["firewall"][zone].id).apply(
                    lambda a: firewall_endpoint_id(a[0], a[1])
                )

        def route_table(suffix: str, tier: str, zone_list: Sequence[str]) -> aws.ec2.RouteTable:
            table = aws.ec2.RouteTable(f"{name}-rt-{suffix}", vpc_id=vpc.id, tags=tags(suffix), opts=child)
            for zone in zone_list:
                aws.ec2.RouteTableAssociation(
                    f"{name}-rta-{tier}-{zone}", subnet_id=subnets[tier][zone].id, route_table_id=table.id,
                    opts=child,
                )
            return table

        for zone in zones:
            nat = nats[nat_of[zone]]
            endpoint = firewall_endpoints.get(zone)
            # transit: traffic from the spokes goes to the zone's firewall endpoint, else its NAT gateway.
            transit_rt = route_table(f"transit-{zone}", "transit", [zone])
            aws.ec2.Route(
                f"{name}-transit-{zone}-default",
                route_table_id=transit_rt.id,
                destination_cidr_block="0.0.0.0/0",
                vpc_endpoint_id=endpoint,
                nat_gateway_id=None if endpoint is not None else nat.id,
                opts=child,
            )
            # public: out through the internet gateway; replies to spokes back the way they came.
            public_rt = route_table(f"public-{zone}", "public", [zone])
            aws.ec2.Route(
                f"{name}-public-{zone}-default",
                route_table_id=public_rt.id,
                destination_cidr_block="0.0.0.0/0",
                gateway_id=igw.id,
                opts=child,
            )
            for cidr in args.spoke_cidrs:
                aws.ec2.Route(
                    f"{name}-public-{zone}-to-{cidr_suffix(cidr)}",
                    route_table_id=public_rt.id,
                    destination_cidr_block=cidr,
                    vpc_endpoint_id=endpoint,
                    transit_gateway_id=None if endpoint is not None else args.transit_gateway_id,
                    opts=child if endpoint is not None else via_tgw,
                )
            if endpoint is not None:
                # firewall: inspected traffic on to the NAT gateway; inspected replies to the spokes.
                firewall_rt = route_table(f"firewall-{zone}", "firewall", [zone])
                aws.ec2.Route(
                    f"{name}-firewall-{zone}-default",
                    route_table_id=firewall_rt.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat.id,
                    opts=child,
                )
                for cidr in args.spoke_cidrs:
                    aws.ec2.Route(
                        f"{name}-firewall-{zone}-to-{cidr_suffix(cidr)}",
                        route_table_id=firewall_rt.id,
                        destination_cidr_block=cidr,
                        transit_gateway_id=args.transit_gateway_id,
                        opts=via_tgw,
                    )

        # private: hub endpoints reach the spokes and on-premises through the gateway, nothing else.
        private_rt = route_table("private", "private", zones)
        for cidr in [*args.spoke_cidrs, *args.on_premises_cidrs]:
            aws.ec2.Route(
                f"{name}-private-to-{cidr_suffix(cidr)}",
                route_table_id=private_rt.id,
                destination_cidr_block=cidr,
                transit_gateway_id=args.transit_gateway_id,
                opts=via_tgw,
            )

        def ids(tier: str) -> pulumi.Output[list[str]]:
            return pulumi.Output.all(*[subnets[tier][z].id for z in zones])

        self.vpc_id = vpc.id
        self.cidr_block = args.cidr_block
        self.public_subnet_ids = ids("public")
        self.transit_subnet_ids = ids("transit")
        self.private_subnet_ids = ids("private")
        self.private_subnet_ids_by_zone = {z: subnets["private"][z].id for z in zones}
        self.firewall_subnet_ids = ids("firewall") if args.network_firewall else None
        self.nat_gateway_ids = pulumi.Output.all(**{z: n.id for z, n in nats.items()})
        self.nat_public_ips = pulumi.Output.all(**{z: e.public_ip for z, e in eips.items()})
        self.transit_gateway_attachment_id = attachment.id
        self.firewall_arn = firewall.arn if firewall is not None else None
        self.availability_zones = zones
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "cidr_block": self.cidr_block,
                "public_subnet_ids": self.public_subnet_ids,
                "transit_subnet_ids": self.transit_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "firewall_subnet_ids": self.firewall_subnet_ids,
                "nat_gateway_ids": self.nat_gateway_ids,
                "nat_public_ips": self.nat_public_ips,
                "transit_gateway_attachment_id": self.transit_gateway_attachment_id,
                "firewall_arn": self.firewall_arn,
                "availability_zones": self.availability_zones,
            }
        )

    def _firewall(
        self,
        name: str,
        args: EgressVpcArgs,
        vpc: aws.ec2.Vpc,
        subnets: list[aws.ec2.Subnet],
        tags: Any,
        locked: pulumi.ResourceOptions,
    ) -> aws.networkfirewall.Firewall:
        child = pulumi.ResourceOptions(parent=self)
        references: list[aws.networkfirewall.FirewallPolicyFirewallPolicyStatefulRuleGroupReferenceArgs] = []
        if args.allowed_egress_domains:
            rules = aws.networkfirewall.RuleGroup(
                f"{name}-allowlist",
                name=f"{args.name_tag}-allowlist",
                description="Domains HTTP and HTTPS egress may reach; everything else is dropped",
                type="STATEFUL",
                capacity=allowlist_capacity(len(args.allowed_egress_domains)),
                rule_group=aws.networkfirewall.RuleGroupRuleGroupArgs(
                    rules_source=aws.networkfirewall.RuleGroupRuleGroupRulesSourceArgs(
                        rules_source_list=aws.networkfirewall.RuleGroupRuleGroupRulesSourceRulesSourceListArgs(
                            generated_rules_type="ALLOWLIST",
                            target_types=["HTTP_HOST", "TLS_SNI"],
                            targets=list(args.allowed_egress_domains),
                        )
                    ),
                    stateful_rule_options=aws.networkfirewall.RuleGroupRuleGroupStatefulRuleOptionsArgs(
                        rule_order="STRICT_ORDER"
                    ),
                ),
                tags=tags("allowlist"),
                opts=child,
            )
            references.append(
                aws.networkfirewall.FirewallPolicyFirewallPolicyStatefulRuleGroupReferenceArgs(
                    resource_arn=rules.arn, priority=1
                )
            )
        policy = aws.networkfirewall.FirewallPolicy(
            f"{name}-policy",
            name=f"{args.name_tag}-policy",
            description="Egress inspection: domain allowlist" if references else "Egress inspection: pass and log",
            firewall_policy=aws.networkfirewall.FirewallPolicyFirewallPolicyArgs(
                # Everything goes to the stateful engine, which sees flows and application protocols.
                stateless_default_actions=["aws:forward_to_sfe"],
                stateless_fragment_default_actions=["aws:forward_to_sfe"],
                stateful_engine_options=aws.networkfirewall.FirewallPolicyFirewallPolicyStatefulEngineOptionsArgs(
                    rule_order="STRICT_ORDER"
                ),
                stateful_default_actions=list(ALLOWLIST_DEFAULT_ACTIONS) if references else None,
                stateful_rule_group_references=references or None,
            ),
            tags=tags("policy"),
            opts=child,
        )
        firewall = aws.networkfirewall.Firewall(
            f"{name}-firewall",
            name=f"{args.name_tag}-fw",
            description="Inspects all egress from the spokes",
            vpc_id=vpc.id,
            firewall_policy_arn=policy.arn,
            subnet_mappings=[aws.networkfirewall.FirewallSubnetMappingArgs(subnet_id=s.id) for s in subnets],
            delete_protection=args.lock,
            subnet_change_protection=args.lock,
            tags=tags("fw"),
            opts=locked,
        )
        aws.networkfirewall.LoggingConfiguration(
            f"{name}-firewall-logging",
            firewall_arn=firewall.arn,
            logging_configuration=aws.networkfirewall.LoggingConfigurationLoggingConfigurationArgs(
                log_destination_configs=[
                    aws.networkfirewall.LoggingConfigurationLoggingConfigurationLogDestinationConfigArgs(
                        log_destination={
                            "bucketName": args.firewall_log_bucket,  # type: ignore[dict-item]
                            "prefix": f"{args.firewall_log_prefix}/{kind.lower()}",
                        },
                        log_destination_type="S3",
                        log_type=kind,
                    )
                    for kind in ("ALERT", "FLOW")
                ]
            ),
            opts=child,
        )
        return firewall
