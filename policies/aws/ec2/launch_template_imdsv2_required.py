"""aws-ec2-launch-template-imdsv2-required: launch templates require IMDSv2 for the instances they
start.

Why: as for single instances (`aws-ec2-instance-imdsv2-required`): IMDSv1 lets a server-side request
forgery steal the instance role's credentials, and a template spreads the setting to every instance
of an Auto Scaling or EKS node group (CIS AWS 5.6).

Compliant: `metadataOptions.httpTokens` is `required`, or `metadataOptions.httpEndpoint` is
`disabled`.

Messages:
* `Instance metadata allows IMDSv1 (metadataOptions.httpTokens is not set); it must be 'required'`
* `Instance metadata allows IMDSv1 (metadataOptions.httpTokens is 'optional'); it must be 'required'`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.ec2.instance_imdsv2_required import imdsv1_problem
from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    problem = imdsv1_problem(props)
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-launch-template-imdsv2-required",
    description="EC2 launch templates require IMDSv2 (metadataOptions.httpTokens = required).",
    severity="high",
    frameworks=Frameworks(
        ncsc="14",
        cis="CIS AWS Foundations Benchmark v3.0.0 5.6",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_79",),
    ),
    remediation=(
        'Set `metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(http_tokens="required", '
        'http_endpoint="enabled", http_put_response_hop_limit=1)` and roll the group onto the new '
        "template version (instance refresh)."
    ),
    resource_types=("aws:ec2/launchTemplate:LaunchTemplate",),
    validate=_validate,
    topics=("compute", "identity"),
)
