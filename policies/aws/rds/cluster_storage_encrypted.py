"""aws-rds-cluster-storage-encrypted: Aurora and Multi-AZ DB clusters encrypt their storage.

Why: as for DB instances: the cluster volume, its backups and snapshots hold residents' personal
data, and encryption can only be chosen at creation. Unlike some engines, provisioned Aurora
clusters are *not* encrypted unless asked. Aurora Serverless v1 (`engineMode: serverless`) is always
encrypted and is skipped.

Message:
* `RDS cluster storage is not encrypted (storageEncrypted is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import CLUSTER
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "engineMode") == "serverless":
        return
    if get(props, "storageEncrypted") is not True:
        report("RDS cluster storage is not encrypted (storageEncrypted is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-rds-cluster-storage-encrypted",
    description="RDS (Aurora and Multi-AZ DB) clusters have storage encryption enabled.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.3.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_96",),
    ),
    remediation=(
        "Set `storage_encrypted=True` and `kms_key_id` to the service's customer-managed key. An "
        "existing cluster must be restored from a snapshot copied with encryption."
    ),
    resource_types=(CLUSTER,),
    validate=_validate,
    topics=("encryption", "database"),
)
