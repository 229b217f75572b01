"""aws-dynamodb-table-customer-managed-key: DynamoDB tables holding OFFICIAL-SENSITIVE data are
encrypted with a customer-managed KMS key.

Why: every table is encrypted, by default with a key owned by DynamoDB that the council can neither
see, restrict nor audit. OFFICIAL-SENSITIVE data needs a customer-managed key
(`serverSideEncryption.enabled: true` with `kmsKeyArn`): access to the data then also needs the key
policy's permission, every use is logged, and disabling the key locks the table. Judged by the
table's `data-classification` tag; an unknown key reference during a preview counts as
customer-managed.

Messages:
* `DynamoDB table holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key
  (serverSideEncryption.enabled is not true)`
* `DynamoDB table holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key
  (serverSideEncryption.kmsKeyArn is not set)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import customer_key_problem
from policies.lib import Frameworks, get, is_sensitive, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_sensitive(props):
        return
    if get(props, "serverSideEncryption.enabled") is not True:
        report(
            "DynamoDB table holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key "
            "(serverSideEncryption.enabled is not true)",
            None,
        )
        return
    problem = customer_key_problem("DynamoDB table", props, "serverSideEncryption.kmsKeyArn")
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-dynamodb-table-customer-managed-key",
    description="DynamoDB tables tagged OFFICIAL-SENSITIVE use a customer-managed KMS key.",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_119",)),
    remediation=(
        "Set `server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, "
        "kms_key_arn=<the service's key ARN>)`. The key can be switched in place."
    ),
    resource_types=("aws:dynamodb/table:Table",),
    validate=_validate,
    topics=("encryption", "database", "data-classification"),
)
