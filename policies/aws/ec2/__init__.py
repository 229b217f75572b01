"""EC2 policies, and the reading of security group ingress rules shared with `policies.aws.vpc`.

Ingress rules come in three shapes: the inline `ingress` list of `aws.ec2.SecurityGroup` /
`aws.ec2.DefaultSecurityGroup`, `aws.ec2.SecurityGroupRule` (`type: ingress`) and
`aws.vpc.SecurityGroupIngressRule` (one CIDR per rule). `Ingress` is the one shape the checks read.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy.proxy import UnknownValueError

from policies.lib import get, plain

ALL_PORTS: Final = (0, 65535)

#: Remote administration and data-store ports that must never face the internet (config default).
ADMIN_PORT_NAMES: Final[Mapping[int, str]] = {
    21: "FTP",
    22: "SSH",
    23: "Telnet",
    135: "MS RPC",
    139: "NetBIOS",
    445: "SMB",
    1433: "SQL Server",
    1521: "Oracle",
    2049: "NFS",
    2375: "Docker",
    2376: "Docker TLS",
    3306: "MySQL",
    3389: "RDP",
    5432: "PostgreSQL",
    5900: "VNC",
    5985: "WinRM",
    5986: "WinRM TLS",
    6379: "Redis",
    6443: "Kubernetes API",
    9200: "Elasticsearch",
    11211: "Memcached",
    27017: "MongoDB",
}
DEFAULT_ADMIN_PORTS: Final = tuple(ADMIN_PORT_NAMES)
#: Ports that may face the internet (config default): web traffic only.
DEFAULT_PUBLIC_PORTS: Final = (80, 443)

_PROTOCOLS: Final = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


@dataclass(frozen=True)
class Ingress:
    """One ingress rule: what it allows, from where."""

    label: str  # how messages name it: "Ingress rule 0", "Security group rule"
    protocol: str  # "all", "tcp", "udp", "icmp", "icmpv6" or another IP protocol number
    ports: tuple[int, int] | None  # inclusive range for tcp/udp/all; None for protocols without ports
    cidrs: tuple[str, ...]

    def internet_cidrs(self) -> list[str]:
        return [c for c in self.cidrs if is_internet(c)]


def is_internet(cidr: str) -> bool:
    """0.0.0.0/0 or ::/0 (a /0 written any way)."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def known_cidrs(props: Any, *paths: str) -> list[str]:
    """The CIDR blocks at `paths` (each a single string or a list) that are known. A block computed
    from another resource (a VPC's range, say) is unknown during a preview and is left out: it is
    judged at the update, while the literal blocks next to it are judged now."""
    found: list[str] = []
    for path in paths:
        try:
            value = get(props, path)
        except UnknownValueError:
            continue
        value = plain(value)
        if value is None:
            continue
        if isinstance(value, str):
            found.append(value)
            continue
        for index in range(len(value)):  # by index: iterating the proxy would stop at the first unknown
            try:
                found.append(str(plain(value[index])))
            except UnknownValueError:
                continue
    return found


def _protocol(value: Any) -> str:
    text = str(value if value is not None else "all").strip().lower()
    return _PROTOCOLS.get(text, text)


def _ports(protocol: str, from_port: Any, to_port: Any) -> tuple[int, int] | None:
    if protocol == "all":
        return ALL_PORTS
    if protocol not in ("tcp", "udp"):
        return None
    if from_port is None or to_port is None:
        return ALL_PORTS
    low, high = int(from_port), int(to_port)
    if low < 0 or high < 0:  # -1 means "all" in some APIs
        return ALL_PORTS
    return (min(low, high), max(low, high))


def ingress(label: str, protocol: Any, from_port: Any, to_port: Any, cidrs: Iterable[str]) -> Ingress:
    proto = _protocol(protocol)
    return Ingress(label=label, protocol=proto, ports=_ports(proto, from_port, to_port), cidrs=tuple(cidrs))


def security_group_ingress(props: Mapping[str, Any]) -> list[Ingress]:
    """The inline `ingress` rules of a SecurityGroup / DefaultSecurityGroup."""
    rules = get(props, "ingress") or []
    found = []
    for index in range(len(rules)):
        rule = get(rules, str(index))
        found.append(
            ingress(
                f"Ingress rule {index}",
                get(rule, "protocol"),
                get(rule, "fromPort"),
                get(rule, "toPort"),
                known_cidrs(rule, "cidrBlocks", "ipv6CidrBlocks"),
            )
        )
    return found


