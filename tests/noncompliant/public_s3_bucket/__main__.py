"""Non-compliant: a bucket readable by anyone (ACL `public-read`) with no public access block."""

import pulumi_aws as aws

TAGS = {
    "service": "noncompliant", "cost-centre": "CC-0000", "owner": "platform@example.gov.uk", "environment": "dev",
    "business-unit": "it", "data-classification": "OFFICIAL", "managed-by": "pulumi",
}

aws.s3.Bucket("public-files", acl="public-read", tags=TAGS)
