"""aws-all-sensitive-resources-no-public-endpoint: OFFICIAL-SENSITIVE data is never directly public."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE

from policies.aws.all.sensitive_resources_no_public_endpoint import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

SENSITIVE = {"data-classification": "OFFICIAL-SENSITIVE", "environment": "prod"}
OFFICIAL = {"data-classification": "OFFICIAL", "environment": "prod"}
BUCKET = "aws:s3/bucket:Bucket"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
SITE = "ebc-prod-euw2-s3-council-website-site"


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:test::lz::{resource_type}::{name}"


def site(tags: dict[str, str], **distribution: Any) -> list[Any]:
    """A StaticSite as the example estate registers it: the distribution's origins depend on the bucket."""
    props = {
        "enabled": True,
        "tags": tags,
        "defaultCacheBehavior": {"targetOriginId": "s3", "viewerProtocolPolicy": "redirect-to-https"},
        "origins": [
            {"domainName": f"{SITE}.s3.eu-west-2.amazonaws.com", "originId": "s3", "originAccessControlId": "E2B6A501D"}
        ],
        **distribution,
    }
    return [
        (BUCKET, "site-bucket-bucket", {"bucket": SITE, "tags": tags}),
        (DISTRIBUTION, "site-distribution", props, {"origins": ["site-bucket-bucket"]}),
    ]


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-all-sensitive-resources-no-public-endpoint"
    assert (METADATA.kind, METADATA.severity) == ("stack", "high")


def test_official_static_site_passes() -> None:
    assert stack_violations(POLICY, site(OFFICIAL)) == []


def test_private_sensitive_database_passes() -> None:
    props = {"engine": "postgres", "publiclyAccessible": False, "tags": SENSITIVE}
    assert stack_violations(POLICY, [("aws:rds/instance:Instance", "db-instance", props)]) == []


def test_distribution_serving_a_sensitive_bucket() -> None:
    assert stack_violations(POLICY, site(SENSITIVE)) == [
        (
            "CloudFront distribution 'site-distribution' serves OFFICIAL-SENSITIVE S3 bucket 'site-bucket-bucket' to "
            "the internet without signed URLs",
            urn(DISTRIBUTION, "site-distribution"),
        )
    ]


def test_origin_found_by_domain_name() -> None:
    bucket, distribution = site(SENSITIVE)
    assert len(stack_violations(POLICY, [bucket, distribution[:3]])) == 1


def test_signed_urls_only_pass() -> None:
    signed = {"targetOriginId": "s3", "viewerProtocolPolicy": "https-only", "trustedKeyGroups": ["kg-1"]}
    assert stack_violations(POLICY, site(SENSITIVE, defaultCacheBehavior=signed)) == []
    unsigned = {**signed, "pathPattern": "/public/*", "trustedKeyGroups": []}
    assert (
        len(stack_violations(POLICY, site(SENSITIVE, defaultCacheBehavior=signed, orderedCacheBehaviors=[unsigned])))
        == 1
    )


def test_public_data_stores_and_hosts() -> None:
    assert stack_violations(
        POLICY,
        [
            ("aws:rds/instance:Instance", "db", {"publiclyAccessible": True, "tags": SENSITIVE}),
            ("aws:rds/clusterInstance:ClusterInstance", "aurora-1", {"publiclyAccessible": True, "tags": SENSITIVE}),
            ("aws:redshift/cluster:Cluster", "warehouse", {"publiclyAccessible": True, "tags": SENSITIVE}),
            ("aws:ec2/instance:Instance", "app", {"associatePublicIpAddress": True, "tags": SENSITIVE}),
            ("aws:eks/cluster:Cluster", "k8s", {"vpcConfig": {"subnetIds": ["s"]}, "tags": SENSITIVE}),
            ("aws:ec2/instance:Instance", "web", {"associatePublicIpAddress": True, "tags": OFFICIAL}),
        ],
    ) == [
        ("OFFICIAL-SENSITIVE RDS instance 'db' is publicly accessible", urn("aws:rds/instance:Instance", "db")),
        (
            "OFFICIAL-SENSITIVE RDS cluster instance 'aurora-1' is publicly accessible",
            urn("aws:rds/clusterInstance:ClusterInstance", "aurora-1"),
        ),
        (
            "OFFICIAL-SENSITIVE Redshift cluster 'warehouse' is publicly accessible",
            urn("aws:redshift/cluster:Cluster", "warehouse"),
        ),
        ("OFFICIAL-SENSITIVE EC2 instance 'app' has a public IP address", urn("aws:ec2/instance:Instance", "app")),
        ("OFFICIAL-SENSITIVE EKS cluster 'k8s' has a public API endpoint", urn("aws:eks/cluster:Cluster", "k8s")),
    ]


def test_public_function_url_of_a_sensitive_function() -> None:
    url_type = "aws:lambda/functionUrl:FunctionUrl"
    assert stack_violations(
        POLICY,
        [
            ("aws:lambda/function:Function", "fn", {"name": "repairs-api", "tags": SENSITIVE}),
            (url_type, "url", {"functionName": "repairs-api", "authorizationType": "NONE"}),
            (url_type, "iam-url", {"functionName": "repairs-api", "authorizationType": "AWS_IAM"}),
        ],
    ) == [
        (
            "Function URL 'url' lets anyone invoke OFFICIAL-SENSITIVE Lambda function 'fn' (authorizationType NONE)",
            urn(url_type, "url"),
        )
    ]


def test_unknown_values_during_preview_are_judged_at_the_update() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                ("aws:rds/instance:Instance", "db", {"publiclyAccessible": True, "tags": UNKNOWN_OBJECT_VALUE}),
                ("aws:eks/cluster:Cluster", "k8s", {"vpcConfig": UNKNOWN_OBJECT_VALUE, "tags": SENSITIVE}),
                (BUCKET, "site-bucket-bucket", {"bucket": UNKNOWN_STRING_VALUE, "tags": SENSITIVE}),
                (DISTRIBUTION, "site-distribution", {"origins": UNKNOWN_OBJECT_VALUE}),
            ],
        )
        == []
    )


def test_other_types_are_ignored() -> None:
    assert (
        stack_violations(POLICY, [("aws:lb/loadBalancer:LoadBalancer", "lb", {"internal": False, "tags": SENSITIVE})])
        == []
    )
