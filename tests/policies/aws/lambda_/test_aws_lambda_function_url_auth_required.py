"""aws-lambda-function-url-auth-required: function URLs use AWS_IAM."""

from __future__ import annotations

from policies.aws.lambda_.function_url_auth_required import METADATA, POLICY
from tests.policies.policy_harness import violations

URL = "aws:lambda/functionUrl:FunctionUrl"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-lambda-function-url-auth-required"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.checkov == ("CKV_AWS_258",)


def test_iam_auth_passes() -> None:
    assert violations(POLICY, URL, {"functionName": "repairs-api", "authorizationType": "AWS_IAM"}) == []


def test_no_auth() -> None:
    assert violations(POLICY, URL, {"functionName": "repairs-api", "authorizationType": "NONE"}) == [
        "Function URL is public: authorizationType is NONE, so anyone on the internet can invoke the function"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:lambda/function:Function", {"authorizationType": "NONE"}) == []
