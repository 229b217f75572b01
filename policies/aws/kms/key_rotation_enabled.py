"""aws-kms-key-rotation-enabled: symmetric customer-managed KMS keys rotate their key material.

Why: yearly (or more frequent) rotation limits how much data one key version protects and is
expected by CIS AWS 3.6 and most assurance frameworks. Rotation applies to symmetric
encryption keys only: asymmetric, HMAC and imported-material keys cannot rotate automatically and are
skipped (by `customerMasterKeySpec` other than `SYMMETRIC_DEFAULT`, or `keyUsage` other than
`ENCRYPT_DECRYPT`), and so are keys in custom key stores (`customKeyStoreId`, `xksKeyId`).

Message:
* `KMS key does not rotate its key material (enableKeyRotation is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "customerMasterKeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        return
    if get(props, "keyUsage", "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
        return
    if get(props, "customKeyStoreId") or get(props, "xksKeyId"):
        return
    if get(props, "enableKeyRotation") is not True:
        report("KMS key does not rotate its key material (enableKeyRotation is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-kms-key-rotation-enabled",
    description="Symmetric customer-managed KMS keys have automatic key rotation enabled.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS AWS Foundations Benchmark v3.0.0 3.6",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_7",),
    ),
    remediation=(
        "Set `enable_key_rotation=True` (service stacks do for their `kms` key), optionally with "
        "`rotation_period_in_days` (90-2560, default 365). Rotation keeps old material for decryption, "
        "so nothing needs re-encrypting."
    ),
    resource_types=("aws:kms/key:Key",),
    validate=_validate,
    topics=("encryption", "key-management"),
)
