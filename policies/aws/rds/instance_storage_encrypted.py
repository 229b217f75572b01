"""aws-rds-instance-storage-encrypted: RDS DB instances encrypt their storage.

Why: council databases hold residents' personal data (housing, benefits, social care). Encryption
at rest covers the storage, automated backups, snapshots and replicas, and can only be chosen when
the instance is created (CIS AWS 2.3.1). Read replicas inherit their source's encryption and are
skipped.

Message:
* `RDS instance storage is not encrypted (storageEncrypted is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import INSTANCE, is_replica
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_replica(props) and get(props, "storageEncrypted") is not True:
        report("RDS instance storage is not encrypted (storageEncrypted is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-rds-instance-storage-encrypted",
    description="RDS DB instances have storage encryption enabled.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.3.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_16",),
    ),
    remediation=(
        "Use `modules.aws.database.Database` (always `storage_encrypted=True`, with `kms_key_arn` as the "
        "key). For a bare instance set `storage_encrypted=True` and `kms_key_id`; an existing instance "
        "must be restored from an encrypted copy of a snapshot."
    ),
    resource_types=(INSTANCE,),
    validate=_validate,
    topics=("encryption", "database"),
)
