"""aws-cloudtrail-trail-kms-encrypted: CloudTrail logs are encrypted with a customer-managed KMS key.

Why: the trail is the record of everything done in the council's accounts. Encrypting it with a
customer-managed key (SSE-KMS) adds a second gate — reading logs needs kms:Decrypt as well as S3
access — that the security team alone controls, and logs each read (CIS AWS 3.5). A key reference
unknown during a preview comes from a key of the program and counts as customer-managed.

Messages:
* `Trail logs are not encrypted with a customer-managed KMS key (kmsKeyId is not set)`
* `Trail logs are not encrypted with a customer-managed KMS key (kmsKeyId names an AWS-managed key)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import CUSTOMER_MANAGED, NO_KEY, key_kind
from policies.aws.cloudtrail import TRAIL
from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    kind = key_kind(props, "kmsKeyId")
    if kind == CUSTOMER_MANAGED:
        return
    detail = "is not set" if kind == NO_KEY else "names an AWS-managed key"
    report(f"Trail logs are not encrypted with a customer-managed KMS key (kmsKeyId {detail})", None)


POLICY, METADATA = resource_policy(
    name="aws-cloudtrail-trail-kms-encrypted",
    description="CloudTrail trails encrypt their logs with a customer-managed KMS key.",
    severity="high",
    frameworks=Frameworks(
        ncsc="13",
        cis="CIS AWS Foundations Benchmark v3.0.0 3.5",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_35",),
    ),
    remediation=(
        "Set `kms_key_id` to the log archive's customer-managed key; its key policy must let "
        "`cloudtrail.amazonaws.com` GenerateDataKey* (with an `aws:SourceArn` condition on the trail) "
        "and the security team Decrypt."
    ),
    resource_types=(TRAIL,),
    validate=_validate,
    topics=("logging", "audit", "encryption"),
)
