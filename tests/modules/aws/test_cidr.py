"""modules/aws/cidr.py: subnet_cidrs, table-driven and by property."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.aws.cidr import (
    AWS_MAX_SUBNET_PREFIXLEN,
    EGRESS_TIERS,
    split_prefixlen,
    subnet_cidrs,
    tiered_subnet_cidrs,
)


@pytest.mark.parametrize(
    ("vpc_cidr", "count", "reserve", "expected"),
    [
        ("10.0.0.0/24", 1, 0, ["10.0.0.0/24"]),
        ("10.0.0.0/24", 2, 0, ["10.0.0.0/25", "10.0.0.128/25"]),
        ("10.0.0.0/24", 3, 0, ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26"]),
        ("10.0.0.0/24", 4, 0, ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"]),
        ("10.0.0.0/24", 5, 0, ["10.0.0.0/27", "10.0.0.32/27", "10.0.0.64/27", "10.0.0.96/27", "10.0.0.128/27"]),
        ("10.0.0.0/24", 2, 2, ["10.0.0.0/26", "10.0.0.64/26"]),
        ("10.0.0.0/24", 3, 1, ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26"]),
        ("10.0.0.0/24", 1, 1, ["10.0.0.0/25"]),
        ("172.16.0.0/16", 3, 1, ["172.16.0.0/18", "172.16.64.0/18", "172.16.128.0/18"]),
        ("10.20.30.0/26", 2, 2, ["10.20.30.0/28", "10.20.30.16/28"]),
        ("10.0.0.0/27", 2, 0, ["10.0.0.0/28", "10.0.0.16/28"]),
        ("192.168.0.0/22", 3, 0, ["192.168.0.0/24", "192.168.1.0/24", "192.168.2.0/24"]),
    ],
)
def test_subnet_cidrs_table(vpc_cidr: str, count: int, reserve: int, expected: list[str]) -> None:
    assert subnet_cidrs(vpc_cidr, count, reserve=reserve) == expected


@pytest.mark.parametrize(
    ("vpc_cidr", "count", "reserve", "message"),
    [
        ("10.0.0.0/24", 0, 0, "count must be at least 1, got 0"),
        ("10.0.0.0/24", 2, -1, "reserve must not be negative, got -1"),
        ("10.0.0.1/24", 2, 0, "'10.0.0.1/24' is not a valid network CIDR: 10.0.0.1/24 has host bits set"),
        ("not-a-cidr", 2, 0, "'not-a-cidr' is not a valid network CIDR"),
        ("fd00::/56", 2, 0, "'fd00::/56' is not an IPv4 CIDR"),
        (
            "10.0.0.0/27",
            3,
            0,
            "cannot split 10.0.0.0/27 into 3 equal subnets: each would be a /29, smaller than the smallest allowed /28",
        ),
        ("10.0.0.0/26", 2, 3, "cannot split 10.0.0.0/26 into 5 equal subnets: each would be a /29"),
    ],
)
def test_subnet_cidrs_errors(vpc_cidr: str, count: int, reserve: int, message: str) -> None:
    with pytest.raises(ValueError) as info:
        subnet_cidrs(vpc_cidr, count, reserve=reserve)
    assert str(info.value).startswith(message)


def test_max_prefixlen_can_be_relaxed_for_non_aws_maths() -> None:
    assert subnet_cidrs("10.0.0.0/30", 4, max_prefixlen=32) == [
        "10.0.0.0/32",
        "10.0.0.1/32",
        "10.0.0.2/32",
        "10.0.0.3/32",
    ]
    with pytest.raises(ValueError, match="smaller than the smallest allowed /32"):
        subnet_cidrs("10.0.0.0/31", 3, max_prefixlen=40)


@pytest.mark.parametrize(
    ("prefixlen", "slots", "expected"),
    [(24, 1, 24), (24, 2, 25), (24, 3, 26), (24, 4, 26), (24, 5, 27), (16, 8, 19), (16, 9, 20)],
)
def test_split_prefixlen(prefixlen: int, slots: int, expected: int) -> None:
    assert split_prefixlen(prefixlen, slots) == expected


def test_split_prefixlen_rejects_no_slots() -> None:
    with pytest.raises(ValueError, match="slots must be at least 1, got 0"):
        split_prefixlen(24, 0)


# -- properties -------------------------------------------------------------------------------------


@st.composite
def splits(draw: st.DrawFn) -> tuple[str, int, int]:
    """A valid (vpc_cidr, count, reserve): any IPv4 network with room for the blocks asked for."""
    prefixlen = draw(st.integers(min_value=8, max_value=AWS_MAX_SUBNET_PREFIXLEN))
    address = draw(st.integers(min_value=0, max_value=2**32 - 1))
    network = ipaddress.ip_network((address, prefixlen), strict=False)
    room = 2 ** (AWS_MAX_SUBNET_PREFIXLEN - prefixlen)
    total = draw(st.integers(min_value=1, max_value=min(room, 64)))
    count = draw(st.integers(min_value=1, max_value=total))
    return str(network), count, total - count


@given(splits())
def test_subnets_are_disjoint_equal_inside_and_ordered(case: tuple[str, int, int]) -> None:
    vpc_cidr, count, reserve = case
    vpc = ipaddress.IPv4Network(vpc_cidr)
    subnets = [ipaddress.IPv4Network(c) for c in subnet_cidrs(vpc_cidr, count, reserve=reserve)]

    assert len(subnets) == count
    assert all(s.subnet_of(vpc) for s in subnets)
    assert len({s.prefixlen for s in subnets}) == 1
    assert all(not a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])
    assert subnets == sorted(subnets)
    # The smallest power-of-two split that fits count + reserve, and no smaller than a /28.
    slots = 2 ** (subnets[0].prefixlen - vpc.prefixlen)
    assert slots >= count + reserve
    assert slots == 1 or slots // 2 < count + reserve
    assert subnets[0].prefixlen <= AWS_MAX_SUBNET_PREFIXLEN
    # Contiguous from the start of the range: growing count later never moves existing subnets.
    assert subnets[0].network_address == vpc.network_address


@given(splits())
def test_subnet_cidrs_is_deterministic_and_stable_when_growing(case: tuple[str, int, int]) -> None:
    vpc_cidr, count, reserve = case
    first = subnet_cidrs(vpc_cidr, count, reserve=reserve)
    assert subnet_cidrs(vpc_cidr, count, reserve=reserve) == first
    if reserve:
        grown = subnet_cidrs(vpc_cidr, count + 1, reserve=reserve - 1)
        assert grown[:count] == first


# -- tiered_subnet_cidrs (the egress VPC's layout) ---------------------------------------------------

@pytest.mark.parametrize(
    ("vpc_cidr", "zones", "tiers", "expected"),
    [
        ("10.63.0.0/22", 3, EGRESS_TIERS, {
            "public": ["10.63.0.0/26", "10.63.0.64/26", "10.63.0.128/26"],
            "firewall": ["10.63.1.0/26", "10.63.1.64/26", "10.63.1.128/26"],
            "transit": ["10.63.2.0/26", "10.63.2.64/26", "10.63.2.128/26"],
            "private": ["10.63.3.0/26", "10.63.3.64/26", "10.63.3.128/26"],
        }),
        ("10.63.0.0/22", 2, EGRESS_TIERS, {
            "public": ["10.63.0.0/26", "10.63.0.64/26"],
            "firewall": ["10.63.1.0/26", "10.63.1.64/26"],
            "transit": ["10.63.2.0/26", "10.63.2.64/26"],
            "private": ["10.63.3.0/26", "10.63.3.64/26"],
        }),
        ("172.16.0.0/24", 3, EGRESS_TIERS, {
            "public": ["172.16.0.0/28", "172.16.0.16/28", "172.16.0.32/28"],
            "firewall": ["172.16.0.64/28", "172.16.0.80/28", "172.16.0.96/28"],
            "transit": ["172.16.0.128/28", "172.16.0.144/28", "172.16.0.160/28"],
            "private": ["172.16.0.192/28", "172.16.0.208/28", "172.16.0.224/28"],
        }),
        ("10.63.0.0/22", 2, ("public", "transit"), {
            "public": ["10.63.0.0/25", "10.63.0.128/25"],
            "transit": ["10.63.2.0/25", "10.63.2.128/25"],
        }),
        ("10.63.0.0/22", 1, ("public", "firewall", "transit"), {
            "public": ["10.63.0.0/26"], "firewall": ["10.63.1.0/26"], "transit": ["10.63.2.0/26"],
        }),
    ],
)
def test_tiered_subnet_cidrs_table(vpc_cidr: str, zones: int, tiers: tuple[str, ...], expected: dict) -> None:
    assert tiered_subnet_cidrs(vpc_cidr, zones, tiers=tiers) == expected


@pytest.mark.parametrize(
    ("vpc_cidr", "zones", "tiers", "message"),
    [
        ("10.63.0.0/22", 0, EGRESS_TIERS, "zones must be between 1 and 4, got 0"),
        ("10.63.0.0/22", 5, EGRESS_TIERS, "zones must be between 1 and 4, got 5"),
        ("10.63.0.0/22", 2, (), "tiers must name at least one tier"),
        ("10.63.0.0/22", 2, ("a", "a"), "tiers has duplicates: ['a', 'a']"),
        ("10.63.0.0/25", 2, EGRESS_TIERS,
         "cannot split 10.63.0.0/27 into 4 equal subnets: each would be a /29, smaller than the smallest allowed /28"),
        ("10.63.0.1/22", 2, EGRESS_TIERS, "'10.63.0.1/22' is not a valid network CIDR"),
    ],
)
def test_tiered_subnet_cidrs_errors(vpc_cidr: str, zones: int, tiers: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError) as info:
        tiered_subnet_cidrs(vpc_cidr, zones, tiers=tiers)
    assert str(info.value).startswith(message)


@given(prefixlen=st.integers(16, 24), zones=st.integers(1, 4), base=st.integers(0, 2**8 - 1))
def test_tiered_subnets_are_disjoint_and_inside_the_vpc(prefixlen: int, zones: int, base: int) -> None:
    vpc = ipaddress.IPv4Network((f"10.{base}.0.0", 16)).supernet(new_prefix=16)
    vpc = next(vpc.subnets(new_prefix=prefixlen))
    layout = tiered_subnet_cidrs(str(vpc), zones)
    nets = [ipaddress.IPv4Network(c) for cidrs in layout.values() for c in cidrs]
    assert len(nets) == zones * len(EGRESS_TIERS)
    assert all(n.subnet_of(vpc) for n in nets)
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])
    # A tier's subnets do not depend on how many zones there are (adding a zone moves nothing).
    more = tiered_subnet_cidrs(str(vpc), 4)
    assert all(more[t][: len(cidrs)] == cidrs for t, cidrs in layout.items())
