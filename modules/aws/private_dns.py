"""`PrivateDns`: the organisation's private hosted zone and on-premises DNS forwarding, for every spoke.

Built in the hub (network) account:

- a Route 53 private hosted zone (`zone_name`), created with the hub VPC;
- with `resolver_rules`: a Route 53 Resolver **outbound** endpoint with an IP in each of the given
  subnets (two or more, in different zones), behind a security group allowing only DNS (TCP and UDP
  53) out to the rule targets; one `FORWARD` rule per domain; and a RAM share of the rules with the
  organisation (no external principals).

Each spoke VPC gets the zone and every rule associated. Cross-account (the spoke in a workload
account, `SpokeDns.provider` set to a provider for that account):

1. the zone's owner authorises the spoke VPC (`route53.VpcAssociationAuthorization`, hub provider);
2. the spoke's account associates its VPC with the zone (`route53.ZoneAssociation`, spoke provider,
   after the authorisation);
3. the spoke's account associates each shared resolver rule with its VPC
   (`route53.ResolverRuleAssociation`, spoke provider, after the rules are shared with the organisation).

A spoke in the zone's own account (no provider) needs neither the authorisation nor the share.
The zone ignores changes to its `vpcs`: its associations are managed by the association resources.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from modules.aws.spoke_vpc import name_tag_length_problems, name_tagged, validate_name_tagged_tags

TYPE_TOKEN = "lz:aws:PrivateDns"

#: Route 53 Resolver endpoints take 2 to 6 IP addresses (one per given subnet here).
ENDPOINT_SUBNETS_RANGE = (2, 6)
#: Route 53 Resolver rules forward to at most 6 target IPs.
MAX_TARGET_IPS = 6
#: Resolver endpoint and rule names are at most 64 characters; children append `-outbound` or a domain.
NAME_TAG_MAX_LENGTH = 40
DNS_PORT = 53

_DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_NAME_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_VPC_ID = re.compile(r"^vpc-[0-9a-f]+$")
_ORG_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


@dataclass(frozen=True, kw_only=True)
class SpokeDns:
    """A spoke VPC that gets the zone and the resolver rules."""

    vpc_id: pulumi.Input[str]
    """Required. The spoke VPC's id."""

    provider: aws.Provider | None = None
    """Optional. Provider for the spoke's account when it is not the zone's: the zone association
    and rule associations are made there (after an authorisation by the zone's owner)."""

    vpc_region: str | None = None
    """Optional. The spoke VPC's region when it differs from the zone owner's provider region."""


@dataclass(frozen=True, kw_only=True)
class PrivateDnsArgs:
    """Inputs of `PrivateDns`."""

    name_tag: str
    """Required. Prefix of every child's `Name` tag and name, e.g. `ebc-shared-euw2-dns`."""

    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included, applied to every taggable child."""

    zone_name: str
    """Required. The private hosted zone, e.g. `aws.ebc.internal`."""

    vpc_id: pulumi.Input[str]
    """Required. The hub VPC: the zone is created with it and the outbound endpoint lives in it."""

    endpoint_subnet_ids: Sequence[pulumi.Input[str]] = ()
    """Optional. Required with `resolver_rules`: 2-6 subnets of the hub VPC in different zones, one
    endpoint IP in each (their route tables must reach the targets)."""

    resolver_rules: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Optional. Domain -> IPv4 addresses of the DNS servers queries for it are forwarded to (port 53)."""

    organisation_arn: pulumi.Input[str] | None = None
    """Optional. Share the resolver rules with this AWS Organization through RAM; required when a
    spoke in another account gets the rules."""

    spokes: Mapping[str, SpokeDns] = field(default_factory=dict)
    """Optional. Spoke VPCs keyed by a stable slug (e.g. `housing-repairs-prod`)."""

    lock: bool = True
    """Optional. Protect the hosted zone from deletion (`protect` and `retain_on_delete`). Default True."""


def domain_suffix(domain: str) -> str:
    """Logical-name suffix of a domain: `corp.example.gov.uk` -> `corp-example-gov-uk`."""
    return domain.rstrip(".").replace(".", "-")


def target_cidrs(rules: Mapping[str, Sequence[str]]) -> list[str]:
    """The `/32`s of every rule target, sorted and without duplicates (the endpoint may reach only these).

    >>> target_cidrs({"a.example": ["10.1.0.11", "10.1.0.10"], "b.example": ["10.1.0.10"]})
    ['10.1.0.10/32', '10.1.0.11/32']
    """
    ips = {ipaddress.IPv4Address(ip) for targets in rules.values() for ip in targets}
    return [f"{ip}/32" for ip in sorted(ips)]


