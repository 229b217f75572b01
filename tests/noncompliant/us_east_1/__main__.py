"""Non-compliant: an AWS provider, and so everything it creates, in us-east-1 rather than a UK region."""

import pulumi
import pulumi_aws as aws

TAGS = {
    "service": "noncompliant", "cost-centre": "CC-0000", "owner": "platform@example.gov.uk", "environment": "dev",
    "business-unit": "it", "data-classification": "OFFICIAL", "managed-by": "pulumi",
}

virginia = aws.Provider("us-east-1", region="us-east-1")
aws.cloudwatch.LogGroup("app-logs", retention_in_days=365, tags=TAGS, opts=pulumi.ResourceOptions(provider=virginia))
