"""aws-ebs-volume-encrypted: EBS volumes are encrypted.

Why: volumes hold databases, file shares and application data; an unencrypted volume (or any
snapshot of it, which may be copied or shared) exposes that data to anyone who obtains the
snapshot. Encryption is set when the volume is created and cannot be added later. An absent
`encrypted` depends on the account's encryption-by-default setting, which the program cannot see,
so it counts as unencrypted.

Message:
* `EBS volume is not encrypted (encrypted is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "encrypted") is not True:
        report("EBS volume is not encrypted (encrypted is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-ebs-volume-encrypted",
    description="EBS volumes are encrypted at rest.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.2.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_3",),
    ),
    remediation=(
        "Create the volume with `encrypted=True` and `kms_key_id=<the service's key ARN>` (a new volume "
        "is needed: encryption cannot be turned on in place; copy the data from a snapshot). Also turn on "
        "`aws.ebs.EncryptionByDefault` in every account and region."
    ),
    resource_types=("aws:ebs/volume:Volume",),
    validate=_validate,
    topics=("encryption", "storage"),
)
