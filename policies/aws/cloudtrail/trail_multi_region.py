"""aws-cloudtrail-trail-multi-region: CloudTrail trails record every region.

Why: an attacker with stolen credentials works in whichever region nobody watches (crypto-mining in
a far-away region is the classic). A multi-region trail records API activity everywhere, including
global services (CIS AWS 3.1).

Message:
* `Trail records only its own region (isMultiRegionTrail is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.cloudtrail import TRAIL
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "isMultiRegionTrail") is not True:
        report("Trail records only its own region (isMultiRegionTrail is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-cloudtrail-trail-multi-region",
    description="CloudTrail trails are multi-region.",
    severity="high",
    frameworks=Frameworks(
        ncsc="13",
        cis="CIS AWS Foundations Benchmark v3.0.0 3.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_67",),
    ),
    remediation=(
        "Set `is_multi_region_trail=True` and `include_global_service_events=True` on the organisation "
        "trail of the platform logging layer."
    ),
    resource_types=(TRAIL,),
    validate=_validate,
    topics=("logging", "audit"),
)
