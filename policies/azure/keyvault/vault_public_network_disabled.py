"""azure-keyvault-vault-public-network-disabled: a Key Vault has no public endpoint.

Why: the vault holds the keys to council data; it is reached through a private endpoint from the
council's networks only, so a leaked credential cannot be used from the internet (NCSC principle 11,
CIS Azure 8.7).

Checks `properties.publicNetworkAccess` on `azure-native:keyvault:Vault`: it must be `Disabled`
(compared case-insensitively; absent means enabled).

Message: `Key Vault public network access is enabled (properties.publicNetworkAccess Enabled): set it to Disabled
and use a private endpoint`
(on one line; `not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    access = get(props, "properties.publicNetworkAccess")
    if isinstance(access, str) and access.lower() == "disabled":
        return
    shown = access if access is not None else "not set"
    report(
        f"Key Vault public network access is enabled (properties.publicNetworkAccess {shown}): "
        "set it to Disabled and use a private endpoint",
        None,
    )


POLICY, METADATA = resource_policy(
    name="azure-keyvault-vault-public-network-disabled",
    description="Key Vaults disable public network access and are reached through private endpoints.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 8.7",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_189",),
    ),
    remediation="Set `public_network_access='Disabled'` in the vault properties and add a "
    "`network.PrivateEndpoint` with group id `vault`.",
    resource_types=("azure-native:keyvault:Vault",),
    validate=_validate,
    topics=("key-management", "network"),
)
