"""`StaticSite`: a static website served by CloudFront from a private S3 bucket.

Children (logical names `<name>-<suffix>`, all parented to the component):

| suffix             | resource                                                     |
|--------------------|--------------------------------------------------------------|
| `bucket`           | `Bucket` component (`lz:aws:Bucket`, `manage_policy=False`)  |
| `oac`              | `aws.cloudfront.OriginAccessControl` (S3, SigV4, always)     |
| `security-headers` | `aws.cloudfront.ResponseHeadersPolicy`                       |
| `distribution`     | `aws.cloudfront.Distribution`                                |
| `bucket-policy`    | `aws.s3.BucketPolicy`: TLS-only, CloudFront read, grants     |

The bucket is never public: only this distribution can read it, through Origin Access Control, and
the bucket policy pins that grant to the distribution's ARN (`AWS:SourceArn`).

Encryption: the bucket uses SSE-S3 (AES256) by default, not SSE-KMS. CloudFront reading SSE-KMS
objects through OAC needs `kms:Decrypt` for `cloudfront.amazonaws.com` in the key policy, and the
AWS-managed `aws/s3` key's policy cannot be changed, while a customer key's policy belongs to whoever
owns that key, not to this module. Passing `kms_key_arn` switches to SSE-KMS with that key; its
owner must then allow `cloudfront.amazonaws.com` `kms:Decrypt` (with `AWS:SourceArn` = this
distribution's ARN) or every request will fail with 403.

Access logs: `access_log_bucket` receives CloudFront standard (legacy) logs under
`cloudfront/<bucket_name>/`. CloudFront writes them with an ACL, so that bucket must have ACLs
enabled (object ownership `BucketOwnerPreferred`): give it a bucket of its own, not a `Bucket`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import pulumi
import pulumi_aws as aws

from modules.aws.bucket import (
    Bucket,
    BucketAccess,
    BucketArgs,
    bucket_policy_json,
    role_assignment_problems,
    validate_bucket_args,
)

TYPE_TOKEN: Final = "lz:aws:StaticSite"

#: AWS managed cache policy "Managed-CachingOptimized" (the same id in every account).
CACHING_OPTIMIZED_POLICY_ID: Final = "658327ea-f89d-4fab-a63d-7e88639e58f6"
PRICE_CLASSES: Final = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
DEFAULT_ROOT_OBJECT: Final = "index.html"
#: Two years: the minimum the HSTS preload list accepts is one year.
HSTS_MAX_AGE_SECONDS: Final = 63_072_000
DEFAULT_CONTENT_SECURITY_POLICY: Final = "default-src 'self'"
#: CloudFront's limit on the Content-Security-Policy value of a response headers policy.
MAX_CONTENT_SECURITY_POLICY_LENGTH: Final = 1783
#: Oldest TLS policy allowed for viewers on a custom domain (TLS 1.2, modern ciphers).
MINIMUM_PROTOCOL_VERSION: Final = "TLSv1.2_2021"
#: How long CloudFront caches the SPA fallback for a missing path.
SPA_ERROR_CACHING_SECONDS: Final = 10
ORIGIN_ID: Final = "s3"

_ACM_US_EAST_1 = re.compile(r"arn:aws:acm:us-east-1:\d{12}:certificate/[0-9a-f-]+")
_WAF_GLOBAL_ACL = re.compile(r"arn:aws:wafv2:us-east-1:\d{12}:global/webacl/[\w-]+/[\w-]+")
_HOSTNAME = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


@dataclass(frozen=True, kw_only=True)
class StaticSiteArgs:
    """Inputs of `StaticSite`."""

    bucket_name: str
    """Required. Physical name of the content bucket (globally unique; see `BucketArgs.bucket_name`)."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included; applied to every taggable child."""
    lock: bool = False
    """Optional. Protect the content bucket (`protect` + `retain_on_delete`)."""
    domain: str | None = None
    """Optional. Custom host name, e.g. `www.example.gov.uk`; needs `certificate_arn`. The DNS record
    pointing at the distribution is the caller's (alias to the `domain_name` output)."""
    certificate_arn: str | None = None
    """Optional. ACM certificate ARN for `domain`, which CloudFront requires to be in us-east-1.
    Without a domain, the site uses the default `*.cloudfront.net` certificate."""
    spa: bool = False
    """Optional. Single-page application: answer 403/404 from the bucket with `/index.html` and 200,
    so client-side routes work."""
    waf_acl_arn: pulumi.Input[str] | None = None
    """Optional. ARN of a WAFv2 web ACL with CLOUDFRONT scope (created in us-east-1)."""
    access_log_bucket: pulumi.Input[str] | None = None
    """Optional. NAME of the bucket receiving CloudFront standard logs (ACLs must be enabled on it)."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Optional. Customer-managed KMS key for the content bucket. Its key policy must let
    `cloudfront.amazonaws.com` use kms:Decrypt (see the module docs). None: SSE-S3 (AES256)."""
    price_class: str = "PriceClass_100"
    """Optional. CloudFront price class: `PriceClass_100` (Europe and North America: enough for UK
    audiences, cheapest), `PriceClass_200` or `PriceClass_All`."""
    content_security_policy: str = DEFAULT_CONTENT_SECURITY_POLICY
    """Optional. The Content-Security-Policy header value (default `default-src 'self'`)."""
    role_assignments: Mapping[str, BucketAccess] = field(default_factory=dict)
    """Optional. Extra access to the content bucket in its policy, keyed by stable names, such as a
    deployment role with `read_write` that uploads the site."""


