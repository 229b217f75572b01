"""azure-compute-disk-no-public-network-access: managed disks cannot be exported over the internet.

Why: with `networkAccessPolicy: AllowAll` (the default), anyone allowed to generate a SAS URL for a
disk can download it, in full, from anywhere: a whole server's data in one file. `DenyAll` blocks
export/import; `AllowPrivate` allows it only through a disk access private endpoint (NCSC
principle 11).

Checks `networkAccessPolicy` on `azure-native:compute:Disk`: it must be `DenyAll`, or
`AllowPrivate` with `diskAccessId`.

Messages:
* `Disk can be exported over the internet (networkAccessPolicy AllowAll): set networkAccessPolicy to DenyAll (or
  AllowPrivate with a disk access)`
  (on one line; `not set` in place of the value when absent);
* `Disk networkAccessPolicy AllowPrivate needs diskAccessId`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

NO_DISK_ACCESS: Final = "Disk networkAccessPolicy AllowPrivate needs diskAccessId"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    policy = get(props, "networkAccessPolicy")
    if policy == "DenyAll":
        return
    if policy == "AllowPrivate":
        if not get(props, "diskAccessId"):
            report(NO_DISK_ACCESS, None)
        return
    shown = policy if policy is not None else "not set"
    report(
        f"Disk can be exported over the internet (networkAccessPolicy {shown}): "
        "set networkAccessPolicy to DenyAll (or AllowPrivate with a disk access)",
        None,
    )


POLICY, METADATA = resource_policy(
    name="azure-compute-disk-no-public-network-access",
    description="Managed disks deny export and import over public networks.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_251",),
    ),
    remediation="Set `network_access_policy='DenyAll'` and `public_network_access='Disabled'` on the disk.",
    resource_types=("azure-native:compute:Disk",),
    validate=_validate,
    topics=("compute", "network", "data-exfiltration"),
)
