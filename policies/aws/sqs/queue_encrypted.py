"""aws-sqs-queue-encrypted: SQS queues are encrypted at rest.

Why: queues carry the messages between a council service's parts — case updates, form submissions,
notifications — and keep them for up to 14 days. Encrypted either with SQS-managed keys
(`sqsManagedSseEnabled: true`) or with KMS (`kmsMasterKeyId`).

Message:
* `SQS queue is not encrypted: set sqsManagedSseEnabled to true or kmsMasterKeyId to a KMS key`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "sqsManagedSseEnabled") is True or get(props, "kmsMasterKeyId"):
        return
    report("SQS queue is not encrypted: set sqsManagedSseEnabled to true or kmsMasterKeyId to a KMS key", None)


POLICY, METADATA = resource_policy(
    name="aws-sqs-queue-encrypted",
    description="SQS queues use server-side encryption (SQS-managed or KMS).",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_27",)),
    remediation=(
        "Set `kms_master_key_id` to the service's customer-managed key (needed for OFFICIAL-SENSITIVE "
        "messages; producers then need kms:GenerateDataKey and consumers kms:Decrypt), or at least "
        "`sqs_managed_sse_enabled=True`."
    ),
    resource_types=("aws:sqs/queue:Queue",),
    validate=_validate,
    topics=("encryption", "messaging"),
)