def _bucket_args(args: StaticSiteArgs) -> BucketArgs:
    return BucketArgs(
        bucket_name=args.bucket_name,
        tags=args.tags,
        kms_key_arn=args.kms_key_arn,
        sse_algorithm="AES256" if args.kms_key_arn is None else "aws:kms",
        versioning=True,
        lock=args.lock,
        # The policy needs the distribution's ARN, so this component owns it.
        manage_policy=False,
    )


def validate_static_site_args(args: StaticSiteArgs) -> list[str]:
    """Every problem with `args`; empty when a `StaticSite` can be built from them."""
    problems = validate_bucket_args(_bucket_args(args))
    # The content bucket is built without them: this component grants them in its own policy.
    problems += role_assignment_problems(args.role_assignments)
    if (args.domain is None) != (args.certificate_arn is None):
        problems.append("domain and certificate_arn must be given together")
    if args.domain is not None and _HOSTNAME.fullmatch(args.domain) is None:
        problems.append(f"domain {args.domain!r} is not a lowercase DNS host name")
    if args.certificate_arn is not None and _ACM_US_EAST_1.fullmatch(args.certificate_arn) is None:
        problems.append(
            "certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront only uses "
            f"certificates from us-east-1), got {args.certificate_arn!r}"
        )
    if isinstance(args.waf_acl_arn, str) and _WAF_GLOBAL_ACL.fullmatch(args.waf_acl_arn) is None:
        problems.append(
            "waf_acl_arn must be a WAFv2 web ACL ARN with CLOUDFRONT scope "
            f"(arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), got {args.waf_acl_arn!r}"
        )
    if args.price_class not in PRICE_CLASSES:
        problems.append(f"price_class must be one of {', '.join(PRICE_CLASSES)}, got {args.price_class!r}")
    if not args.content_security_policy.strip():
        problems.append("content_security_policy must not be empty")
    elif len(args.content_security_policy) > MAX_CONTENT_SECURITY_POLICY_LENGTH:
        problems.append(
            f"content_security_policy is {len(args.content_security_policy)} characters; "
            f"CloudFront allows {MAX_CONTENT_SECURITY_POLICY_LENGTH}"
        )
    return problems


def security_headers_config(
    content_security_policy: str,
) -> aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs:
    """The security headers every response carries, overriding whatever the origin sent."""
    cf = aws.cloudfront
    return cf.ResponseHeadersPolicySecurityHeadersConfigArgs(
        strict_transport_security=cf.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
            access_control_max_age_sec=HSTS_MAX_AGE_SECONDS,
            include_subdomains=True,
            preload=True,
            override=True,
        ),
        content_type_options=cf.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(override=True),
        frame_options=cf.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(frame_option="DENY", override=True),
        referrer_policy=cf.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
            referrer_policy="strict-origin-when-cross-origin", override=True
        ),
        content_security_policy=cf.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
            content_security_policy=content_security_policy, override=True
        ),
    )


