"""aws-kms-key-no-bypass-lockout-safety-check: KMS key policies never bypass the lockout safety
check.

Why: KMS refuses a key policy that would stop the caller from managing the key afterwards, unless
`bypassPolicyLockoutSafetyCheck` is set. With it, one wrong policy makes the key unmanageable —
and everything it encrypts (backups, databases, records) unrecoverable without AWS Support, if at
all. Checks `aws.kms.Key` and `aws.kms.KeyPolicy`.

Message:
* `Key policy bypasses the KMS lockout safety check (bypassPolicyLockoutSafetyCheck is true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "bypassPolicyLockoutSafetyCheck") is True:
        report("Key policy bypasses the KMS lockout safety check (bypassPolicyLockoutSafetyCheck is true)", None)


POLICY, METADATA = resource_policy(
    name="aws-kms-key-no-bypass-lockout-safety-check",
    description="KMS keys and key policies do not bypass the policy lockout safety check.",
    severity="critical",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Access control"),
    remediation=(
        "Remove `bypass_policy_lockout_safety_check` (default False) and make sure the key policy keeps "
        "the account root (`arn:aws:iam::<account>:root`) or the platform's key administrators able to "
        "manage the key."
    ),
    resource_types=("aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"),
    validate=_validate,
    topics=("key-management",),
)
