"""aws-efs-file-system-encrypted: EFS file systems are encrypted at rest.

Why: shared file systems hold document stores and application uploads — often residents' letters,
photographs and forms. Encryption at rest is chosen at creation and cannot be added later
(CIS AWS 2.4.1).

Message:
* `EFS file system is not encrypted (encrypted is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "encrypted") is not True:
        report("EFS file system is not encrypted (encrypted is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-efs-file-system-encrypted",
    description="EFS file systems are encrypted at rest.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.4.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_42",),
    ),
    remediation=(
        "Create the file system with `encrypted=True` and `kms_key_id` set to the service's key; "
        "migrate an existing one with AWS DataSync to a new encrypted file system."
    ),
    resource_types=("aws:efs/fileSystem:FileSystem",),
    validate=_validate,
    topics=("encryption", "storage"),
)
