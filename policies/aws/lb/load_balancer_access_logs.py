"""aws-lb-load-balancer-access-logs: load balancers write access logs.

Why: access logs are the only record of who called a public council service, from where, and what
it answered — needed to investigate fraud, abuse and breaches, and often asked for by the police
and the ICO. Applies to application and network load balancers (`accessLogs.enabled: true` with a
`bucket`; gateway load balancers have no access logs) and to Classic load balancers (an
`accessLogs` block that is not disabled).

Message:
* `Load balancer does not write access logs: set accessLogs with a bucket and enabled true`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.lb import CLASSIC_LOAD_BALANCER_TYPE, LOAD_BALANCER_TYPES
from policies.lib import Frameworks, get, resource_policy


def _logs(props: Mapping[str, Any], classic: bool) -> bool:
    if not get(props, "accessLogs.bucket"):
        return False
    enabled = get(props, "accessLogs.enabled")
    return enabled is not False if classic else enabled is True


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "loadBalancerType") == "gateway":
        return
    if not _logs(props, args.resource_type == CLASSIC_LOAD_BALANCER_TYPE):
        report("Load balancer does not write access logs: set accessLogs with a bucket and enabled true", None)


POLICY, METADATA = resource_policy(
    name="aws-lb-load-balancer-access-logs",
    description="Application, network and classic load balancers have access logging enabled.",
    severity="medium",
    frameworks=Frameworks(ncsc="13", cyber_essentials="Secure configuration", checkov=("CKV_AWS_91", "CKV_AWS_92")),
    remediation=(
        'Set `access_logs={"bucket": <log archive bucket name>, "prefix": "<service>/<env>", '
        '"enabled": True}`. The bucket must use SSE-S3 and allow the regional ELB log delivery '
        "principal (`logdelivery.elasticloadbalancing.amazonaws.com`) to write under the prefix."
    ),
    resource_types=(*LOAD_BALANCER_TYPES, CLASSIC_LOAD_BALANCER_TYPE),
    validate=_validate,
    topics=("logging", "network"),
)
