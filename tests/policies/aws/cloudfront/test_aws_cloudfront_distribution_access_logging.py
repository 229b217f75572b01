"""aws-cloudfront-distribution-access-logging: distributions write access logs."""

from __future__ import annotations

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.cloudfront.distribution_access_logging import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
URN = f"urn:pulumi:test::lz::{DISTRIBUTION}::site-distribution"
LOGGED = {
    "enabled": True,
    "loggingConfig": {"bucket": "ebc-shared-euw2-s3-cf-logs.s3.amazonaws.com", "prefix": "cloudfront/site/"},
}
MESSAGE = (
    "CloudFront distribution 'site-distribution' writes no access logs: set loggingConfig.bucket or add a "
    "LogDeliverySource for it"
)


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudfront-distribution-access-logging"
    assert (METADATA.kind, METADATA.severity) == ("stack", "medium")


def test_standard_logging_passes() -> None:
    assert stack_violations(POLICY, [(DISTRIBUTION, "site-distribution", LOGGED)]) == []


def test_no_logging() -> None:
    # StaticSite without `access_log_bucket` (the example estate's sites).
    assert stack_violations(POLICY, [(DISTRIBUTION, "site-distribution", {"enabled": True})]) == [(MESSAGE, URN)]


def test_vended_log_delivery_by_dependency_passes() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                (DISTRIBUTION, "site-distribution", {"enabled": True}),
                (
                    SOURCE,
                    "site-logs",
                    {"logType": "ACCESS_LOGS", "resourceArn": UNKNOWN_STRING_VALUE},
                    {"resourceArn": ["site-distribution"]},
                ),
            ],
        )
        == []
    )


def test_vended_log_delivery_by_arn_passes() -> None:
    arn = "arn:aws:cloudfront::123456789012:distribution/E70BAE28D"
    assert (
        stack_violations(
            POLICY,
            [
                (DISTRIBUTION, "site-distribution", {"enabled": True, "arn": arn}),
                (SOURCE, "site-logs", {"logType": "ACCESS_LOGS", "resourceArn": arn}),
            ],
        )
        == []
    )


def test_delivery_source_of_another_resource_does_not_count() -> None:
    assert stack_violations(
        POLICY,
        [
            (DISTRIBUTION, "site-distribution", {"enabled": True, "arn": "arn:aws:cloudfront::1:distribution/A"}),
            (SOURCE, "other-logs", {"logType": "ACCESS_LOGS", "resourceArn": "arn:aws:cloudfront::1:distribution/B"}),
        ],
    ) == [(MESSAGE, URN)]


def test_bucket_unknown_during_preview_counts() -> None:
    props = {"enabled": True, "loggingConfig": {"bucket": UNKNOWN_STRING_VALUE}}
    assert stack_violations(POLICY, [(DISTRIBUTION, "site-distribution", props)]) == []


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [("aws:lb/loadBalancer:LoadBalancer", "lb", {})]) == []
