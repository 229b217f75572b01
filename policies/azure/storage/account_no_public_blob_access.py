"""azure-storage-account-no-public-blob-access: a storage account never allows anonymous blob reads.

Why: one container switched to "public" publishes everything in it to the internet without a login;
anonymous access is how council data leaks happen. Turning it off at the account level overrides
every container's setting (NCSC principle 11, CIS Azure 3.17).

Checks `allowBlobPublicAccess` on `azure-native:storage:StorageAccount`: it must be `false`, set
explicitly (accounts created with older API versions default to allowing it).

Message: `Storage account allows anonymous (public) blob access: set allowBlobPublicAccess to false`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = "Storage account allows anonymous (public) blob access: set allowBlobPublicAccess to false"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "allowBlobPublicAccess") is not False:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-storage-account-no-public-blob-access",
    description="Storage accounts disallow anonymous public access to blobs and containers.",
    severity="critical",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.17",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_190", "CKV2_AZURE_47"),
    ),
    remediation="Set `allow_blob_public_access=False`. Publish public web content through Front Door "
    "or a static site with an origin that is not anonymous, never through a public container.",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "public-access"),
)