def _validate_rules(args: PrivateDnsArgs) -> list[str]:
    problems: list[str] = []
    for domain, targets in args.resolver_rules.items():
        if not _DOMAIN.match(domain):
            problems.append(f"resolver_rules: {domain!r} is not a lowercase domain like 'corp.example.gov.uk'")
        elif domain == args.zone_name or domain.endswith("." + args.zone_name):
            problems.append(f"resolver_rules: {domain!r} is inside the private zone {args.zone_name!r}")
        if isinstance(targets, str) or not targets or len(targets) > MAX_TARGET_IPS:
            problems.append(f"resolver_rules.{domain}: give 1 to {MAX_TARGET_IPS} target IP addresses as a list")
            continue
        for ip in targets:
            try:
                ipaddress.IPv4Address(ip)
            except ValueError:
                problems.append(f"resolver_rules.{domain}: {ip!r} is not an IPv4 address")
        if len(set(targets)) != len(targets):
            problems.append(f"resolver_rules.{domain} has duplicate targets")
    subnets = args.endpoint_subnet_ids
    low, high = ENDPOINT_SUBNETS_RANGE
    if args.resolver_rules and not low <= len(subnets) <= high:
        problems.append(
            f"endpoint_subnet_ids must list {low} to {high} subnets in different zones for the outbound "
            f"endpoint, got {len(subnets)}"
        )
    if not args.resolver_rules and subnets:
        problems.append("endpoint_subnet_ids is only used with resolver_rules")
    literal = [s for s in subnets if isinstance(s, str)]
    if len(set(literal)) != len(literal):
        problems.append("endpoint_subnet_ids has duplicates: each endpoint IP needs its own subnet")
    return problems


def _validate_spokes(args: PrivateDnsArgs) -> list[str]:
    problems: list[str] = []
    for key, spoke in args.spokes.items():
        if not _KEY.match(key):
            problems.append(f"spokes: key {key!r} must be a lowercase slug (letters, digits, hyphens)")
        if isinstance(spoke.vpc_id, str) and not _VPC_ID.match(spoke.vpc_id):
            problems.append(f"spokes.{key}: vpc_id {spoke.vpc_id!r} is not a VPC id (vpc-...)")
        if spoke.vpc_region is not None and not _REGION.match(spoke.vpc_region):
            problems.append(f"spokes.{key}: vpc_region {spoke.vpc_region!r} is not a region like 'eu-west-2'")
        if spoke.provider is not None and args.resolver_rules and args.organisation_arn is None:
            problems.append(
                f"spokes.{key} is in another account (provider set): organisation_arn is needed to share "
                "the resolver rules with it"
            )
    return problems


def validate_private_dns_args(args: PrivateDnsArgs) -> list[str]:
    """Every problem with `args`, as messages; an empty list means the arguments are valid."""
    problems: list[str] = []
    if not _NAME_TAG.match(args.name_tag):
        problems.append(f"name_tag {args.name_tag!r} must be letters, digits and hyphens")
    else:
        problems += name_tag_length_problems(args.name_tag, NAME_TAG_MAX_LENGTH)
    problems += validate_name_tagged_tags(args.tags)
    if not _DOMAIN.match(args.zone_name):
        problems.append(f"zone_name {args.zone_name!r} is not a lowercase domain like 'aws.example.internal'")
    if isinstance(args.vpc_id, str) and not _VPC_ID.match(args.vpc_id):
        problems.append(f"vpc_id {args.vpc_id!r} is not a VPC id (vpc-...)")
    org = args.organisation_arn
    if isinstance(org, str) and not _ORG_ARN.match(org):
        problems.append(
            f"organisation_arn {org!r} is not an organization ARN (arn:aws:organizations::<account>:organization/o-...)"
        )
    problems += _validate_rules(args)
    problems += _validate_spokes(args)
    if not isinstance(args.lock, bool):
        problems.append(f"lock must be True or False, got {args.lock!r}")
    return problems