def security_group_rule_ingress(props: Mapping[str, Any]) -> list[Ingress]:
    """An `aws.ec2.SecurityGroupRule` of type ingress (egress rules: none)."""
    if get(props, "type") != "ingress":
        return []
    return [
        ingress(
            "Security group rule",
            get(props, "protocol"),
            get(props, "fromPort"),
            get(props, "toPort"),
            known_cidrs(props, "cidrBlocks", "ipv6CidrBlocks"),
        )
    ]


def vpc_ingress_rule(props: Mapping[str, Any]) -> list[Ingress]:
    """An `aws.vpc.SecurityGroupIngressRule` (one IPv4 or IPv6 CIDR, or a prefix list / group)."""
    return [
        ingress(
            "Security group ingress rule",
            get(props, "ipProtocol"),
            get(props, "fromPort"),
            get(props, "toPort"),
            known_cidrs(props, "cidrIpv4", "cidrIpv6"),
        )
    ]


def _port_list(ports: Sequence[int]) -> str:
    return ", ".join(f"{p} ({ADMIN_PORT_NAMES[p]})" if p in ADMIN_PORT_NAMES else str(p) for p in ports)


def admin_port_problems(rules: Iterable[Ingress], admin_ports: Iterable[int]) -> list[str]:
    """Messages for rules opening administration ports to 0.0.0.0/0 or ::/0."""
    wanted = sorted({int(p) for p in admin_ports})
    problems = []
    for rule in rules:
        internet = rule.internet_cidrs()
        if not internet or rule.ports is None:
            continue
        where = f"to the internet ({', '.join(internet)})"
        if rule.ports == ALL_PORTS:
            problems.append(f"{rule.label} opens all ports, administration ports included, {where}")
            continue
        low, high = rule.ports
        exposed = [p for p in wanted if low <= p <= high]
        if len(exposed) == 1:
            problems.append(f"{rule.label} opens administration port {_port_list(exposed)} {where}")
        elif exposed:
            problems.append(f"{rule.label} opens administration ports {_port_list(exposed)} {where}")
    return problems


def _what(rule: Ingress) -> str:
    if rule.protocol == "all":
        return "all traffic"
    if rule.ports is None:
        return rule.protocol if rule.protocol in ("icmp", "icmpv6") else f"IP protocol {rule.protocol}"
    low, high = rule.ports
    return f"{rule.protocol} port {low}" if low == high else f"{rule.protocol} ports {low}-{high}"


def internet_ingress_problems(rules: Iterable[Ingress], public_ports: Iterable[int]) -> list[str]:
    """Messages for rules letting the internet in on anything but the public (web) ports."""
    allowed = sorted({int(p) for p in public_ports})
    problems = []
    for rule in rules:
        internet = rule.internet_cidrs()
        if not internet:
            continue
        if rule.protocol in ("tcp", "udp") and rule.ports is not None:
            low, high = rule.ports
            if low == high and low in allowed:
                continue
        problems.append(
            f"{rule.label} allows {_what(rule)} from the internet ({', '.join(internet)}); "
            f"only ports {', '.join(map(str, allowed))} may be open to it"
        )
    return problems


def admin_ports_config(config: Mapping[str, Any]) -> list[int]:
    return [int(p) for p in config.get("admin_ports", DEFAULT_ADMIN_PORTS)]


def public_ports_config(config: Mapping[str, Any]) -> list[int]:
    return [int(p) for p in config.get("public_ports", DEFAULT_PUBLIC_PORTS)]


ADMIN_PORTS_SCHEMA: Final = {
    "admin_ports": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        "uniqueItems": True,
        "default": list(DEFAULT_ADMIN_PORTS),
        "description": "Ports that must never be open to 0.0.0.0/0 or ::/0.",
    }
}
PUBLIC_PORTS_SCHEMA: Final = {
    "public_ports": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        "uniqueItems": True,
        "default": list(DEFAULT_PUBLIC_PORTS),
        "description": "The only ports (single-port tcp/udp rules) that may be open to 0.0.0.0/0 or ::/0.",
    }
}
