"""`TransitHub`: the organisation's transit gateway, its two route tables and its RAM share.

The gateway never associates or propagates attachments by itself (default route-table association
and propagation are off) and never accepts attachments from other accounts by itself: the hub decides
what every attachment may reach.

- `spokes` route table, associated with every spoke attachment: `0.0.0.0/0` to the egress VPC's
  attachment and a blackhole route for each of `spoke_cidrs`. Spokes learn no route to each other,
  and the blackholes stop spoke-to-spoke traffic hairpinning through the egress VPC's NAT gateways.
- `egress` route table, associated with the egress VPC's attachment: every spoke propagates its
  range into it, so return traffic finds its way back.

The gateway is shared with the whole organisation through AWS RAM (no principals outside it), so
workload accounts can attach their spokes. Attaching is two calls after construction:
`connect_egress(attachment_id)` once, and `connect_spoke(key, attachment_id)` per spoke (which
accepts a cross-account attachment and associates/propagates it).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from modules.aws.spoke_vpc import name_tag_length_problems, name_tagged, validate_name_tagged_tags

TYPE_TOKEN = "lz:aws:TransitHub"

#: Private ASN ranges a transit gateway accepts (16-bit and 32-bit).
PRIVATE_ASN_RANGES: tuple[tuple[int, int], ...] = ((64512, 65534), (4200000000, 4294967294))
#: Longest `name_tag`: children append suffixes such as `-spokes` or `-housing-repairs-prod`.
NAME_TAG_MAX_LENGTH = 160

_ORG_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$")
_ATTACHMENT_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True, kw_only=True)
class TransitHubArgs:
    """Inputs of `TransitHub`."""

    name_tag: str
    """Required. `Name` tag of the gateway and prefix of its children's, e.g. `ebc-shared-euw2-tgw-hub`."""

    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included, applied to every taggable child."""

    amazon_side_asn: int
    """Required. Private ASN of the gateway's BGP side (64512-65534 or 4200000000-4294967294)."""

    organisation_arn: pulumi.Input[str]
    """Required. ARN of the AWS Organization the gateway is shared with through RAM."""

    spoke_cidrs: Sequence[str]
    """Required. The spokes' address space (e.g. the IPAM pool); blackholed in the `spokes` route table."""

    lock: bool = True
    """Optional. Protect the gateway from deletion (`protect` and `retain_on_delete`); deleting it
    cuts every spoke off. Default True."""


def _validate_cidrs(cidrs: Sequence[str]) -> list[str]:
    if isinstance(cidrs, str):
        return ["spoke_cidrs must be a list of CIDRs, not a single string"]
    if not cidrs:
        return ["spoke_cidrs must list at least one range (the spokes' address space)"]
    problems: list[str] = []
    seen: list[ipaddress.IPv4Network] = []
    for cidr in cidrs:
        try:
            net = ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            problems.append(f"spoke_cidrs: {cidr!r} is not a valid CIDR (host bits must be zero)")
            continue
        if not isinstance(net, ipaddress.IPv4Network):
            problems.append(f"spoke_cidrs: {cidr!r} is not an IPv4 CIDR")
            continue
        overlapping = [str(o) for o in seen if o.overlaps(net)]
        if overlapping:
            problems.append(f"spoke_cidrs: {cidr} overlaps {', '.join(overlapping)}")
        seen.append(net)
    return problems


def validate_transit_hub_args(args: TransitHubArgs) -> list[str]:
    """Every problem with `args`, as messages; an empty list means the arguments are valid."""
    problems = [f"name_tag {args.name_tag!r} {p}" for p in check_name(NAME_RULES["aws"]["transit_gateway"],
                                                                        args.name_tag)]
    if not problems:
        problems += name_tag_length_problems(args.name_tag, NAME_TAG_MAX_LENGTH)
    problems += validate_name_tagged_tags(args.tags)
    asn = args.amazon_side_asn
    if isinstance(asn, bool) or not isinstance(asn, int) or not any(lo <= asn <= hi for lo, hi in PRIVATE_ASN_RANGES):
        problems.append(f"amazon_side_asn must be a private ASN (64512-65534 or 4200000000-4294967294), got {asn!r}")
    org = args.organisation_arn
    if isinstance(org, str) and not _ORG_ARN.match(org):
        problems.append(
            f"organisation_arn {org!r} is not an organization ARN (arn:aws:organizations::<account>:organization/o-...)"
        )
    problems += _validate_cidrs(args.spoke_cidrs)
    if not isinstance(args.lock, bool):
        problems.append(f"lock must be True or False, got {args.lock!r}")
    return problems


def cidr_suffix(cidr: str) -> str:
    """Logical-name suffix of a route to a CIDR: `10.64.0.0/12` -> `10-64-0-0-12`."""
    return cidr.replace(".", "-").replace("/", "-").replace(":", "-")


