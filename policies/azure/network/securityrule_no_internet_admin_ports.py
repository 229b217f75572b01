"""azure-network-securityrule-no-internet-admin-ports: no NSG rule opens an administration or
database port to the internet.

Why: SSH, RDP, WinRM, SMB and database listeners facing the internet are brute-forced within
minutes of being exposed and are the commonest way into council networks (ransomware via RDP).
Administrators use Azure Bastion or a private network; applications reach databases privately
(NCSC principle 11, CIS Azure 6.1 and 6.2, Cyber Essentials "Firewalls").

Checks inbound `Allow` rules whose source is the internet (`*`, `Internet`, `Any`, `0.0.0.0/0`,
`::/0` in `sourceAddressPrefix` or `sourceAddressPrefixes`), inline in
`azure-native:network:NetworkSecurityGroup` (`securityRules`) and as
`azure-native:network:SecurityRule` resources. A rule is reported when one of its destination port
ranges (`destinationPortRange`, `destinationPortRanges`; `*` is every port) covers an
administration or database port. ICMP/ESP/AH rules carry no ports and are not judged.

Config: `admin_ports` (array of integers), default 22 (SSH), 23 (Telnet), 135 (RPC), 445 (SMB),
1433 (SQL Server), 1521 (Oracle), 3306 (MySQL), 3389 (RDP), 5432 (PostgreSQL), 5985/5986 (WinRM),
6379 (Redis), 27017 (MongoDB).

Message, one per rule: `Security rule 'allow-ssh' allows inbound port 22 from the internet (source *):
use Azure Bastion or a private network for administration and database access` (on one line;
`ports 22, 3389` when several are covered, `all ports` for a `*`/`0-65535` range).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.azure.network import ALL_PORTS, RULE_TYPES, int_list, internet_inbound_rules
from policies.lib import Frameworks, resource_policy

DEFAULT_ADMIN_PORTS: Final = (22, 23, 135, 445, 1433, 1521, 3306, 3389, 5432, 5985, 5986, 6379, 27017)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    admin_ports = sorted(set(int_list(args.get_config().get("admin_ports"), DEFAULT_ADMIN_PORTS)))
    for rule in internet_inbound_rules(args.resource_type, props, args.name):
        exposed = [port for port in admin_ports if any(r.covers(port) for r in rule.ports)]
        if not exposed:
            continue
        if any(r.low <= ALL_PORTS[0] and r.high >= ALL_PORTS[1] for r in rule.ports):
            ports = "all ports"
        elif len(exposed) == 1:
            ports = f"port {exposed[0]}"
        else:
            ports = "ports " + ", ".join(str(p) for p in exposed)
        report(
            f"Security rule '{rule.name}' allows inbound {ports} from the internet (source {rule.source}): "
            "use Azure Bastion or a private network for administration and database access",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-network-securityrule-no-internet-admin-ports",
    description="NSG rules never allow administration or database ports (SSH, RDP, SQL, ...) from the internet.",
    severity="critical",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 6.1, 6.2",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_9", "CKV_AZURE_10"),
    ),
    remediation="Remove the rule, or narrow its source to the council's private ranges. Administer VMs "
    "through Azure Bastion; connect applications to databases through private endpoints.",
    resource_types=RULE_TYPES,
    validate=_validate,
    topics=("network", "firewall"),
    config_schema=PolicyConfigSchema(
        properties={
            "admin_ports": {
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                "default": list(DEFAULT_ADMIN_PORTS),
                "description": "Ports that must never be reachable from the internet.",
            },
        },
    ),
    config_defaults={"admin_ports": list(DEFAULT_ADMIN_PORTS)},
)
