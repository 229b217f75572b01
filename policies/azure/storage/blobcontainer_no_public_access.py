"""azure-storage-blobcontainer-no-public-access: a blob container is never anonymous-readable.

Why: a container with public access `Blob` or `Container` serves its blobs (and, for `Container`,
its listing) to anyone on the internet without a login. The account-level switch
(`azure-storage-account-no-public-blob-access`) overrides it, but the container must not ask for
public access either, so that turning the account switch on by mistake publishes nothing (NCSC
principle 11, CIS Azure 3.17).

Checks `publicAccess` on `azure-native:storage:BlobContainer`: absent or `None` passes.

Message: `Blob container 'data' allows anonymous access (publicAccess Blob): set publicAccess to None`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    access = get(props, "publicAccess")
    if access is None or access == "None":
        return
    name = get(props, "containerName") or args.name
    report(f"Blob container '{name}' allows anonymous access (publicAccess {access}): set publicAccess to None", None)


POLICY, METADATA = resource_policy(
    name="azure-storage-blobcontainer-no-public-access",
    description="Blob containers do not allow anonymous (public) read access.",
    severity="critical",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.17",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_34",),
    ),
    remediation="Create containers with `public_access=storage.PublicAccess.NONE` (the storage module does).",
    resource_types=("azure-native:storage:BlobContainer",),
    validate=_validate,
    topics=("storage", "public-access"),
)
