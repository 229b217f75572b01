"""`StaticSite` under the offline planner: children, OAC wiring, policy, headers, TLS and validation."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from lz.plan import StackPlan, plan_callable
from lz.tags import is_taggable
from modules.aws.bucket import BucketAccess
from modules.aws.static_site import StaticSite, StaticSiteArgs, validate_static_site_args
from tests.modules.aws.component_helpers import CONFIG

TAGS = {
    "service": "council-website",
    "cost-centre": "CC1234",
    "owner": "digital-team",
    "environment": "prod",
    "business-unit": "communications",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}
NAME = "bcc-prod-euw2-s3-www"
ARN = f"arn:aws:s3:::{NAME}"
DOMAIN = "www.example.gov.uk"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0f2c1a3e-1b2c-4d5e-8f90-123456789abc"
WAF = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/www/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
KMS_KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DEPLOYER = "arn:aws:iam::123456789012:role/site-deployer"

SITE = "lz:aws:StaticSite"
BUCKET_COMPONENT = "lz:aws:Bucket"
OAC = "aws:cloudfront/originAccessControl:OriginAccessControl"
HEADERS = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET = "aws:s3/bucket:Bucket"


def plan_site(args: StaticSiteArgs) -> StackPlan:
    def program() -> None:
        site = StaticSite("www", args)
        for output in ("url", "distribution_id", "distribution_arn", "domain_name", "bucket_name"):
            pulumi.export(output, getattr(site, output))

    return plan_callable(program, project="lz", stack="test", config=CONFIG)


@pytest.fixture(scope="module")
def default_plan() -> StackPlan:
    return plan_site(StaticSiteArgs(bucket_name=NAME, tags=TAGS))


@pytest.fixture(scope="module")
def full_plan() -> StackPlan:
    return plan_site(
        StaticSiteArgs(
            bucket_name=NAME,
            tags=TAGS,
            lock=True,
            domain=DOMAIN,
            certificate_arn=CERTIFICATE,
            spa=True,
            waf_acl_arn=WAF,
            access_log_bucket="bcc-prod-euw2-s3-cdn-logs",
            kms_key_arn=KMS_KEY,
            price_class="PriceClass_200",
            content_security_policy="default-src 'self'; img-src 'self' data:",
            role_assignments={"deployer": BucketAccess(principal_arn=DEPLOYER, access="read_write")},
        )
    )


BUCKET_CHILDREN = {
    (BUCKET_COMPONENT, "www-bucket"),
    (BUCKET, "www-bucket-bucket"),
    ("aws:s3/bucketVersioning:BucketVersioning", "www-bucket-versioning"),
    (ENCRYPTION, "www-bucket-encryption"),
    ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "www-bucket-public-access-block"),
    ("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "www-bucket-ownership"),
    ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "www-bucket-lifecycle"),
}
SITE_CHILDREN = {
    (SITE, "www"),
    (OAC, "www-oac"),
    (HEADERS, "www-security-headers"),
    (DISTRIBUTION, "www-distribution"),
    (POLICY, "www-bucket-policy"),
}


@pytest.mark.parametrize("plan_name", ["default_plan", "full_plan"])
def test_children(plan_name: str, request: pytest.FixtureRequest) -> None:
    """The same resources either way: options change inputs, not the shape. One bucket policy only."""
    plan: StackPlan = request.getfixturevalue(plan_name)
    assert {(r.type, r.name) for r in plan.managed()} == SITE_CHILDREN | BUCKET_CHILDREN


@pytest.mark.parametrize("plan_name", ["default_plan", "full_plan"])
def test_parents_and_tags(plan_name: str, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    site = plan.one(SITE)
    bucket_component = plan.one(BUCKET_COMPONENT)
    direct = {r.name for r in plan.managed() if r.parent == site.urn}
    assert direct == {"www-bucket", "www-oac", "www-security-headers", "www-distribution", "www-bucket-policy"}
    inner = {r.name for r in plan.managed() if r.parent == bucket_component.urn}
    assert inner == {name for _, name in BUCKET_CHILDREN} - {"www-bucket"}
    tagged = set()
    for resource in plan.managed():
        if resource.custom and is_taggable(resource.type):
            assert resource.inputs["tags"].items() >= TAGS.items(), resource.name
            tagged.add(resource.type)
    assert tagged == {BUCKET, DISTRIBUTION}


def test_origin_access_control(default_plan: StackPlan) -> None:
    oac = default_plan.one(OAC)
    assert oac.inputs == {
        "name": NAME,
        "description": f"CloudFront access to s3://{NAME}",
        "originAccessControlOriginType": "s3",
        "signingBehavior": "always",
        "signingProtocol": "sigv4",
    }
    distribution = default_plan.one(DISTRIBUTION).inputs
    assert distribution["origins"] == [
        {
            "originId": "s3",
            "domainName": f"{NAME}.s3.eu-west-2.amazonaws.com",
            "originAccessControlId": oac.id,
        }
    ]


@pytest.mark.parametrize("plan_name", ["default_plan", "full_plan"])
def test_bucket_policy_lets_only_this_distribution_read(plan_name: str, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    policy = plan.one(POLICY)
    assert policy.inputs["bucket"] == NAME
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["DenyOutdatedTls"]["Condition"] == {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
    distribution_arn = plan.one(DISTRIBUTION).outputs["arn"]
    assert distribution_arn.startswith("arn:aws:cloudfront::123456789012:distribution/")
    assert statements["AllowCloudFrontRead"] == {
        "Sid": "AllowCloudFrontRead",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": f"{ARN}/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
    }
    # Written after every child of the bucket component, its public access block included.
    assert plan.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").urn in policy.dependencies


def test_role_assignments_are_granted_in_the_one_policy(full_plan: StackPlan) -> None:
    statements = json.loads(full_plan.one(POLICY).inputs["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == [
        "DenyInsecureTransport",
        "DenyOutdatedTls",
        "AllowCloudFrontRead",
        "GrantDeployerBucket",
        "GrantDeployerObjects",
    ]
    assert statements[-1]["Principal"] == {"AWS": DEPLOYER}
    assert statements[-1]["Action"] == ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]


def test_security_headers(full_plan: StackPlan) -> None:
    headers = full_plan.one(HEADERS)
    assert headers.inputs["name"] == f"{NAME}-security-headers"
    assert headers.inputs["securityHeadersConfig"] == {
        "strictTransportSecurity": {
            "accessControlMaxAgeSec": 63_072_000,
            "includeSubdomains": True,
            "preload": True,
            "override": True,
        },
        "contentTypeOptions": {"override": True},
        "frameOptions": {"frameOption": "DENY", "override": True},
        "referrerPolicy": {"referrerPolicy": "strict-origin-when-cross-origin", "override": True},
        "contentSecurityPolicy": {
            "contentSecurityPolicy": "default-src 'self'; img-src 'self' data:",
            "override": True,
        },
    }
    behaviour = full_plan.one(DISTRIBUTION).inputs["defaultCacheBehavior"]
    assert behaviour["responseHeadersPolicyId"] == headers.id


def test_default_content_security_policy(default_plan: StackPlan) -> None:
    config = default_plan.one(HEADERS).inputs["securityHeadersConfig"]
    assert config["contentSecurityPolicy"] == {"contentSecurityPolicy": "default-src 'self'", "override": True}


def test_default_distribution(default_plan: StackPlan) -> None:
    inputs = default_plan.one(DISTRIBUTION).inputs
    assert inputs["enabled"] is True
    assert inputs["isIpv6Enabled"] is True
    assert inputs["httpVersion"] == "http2and3"
    assert inputs["priceClass"] == "PriceClass_100"
    assert inputs["defaultRootObject"] == "index.html"
    assert inputs["restrictions"] == {"geoRestriction": {"restrictionType": "none"}}
    assert inputs["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    behaviour = inputs["defaultCacheBehavior"]
    assert behaviour["viewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["compress"] is True
    assert behaviour["cachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"
    assert behaviour["targetOriginId"] == "s3"
    assert behaviour["allowedMethods"] == ["GET", "HEAD", "OPTIONS"]
    for absent in ("aliases", "customErrorResponses", "webAclId", "loggingConfig"):
        assert absent not in inputs


def test_full_distribution(full_plan: StackPlan) -> None:
    inputs = full_plan.one(DISTRIBUTION).inputs
    assert inputs["aliases"] == [DOMAIN]
    assert inputs["viewerCertificate"] == {
        "acmCertificateArn": CERTIFICATE,
        "sslSupportMethod": "sni-only",
        "minimumProtocolVersion": "TLSv1.2_2021",
    }
    assert inputs["customErrorResponses"] == [
        {"errorCode": code, "responseCode": 200, "responsePagePath": "/index.html", "errorCachingMinTtl": 10}
        for code in (403, 404)
    ]
    assert inputs["webAclId"] == WAF
    assert inputs["priceClass"] == "PriceClass_200"
    assert inputs["loggingConfig"] == {
        "bucket": "bcc-prod-euw2-s3-cdn-logs.s3.amazonaws.com",
        "prefix": f"cloudfront/{NAME}/",
        "includeCookies": False,
    }


@pytest.mark.parametrize(
    ("plan_name", "rules"),
    [
        (
            "default_plan",
            [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": False}],
        ),
        (
            "full_plan",
            [
                {
                    "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KMS_KEY},
                    "bucketKeyEnabled": True,
                }
            ],
        ),
    ],
)
def test_bucket_encryption(plan_name: str, rules: list[dict[str, Any]], request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    assert plan.one(ENCRYPTION).inputs["rules"] == rules


@pytest.mark.parametrize(("plan_name", "locked"), [("default_plan", False), ("full_plan", True)])
def test_lock_protects_the_content_bucket(plan_name: str, locked: bool, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    protected = {r.name for r in plan.managed() if r.options["protect"]}
    retained = {r.name for r in plan.managed() if r.options["retain_on_delete"]}
    assert protected == retained == ({"www-bucket-bucket"} if locked else set())


def test_outputs_without_domain(default_plan: StackPlan) -> None:
    distribution = default_plan.one(DISTRIBUTION)
    host = distribution.outputs["domainName"]
    assert host.endswith(".cloudfront.net")
    assert default_plan.outputs == {
        "url": f"https://{host}",
        "distribution_id": distribution.id,
        "distribution_arn": distribution.outputs["arn"],
        "domain_name": host,
        "bucket_name": NAME,
    }


def test_url_with_domain(full_plan: StackPlan) -> None:
    assert full_plan.outputs["url"] == f"https://{DOMAIN}"


def args_with(**changes: Any) -> StaticSiteArgs:
    return StaticSiteArgs(**{"bucket_name": NAME, "tags": TAGS, **changes})


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"domain": DOMAIN}, ["domain and certificate_arn must be given together"], id="domain-only"),
        pytest.param(
            {"certificate_arn": CERTIFICATE}, ["domain and certificate_arn must be given together"], id="cert-only"
        ),
        pytest.param(
            {"domain": DOMAIN, "certificate_arn": CERTIFICATE.replace("us-east-1", "eu-west-2")},
            [
                "certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates "
                "from us-east-1), got 'arn:aws:acm:eu-west-2:123456789012:certificate/"
                "0f2c1a3e-1b2c-4d5e-8f90-123456789abc'"
            ],
            id="cert-region",
        ),
        pytest.param(
            {"domain": "WWW.Example.gov.uk", "certificate_arn": CERTIFICATE},
            ["domain 'WWW.Example.gov.uk' is not a lowercase DNS host name"],
            id="domain-case",
        ),
        pytest.param(
            {"waf_acl_arn": "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/www/abc"},
            [
                "waf_acl_arn must be a WAFv2 web ACL ARN with CLOUDFRONT scope "
                "(arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), "
                "got 'arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/www/abc'"
            ],
            id="regional-waf",
        ),
        pytest.param(
            {"price_class": "PriceClass_50"},
            ["price_class must be one of PriceClass_100, PriceClass_200, PriceClass_All, got 'PriceClass_50'"],
            id="price-class",
        ),
        pytest.param({"content_security_policy": " "}, ["content_security_policy must not be empty"], id="empty-csp"),
        pytest.param(
            {"content_security_policy": "x" * 1784},
            ["content_security_policy is 1784 characters; CloudFront allows 1783"],
            id="long-csp",
        ),
        pytest.param(
            {"kms_key_arn": "alias/site"},
            ["kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got 'alias/site'"],
            id="bucket-problem",
        ),
        pytest.param(
            {"role_assignments": {"Deploy": BucketAccess(principal_arn=DEPLOYER, access="read_write")}},
            ["role_assignments: name 'Deploy' must be a lowercase slug (letters, digits, single hyphens)"],
            id="role-assignment",
        ),
        pytest.param(
            {"tags": {}, "bucket_name": "bcc_www"},
            [
                "bucket_name 'bcc_www' has characters or a shape S3 bucket names do not allow (lowercase letters, "
                "digits and hyphens; start and end with a letter or digit (dots are legal but break virtual-host "
                "TLS, so the toolkit never uses them))",
                "tags: Missing mandatory tags: service, cost-centre, owner, environment, business-unit, "
                "data-classification, managed-by",
            ],
            id="bucket-name-and-tags",
        ),
    ],
)
def test_validate_static_site_args(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_static_site_args(args_with(**changes)) == problems


def test_invalid_args_register_nothing() -> None:
    errors: list[str] = []

    def program() -> None:
        with pytest.raises(ValueError) as caught:
            StaticSite("www", args_with(domain=DOMAIN, price_class="cheap"))
        errors.append(str(caught.value))

    plan = plan_callable(program, project="lz", stack="test", config=CONFIG)
    assert errors == [
        "domain and certificate_arn must be given together; "
        "price_class must be one of PriceClass_100, PriceClass_200, PriceClass_All, got 'cheap'"
    ]
    assert [r.type for r in plan.resources] == ["pulumi:pulumi:Stack"]
