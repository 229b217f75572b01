"""azure-network-securityrule-internet-web-ports-only: from the internet, NSG rules open only the web
ports (80 and 443).

Why: every other internet-facing port is a service that has to be patched, monitored and defended
against scanning; council services publish websites and APIs over HTTPS (port 80 only to redirect
to it), through Front Door or Application Gateway. Anything else goes over a private network
(NCSC principle 11, CIS Azure 6.3 and 6.4, Cyber Essentials "Firewalls").

Checks inbound `Allow` rules from the internet (the same sources as
`azure-network-securityrule-no-internet-admin-ports`), inline in
`azure-native:network:NetworkSecurityGroup` and as `azure-native:network:SecurityRule`. Every
destination port range of such a rule must lie within the allowed ports. The two policies are
independent: a rule opening port 22 to the internet is reported by both, so that waiving one does
not hide the other.

Config: `internet_ports` (array of integers), default `[80, 443]`.

Message, one per rule: `Security rule 'allow-app' allows inbound ports 8080, 9000-9100 from the
internet (source Internet): only ports 80, 443 may be open to the internet` (on one line; the
offending ranges as written in the rule, `port 8080` for a single port, `all ports` for `*`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.azure.network import ALL_PORTS, RULE_TYPES, int_list, internet_inbound_rules
from policies.lib import Frameworks, resource_policy

DEFAULT_INTERNET_PORTS: Final = (80, 443)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = frozenset(int_list(args.get_config().get("internet_ports"), DEFAULT_INTERNET_PORTS))
    shown_allowed = ", ".join(str(p) for p in sorted(allowed)) or "none"
    for rule in internet_inbound_rules(args.resource_type, props, args.name):
        offending = [r.text for r in rule.ports if not r.within(allowed)]
        if not offending:
            continue
        if any(r.low <= ALL_PORTS[0] and r.high >= ALL_PORTS[1] for r in rule.ports):
            ports = "all ports"
        elif len(offending) == 1 and "-" not in offending[0]:
            ports = f"port {offending[0]}"
        else:
            ports = "ports " + ", ".join(offending)
        report(
            f"Security rule '{rule.name}' allows inbound {ports} from the internet "
            f"(source {rule.source}): only ports {shown_allowed} may be open to the internet",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-network-securityrule-internet-web-ports-only",
    description="NSG rules open no port other than 80 and 443 to the internet.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 6.3, 6.4",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_77",),
    ),
    remediation="Publish services over HTTPS (443, with 80 redirecting) through Front Door or Application "
    "Gateway; reach everything else over the council's private network or a VPN.",
    resource_types=RULE_TYPES,
    validate=_validate,
    topics=("network", "firewall"),
    config_schema=PolicyConfigSchema(
        properties={
            "internet_ports": {
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                "default": list(DEFAULT_INTERNET_PORTS),
                "description": "The only ports that may be reachable from the internet.",
            },
        },
    ),
    config_defaults={"internet_ports": list(DEFAULT_INTERNET_PORTS)},
)