class PrivateDns(pulumi.ComponentResource):
    """Private hosted zone plus on-premises forwarding, associated with every spoke (see the module docstring)."""

    zone_id: pulumi.Output[str]
    """The private hosted zone's id (`Z...`)."""
    zone_name: str
    resolver_endpoint_id: pulumi.Output[str] | None
    """The outbound endpoint's id; None without resolver rules."""
    resolver_rule_ids: pulumi.Output[dict[str, str]]
    """Domain -> resolver rule id (empty without rules)."""
    resource_share_arn: pulumi.Output[str] | None
    """The RAM share of the rules; None when not shared."""

    def __init__(self, name: str, args: PrivateDnsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_private_dns_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def tags(suffix: str) -> dict[str, str]:
            return name_tagged(args.tags, args.name_tag, suffix)

        zone = aws.route53.Zone(
            f"{name}-zone",
            name=args.zone_name,
            comment=f"{args.name_tag}: private names shared by every spoke",
            vpcs=[aws.route53.ZoneVpcArgs(vpc_id=args.vpc_id)],
            force_destroy=False,
            tags=tags("zone"),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=True if args.lock else None,
                retain_on_delete=True if args.lock else None,
                # Spokes are associated by ZoneAssociation resources; without this each run would remove them.
                ignore_changes=["vpcs"],
            ),
        )

        rules: dict[str, aws.route53.ResolverRule] = {}
        endpoint: aws.route53.ResolverEndpoint | None = None
        shared: list[pulumi.Resource] = []
        share: aws.ram.ResourceShare | None = None
        if args.resolver_rules:
            cidrs = target_cidrs(args.resolver_rules)
            sg = aws.ec2.SecurityGroup(
                f"{name}-resolver-sg",
                name=f"{args.name_tag}-resolver",
                description="Route 53 Resolver outbound endpoint: DNS to the forwarding targets only",
                vpc_id=args.vpc_id,
                ingress=[],
                egress=[
                    aws.ec2.SecurityGroupEgressArgs(
                        protocol=protocol, from_port=DNS_PORT, to_port=DNS_PORT, cidr_blocks=cidrs,
                        description=f"DNS over {protocol.upper()} to the forwarding targets",
                    )
                    for protocol in ("tcp", "udp")
                ],
                tags=tags("resolver"),
                opts=child,
            )
            endpoint = aws.route53.ResolverEndpoint(
                f"{name}-outbound",
                name=f"{args.name_tag}-outbound",
                direction="OUTBOUND",
                resolver_endpoint_type="IPV4",
                protocols=["Do53"],
                security_group_ids=[sg.id],
                ip_addresses=[aws.route53.ResolverEndpointIpAddressArgs(subnet_id=s) for s in args.endpoint_subnet_ids],
                tags=tags("outbound"),
                opts=child,
            )
            for domain, targets in args.resolver_rules.items():
                rules[domain] = aws.route53.ResolverRule(
                    f"{name}-rule-{domain_suffix(domain)}",
                    name=f"{args.name_tag}-{domain_suffix(domain)}"[:64],
                    domain_name=domain,
                    rule_type="FORWARD",
                    resolver_endpoint_id=endpoint.id,
                    target_ips=[
                        aws.route53.ResolverRuleTargetIpArgs(ip=ip, port=DNS_PORT, protocol="Do53") for ip in targets
                    ],
                    tags=tags(f"rule-{domain_suffix(domain)}"),
                    opts=child,
                )
            if args.organisation_arn is not None:
                share = aws.ram.ResourceShare(
                    f"{name}-share",
                    name=f"{args.name_tag}-resolver-rules",
                    allow_external_principals=False,
                    tags=tags("resolver-rules"),
                    opts=child,
                )
                for domain, rule in rules.items():
                    shared.append(
                        aws.ram.ResourceAssociation(
                            f"{name}-share-rule-{domain_suffix(domain)}",
                            resource_arn=rule.arn,
                            resource_share_arn=share.arn,
                            opts=child,
                        )
                    )
                shared.append(
                    aws.ram.PrincipalAssociation(
                        f"{name}-share-organisation",
                        principal=args.organisation_arn,
                        resource_share_arn=share.arn,
                        opts=child,
                    )
                )

        for key, spoke in args.spokes.items():
            in_spoke = pulumi.ResourceOptions(parent=self, provider=spoke.provider)
            if spoke.provider is not None:
                authorisation = aws.route53.VpcAssociationAuthorization(
                    f"{name}-{key}-zone-authorisation",
                    zone_id=zone.id,
                    vpc_id=spoke.vpc_id,
                    vpc_region=spoke.vpc_region,
                    opts=child,
                )
                in_spoke = pulumi.ResourceOptions.merge(in_spoke, pulumi.ResourceOptions(depends_on=[authorisation]))
            aws.route53.ZoneAssociation(
                f"{name}-{key}-zone-association",
                zone_id=zone.id,
                vpc_id=spoke.vpc_id,
                vpc_region=spoke.vpc_region,
                opts=in_spoke,
            )
            for domain, rule in rules.items():
                aws.route53.ResolverRuleAssociation(
                    f"{name}-{key}-rule-{domain_suffix(domain)}",
                    name=f"{key}-{domain_suffix(domain)}"[:64],
                    resolver_rule_id=rule.id,
                    vpc_id=spoke.vpc_id,
                    opts=pulumi.ResourceOptions(
                        parent=self,
                        provider=spoke.provider,
                        depends_on=shared if spoke.provider is not None else None,
                    ),
                )

        self.zone_id = zone.id
        self.zone_name = args.zone_name
        self.resolver_endpoint_id = endpoint.id if endpoint is not None else None
        self.resolver_rule_ids = pulumi.Output.all(**{d: r.id for d, r in rules.items()}) if rules else (
            pulumi.Output.from_input({})
        )
        self.resource_share_arn = share.arn if share is not None else None
        self.register_outputs(
            {
                "zone_id": self.zone_id,
                "zone_name": self.zone_name,
                "resolver_endpoint_id": self.resolver_endpoint_id,
                "resolver_rule_ids": self.resolver_rule_ids,
                "resource_share_arn": self.resource_share_arn,
            }
        )
