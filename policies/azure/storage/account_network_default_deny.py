"""azure-storage-account-network-default-deny: a storage account's firewall denies by default.

Why: with the default action `Allow`, any network on the internet can reach the account's
endpoints and only the credential stands between an attacker and the data. `Deny` limits access to
private endpoints, listed subnets and trusted Azure services (NCSC principle 11, CIS Azure 3.8).

Checks `networkRuleSet.defaultAction` on `azure-native:storage:StorageAccount`: it must be `Deny`
(an absent network rule set means `Allow`).

Message: `Storage account firewall allows all networks by default (networkRuleSet.defaultAction Allow): set it to Deny`
(`not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    action = get(props, "networkRuleSet.defaultAction")
    if action != "Deny":
        shown = action if action is not None else "not set"
        report(
            f"Storage account firewall allows all networks by default (networkRuleSet.defaultAction {shown}): "
            "set it to Deny",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-storage-account-network-default-deny",
    description="Storage account network rules deny access by default.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.8",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_35",),
    ),
    remediation="Set `network_rule_set=storage.NetworkRuleSetArgs(default_action=storage.DefaultAction.DENY, "
    "bypass=storage.Bypass.AZURE_SERVICES)` and reach the account through private endpoints or listed subnets.",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "network"),
)
