"""Non-compliant: resources on both clouds without the mandatory tags (one of them with a bad value)."""

import pulumi_aws as aws
import pulumi_azure_native as azure

aws.cloudwatch.LogGroup("app-logs", retention_in_days=365)
azure.resources.ResourceGroup("rg", location="uksouth", tags={"service": "noncompliant", "managed-by": "terraform"})
