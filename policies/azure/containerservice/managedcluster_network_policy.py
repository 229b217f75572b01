"""azure-containerservice-managedcluster-network-policy: an AKS cluster enforces Kubernetes network policies.

Why: without a network policy engine every pod can reach every other pod, so one compromised
workload can reach all the council services sharing the cluster; with one, namespaces can be
isolated (NCSC principle 3, separation between users).

Checks `networkProfile.networkPolicy` on `azure-native:containerservice:ManagedCluster`: it must be
`azure`, `calico` or `cilium` (absent or `none` enforces nothing).

Message: `AKS cluster has no network policy engine (networkProfile.networkPolicy none): set it to azure, calico or
cilium`
(on one line; `not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

ENGINES: Final = ("azure", "calico", "cilium")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    engine = get(props, "networkProfile.networkPolicy")
    if engine not in ENGINES:
        shown = engine if engine is not None else "not set"
        report(
            f"AKS cluster has no network policy engine (networkProfile.networkPolicy {shown}): "
            "set it to azure, calico or cilium",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-containerservice-managedcluster-network-policy",
    description="AKS clusters run a network policy engine.",
    severity="high",
    frameworks=Frameworks(
        ncsc="3",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_7",),
    ),
    remediation="Set `network_profile=containerservice.ContainerServiceNetworkProfileArgs(network_plugin='azure', "
    "network_policy='azure')` (or `cilium` with the Cilium data plane).",
    resource_types=("azure-native:containerservice:ManagedCluster",),
    validate=_validate,
    topics=("kubernetes", "network"),
)
