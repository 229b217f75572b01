"""Pure CIDR maths for carving subnets out of a VPC range (no Pulumi imports).

`subnet_cidrs` splits a VPC range into the smallest power-of-two number of equal blocks that holds
the subnets asked for plus any reserved spares, and returns the first blocks in address order. The
result depends only on the arguments, so the same VPC CIDR always gives the same subnets, whether the
CIDR is a literal or one IPAM allocated at deploy time.
"""

from __future__ import annotations

import ipaddress

#: The smallest subnet AWS allows is a /28 (16 addresses, 11 usable).
AWS_MAX_SUBNET_PREFIXLEN = 28


def split_prefixlen(vpc_prefixlen: int, slots: int) -> int:
    """Prefix length of each block when a /`vpc_prefixlen` is split into at least `slots` equal blocks."""
    if slots < 1:
        raise ValueError(f"slots must be at least 1, got {slots}")
    return vpc_prefixlen + (slots - 1).bit_length()


def subnet_cidrs(
    vpc_cidr: str,
    count: int,
    *,
    reserve: int = 0,
    max_prefixlen: int = AWS_MAX_SUBNET_PREFIXLEN,
) -> list[str]:
    """The first `count` of the equal blocks `vpc_cidr` splits into, in address order.

    The range is split into the smallest power of two of blocks that is at least `count + reserve`;
    the `reserve` blocks after the returned ones stay free, so growing `count` later (up to
    `count + reserve`) adds subnets without moving the existing ones.

    Raises ValueError when `vpc_cidr` is not an IPv4 network (host bits must be zero), when `count`
    is below 1 or `reserve` below 0, or when the blocks would be smaller than /`max_prefixlen`.

    >>> subnet_cidrs("10.0.0.0/24", 3)
    ['10.0.0.0/26', '10.0.0.64/26', '10.0.0.128/26']
    >>> subnet_cidrs("10.0.0.0/24", 2, reserve=2)
    ['10.0.0.0/26', '10.0.0.64/26']
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if reserve < 0:
        raise ValueError(f"reserve must not be negative, got {reserve}")
    try:
        network = ipaddress.ip_network(vpc_cidr, strict=True)
    except ValueError as exc:
        raise ValueError(f"{vpc_cidr!r} is not a valid network CIDR: {exc}") from None
    if not isinstance(network, ipaddress.IPv4Network):
        raise ValueError(f"{vpc_cidr!r} is not an IPv4 CIDR")
    prefixlen = split_prefixlen(network.prefixlen, count + reserve)
    limit = min(max_prefixlen, network.max_prefixlen)
    if prefixlen > limit:
        raise ValueError(
            f"cannot split {vpc_cidr} into {count + reserve} equal subnets: each would be a /{prefixlen}, "
            f"smaller than the smallest allowed /{limit}"
        )
    blocks = network.subnets(new_prefix=prefixlen)
    return [str(next(blocks)) for _ in range(count)]


#: Subnet tiers of the hub's egress VPC, in address order. Each tier owns one fixed quarter of the
#: VPC range whether or not it is used (no firewall: the `firewall` quarter stays empty), so turning
#: the firewall on later adds subnets without moving any existing one.
EGRESS_TIERS: tuple[str, ...] = ("public", "firewall", "transit", "private")
#: Zone slots per tier: up to three zones plus a spare, as in spokes.
TIER_ZONE_SLOTS = 4


def tiered_subnet_cidrs(
    vpc_cidr: str,
    zones: int,
    *,
    tiers: tuple[str, ...] = EGRESS_TIERS,
    zone_slots: int = TIER_ZONE_SLOTS,
) -> dict[str, list[str]]:
    """Per tier, the subnets of the first `zones` zones: tier *t* takes block *t* of the VPC range
    (split into `len(tiers)` rounded up to a power of two), and its zone *i* takes slot *i* of that block.

    Raises ValueError when `zones` is outside 1..`zone_slots`, `tiers` is empty or has duplicates,
    or when the subnets would be smaller than a /28 (see `subnet_cidrs`).

    >>> tiered_subnet_cidrs("10.63.0.0/22", 2, tiers=("public", "transit"))
    {'public': ['10.63.0.0/25', '10.63.0.128/25'], 'transit': ['10.63.2.0/25', '10.63.2.128/25']}
    """
    if not tiers:
        raise ValueError("tiers must name at least one tier")
    if len(set(tiers)) != len(tiers):
        raise ValueError(f"tiers has duplicates: {list(tiers)}")
    if not 1 <= zones <= zone_slots:
        raise ValueError(f"zones must be between 1 and {zone_slots}, got {zones}")
    blocks = subnet_cidrs(vpc_cidr, len(tiers), reserve=2 ** (len(tiers) - 1).bit_length() - len(tiers))
    return {
        tier: subnet_cidrs(block, zones, reserve=zone_slots - zones)
        for tier, block in zip(tiers, blocks, strict=True)
    }
