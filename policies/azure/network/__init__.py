"""Policies for `azure-native:network` resources, and the NSG rule reading they share.

A network security rule reaches CrossGuard in two shapes, and both policies over NSG rules read
both: inline in `azure-native:network:NetworkSecurityGroup` (`securityRules[]`, properties
flattened by the SDK: `access`, `direction`, `sourceAddressPrefix`, `destinationPortRange`, ...)
and as a separate `azure-native:network:SecurityRule` resource with the same property names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from policies.lib import as_list, get, plain

NETWORK_SECURITY_GROUP: Final = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE: Final = "azure-native:network:SecurityRule"
RULE_TYPES: Final = (NETWORK_SECURITY_GROUP, SECURITY_RULE)

#: Source prefixes that mean "anyone on the internet" (compared lower-case). `Internet` is Azure's
#: service tag for the public address space; `*`/`any` match every address, the internet included.
INTERNET_SOURCES: Final = frozenset({"*", "any", "internet", "0.0.0.0", "0.0.0.0/0", "::/0", "::0/0"})

#: Protocols without ports: a rule for them exposes no TCP/UDP service.
_PORTLESS_PROTOCOLS: Final = frozenset({"icmp", "esp", "ah"})

ALL_PORTS: Final = (0, 65535)


@dataclass(frozen=True)
class PortRange:
    text: str  # as written in the rule, e.g. "22", "1000-2000", "*"
    low: int
    high: int

    def covers(self, port: int) -> bool:
        return self.low <= port <= self.high

    def within(self, ports: frozenset[int]) -> bool:
        """Every port of the range is in `ports`."""
        if self.high - self.low + 1 > len(ports):
            return False
        return all(port in ports for port in range(self.low, self.high + 1))


@dataclass(frozen=True)
class InternetRule:
    """An inbound Allow rule whose source includes the whole internet."""

    name: str
    source: str  # the first internet-wide source prefix, as written
    ports: tuple[PortRange, ...]


def parse_port_range(text: str) -> PortRange | None:
    """`"*"`, `"22"` or `"1000-2000"`; None when the text is none of these."""
    text = text.strip()
    if text in ("*", "0-65535"):
        return PortRange(text, *ALL_PORTS)
    low, sep, high = text.partition("-")
    try:
        first = int(low)
        last = int(high) if sep else first
    except ValueError:
        return None
    return PortRange(text, min(first, last), max(first, last))


def _strings(value: Any) -> list[str]:
    return [str(plain(v)) for v in as_list(value) if plain(v) is not None]


def _rules(resource_type: str, props: Mapping[str, Any], resource_name: str) -> list[tuple[str, Mapping[str, Any]]]:
    if resource_type == NETWORK_SECURITY_GROUP:
        rules = []
        for index, rule in enumerate(as_list(get(props, "securityRules"))):
            rule = plain(rule)
            if isinstance(rule, Mapping):
                rules.append((str(get(rule, "name") or f"securityRules[{index}]"), rule))
        return rules
    if resource_type == SECURITY_RULE:
        name = get(props, "name") or get(props, "securityRuleName") or resource_name
        return [(str(name), props)]
    return []


def internet_inbound_rules(resource_type: str, props: Mapping[str, Any], resource_name: str) -> list[InternetRule]:
    """The rules of an NSG (or the one SecurityRule) that allow inbound TCP/UDP traffic from the internet."""
    found: list[InternetRule] = []
    for name, rule in _rules(resource_type, props, resource_name):
        if str(get(rule, "direction", "")).lower() != "inbound" or str(get(rule, "access", "")).lower() != "allow":
            continue
        if str(get(rule, "protocol", "*")).lower() in _PORTLESS_PROTOCOLS:
            continue
        sources = _strings(get(rule, "sourceAddressPrefix")) + _strings(get(rule, "sourceAddressPrefixes"))
        internet = [s for s in sources if s.strip().lower() in INTERNET_SOURCES]
        if not internet:
            continue
        texts = _strings(get(rule, "destinationPortRange")) + _strings(get(rule, "destinationPortRanges"))
        # ARM requires a destination port; a rule without one is read as the widest possible.
        ranges = [r for r in (parse_port_range(t) for t in texts or ["*"]) if r is not None]
        found.append(InternetRule(name=name, source=internet[0], ports=tuple(ranges)))
    return found


def int_list(value: Any, default: Sequence[int]) -> tuple[int, ...]:
    """A list of port numbers from policy config (JSON numbers arrive as floats)."""
    items = as_list(value) if value is not None else list(default)
    return tuple(int(v) for v in items)
