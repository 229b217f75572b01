"""azure-storage-account-public-network-restricted: a storage account's public endpoint is off, or
limited to listed subnets.

Why: council data stores are reached privately (NCSC principle 11, CIS Azure 3.7). Azure only
evaluates virtual network rules while the public endpoint is `Enabled` (with `Disabled` it "denies
all logins that match IP or virtual network-based firewall rules"), so the landing zone's storage
module has two compliant shapes, and this policy accepts exactly those:

* `publicNetworkAccess: Disabled` (or `SecuredByPerimeter`): private endpoints only;
* `publicNetworkAccess` `Enabled` or absent, with `networkRuleSet.defaultAction: Deny` and at least
  one `networkRuleSet.virtualNetworkRules` entry: "enabled from selected virtual networks".

Anything else (public endpoint on, and either the firewall allowing by default or no subnet listed)
is reported.

Message: `Storage account public endpoint is open (publicNetworkAccess Enabled): set publicNetworkAccess
to Disabled and use private endpoints, or keep networkRuleSet.defaultAction Deny with
virtualNetworkRules for the allowed subnets` (on one line; `not set` in place of an absent value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    access = get(props, "publicNetworkAccess")
    if access in ("Disabled", "SecuredByPerimeter"):
        return
    subnets = as_list(get(props, "networkRuleSet.virtualNetworkRules"))
    if get(props, "networkRuleSet.defaultAction") == "Deny" and subnets:
        return
    shown = access if access is not None else "not set"
    report(
        f"Storage account public endpoint is open (publicNetworkAccess {shown}): set publicNetworkAccess "
        "to Disabled and use private endpoints, or keep networkRuleSet.defaultAction Deny with "
        "virtualNetworkRules for the allowed subnets",
        None,
    )


POLICY, METADATA = resource_policy(
    name="azure-storage-account-public-network-restricted",
    description="Storage accounts disable public network access unless it is limited to listed subnets.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.7",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_59",),
    ),
    remediation="Use `modules.azure.storage.StorageAccount`: without `allowed_subnet_ids` it sets "
    "`public_network_access=Disabled`; with them it enables the endpoint for those subnets only, with the "
    "default action Deny.",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "network"),
)
