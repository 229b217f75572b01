"""aws-cloudwatch-log-group-customer-managed-key: log groups of OFFICIAL-SENSITIVE services are
encrypted with a customer-managed KMS key.

Why: application and database logs routinely capture personal data (request parameters, SQL,
error dumps). CloudWatch Logs encrypts them with a service key by default; a customer-managed key
(`kmsKeyId`) puts them under the council's key policy and audit trail. Judged by the log group's
`data-classification` tag; an unknown key reference during a preview counts as customer-managed.

Messages:
* `Log group holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key (kmsKeyId is not set)`
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
    problem = customer_key_problem("Log group", props, "kmsKeyId")
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-cloudwatch-log-group-customer-managed-key",
    description="CloudWatch log groups tagged OFFICIAL-SENSITIVE are encrypted with a customer-managed KMS key.",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_158",)),
    remediation=(
        "Set `kms_key_id` to the ARN of the service's customer-managed key; its key policy must allow "
        "`logs.<region>.amazonaws.com` to use it (with an `kms:EncryptionContext:aws:logs:arn` condition)."
    ),
    resource_types=("aws:cloudwatch/logGroup:LogGroup",),
    validate=_validate,
    topics=("encryption", "logging", "data-classification"),
)