class TransitHub(pulumi.ComponentResource):
    """The organisation's transit gateway with `spokes` and `egress` route tables (see the module docstring)."""

    transit_gateway_id: pulumi.Output[str]
    """The gateway's id (`tgw-...`)."""
    transit_gateway_arn: pulumi.Output[str]
    """The gateway's ARN (what RAM shares)."""
    spokes_route_table_id: pulumi.Output[str]
    """Route table associated with every spoke attachment."""
    egress_route_table_id: pulumi.Output[str]
    """Route table associated with the egress VPC's attachment; spokes propagate into it."""
    resource_share_arn: pulumi.Output[str]
    """The RAM share holding the gateway."""
    share_principal: aws.ram.PrincipalAssociation
    """The share's association with the organisation: attachments from other accounts depend on it."""

    def __init__(self, name: str, args: TransitHubArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_transit_hub_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        self._args = args
        self._spokes: set[str] = set()
        self._egress_connected = False
        child = pulumi.ResourceOptions(parent=self)
        locked = pulumi.ResourceOptions(parent=self, protect=True if args.lock else None,
                                        retain_on_delete=True if args.lock else None)

        tgw = aws.ec2transitgateway.TransitGateway(
            f"{name}-tgw",
            description=f"{args.name_tag}: hub of the organisation's spoke VPCs",
            amazon_side_asn=args.amazon_side_asn,
            # Attachments from other accounts wait for the hub (connect_spoke) to accept them.
            auto_accept_shared_attachments="disable",
            default_route_table_association="disable",
            default_route_table_propagation="disable",
            dns_support="enable",
            vpn_ecmp_support="enable",
            tags=self._tags(),
            opts=locked,
        )
        spokes_rt = aws.ec2transitgateway.RouteTable(
            f"{name}-rt-spokes", transit_gateway_id=tgw.id, tags=self._tags("spokes"), opts=child
        )
        egress_rt = aws.ec2transitgateway.RouteTable(
            f"{name}-rt-egress", transit_gateway_id=tgw.id, tags=self._tags("egress"), opts=child
        )
        for cidr in args.spoke_cidrs:
            aws.ec2transitgateway.Route(
                f"{name}-blackhole-{cidr_suffix(cidr)}",
                transit_gateway_route_table_id=spokes_rt.id,
                destination_cidr_block=cidr,
                blackhole=True,
                opts=child,
            )

        share = aws.ram.ResourceShare(
            f"{name}-share",
            name=args.name_tag,
            allow_external_principals=False,
            tags=self._tags("share"),
            opts=child,
        )
        aws.ram.ResourceAssociation(
            f"{name}-share-tgw", resource_arn=tgw.arn, resource_share_arn=share.arn, opts=child
        )
        self.share_principal = aws.ram.PrincipalAssociation(
            f"{name}-share-organisation", principal=args.organisation_arn, resource_share_arn=share.arn, opts=child
        )

        self.transit_gateway_id = tgw.id
        self.transit_gateway_arn = tgw.arn
        self.spokes_route_table_id = spokes_rt.id
        self.egress_route_table_id = egress_rt.id
        self.resource_share_arn = share.arn
        self.register_outputs(
            {
                "transit_gateway_id": self.transit_gateway_id,
                "transit_gateway_arn": self.transit_gateway_arn,
                "spokes_route_table_id": self.spokes_route_table_id,
                "egress_route_table_id": self.egress_route_table_id,
                "resource_share_arn": self.resource_share_arn,
            }
        )

    def _tags(self, suffix: str | None = None) -> dict[str, str]:
        return name_tagged(self._args.tags, self._args.name_tag, suffix)

    def connect_egress(self, attachment_id: pulumi.Input[str]) -> None:
        """Associate the egress VPC's attachment with `egress` and send the spokes' default route to it.

        The egress VPC is in the gateway's own account, so its attachment needs no accepting.
        """
        if self._egress_connected:
            raise ValueError(f"{self._name}: the egress attachment is already connected")
        self._egress_connected = True
        child = pulumi.ResourceOptions(parent=self)
        aws.ec2transitgateway.RouteTableAssociation(
            f"{self._name}-egress-association",
            transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=self.egress_route_table_id,
            opts=child,
        )
        aws.ec2transitgateway.Route(
            f"{self._name}-default-route",
            transit_gateway_route_table_id=self.spokes_route_table_id,
            destination_cidr_block="0.0.0.0/0",
            transit_gateway_attachment_id=attachment_id,
            opts=child,
        )

    def connect_spoke(
        self, key: str, attachment_id: pulumi.Input[str], *, accept: bool = True
    ) -> aws.ec2transitgateway.VpcAttachmentAccepter | None:
        """Accept a spoke's attachment (`accept=False` for one in the gateway's own account), associate
        it with `spokes` and propagate its range into `egress`. Returns the accepter (None when not
        accepting): the spoke's own default route must wait for it.
        """
        problems: list[str] = []
        if not isinstance(key, str) or not _ATTACHMENT_KEY.match(key):
            problems.append(f"spoke key {key!r} must be a lowercase slug (letters, digits, hyphens)")
        elif key in self._spokes:
            problems.append(f"spoke {key!r} is already connected")
        if problems:
            raise ValueError(f"{self._name}: " + "; ".join(problems))
        self._spokes.add(key)
        child = pulumi.ResourceOptions(parent=self)
        accepter: aws.ec2transitgateway.VpcAttachmentAccepter | None = None
        if accept:
            accepter = aws.ec2transitgateway.VpcAttachmentAccepter(
                f"{self._name}-spoke-{key}-accepter",
                transit_gateway_attachment_id=attachment_id,
                transit_gateway_default_route_table_association=False,
                transit_gateway_default_route_table_propagation=False,
                tags=self._tags(key),
                opts=child,
            )
        # A pending attachment cannot be associated: both wait for the accepter.
        after = pulumi.ResourceOptions(parent=self, depends_on=[accepter] if accepter is not None else None)
        aws.ec2transitgateway.RouteTableAssociation(
            f"{self._name}-spoke-{key}-association",
            transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=self.spokes_route_table_id,
            opts=after,
        )
        aws.ec2transitgateway.RouteTablePropagation(
            f"{self._name}-spoke-{key}-propagation",
            transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=self.egress_route_table_id,
            opts=after,
        )
        return accepter
