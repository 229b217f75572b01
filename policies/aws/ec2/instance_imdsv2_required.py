"""aws-ec2-instance-imdsv2-required: EC2 instances require IMDSv2 (session tokens) for instance
metadata.

Why: with IMDSv1 a server-side request forgery in any web application on the instance can read the
instance role's temporary credentials from 169.254.169.254 — the route of several large public-sector
and retail breaches. IMDSv2's session tokens (PUT with a hop limit) stop that (CIS AWS 5.6).

Compliant: `metadataOptions.httpTokens` is `required`, or the metadata endpoint is switched off
(`metadataOptions.httpEndpoint: disabled`). Absent means `optional`, i.e. IMDSv1 allowed.

Messages:
* `Instance metadata allows IMDSv1 (metadataOptions.httpTokens is not set); it must be 'required'`
* `Instance metadata allows IMDSv1 (metadataOptions.httpTokens is 'optional'); it must be 'required'`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def imdsv1_problem(props: Mapping[str, Any]) -> str | None:
    """The message when instance metadata still answers IMDSv1 requests (shared with launch templates)."""
    if get(props, "metadataOptions.httpEndpoint") == "disabled":
        return None
    tokens = get(props, "metadataOptions.httpTokens")
    if tokens == "required":
        return None
    now = "not set" if tokens is None else repr(tokens)
    return f"Instance metadata allows IMDSv1 (metadataOptions.httpTokens is {now}); it must be 'required'"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    problem = imdsv1_problem(props)
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-instance-imdsv2-required",
    description="EC2 instances require IMDSv2 (metadataOptions.httpTokens = required).",
    severity="high",
    frameworks=Frameworks(
        ncsc="14",
        cis="CIS AWS Foundations Benchmark v3.0.0 5.6",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_79",),
    ),
    remediation=(
        'Set `metadata_options=aws.ec2.InstanceMetadataOptionsArgs(http_tokens="required", '
        "http_put_response_hop_limit=1)` (2 for containers on the instance). The change applies in "
        "place; check first that the instance's software uses an IMDSv2-capable AWS SDK."
    ),
    resource_types=("aws:ec2/instance:Instance",),
    validate=_validate,
    topics=("compute", "identity"),
)
