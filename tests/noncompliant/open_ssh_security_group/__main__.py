"""Non-compliant: a security group that lets the whole internet reach SSH (22) from 0.0.0.0/0."""

import pulumi_aws as aws

TAGS = {
    "service": "noncompliant", "cost-centre": "CC-0000", "owner": "platform@example.gov.uk", "environment": "dev",
    "business-unit": "it", "data-classification": "OFFICIAL", "managed-by": "pulumi",
}

aws.ec2.SecurityGroup(
    "bastion",
    description="SSH from anywhere",
    vpc_id="vpc-0123456789abcdef0",
    ingress=[aws.ec2.SecurityGroupIngressArgs(
        description="ssh", protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/0"],
    )],
    tags=TAGS,
)