def viewer_certificate(
    certificate_arn: str | None,
) -> aws.cloudfront.DistributionViewerCertificateArgs:
    """The custom domain's ACM certificate (SNI, TLS 1.2+), or CloudFront's default certificate."""
    if certificate_arn is None:
        return aws.cloudfront.DistributionViewerCertificateArgs(cloudfront_default_certificate=True)
    return aws.cloudfront.DistributionViewerCertificateArgs(
        acm_certificate_arn=certificate_arn,
        ssl_support_method="sni-only",
        minimum_protocol_version=MINIMUM_PROTOCOL_VERSION,
    )


def spa_error_responses() -> list[aws.cloudfront.DistributionCustomErrorResponseArgs]:
    """Without s3:ListBucket S3 answers 403 for a missing key, so both 403 and 404 fall back."""
    return [
        aws.cloudfront.DistributionCustomErrorResponseArgs(
            error_code=code,
            response_code=200,
            response_page_path=f"/{DEFAULT_ROOT_OBJECT}",
            error_caching_min_ttl=SPA_ERROR_CACHING_SECONDS,
        )
        for code in (403, 404)
    ]


class StaticSite(pulumi.ComponentResource):
    """A CloudFront distribution in front of a private S3 bucket, HTTPS only, with security headers."""

    url: pulumi.Output[str]
    """`https://<domain>`, or `https://<distribution>.cloudfront.net` without a custom domain."""
    distribution_id: pulumi.Output[str]
    """The distribution's id (for cache invalidations)."""
    distribution_arn: pulumi.Output[str]
    """The distribution's ARN."""
    domain_name: pulumi.Output[str]
    """The distribution's `*.cloudfront.net` name: the target of the caller's DNS alias record."""
    bucket_name: pulumi.Output[str]
    """The content bucket's name (deploy the site's files there)."""

    def __init__(self, name: str, args: StaticSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_static_site_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        bucket = Bucket(f"{name}-bucket", _bucket_args(args), opts=child)
        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            # Account-unique; the bucket name is globally unique and fits the 64-character limit.
            name=args.bucket_name,
            description=f"CloudFront access to s3://{args.bucket_name}",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        headers = aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-security-headers",
            name=f"{args.bucket_name}-security-headers",
            comment=f"Security headers for the static site in {args.bucket_name}",
            security_headers_config=security_headers_config(args.content_security_policy),
            opts=child,
        )
        logging_config = None
        if args.access_log_bucket is not None:
            logging_config = aws.cloudfront.DistributionLoggingConfigArgs(
                bucket=pulumi.Output.from_input(args.access_log_bucket).apply(
                    lambda log_bucket: f"{log_bucket}.s3.amazonaws.com"
                ),
                prefix=f"cloudfront/{args.bucket_name}/",
                include_cookies=False,
            )
        distribution = aws.cloudfront.Distribution(
            f"{name}-distribution",
            comment=f"Static site from s3://{args.bucket_name}",
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=args.price_class,
            default_root_object=DEFAULT_ROOT_OBJECT,
            aliases=[args.domain] if args.domain is not None else None,
            origins=[
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=ORIGIN_ID,
                    domain_name=bucket.regional_domain_name,
                    origin_access_control_id=oac.id,
                )
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=ORIGIN_ID,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD", "OPTIONS"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED_POLICY_ID,
                response_headers_policy_id=headers.id,
            ),
            custom_error_responses=spa_error_responses() if args.spa else None,
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none"),
            ),
            viewer_certificate=viewer_certificate(args.certificate_arn),
            web_acl_id=args.waf_acl_arn,
            logging_config=logging_config,
            tags=tags,
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-bucket-policy",
            bucket=bucket.bucket_name,
            policy=bucket_policy_json(bucket.arn, args.role_assignments, distribution.arn),
            # Depending on the component waits for all its children, the public access block included.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[bucket]),
        )

        self.distribution_id = distribution.id
        self.distribution_arn = distribution.arn
        self.domain_name = distribution.domain_name
        self.bucket_name = bucket.bucket_name
        self.url = (
            pulumi.Output.from_input(f"https://{args.domain}")
            if args.domain is not None
            else distribution.domain_name.apply(lambda host: f"https://{host}")
        )
        self.register_outputs(
            {
                "url": self.url,
                "distribution_id": self.distribution_id,
                "distribution_arn": self.distribution_arn,
                "domain_name": self.domain_name,
                "bucket_name": self.bucket_name,
            }
        )
