"""azure-keyvault-vault-network-default-deny: a Key Vault's firewall denies by default.

Why: the network ACL is the second fence behind `publicNetworkAccess`: should the public endpoint be
switched on (for a migration, or by mistake), `Deny` still keeps out every network not listed
(NCSC principle 11).

Checks `properties.networkAcls.defaultAction` on `azure-native:keyvault:Vault`: it must be `Deny`
(an absent ACL means `Allow`).

Message: `Key Vault firewall allows all networks by default (properties.networkAcls.defaultAction Allow): set it to
Deny`
(on one line; `not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    action = get(props, "properties.networkAcls.defaultAction")
    if action != "Deny":
        shown = action if action is not None else "not set"
        report(
            f"Key Vault firewall allows all networks by default (properties.networkAcls.defaultAction {shown}): "
            "set it to Deny",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-keyvault-vault-network-default-deny",
    description="Key Vault network ACLs deny access by default.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_109",),
    ),
    remediation="Set `network_acls=keyvault.NetworkRuleSetArgs(default_action='Deny', bypass='AzureServices')` "
    "in the vault properties.",
    resource_types=("azure-native:keyvault:Vault",),
    validate=_validate,
    topics=("key-management", "network"),
)
