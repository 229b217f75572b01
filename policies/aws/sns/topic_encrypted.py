"""aws-sns-topic-encrypted: SNS topics are encrypted at rest with KMS.

Why: topics fan out notifications that often carry personal data (case references, contact
details) and store them until delivered. SNS only encrypts at rest when the topic has a KMS key
(`kmsMasterKeyId`, which may be the AWS-managed `alias/aws/sns`).

Message:
* `SNS topic is not encrypted at rest (kmsMasterKeyId is not set)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not get(props, "kmsMasterKeyId"):
        report("SNS topic is not encrypted at rest (kmsMasterKeyId is not set)", None)


POLICY, METADATA = resource_policy(
    name="aws-sns-topic-encrypted",
    description="SNS topics use server-side encryption with a KMS key.",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_26",)),
    remediation=(
        "Set `kms_master_key_id` to the service's customer-managed key, whose key policy lets the "
        "publishing services (e.g. `cloudwatch.amazonaws.com`, `events.amazonaws.com`) use it; "
        "`alias/aws/sns` only works for publishers in the same account."
    ),
    resource_types=("aws:sns/topic:Topic",),
    validate=_validate,
    topics=("encryption", "messaging"),
)
