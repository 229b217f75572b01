"""`Database` under the offline planner, plus table tests of its pure sizing and engine logic."""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pytest

from lz.plan import StackPlan, plan_callable
from lz.tags import is_taggable
from modules.aws.database import (
    ENHANCED_MONITORING_POLICY_ARN,
    PASSWORD_SPECIALS,
    TYPE_TOKEN,
    Database,
    DatabaseArgs,
    db_parameters,
    default_database_name,
    instance_class,
    parameter_group_family,
    performance_insights_supported,
    validate_database_args,
)
from tests.modules.aws.component_helpers import CONFIG

TAGS = {
    "service": "housing-repairs",
    "cost-centre": "CC1234",
    "owner": "digital-team",
    "environment": "dev",
    "business-unit": "housing",
    "data-classification": "OFFICIAL-SENSITIVE",
    "managed-by": "pulumi",
}
IDENTIFIER = "bcc-dev-euw2-rds-repairs"
VPC = "vpc-0a1b2c3d4e5f60718"
SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-18f5e4d3c2b1a0987"]
CLIENTS = ["10.20.0.0/16", "10.30.4.0/24"]
KMS_KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ACCOUNT = "123456789012"  # the planner's default account

INSTANCE = "aws:rds/instance:Instance"
PASSWORD = "random:index/randomPassword:RandomPassword"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

OUTPUTS = ("address", "port", "endpoint", "secret_arn", "security_group_id", "instance_arn")


def args_with(**changes: Any) -> DatabaseArgs:
    base: dict[str, Any] = {
        "identifier": IDENTIFIER,
        "engine": "postgres",
        "size": "small",
        "storage_gb": 20,
        "multi_az": False,
        "backup_retention_days": 7,
        "vpc_id": VPC,
        "subnet_ids": SUBNETS,
        "allowed_cidr_blocks": CLIENTS,
        "tags": TAGS,
    }
    return DatabaseArgs(**{**base, **changes})


def plan_database(args: DatabaseArgs) -> StackPlan:
    def program() -> None:
        database = Database("repairs", args)
        for output in OUTPUTS:
            pulumi.export(output, getattr(database, output))

    return plan_callable(program, project="lz", stack="test", config=CONFIG)


@pytest.fixture(scope="module")
def postgres_plan() -> StackPlan:
    """All defaults: AWS-managed keys, unlocked, enhanced monitoring every 60 s."""
    return plan_database(args_with())


@pytest.fixture(scope="module")
def mysql_plan() -> StackPlan:
    """Everything set: customer key, lock, Multi-AZ, own database name and version."""
    return plan_database(
        args_with(
            engine="mysql",
            engine_version="8.4.3",
            size="medium",
            storage_gb=100,
            multi_az=True,
            backup_retention_days=35,
            kms_key_arn=KMS_KEY,
            lock=True,
            database_name="repairs",
            monitoring_interval=15,
        )
    )


@pytest.fixture(scope="module")
def sqlserver_plan() -> StackPlan:
    """SQL Server without enhanced monitoring."""
    return plan_database(args_with(engine="sqlserver", size="large", monitoring_interval=0))


BASE_CHILDREN = {
    (TYPE_TOKEN, "repairs"),
    (PASSWORD, "repairs-password"),
    (SECRET, "repairs-secret"),
    (SECRET_VERSION, "repairs-secret-version"),
    (SUBNET_GROUP, "repairs-subnet-group"),
    (SECURITY_GROUP, "repairs-security-group"),
    (PARAMETER_GROUP, "repairs-parameter-group"),
    (INSTANCE, "repairs-instance"),
}
MONITORING = {(ROLE, "repairs-monitoring-role"), (ATTACHMENT, "repairs-monitoring-policy")}


