"""aws-all-sensitive-resources-no-public-endpoint: OFFICIAL-SENSITIVE data has no public endpoint.

Why: OFFICIAL-SENSITIVE data (housing, benefits, social care, children's services) must only be
reachable through the service that protects it, never directly from the internet. A stack policy,
because exposure is often a combination: a CloudFront distribution is public by design, and only
becomes a problem when its origin is a bucket classified OFFICIAL-SENSITIVE.

Classification comes from the `data-classification` tag. Reported exposures:
* an RDS instance or cluster instance, or Redshift cluster, with `publiclyAccessible: true`;
* an EC2 instance with `associatePublicIpAddress: true`;
* an EKS cluster whose API endpoint is public (`vpcConfig.endpointPublicAccess` not false);
* a Lambda function URL with `authorizationType: NONE` on a classified function (linked by its
  `functionName`);
* a CloudFront distribution with a classified S3 bucket as an origin (linked by a property
  dependency of `origins`, or an origin `domainName` of `<bucket>.s3...`), unless its default and
  ordered cache behaviours all require signed URLs or cookies (`trustedKeyGroups`).
Internet-facing load balancers are not reported: a public front door with its own authentication is
how residents reach sensitive services; what it fronts is covered above.

Messages (reported on the exposed resource):
* `OFFICIAL-SENSITIVE RDS instance 'db' is publicly accessible`
* `OFFICIAL-SENSITIVE EC2 instance 'app' has a public IP address`
* `OFFICIAL-SENSITIVE EKS cluster 'k8s' has a public API endpoint`
* `Function URL 'url' lets anyone invoke OFFICIAL-SENSITIVE Lambda function 'fn' (authorizationType NONE)`
* `CloudFront distribution 'cdn' serves OFFICIAL-SENSITIVE S3 bucket 'files' to the internet without signed URLs`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from policies.aws import UNKNOWN, read, refers_to, resources_of
from policies.aws.s3 import BUCKET_TYPES
from policies.lib import Frameworks, as_list, is_sensitive, stack_policy

#: type -> (what, property, value that exposes it, message tail)
_FLAGS: Final[Mapping[str, tuple[str, str, bool, str]]] = {
    "aws:rds/instance:Instance": ("RDS instance", "publiclyAccessible", True, "is publicly accessible"),
    "aws:rds/clusterInstance:ClusterInstance": (
        "RDS cluster instance",
        "publiclyAccessible",
        True,
        "is publicly accessible",
    ),
    "aws:redshift/cluster:Cluster": ("Redshift cluster", "publiclyAccessible", True, "is publicly accessible"),
    "aws:ec2/instance:Instance": ("EC2 instance", "associatePublicIpAddress", True, "has a public IP address"),
}
EKS: Final = "aws:eks/cluster:Cluster"
FUNCTION: Final = "aws:lambda/function:Function"
FUNCTION_URL: Final = "aws:lambda/functionUrl:FunctionUrl"
DISTRIBUTION: Final = "aws:cloudfront/distribution:Distribution"


def _safe_sensitive(resource: PolicyResource) -> bool:
    try:
        return is_sensitive(resource.props)
    except UnknownValueError:  # tags unknown during a preview: judged at the update
        return False


def _serves(distribution: PolicyResource, bucket: PolicyResource) -> bool:
    if refers_to(distribution, "origins", bucket, ()):
        return True
    name = read(bucket.props, "bucket")
    if not isinstance(name, str) or not name:
        return False
    origins = read(distribution.props, "origins")
    if origins is UNKNOWN:
        return False
    for index in range(len(as_list(origins))):
        domain = read(distribution.props, f"origins.{index}.domainName")
        if isinstance(domain, str) and domain.startswith(f"{name}.s3."):
            return True
    return False


def _signed_only(distribution: PolicyResource) -> bool:
    """Whether every cache behaviour needs signed URLs or cookies. Behaviours still unknown during a
    preview are not judged (treated as signed) until the update."""
    ordered = read(distribution.props, "orderedCacheBehaviors")
    if ordered is UNKNOWN:
        return True
    behaviours = ["defaultCacheBehavior", *(f"orderedCacheBehaviors.{i}" for i in range(len(as_list(ordered))))]
    for behaviour in behaviours:
        groups = read(distribution.props, f"{behaviour}.trustedKeyGroups")
        if groups is UNKNOWN:
            return True
        if not as_list(groups):
            return False
    return True


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = args.resources
    for resource in resources:
        flag = _FLAGS.get(resource.resource_type)
        if flag and _safe_sensitive(resource):
            what, prop, exposed, tail = flag
            if read(resource.props, prop) is exposed:
                report(f"OFFICIAL-SENSITIVE {what} '{resource.name}' {tail}", resource.urn)
    for cluster in resources_of(resources, (EKS,)):
        public = read(cluster.props, "vpcConfig.endpointPublicAccess")
        if _safe_sensitive(cluster) and public is not False and public is not UNKNOWN:
            report(f"OFFICIAL-SENSITIVE EKS cluster '{cluster.name}' has a public API endpoint", cluster.urn)
    functions = [f for f in resources_of(resources, (FUNCTION,)) if _safe_sensitive(f)]
    for url in resources_of(resources, (FUNCTION_URL,)):
        if read(url.props, "authorizationType") != "NONE":
            continue
        for function in functions:
            if refers_to(url, "functionName", function, ("name", "arn", "id")):
                report(
                    f"Function URL '{url.name}' lets anyone invoke OFFICIAL-SENSITIVE Lambda function "
                    f"'{function.name}' (authorizationType NONE)",
                    url.urn,
                )
    buckets: list[Any] = [b for b in resources_of(resources, BUCKET_TYPES) if _safe_sensitive(b)]
    for distribution in resources_of(resources, (DISTRIBUTION,)):
        if _signed_only(distribution):
            continue
        for bucket in buckets:
            if _serves(distribution, bucket):
                report(
                    f"CloudFront distribution '{distribution.name}' serves OFFICIAL-SENSITIVE S3 bucket "
                    f"'{bucket.name}' to the internet without signed URLs",
                    distribution.urn,
                )


POLICY, METADATA = stack_policy(
    name="aws-all-sensitive-resources-no-public-endpoint",
    description="Resources holding OFFICIAL-SENSITIVE data have no public endpoint (direct or through CloudFront).",
    severity="high",
    frameworks=Frameworks(ncsc="11", cyber_essentials="Firewalls"),
    remediation=(
        "Keep OFFICIAL-SENSITIVE data stores private: `publicly_accessible=False`, no public IPs, private "
        "EKS endpoints, function URLs with `AWS_IAM`. Public web content does not belong in a bucket "
        "classified OFFICIAL-SENSITIVE: serve it from a separate service (or component) classified "
        "OFFICIAL, and give residents access to their own sensitive documents through the application "
        "(authenticated, or CloudFront signed URLs with `trusted_key_groups`)."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*_FLAGS, EKS, FUNCTION, FUNCTION_URL, DISTRIBUTION, *BUCKET_TYPES),
    topics=("public-access", "data-classification"),
)
