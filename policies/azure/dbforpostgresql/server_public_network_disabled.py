"""azure-dbforpostgresql-server-public-network-disabled: a PostgreSQL flexible server has no public endpoint.

Why: a public PostgreSQL endpoint exposes the database's login to the internet, guarded only by
firewall rules that are easy to widen. Council databases are reached through a private endpoint or
VNet integration (NCSC principle 11).

Checks `azure-native:dbforpostgresql:Server` (the flexible server in azure-native v3): passes when
`network.publicNetworkAccess` is `Disabled`, or when `network.delegatedSubnetResourceId` is set (a
VNet-integrated server has no public endpoint). Absent settings mean `Enabled`.

Message: `PostgreSQL flexible server public network access is enabled (network.publicNetworkAccess Enabled): set it
to Disabled and use a private endpoint or VNet integration`
(on one line; `not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "network.delegatedSubnetResourceId"):
        return
    access = get(props, "network.publicNetworkAccess")
    if access == "Disabled":
        return
    shown = access if access is not None else "not set"
    report(
        f"PostgreSQL flexible server public network access is enabled (network.publicNetworkAccess {shown}): "
        "set it to Disabled and use a private endpoint or VNet integration",
        None,
    )


POLICY, METADATA = resource_policy(
    name="azure-dbforpostgresql-server-public-network-disabled",
    description="PostgreSQL flexible servers disable public network access.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cyber_essentials="Firewalls",
        checkov=("CKV2_AZURE_57", "CKV2_AZURE_26"),
    ),
    remediation="Set `network=dbforpostgresql.NetworkArgs(public_network_access='Disabled')` and add a private "
    "endpoint (group id `postgresqlServer`), or deploy into a delegated subnet.",
    resource_types=("azure-native:dbforpostgresql:Server",),
    validate=_validate,
    topics=("database", "network"),
)
