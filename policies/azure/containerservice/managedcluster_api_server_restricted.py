"""azure-containerservice-managedcluster-api-server-restricted: an AKS API server is private, or open
only to listed address ranges.

Why: the Kubernetes API is the cluster's administration interface; on the open internet it is
scanned, brute-forced and exposed to every Kubernetes CVE. A private cluster, or authorised IP
ranges for the council's egress addresses, keeps it off the internet (NCSC principle 11).

Checks `apiServerAccessProfile` on `azure-native:containerservice:ManagedCluster`: passes when
`enablePrivateCluster` is `true`; otherwise `authorizedIPRanges` must be non-empty and none of its
ranges may be the whole internet (`0.0.0.0/0`, `0.0.0.0`, `*`).

Messages:
* `AKS API server is reachable from the whole internet: set apiServerAccessProfile.enablePrivateCluster to true or
  list apiServerAccessProfile.authorizedIPRanges` (on one line);
* `AKS API server authorised IP range 0.0.0.0/0 admits the whole internet` (one per such range).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, plain, resource_policy

OPEN: Final = (
    "AKS API server is reachable from the whole internet: set apiServerAccessProfile.enablePrivateCluster "
    "to true or list apiServerAccessProfile.authorizedIPRanges"
)
WHOLE_INTERNET: Final = frozenset({"0.0.0.0/0", "0.0.0.0", "*", "::/0"})


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "apiServerAccessProfile.enablePrivateCluster") is True:
        return
    ranges = [str(plain(r)).strip() for r in as_list(get(props, "apiServerAccessProfile.authorizedIPRanges"))]
    if not ranges:
        report(OPEN, None)
        return
    for cidr in ranges:
        if cidr in WHOLE_INTERNET:
            report(f"AKS API server authorised IP range {cidr} admits the whole internet", None)


POLICY, METADATA = resource_policy(
    name="azure-containerservice-managedcluster-api-server-restricted",
    description="AKS API servers are private, or limited to authorised IP ranges.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_115", "CKV_AZURE_6"),
    ),
    remediation="Set `api_server_access_profile=containerservice.ManagedClusterAPIServerAccessProfileArgs("
    "enable_private_cluster=True)`, or `authorized_ip_ranges=[<council egress CIDRs>]`.",
    resource_types=("azure-native:containerservice:ManagedCluster",),
    validate=_validate,
    topics=("kubernetes", "network"),
)
