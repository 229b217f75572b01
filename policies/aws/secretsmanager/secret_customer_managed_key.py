"""aws-secretsmanager-secret-customer-managed-key: secrets of OFFICIAL-SENSITIVE services are
encrypted with a customer-managed KMS key.

Why: the secrets of an OFFICIAL-SENSITIVE service (database credentials, API keys for partner
systems) open its data. With the default `aws/secretsmanager` key anyone allowed
`secretsmanager:GetSecretValue` can read them; a customer-managed key adds the key policy as a second
gate, makes cross-account sharing possible and logs each decryption. Judged by the secret's
`data-classification` tag; an unknown key reference during a preview counts as customer-managed.

Messages:
* `Secret holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key (kmsKeyId is not set)`
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
    problem = customer_key_problem("Secret", props, "kmsKeyId")
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-secretsmanager-secret-customer-managed-key",
    description="Secrets Manager secrets tagged OFFICIAL-SENSITIVE use a customer-managed KMS key.",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Access control", checkov=("CKV_AWS_149",)),
    remediation=(
        "Set `kms_key_id` to the service's customer-managed key (`modules.aws.database.Database` passes "
        "`kms_key_arn` to its credentials secret). Readers also need kms:Decrypt on the key."
    ),
    resource_types=("aws:secretsmanager/secret:Secret",),
    validate=_validate,
    topics=("encryption", "secrets", "data-classification"),
)
