"""aws-ebs-volume-customer-managed-key: EBS volumes holding OFFICIAL-SENSITIVE data use a
customer-managed KMS key.

Why: with the AWS-managed `aws/ebs` key, anyone with EC2 permissions in the account can use the
data and snapshots can never be shared safely; a customer-managed key lets the council restrict
and audit decryption, and revoke it. Judged by the volume's `data-classification` tag. A key
reference that is unknown during a preview comes from a key of the program and counts as
customer-managed.

Messages:
* `EBS volume holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key (kmsKeyId is not set)`
* `... (kmsKeyId names an AWS-managed key)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import customer_key_problem
from policies.lib import Frameworks, is_sensitive, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_sensitive(props):
        return
    problem = customer_key_problem("EBS volume", props, "kmsKeyId")
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-ebs-volume-customer-managed-key",
    description="EBS volumes tagged OFFICIAL-SENSITIVE are encrypted with a customer-managed KMS key.",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_189",)),
    remediation=(
        "Set `encrypted=True` and `kms_key_id` to the service's customer-managed key (the `kms` key of "
        "the service stack, `_kms_key_arn` in its outputs), not `alias/aws/ebs`. Existing volumes must "
        "be re-created from a snapshot copied with the new key."
    ),
    resource_types=("aws:ebs/volume:Volume",),
    validate=_validate,
    topics=("encryption", "storage", "data-classification"),
)
