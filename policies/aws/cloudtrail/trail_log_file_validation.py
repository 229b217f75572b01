"""aws-cloudtrail-trail-log-file-validation: CloudTrail trails validate the integrity of their logs.

Why: audit logs are evidence. Log file validation makes CloudTrail write signed digest files, so the
council can prove that no log file was changed or deleted after delivery — the first thing an
intruder tries, and a question for any tribunal or ICO investigation (CIS AWS 3.2).

Message:
* `Trail does not validate log file integrity (enableLogFileValidation is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.cloudtrail import TRAIL
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "enableLogFileValidation") is not True:
        report("Trail does not validate log file integrity (enableLogFileValidation is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-cloudtrail-trail-log-file-validation",
    description="CloudTrail trails have log file integrity validation enabled.",
    severity="high",
    frameworks=Frameworks(
        ncsc="13",
        cis="CIS AWS Foundations Benchmark v3.0.0 3.2",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_36",),
    ),
    remediation="Set `enable_log_file_validation=True`; verify with `aws cloudtrail validate-logs`.",
    resource_types=(TRAIL,),
    validate=_validate,
    topics=("logging", "audit"),
)
