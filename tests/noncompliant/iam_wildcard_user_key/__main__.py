"""Non-compliant: an IAM policy granting every action on every resource, and a user with an access key."""

import json

import pulumi_aws as aws

TAGS = {
    "service": "noncompliant", "cost-centre": "CC-0000", "owner": "platform@example.gov.uk", "environment": "dev",
    "business-unit": "it", "data-classification": "OFFICIAL", "managed-by": "pulumi",
}

aws.iam.Policy(
    "everything",
    policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    tags=TAGS,
)
user = aws.iam.User("deployer", tags=TAGS)
aws.iam.AccessKey("deployer-key", user=user.name)
