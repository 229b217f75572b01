"""azure-containerservice-managedcluster-rbac-enabled: an AKS cluster enforces Kubernetes RBAC.

Why: without RBAC every authenticated user is effectively cluster-admin: one compromised developer
token reads every secret in every namespace (NCSC principle 9).

Checks `enableRBAC` on `azure-native:containerservice:ManagedCluster`: it must be `true`, set
explicitly (it cannot be changed after the cluster is created, so the plan must show it).

Message: `AKS cluster does not enforce Kubernetes RBAC: set enableRBAC to true`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = "AKS cluster does not enforce Kubernetes RBAC: set enableRBAC to true"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "enableRBAC") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-containerservice-managedcluster-rbac-enabled",
    description="AKS clusters have Kubernetes role-based access control enabled.",
    severity="high",
    frameworks=Frameworks(
        ncsc="9",
        cyber_essentials="User access control",
        checkov=("CKV_AZURE_5",),
    ),
    remediation="Set `enable_rbac=True` and `aad_profile=containerservice.ManagedClusterAADProfileArgs("
    "managed=True, enable_azure_rbac=True)`.",
    resource_types=("azure-native:containerservice:ManagedCluster",),
    validate=_validate,
    topics=("kubernetes", "identity"),
)
