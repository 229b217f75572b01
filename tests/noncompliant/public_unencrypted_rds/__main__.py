"""Non-compliant: a database open to the internet, unencrypted at rest and without backups."""

import pulumi
import pulumi_aws as aws

TAGS = {
    "service": "noncompliant", "cost-centre": "CC-0000", "owner": "platform@example.gov.uk", "environment": "dev",
    "business-unit": "it", "data-classification": "OFFICIAL", "managed-by": "pulumi",
}

aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version="16.3",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    password=pulumi.Output.secret("not-a-real-password"),
    publicly_accessible=True,
    storage_encrypted=False,
    backup_retention_period=0,
    skip_final_snapshot=True,
    tags=TAGS,
)
