"""azure-containerservice-managedcluster-local-accounts-disabled: an AKS cluster has no local admin account.

Why: the local `clusterAdmin` kubeconfig is a static, non-expiring credential that bypasses Entra
ID, MFA and conditional access, and whoever can list cluster credentials can download it. With
local accounts disabled, all access goes through Entra ID (NCSC principle 10).

Checks `disableLocalAccounts` on `azure-native:containerservice:ManagedCluster`: it must be `true`.

Message: `AKS cluster keeps its local admin account: set disableLocalAccounts to true (with Entra ID integration)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = (
    "AKS cluster keeps its local admin account: set disableLocalAccounts to true (with Entra ID integration)"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "disableLocalAccounts") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-containerservice-managedcluster-local-accounts-disabled",
    description="AKS clusters disable local accounts so that all access uses Entra ID.",
    severity="high",
    frameworks=Frameworks(
        ncsc="10",
        cyber_essentials="User access control",
        checkov=("CKV_AZURE_141",),
    ),
    remediation="Set `disable_local_accounts=True` together with "
    "`aad_profile=containerservice.ManagedClusterAADProfileArgs(managed=True, enable_azure_rbac=True)`.",
    resource_types=("azure-native:containerservice:ManagedCluster",),
    validate=_validate,
    topics=("kubernetes", "identity"),
)
