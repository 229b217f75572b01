"""azure-sql-server-public-network-disabled: an Azure SQL logical server has no public endpoint.

Why: a public SQL endpoint is one firewall rule (often "allow Azure services", i.e. every Azure
customer) away from the internet. Council databases are reached through private endpoints only
(NCSC principle 11, CIS Azure 4.1.2).

Checks `publicNetworkAccess` on `azure-native:sql:Server`: it must be `Disabled` (or
`SecuredByPerimeter`, a network security perimeter). Absent means `Enabled`.

Message: `SQL server public network access is enabled (publicNetworkAccess Enabled): set it to Disabled and use a
private endpoint`
(on one line; `not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    access = get(props, "publicNetworkAccess")
    if access in ("Disabled", "SecuredByPerimeter"):
        return
    shown = access if access is not None else "not set"
    report(
        f"SQL server public network access is enabled (publicNetworkAccess {shown}): "
        "set it to Disabled and use a private endpoint",
        None,
    )


POLICY, METADATA = resource_policy(
    name="azure-sql-server-public-network-disabled",
    description="Azure SQL servers disable public network access.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 4.1.2",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_113",),
    ),
    remediation="Set `public_network_access='Disabled'` and add a `network.PrivateEndpoint` with group id `sqlServer`.",
    resource_types=("azure-native:sql:Server",),
    validate=_validate,
    topics=("database", "network"),
)
