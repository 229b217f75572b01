"""aws-lambda-function-url-auth-required: Lambda function URLs require IAM authentication.

Why: a function URL with `authorizationType: NONE` is a public HTTPS endpoint: anyone who finds it
can invoke the function, with its role's permissions over council data, and run up the bill.
Public APIs go through API Gateway or CloudFront (with WAF, throttling and logging); function URLs
use `AWS_IAM`.

Message:
* `Function URL is public: authorizationType is NONE, so anyone on the internet can invoke the function`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "authorizationType") == "NONE":
        report(
            "Function URL is public: authorizationType is NONE, so anyone on the internet can invoke the function",
            None,
        )


POLICY, METADATA = resource_policy(
    name="aws-lambda-function-url-auth-required",
    description="Lambda function URLs use AWS_IAM authorisation, never NONE.",
    severity="high",
    frameworks=Frameworks(ncsc="11", cyber_essentials="Access control", checkov=("CKV_AWS_258",)),
    remediation=(
        'Set `authorization_type="AWS_IAM"` and grant callers `lambda:InvokeFunctionUrl`; for a '
        "public API, put API Gateway (or CloudFront with Origin Access Control for Lambda) in front."
    ),
    resource_types=("aws:lambda/functionUrl:FunctionUrl",),
    validate=_validate,
    topics=("public-access", "serverless"),
)
