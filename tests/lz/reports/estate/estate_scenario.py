"""The organisation of the end-to-end tests, how it is read, and what the report must say about
it (shared by the in-process and the moto-server tests; see test_estate_aws.py for the story)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from estate_helpers import MANAGEMENT, ROLE, Faults, Org, inject, render_state

from lz.reports.estate.model import Scope
from lz.reports.estate.report import EstateReport, build_estate_report, inventory_aws, load_state_exports
from lz.reports.estate.state import StateResource

STATE_FILES = ("housing-repairs-prod.json", "adults-care-prod.json", "sandbox-lab-dev.json")


def deny_sandbox(session: Any, org: Org) -> Faults:
    """AssumeRole into the sandbox account fails with AccessDenied, as a missing trust policy would."""
    return inject(
        session, "sts", "AssumeRole", Faults(always=("AccessDenied", 403), only_if=lambda p: org.sandbox in str(p))
    )


def read_estate(session: Any, org: Org, tmp_path: Path) -> tuple[EstateReport, list[StateResource]]:
    deny_sandbox(session, org)
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=ROLE)
    state = load_state_exports([str(render_state(name, org.values, tmp_path)) for name in STATE_FILES])
    accounts = (MANAGEMENT, org.housing, org.adults, org.sandbox)
    report = build_estate_report(resources, state, gaps, scope=Scope(aws_accounts=accounts, aws_regions=("eu-west-2",)))
    return report, state


def keyed(report: EstateReport, status: str) -> set[tuple[str, str, str]]:
    return {(f.resource.account, f.resource.type, f.resource.name) for f in report.findings if f.status == status}


def expected_unmanaged(org: Org) -> set[tuple[str, str, str]]:
    v = org.values
    return {
        (MANAGEMENT, "s3:bucket", "council-pulumi-state"),
        (org.housing, "s3:bucket", "housing-shadow-exports"),
        (org.housing, "s3:bucket", "housing-us-copy"),
        (org.housing, "sqs:queue", "housing-shadow-queue"),
        (org.housing, "ec2:instance", v["HOUSING_INSTANCE"]),
        (org.housing, "ec2:volume", v["HOUSING_VOLUME"]),
        (org.housing, "lambda:function", "housing-report-fn"),
        (org.housing, "secretsmanager:secret", "housing/shadow-api-key"),
        (org.housing, "ec2:route-table", "manual-rt"),  # only read by the stack (external): not managed
        (org.housing, "iam:role", ROLE),
        (org.adults, "rds:cluster", "adults-analytics"),
        (org.adults, "ecr:repository", "adults-shadow-images"),
        (org.adults, "cloudfront:distribution", "adults shadow site"),
        (org.adults, "iam:role", ROLE),
    }


def expected_managed(org: Org) -> set[tuple[str, str, str]]:
    v = org.values
    return {
        (org.housing, "s3:bucket", "housing-repairs-prod-files"),
        (org.housing, "sqs:queue", "housing-repairs-jobs"),
        (org.housing, "ec2:vpc", "housing-vpc"),
        (org.housing, "ec2:subnet", v["HOUSING_SUBNET"]),
        (org.housing, "ec2:security-group", "housing-web"),
        (org.housing, "ec2:internet-gateway", v["HOUSING_IGW"]),
        (org.housing, "iam:role", "housing-lambda-role"),
        (org.housing, "dynamodb:table", "housing-repairs-cases"),
        (org.housing, "logs:log-group", "/housing/repairs"),
        (org.housing, "kms:key", "alias/housing-repairs"),
        (org.housing, "sns:topic", "housing-alerts"),
        (org.adults, "rds:db", "adults-case-db"),
        (org.adults, "elasticfilesystem:file-system", v["ADULTS_EFS"]),
        (org.adults, "ec2:vpc", v["ADULTS_VPC"]),
        (org.adults, "ec2:subnet", v["ADULTS_SUBNET_A"]),
        (org.adults, "ec2:subnet", v["ADULTS_SUBNET_B"]),
        (org.adults, "elasticloadbalancing:loadbalancer", "adults-portal"),
    }