@pytest.mark.parametrize(
    ("plan_name", "expected"),
    [
        ("postgres_plan", BASE_CHILDREN | MONITORING),
        ("mysql_plan", BASE_CHILDREN | MONITORING),
        ("sqlserver_plan", BASE_CHILDREN),
    ],
)
def test_children(plan_name: str, expected: set[tuple[str, str]], request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    assert {(r.type, r.name) for r in plan.managed()} == expected


@pytest.mark.parametrize("plan_name", ["postgres_plan", "mysql_plan", "sqlserver_plan"])
def test_parents_and_tags(plan_name: str, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    component = plan.one(TYPE_TOKEN)
    tagged = set()
    for resource in plan.managed():
        if resource is component:
            continue
        assert resource.parent == component.urn, resource.name
        if is_taggable(resource.type):
            assert resource.inputs["tags"].items() >= TAGS.items(), resource.name
            tagged.add(resource.type)
    expected = {SECRET, SUBNET_GROUP, SECURITY_GROUP, PARAMETER_GROUP, INSTANCE}
    assert tagged == (expected | {ROLE} if plan_name != "sqlserver_plan" else expected)


def test_postgres_instance(postgres_plan: StackPlan) -> None:
    instance = postgres_plan.one(INSTANCE)
    inputs = instance.inputs
    expected = {
        "identifier": IDENTIFIER,
        "engine": "postgres",
        "engineVersion": "16",
        "instanceClass": "db.t4g.small",
        "allocatedStorage": 20,
        "storageType": "gp3",
        "storageEncrypted": True,
        "publiclyAccessible": False,
        "multiAz": False,
        "backupRetentionPeriod": 7,
        "backupWindow": "01:00-02:00",
        "maintenanceWindow": "sun:03:00-04:00",
        "copyTagsToSnapshot": True,
        "deletionProtection": False,
        "skipFinalSnapshot": True,
        "deleteAutomatedBackups": True,
        "autoMinorVersionUpgrade": True,
        "iamDatabaseAuthenticationEnabled": True,
        "performanceInsightsEnabled": True,
        "performanceInsightsRetentionPeriod": 7,
        "enabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "monitoringInterval": 60,
        "monitoringRoleArn": f"arn:aws:iam::{ACCOUNT}:role/rds-monitoring/{IDENTIFIER}",
        "username": "lzadmin",
        "password": "[secret]",
        "port": 5432,
        "dbName": "bcc_dev_euw2_rds_repairs",
        "dbSubnetGroupName": IDENTIFIER,
        "parameterGroupName": f"{IDENTIFIER}-postgres16",
        "vpcSecurityGroupIds": [postgres_plan.one(SECURITY_GROUP).id],
    }
    assert {k: inputs.get(k) for k in expected} == expected
    for absent in ("kmsKeyId", "performanceInsightsKmsKeyId", "finalSnapshotIdentifier", "licenseModel"):
        assert absent not in inputs
    assert instance.options["protect"] is None
    assert instance.options["retain_on_delete"] is None
    # The monitoring role must carry its policy before RDS checks it.
    assert postgres_plan.one(ATTACHMENT).urn in instance.dependencies


def test_locked_mysql_instance(mysql_plan: StackPlan) -> None:
    instance = mysql_plan.one(INSTANCE)
    inputs = instance.inputs
    expected = {
        "engine": "mysql",
        "engineVersion": "8.4.3",
        "instanceClass": "db.m7g.large",
        "allocatedStorage": 100,
        "multiAz": True,
        "backupRetentionPeriod": 35,
        "kmsKeyId": KMS_KEY,
        "storageEncrypted": True,
        "publiclyAccessible": False,
        "deletionProtection": True,
        "skipFinalSnapshot": False,
        "finalSnapshotIdentifier": f"{IDENTIFIER}-final",
        "deleteAutomatedBackups": False,
        "performanceInsightsEnabled": True,
        "performanceInsightsKmsKeyId": KMS_KEY,
        "enabledCloudwatchLogsExports": ["error", "slowquery"],
        "monitoringInterval": 15,
        "dbName": "repairs",
        "port": 3306,
        "parameterGroupName": f"{IDENTIFIER}-mysql8-4",
        "password": "[secret]",
    }
    assert {k: inputs.get(k) for k in expected} == expected
    locked = {r.name for r in mysql_plan.managed() if r.options["protect"] and r.options["retain_on_delete"]}
    assert locked == {"repairs-instance", "repairs-secret", "repairs-secret-version", "repairs-password"}


def test_sqlserver_instance(sqlserver_plan: StackPlan) -> None:
    inputs = sqlserver_plan.one(INSTANCE).inputs
    expected = {
        "engine": "sqlserver-web",
        "engineVersion": "16.00",
        "licenseModel": "license-included",
        "instanceClass": "db.r6i.xlarge",
        "port": 1433,
        "iamDatabaseAuthenticationEnabled": False,
        "enabledCloudwatchLogsExports": ["agent", "error"],
        "monitoringInterval": 0,
        "parameterGroupName": f"{IDENTIFIER}-sqlserver-web-16-0",
    }
    assert {k: inputs.get(k) for k in expected} == expected
    for absent in ("dbName", "monitoringRoleArn"):
        assert absent not in inputs


@pytest.mark.parametrize(
    ("plan_name", "port"), [("postgres_plan", 5432), ("mysql_plan", 3306), ("sqlserver_plan", 1433)]
)
def test_security_group_allows_only_the_engine_port_from_clients(
    plan_name: str, port: int, request: pytest.FixtureRequest
) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    group = plan.one(SECURITY_GROUP).inputs
    assert group["vpcId"] == VPC
    assert group["name"] == f"{IDENTIFIER}-db"
    assert group["tags"]["Name"] == f"{IDENTIFIER}-db"
    assert group["egress"] == []
    [rule] = group["ingress"]
    assert rule == {
        "description": rule["description"],
        "protocol": "tcp",
        "fromPort": port,
        "toPort": port,
        "cidrBlocks": CLIENTS,
    }
    assert rule["description"]


@pytest.mark.parametrize(
    ("plan_name", "family", "parameters"),
    [
        ("postgres_plan", "postgres16", [{"name": "rds.force_ssl", "value": "1", "applyMethod": "immediate"}]),
        (
            "mysql_plan",
            "mysql8.4",
            [
                {"name": "require_secure_transport", "value": "ON", "applyMethod": "immediate"},
                {"name": "slow_query_log", "value": "1", "applyMethod": "immediate"},
                {"name": "long_query_time", "value": "2", "applyMethod": "immediate"},
                {"name": "log_output", "value": "FILE", "applyMethod": "immediate"},
            ],
        ),
        (
            "sqlserver_plan",
            "sqlserver-web-16.0",
            [{"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"}],
        ),
    ],
)
def test_parameter_group_enforces_tls(
    plan_name: str, family: str, parameters: list[dict[str, str]], request: pytest.FixtureRequest
) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    group = plan.one(PARAMETER_GROUP).inputs
    assert group["family"] == family
    assert group["parameters"] == parameters


def test_subnet_group(postgres_plan: StackPlan) -> None:
    group = postgres_plan.one(SUBNET_GROUP).inputs
    assert group["name"] == IDENTIFIER
    assert group["subnetIds"] == SUBNETS


def test_password(postgres_plan: StackPlan) -> None:
    password = postgres_plan.one(PASSWORD)
    assert password.inputs == {
        "length": 32,
        "special": True,
        "overrideSpecial": PASSWORD_SPECIALS,
        "minLower": 1,
        "minUpper": 1,
        "minNumeric": 1,
        "minSpecial": 1,
    }
    assert not set(PASSWORD_SPECIALS) & set('/@" ')
    assert "result" in password.options["additional_secret_outputs"]


@pytest.mark.parametrize(("plan_name", "key"), [("postgres_plan", None), ("mysql_plan", KMS_KEY)])
def test_credentials_secret(plan_name: str, key: str | None, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    secret = plan.one(SECRET)
    assert secret.inputs["name"] == f"rds/{IDENTIFIER}/credentials"
    assert secret.inputs["recoveryWindowInDays"] == 30
    assert secret.inputs.get("kmsKeyId") == key
    version = plan.one(SECRET_VERSION)
    assert version.inputs["secretId"] == secret.id
    assert version.inputs["secretString"] == "[secret]"


def test_credentials_document(postgres_plan: StackPlan) -> None:
    """The secret's JSON, read from the wire form where the planner keeps secret values wrapped."""
    wrapped = postgres_plan.one(SECRET_VERSION).wire_inputs()["secretString"]
    document = json.loads(wrapped["value"])
    instance = postgres_plan.one(INSTANCE).outputs
    assert set(document) == {"engine", "host", "port", "username", "password", "dbname"}
    assert document["engine"] == "postgres"
    assert document["host"] == instance["address"]
    assert document["port"] == 5432
    assert document["username"] == "lzadmin"
    assert document["dbname"] == "bcc_dev_euw2_rds_repairs"


def test_monitoring_role(postgres_plan: StackPlan) -> None:
    role = postgres_plan.one(ROLE).inputs
    assert role["name"] == IDENTIFIER
    assert role["path"] == "/rds-monitoring/"
    assert json.loads(role["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }
    attachment = postgres_plan.one(ATTACHMENT).inputs
    assert attachment == {"role": IDENTIFIER, "policyArn": ENHANCED_MONITORING_POLICY_ARN}
    assert ENHANCED_MONITORING_POLICY_ARN == "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def test_monitoring_role_in_a_service_path_with_a_boundary() -> None:
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/lz/lz-service-boundary"
    plan = plan_database(args_with(role_path="/lz/housing-repairs/", permissions_boundary_arn=boundary))
    role = plan.one(ROLE).inputs
    assert role["path"] == "/lz/housing-repairs/"
    assert role["permissionsBoundary"] == boundary


def test_outputs(postgres_plan: StackPlan) -> None:
    instance = postgres_plan.one(INSTANCE).outputs
    address = instance["address"]
    assert postgres_plan.outputs == {
        "address": address,
        "port": 5432,
        "endpoint": f"{address}:5432",
        "secret_arn": postgres_plan.one(SECRET).outputs["arn"],
        "security_group_id": postgres_plan.one(SECURITY_GROUP).id,
        "instance_arn": f"arn:aws:rds:eu-west-2:{ACCOUNT}:db:{IDENTIFIER}",
    }
    assert "[secret]" not in json.dumps(postgres_plan.outputs)


# -- pure logic ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "size", "expected"),
    [
        ("postgres", "small", "db.t4g.small"),
        ("postgres", "medium", "db.m7g.large"),
        ("postgres", "large", "db.r7g.xlarge"),
        ("mysql", "small", "db.t4g.small"),
        ("mysql", "medium", "db.m7g.large"),
        ("mysql", "large", "db.r7g.xlarge"),
        ("sqlserver", "medium", "db.t3.xlarge"),
        ("sqlserver", "large", "db.r6i.xlarge"),
    ],
)
def test_instance_class(engine: Any, size: Any, expected: str) -> None:
    assert instance_class(engine, size) == expected


@pytest.mark.parametrize(
    ("engine", "size", "message"),
    [
        ("sqlserver", "small", "sqlserver needs size medium or large"),
        ("postgres", "huge", "size must be one of small, medium, large, got 'huge'"),
        ("oracle", "small", "engine must be one of postgres, mysql, sqlserver, got 'oracle'"),
    ],
)
def test_instance_class_rejects(engine: Any, size: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        instance_class(engine, size)


@pytest.mark.parametrize(
    ("engine", "version", "family"),
    [
        ("postgres", "16", "postgres16"),
        ("postgres", "16.4", "postgres16"),
        ("postgres", "17.2", "postgres17"),
        ("mysql", "8.0", "mysql8.0"),
        ("mysql", "8.0.39", "mysql8.0"),
        ("mysql", "8.4", "mysql8.4"),
        ("sqlserver", "16.00", "sqlserver-web-16.0"),
        ("sqlserver", "15.00.4395.2.v1", "sqlserver-web-15.0"),
    ],
)
def test_parameter_group_family(engine: Any, version: str, family: str) -> None:
    assert parameter_group_family(engine, version) == family


@pytest.mark.parametrize(
    ("engine", "version"),
    [("postgres", "sixteen"), ("postgres", "16.4.1.2"), ("mysql", "8"), ("sqlserver", "16"), ("sqlserver", "2022")],
)
def test_parameter_group_family_rejects(engine: Any, version: str) -> None:
    expected = f"engine_version {version!r} is not a {engine} version like "
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}"):
        parameter_group_family(engine, version)


@pytest.mark.parametrize(
    ("engine", "identifier", "expected"),
    [
        ("postgres", "bcc-dev-euw2-rds-crm", "bcc_dev_euw2_rds_crm"),
        ("mysql", "crm", "crm"),
        ("postgres", "a" + "-b" * 40, ("a" + "_b" * 40)[:63]),
        ("mysql", "a" + "-b" * 40, ("a" + "_b" * 40)[:64]),
        ("sqlserver", "crm", None),
    ],
)
def test_default_database_name(engine: Any, identifier: str, expected: str | None) -> None:
    assert default_database_name(engine, identifier) == expected


@pytest.mark.parametrize(
    ("engine", "db_class", "supported"),
    [
        ("postgres", "db.t4g.small", True),
        ("mysql", "db.t4g.small", False),
        ("mysql", "db.m7g.large", True),
        ("sqlserver", "db.t3.xlarge", True),
    ],
)
def test_performance_insights_supported(engine: Any, db_class: str, supported: bool) -> None:
    assert performance_insights_supported(engine, db_class) is supported


def test_small_mysql_has_no_performance_insights() -> None:
    plan = plan_database(args_with(engine="mysql", kms_key_arn=KMS_KEY))
    inputs = plan.one(INSTANCE).inputs
    assert inputs["performanceInsightsEnabled"] is False
    assert "performanceInsightsKmsKeyId" not in inputs
    assert "performanceInsightsRetentionPeriod" not in inputs


@pytest.mark.parametrize("engine", ["postgres", "mysql", "sqlserver"])
def test_db_parameters_always_require_tls(engine: Any) -> None:
    names = {name for name, _, _ in db_parameters(engine)}
    assert names & {"rds.force_ssl", "require_secure_transport"}


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param(
            {"engine": "sqlserver", "size": "medium", "multi_az": True, "database_name": None},
            [],
            id="valid-sqlserver",
        ),
        pytest.param({"engine": "sqlserver"}, ["sqlserver needs size medium or large"], id="sqlserver-small"),
        pytest.param(
            {"identifier": "Repairs--db-"},
            [
                "identifier 'Repairs--db-' must be lowercase",
                "identifier 'Repairs--db-' must not contain '--'",
                "identifier 'Repairs--db-' must not end with '-'",
            ],
            id="identifier",
        ),
        pytest.param(
            {"engine": "oracle", "size": "tiny"},
            [
                "engine must be one of postgres, mysql, sqlserver, got 'oracle'",
                "size must be one of small, medium, large, got 'tiny'",
            ],
            id="engine-and-size",
        ),
        pytest.param(
            {"storage_gb": 10}, ["storage_gb must be between 20 and 65536 for postgres, got 10"], id="storage-small"
        ),
        pytest.param(
            {"engine": "sqlserver", "size": "medium", "storage_gb": 20_000},
            ["storage_gb must be between 20 and 16384 for sqlserver, got 20000"],
            id="storage-sqlserver",
        ),
        pytest.param(
            {"backup_retention_days": 1},
            ["backup_retention_days must be between 7 and 35, got 1"],
            id="retention-short",
        ),
        pytest.param(
            {"backup_retention_days": 36},
            ["backup_retention_days must be between 7 and 35, got 36"],
            id="retention-long",
        ),
        pytest.param({"vpc_id": "main"}, ["vpc_id must be a VPC id (vpc-...), got 'main'"], id="vpc"),
        pytest.param(
            {"subnet_ids": [SUBNETS[0], SUBNETS[0]]},
            ["subnet_ids must name at least two subnets, in different availability zones"],
            id="one-subnet",
        ),
        pytest.param(
            {"allowed_cidr_blocks": []},
            ["allowed_cidr_blocks must name at least one client CIDR block"],
            id="no-clients",
        ),
        pytest.param(
            {"allowed_cidr_blocks": ["0.0.0.0/0", "10.0.0.1/16", "vpc"]},
            [
                "allowed_cidr_blocks must not contain 0.0.0.0/0: the database is for known clients",
                "allowed_cidr_blocks: '10.0.0.1/16' is not an IPv4 CIDR block",
                "allowed_cidr_blocks: 'vpc' is not an IPv4 CIDR block",
            ],
            id="bad-clients",
        ),
        pytest.param(
            {"tags": {**TAGS, "data-classification": "SECRET"}},
            ["tags: Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE"],
            id="tags",
        ),
        pytest.param(
            {"engine_version": "9.6"},
            ["engine_version '9.6' is not a postgres version like '16'"],
            id="version",
        ),
        pytest.param(
            {"kms_key_arn": "alias/aws/rds"},
            ["kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got 'alias/aws/rds'"],
            id="kms",
        ),
        pytest.param(
            {"engine": "sqlserver", "size": "medium", "database_name": "repairs"},
            ["database_name is not supported for sqlserver: RDS creates no database at launch on it"],
            id="sqlserver-database-name",
        ),
        pytest.param(
            {"database_name": "1repairs"},
            ["database_name '1repairs' must be 1-63 letters, digits or underscores, starting with a letter"],
            id="database-name",
        ),
        pytest.param(
            {"engine": "mysql", "database_name": "x" * 65},
            [f"database_name '{'x' * 65}' must be 1-64 letters, digits or underscores, starting with a letter"],
            id="database-name-long",
        ),
        pytest.param(
            {"database_name": "postgres"}, ["database_name 'postgres' is reserved by postgres"], id="reserved"
        ),
        pytest.param(
            {"monitoring_interval": 45},
            ["monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60, got 45"],
            id="monitoring",
        ),
        pytest.param(
            {"role_path": "lz/repairs"},
            ["role_path must start and end with '/' (IAM path), got 'lz/repairs'"],
            id="role-path",
        ),
        pytest.param(
            # Values computed by other resources cannot be checked before deployment.
            {
                "vpc_id": pulumi.Output.from_input("x"),
                "subnet_ids": pulumi.Output.from_input(["x"]),
                "allowed_cidr_blocks": pulumi.Output.from_input(["0.0.0.0/0"]),
                "kms_key_arn": pulumi.Output.from_input("x"),
            },
            [],
            id="outputs-not-checked",
        ),
    ],
)
def test_validate_database_args(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_database_args(args_with(**changes)) == problems


def test_invalid_args_register_nothing() -> None:
    errors: list[str] = []

    def program() -> None:
        with pytest.raises(ValueError) as caught:
            Database("repairs", args_with(engine="sqlserver", backup_retention_days=0))
        errors.append(str(caught.value))

    plan = plan_callable(program, project="lz", stack="test", config=CONFIG)
    assert errors == ["sqlserver needs size medium or large; backup_retention_days must be between 7 and 35, got 0"]
    assert [r.type for r in plan.resources] == ["pulumi:pulumi:Stack"]
