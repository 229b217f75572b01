"""The narrow contracts between platform layers and service stacks: stack names and export shapes.

Each AWS platform layer is a stack of the root project and exports a few broad maps. Later layers
and service stacks read them with `pulumi.StackReference` (offline, the planner feeds them the
referenced stack's planned outputs). This module is the one place that names the layers and
documents every key; change a shape here first, then in the layer that exports it.

| order | stack                        | exports            | reads from                         |
|-------|------------------------------|--------------------|------------------------------------|
| 1     | `platform-aws-organisation`  | `organisation`     | -                                  |
| 2     | `platform-aws-logging`       | `log_destinations`, `kms_keys`, `security` | organisation     |
| 3     | `platform-aws-identity`      | `identity`         | organisation                       |
| 4     | `platform-aws-network`       | `network`          | organisation, logging              |
| 5     | `platform-aws-cost`          | `cost`             | organisation, logging              |
| 6     | `<service>-<env>` (services) | `components`, ...  | organisation, logging, network     |
"""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi

ORGANISATION_LAYER = "platform-aws-organisation"
LOGGING_LAYER = "platform-aws-logging"
IDENTITY_LAYER = "platform-aws-identity"
NETWORK_LAYER = "platform-aws-network"
COST_LAYER = "platform-aws-cost"

#: Session name the platform layers use when they assume the access role in a member account.
PLATFORM_SESSION = "lz-platform"

#: IAM role (path `/`) in the management account that S3 assumes to replicate the CUR 2.0 staging
#: bucket into the log archive's cost-reports bucket. The cost layer creates it; the logging layer
#: names it in the cost-reports bucket policy. The logging layer deploys first, so it cannot read the
#: ARN from the cost layer: both compute it with `cost_reports_replication_role_arn`.
COST_REPORTS_REPLICATION_ROLE_NAME = "lz-cost-reports-replication"

#: The permissions boundary the identity layer creates in every workload account (path `/lz/`). Every
#: role a service stack creates must carry it. Services compute its ARN from their account id with
#: `service_boundary_arn` (IAM policy ARNs are fixed by account, path and name), so a service stack
#: does not need to plan the identity layer; tests/lz/stacks/test_estate_programs.py checks the
#: identity layer exports exactly these ARNs.
SERVICE_BOUNDARY_POLICY_NAME = "lz-service-boundary"
SERVICE_BOUNDARY_POLICY_PATH = "/lz/"


class OrganisationExport(TypedDict):
    """`platform-aws-organisation` → `organisation`."""

    id: str  # o-xxxxxxxxxx
    arn: str
    root_id: str  # r-xxxx
    management_account_id: str
    ou_ids: dict[str, str]  # OU path ("Workloads/Prod") -> ou-xxxx-xxxxxxxx
    account_ids: dict[str, str]  # account slug (platform/aws.yaml keys) -> 12-digit id
    access_role_name: str  # role each layer assumes in a member account


class AccessLogBucket(TypedDict):
    name: str
    arn: str
    region: str


class LogDestinationsExport(TypedDict):
    """`platform-aws-logging` → `log_destinations`."""

    log_archive_bucket: str  # bucket name in the log archive account
    log_archive_bucket_arn: str
    cloudtrail_arn: str
    flow_logs_arn: str  # S3 ARN (bucket + prefix) VPC flow logs are delivered to
    cost_reports_bucket: str  # CUR 2.0 / Data Exports destination (log archive account)
    cost_reports_bucket_arn: str
    access_logs: dict[str, AccessLogBucket]  # account slug -> bucket for S3 server / CloudFront access logs
    cloudwatch_retention_days: int


class KmsKeysExport(TypedDict):
    """`platform-aws-logging` → `kms_keys`."""

    logs: str  # ARN of the log archive key (CloudTrail, Config, flow logs)
    services: dict[str, str]  # "<service>-<env>" -> ARN of that environment's data key (in its workload account)


class SecurityExport(TypedDict):
    """`platform-aws-logging` → `security`."""

    guardduty_detector_ids: dict[str, str]  # account slug -> detector id
    security_hub_admin_account_id: str
    config_aggregator_arn: str


class IdentityExport(TypedDict):
    """`platform-aws-identity` → `identity`."""

    permission_set_arns: dict[str, str]  # permission set name -> ARN
    github_oidc_provider_arns: dict[str, str]  # account slug -> provider ARN
    permissions_boundary_arns: dict[str, str]  # account slug -> boundary policy ARN
    service_roles: dict[str, dict[str, dict[str, str]]]  # service -> "plan"|"apply" -> account slug -> role ARN
    break_glass_role_arns: dict[str, str]  # account slug -> role ARN


class NetworkExport(TypedDict, total=False):
    """`platform-aws-network` → `network`."""

    ipam_pool_id: str
    ipam_pool_cidr: str
    transit_gateway_id: str
    egress_vpc_id: str
    private_zone_id: str
    resolver_rule_ids: dict[str, str]  # domain -> rule id
    spokes: dict[str, dict[str, Any]]  # "<service>-<env>" -> vpc_id, cidr_block, private_subnet_ids, ...


class CostExport(TypedDict):
    """`platform-aws-cost` → `cost`."""

    alerts_topic_arn: str
    budgets: list[str]  # budget names
    anomaly_monitor_arn: str
    data_export_arn: str
    cost_allocation_tags: list[str]


def reference(layer: str) -> pulumi.StackReference:
    """A StackReference to a layer of this project, in the current organisation.

    One reference per layer per program: Pulumi forbids two resources with the same URN.
    """
    return pulumi.StackReference(f"{pulumi.get_organization()}/{pulumi.get_project()}/{layer}")


def access_role_arn(account_id: str, role_name: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{role_name}"


def cost_reports_replication_role_arn(management_account_id: str) -> str:
    """ARN of `COST_REPORTS_REPLICATION_ROLE_NAME` in the management account (path `/`)."""
    return access_role_arn(management_account_id, COST_REPORTS_REPLICATION_ROLE_NAME)


def service_boundary_arn(account_id: str) -> str:
    """ARN of the identity layer's service permissions boundary in `account_id`."""
    return f"arn:aws:iam::{account_id}:policy{SERVICE_BOUNDARY_POLICY_PATH}{SERVICE_BOUNDARY_POLICY_NAME}"
