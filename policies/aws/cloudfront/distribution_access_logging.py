"""aws-cloudfront-distribution-access-logging: CloudFront distributions log viewer requests.

Why: a council website's access logs show who fetched what, from where: the evidence for
investigating scraping, credential stuffing, defacement or a data leak, and for answering
information requests. CloudFront logs either as standard (legacy) logs to S3 (`loggingConfig.bucket`)
or through CloudWatch vended log delivery (an `aws.cloudwatch.LogDeliverySource` whose
`resourceArn` is the distribution's ARN).

A stack policy, so that both ways count (the delivery source is a separate resource, linked by a
property dependency on the distribution or by its ARN).

Message (reported on the distribution):
* `CloudFront distribution '<name>' writes no access logs: set loggingConfig.bucket or add a LogDeliverySource for it`
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.aws import Referrers, read, resources_of
from policies.aws.cloudfront import DISTRIBUTION
from policies.lib import Frameworks, stack_policy

DELIVERY_SOURCE: Final = "aws:cloudwatch/logDeliverySource:LogDeliverySource"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    sources = Referrers(resources_of(args.resources, (DELIVERY_SOURCE,)), "resourceArn", ("arn",))
    for distribution in resources_of(args.resources, (DISTRIBUTION,)):
        if read(distribution.props, "loggingConfig.bucket"):  # a bucket name, or UNKNOWN during a preview
            continue
        if sources.of(distribution):
            continue
        report(
            f"CloudFront distribution '{distribution.name}' writes no access logs: set loggingConfig.bucket "
            "or add a LogDeliverySource for it",
            distribution.urn,
        )


POLICY, METADATA = stack_policy(
    name="aws-cloudfront-distribution-access-logging",
    description="CloudFront distributions write access logs (standard logs to S3 or CloudWatch log delivery).",
    severity="medium",
    frameworks=Frameworks(ncsc="13", cyber_essentials="Secure configuration", checkov=("CKV_AWS_86",)),
    remediation=(
        "Give `modules.aws.static_site.StaticSite` an `access_log_bucket` (a log bucket with ACLs "
        "enabled, object ownership `BucketOwnerPreferred`), which sets `logging_config`; or deliver "
        'logs with `aws.cloudwatch.LogDeliverySource(resource_arn=distribution.arn, log_type="ACCESS_LOGS")`, '
        "a `LogDeliveryDestination` and a `LogDelivery` into the log archive."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(DISTRIBUTION, DELIVERY_SOURCE),
    topics=("logging", "cdn"),
)
