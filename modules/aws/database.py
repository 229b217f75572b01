"""`Database`: one private, encrypted RDS instance (PostgreSQL, MySQL or SQL Server) and what it needs.

Children (logical names `<name>-<suffix>`, all parented to the component):

| suffix                 | resource                                                               | when          |
|------------------------|------------------------------------------------------------------------|---------------|
| `password`             | `random.RandomPassword` (32 characters, none RDS forbids)              | always        |
| `secret`               | `aws.secretsmanager.Secret` `rds/<identifier>/credentials`             | always        |
| `secret-version`       | `aws.secretsmanager.SecretVersion`: JSON engine/host/port/username/password/dbname | always |
| `subnet-group`         | `aws.rds.SubnetGroup`                                                  | always        |
| `security-group`       | `aws.ec2.SecurityGroup`: the engine port from `allowed_cidr_blocks`, no egress | always |
| `parameter-group`      | `aws.rds.ParameterGroup`: TLS enforced                                 | always        |
| `monitoring-role`      | `aws.iam.Role` for enhanced monitoring                                 | interval > 0  |
| `monitoring-policy`    | `aws.iam.RolePolicyAttachment` (AmazonRDSEnhancedMonitoringRole)       | interval > 0  |
| `instance`             | `aws.rds.Instance`                                                     | always        |

The VPC, subnets and KMS key are dependencies: they come in by ID/ARN. SQL Server runs as Web
edition with the licence included (the cheapest licence-included edition; Standard costs several
times more and Express has a 10 GB database limit).

The monitoring role is named after the identifier (under `role_path`, default `/rds-monitoring/`): IAM names are
account-wide, so identifiers must be unique across regions too, which the region code in
`lz.naming` names gives. The secret keeps a fixed name: after a destroy, Secrets Manager holds the
name for its 30-day recovery window, so recreating the same database within that window needs the
old secret restored (`aws secretsmanager restore-secret`) and imported, or deleted for good first.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.iam_docs import KMS_KEY_ARN_RE, service_assume_role_policy

TYPE_TOKEN: Final = "lz:aws:Database"

Engine = Literal["postgres", "mysql", "sqlserver"]
Size = Literal["small", "medium", "large"]

ENGINES: Final[tuple[Engine, ...]] = ("postgres", "mysql", "sqlserver")
SIZES: Final[tuple[Size, ...]] = ("small", "medium", "large")

#: Instance class per engine and size. Graviton classes for the open-source engines (cheaper for
#: the same work); SQL Server runs on x86 only and is licensed per vCPU, so it starts at 4 vCPUs
#: burstable and has no small size.
INSTANCE_CLASSES: Final[Mapping[Engine, Mapping[Size, str]]] = {
    "postgres": {"small": "db.t4g.small", "medium": "db.m7g.large", "large": "db.r7g.xlarge"},
    "mysql": {"small": "db.t4g.small", "medium": "db.m7g.large", "large": "db.r7g.xlarge"},
    "sqlserver": {"medium": "db.t3.xlarge", "large": "db.r6i.xlarge"},
}

#: The RDS engine name behind each engine choice.
RDS_ENGINES: Final[Mapping[Engine, str]] = {"postgres": "postgres", "mysql": "mysql", "sqlserver": "sqlserver-web"}
#: Major versions used when `engine_version` is None. RDS picks the newest minor of a major version.
DEFAULT_ENGINE_VERSIONS: Final[Mapping[Engine, str]] = {"postgres": "16", "mysql": "8.0", "sqlserver": "16.00"}
PORTS: Final[Mapping[Engine, int]] = {"postgres": 5432, "mysql": 3306, "sqlserver": 1433}
#: Logs exported to CloudWatch Logs (MySQL's slow query log is switched on in the parameter group).
LOG_EXPORTS: Final[Mapping[Engine, tuple[str, ...]]] = {
    "postgres": ("postgresql", "upgrade"),
    "mysql": ("error", "slowquery"),
    "sqlserver": ("agent", "error"),
}
#: gp3 storage limits in GiB per engine.
STORAGE_LIMITS_GB: Final[Mapping[Engine, tuple[int, int]]] = {
    "postgres": (20, 65_536),
    "mysql": (20, 65_536),
    "sqlserver": (20, 16_384),
}
#: Longest database name per engine; SQL Server creates no database at launch.
DATABASE_NAME_MAX: Final[Mapping[Engine, int]] = {"postgres": 63, "mysql": 64}
RESERVED_DATABASE_NAMES: Final[Mapping[Engine, frozenset[str]]] = {
    "postgres": frozenset({"postgres", "template0", "template1", "rdsadmin"}),
    "mysql": frozenset({"mysql", "information_schema", "performance_schema", "sys"}),
}
#: MySQL classes on which RDS offers no Performance Insights.
_NO_PERFORMANCE_INSIGHTS: Final[Mapping[Engine, frozenset[str]]] = {
    "mysql": frozenset({"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"}),
}

USERNAME: Final = "lzadmin"
PASSWORD_LENGTH: Final = 32
#: Punctuation the password may use. RDS forbids '/', '@', '"' and space; only URL-unreserved
#: punctuation is used, so the password goes into connection URLs, shells and JSON unescaped
#: (32 characters from 66 still give about 190 bits).
PASSWORD_SPECIALS: Final = "-_.~"
#: UK night, in UTC (01:00-02:00 is 01:00 GMT / 02:00 BST). The maintenance window must not overlap.
BACKUP_WINDOW: Final = "01:00-02:00"
MAINTENANCE_WINDOW: Final = "sun:03:00-04:00"
MONITORING_INTERVALS: Final = (0, 1, 5, 10, 15, 30, 60)
PERFORMANCE_INSIGHTS_RETENTION_DAYS: Final = 7  # the free tier
SECRET_RECOVERY_DAYS: Final = 30
ENHANCED_MONITORING_POLICY_ARN: Final = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
MONITORING_SERVICE: Final = "monitoring.rds.amazonaws.com"

_VERSION_RES: Final[Mapping[Engine, re.Pattern[str]]] = {
    "postgres": re.compile(r"(?P<major>\d{2})(?:\.\d+)?"),
    "mysql": re.compile(r"(?P<major>\d+\.\d+)(?:\.\d+)?"),
    "sqlserver": re.compile(r"(?P<major>\d{2})\.00(?:\.\d+\.\d+\.v\d+)?"),
}
_DATABASE_NAME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_VPC_ID_RE: Final = re.compile(r"vpc-[0-9a-f]{8,17}")


@dataclass(frozen=True, kw_only=True)
class DatabaseArgs:
    """Inputs of `Database`."""

    identifier: str
    """Required. Physical DB instance identifier (normally from `lz.naming.physical_name`): 1-63
    lowercase letters, digits and hyphens, starting with a letter."""
    engine: Engine
    """Required. `postgres`, `mysql` or `sqlserver` (SQL Server Web edition, licence included)."""
    size: Size
    """Required. `small`, `medium` or `large`; see `INSTANCE_CLASSES`. SQL Server has no `small`."""
    storage_gb: int
    """Required. Allocated gp3 storage in GiB: 20-65536 (SQL Server 20-16384)."""
    multi_az: bool
    """Required. Keep a synchronous standby in a second availability zone (production: True)."""
    backup_retention_days: int
    """Required. Days of automated backups and point-in-time recovery, 7-35."""
    vpc_id: pulumi.Input[str]
    """Required. VPC of the security group (from the networking layer's `network` export)."""
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Required. Private subnets for the DB subnet group, in at least two availability zones."""
    allowed_cidr_blocks: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Required. IPv4 CIDR blocks of the clients allowed to the engine port, usually the VPC CIDR."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included; applied to every taggable child."""
    engine_version: str | None = None
    """Optional. Engine version; None picks the default major version (postgres `16`, mysql `8.0`,
    sqlserver `16.00`), with minor upgrades applied automatically in the maintenance window."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Optional. Customer-managed KMS key ARN for storage, Performance Insights and the credentials
    secret. None: the AWS-managed keys (`aws/rds`, `aws/secretsmanager`)."""
    lock: bool = False
    """Optional. Deletion protection on the instance, `protect` + `retain_on_delete` on the instance
    and its credentials, a final snapshot and kept automated backups on deletion. False: the
    instance can be destroyed with no final snapshot (development data only)."""
    database_name: str | None = None
    """Optional. Database created at launch (postgres/mysql); None: the identifier with hyphens
    turned into underscores. Not supported for sqlserver (create databases after launch)."""
    monitoring_interval: int = 60
    """Optional. Enhanced monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60."""
    role_path: str = "/rds-monitoring/"
    """Optional. IAM path of the monitoring role. Service stacks use `/lz/<service>/`, the only path
    their apply role may create roles under (the identity layer's permissions boundary)."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Optional. Permissions boundary set on the monitoring role; service stacks must set the one the
    identity layer exports for their account (`identity.permissions_boundary_arns`)."""


# -- pure logic ------------------------------------------------------------------------------------


def instance_class(engine: Engine, size: Size) -> str:
    """The instance class for an engine and size; ValueError for combinations that do not exist."""
    classes = INSTANCE_CLASSES.get(engine)
    if classes is None:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if size not in classes:
        if size in SIZES:
            raise ValueError(f"{engine} needs size {' or '.join(classes)}")
        raise ValueError(f"size must be one of {', '.join(SIZES)}, got {size!r}")
    return classes[size]


def parameter_group_family(engine: Engine, version: str) -> str:
    """The DB parameter group family of an engine version: `postgres16`, `mysql8.0`,
    `sqlserver-web-16.0`. ValueError when the version is not one of the engine's."""
    pattern = _VERSION_RES[engine]
    match = pattern.fullmatch(version)
    if match is None:
        raise ValueError(
            f"engine_version {version!r} is not a {engine} version like {DEFAULT_ENGINE_VERSIONS[engine]!r}"
        )
    major = match.group("major")
    if engine == "sqlserver":
        return f"{RDS_ENGINES[engine]}-{major}.0"
    return f"{engine}{major}"


def db_parameters(engine: Engine) -> list[tuple[str, str, str]]:
    """`(name, value, apply_method)` of the parameter group: TLS required for every connection,
    plus MySQL's slow query log written to a file so that it can be exported."""
    if engine == "mysql":
        return [
            ("require_secure_transport", "ON", "immediate"),
            ("slow_query_log", "1", "immediate"),
            ("long_query_time", "2", "immediate"),
            ("log_output", "FILE", "immediate"),
        ]
    # rds.force_ssl is static on SQL Server: RDS rejects "immediate" for it.
    return [("rds.force_ssl", "1", "pending-reboot" if engine == "sqlserver" else "immediate")]


def default_database_name(engine: Engine, identifier: str) -> str | None:
    """The database created at launch when none is given: the identifier, sanitised for the engine."""
    limit = DATABASE_NAME_MAX.get(engine)
    if limit is None:
        return None
    return re.sub(r"[^A-Za-z0-9_]", "_", identifier)[:limit]


def performance_insights_supported(engine: Engine, db_instance_class: str) -> bool:
    """Whether RDS offers Performance Insights for this engine on this class."""
    return db_instance_class not in _NO_PERFORMANCE_INSIGHTS.get(engine, frozenset())


def parameter_group_name(identifier: str, family: str) -> str:
    """Named after the family too, so a major upgrade creates the new group before the old goes."""
    return f"{identifier}-{re.sub(r'[^a-z0-9]+', '-', family)}"


def _cidr_problems(blocks: object) -> list[str]:
    if not isinstance(blocks, list | tuple) or not all(isinstance(b, str) for b in blocks):
        return []  # computed from other resources: checked by AWS at deployment
    if not blocks:
        return ["allowed_cidr_blocks must name at least one client CIDR block"]
    problems = []
    for block in blocks:
        try:
            network = ipaddress.IPv4Network(block)
        except ValueError:
            problems.append(f"allowed_cidr_blocks: {block!r} is not an IPv4 CIDR block")
            continue
        if network.prefixlen == 0:
            problems.append("allowed_cidr_blocks must not contain 0.0.0.0/0: the database is for known clients")
    return problems


def validate_database_args(args: DatabaseArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `Database` can be built from them."""
    identifier_rule = NAME_RULES["aws"]["rds_instance"]
    problems = [f"identifier {args.identifier!r} {p}" for p in check_name(identifier_rule, args.identifier)]
    engine_ok = args.engine in ENGINES
    if not engine_ok:
        problems.append(f"engine must be one of {', '.join(ENGINES)}, got {args.engine!r}")
    if args.size not in SIZES:
        problems.append(f"size must be one of {', '.join(SIZES)}, got {args.size!r}")
    elif engine_ok and args.size not in INSTANCE_CLASSES[args.engine]:
        problems.append(f"{args.engine} needs size {' or '.join(INSTANCE_CLASSES[args.engine])}")
    if not re.fullmatch(r"/([\w+=,.@-]+/)*", args.role_path) or len(args.role_path) > 512:
        problems.append(f"role_path must start and end with '/' (IAM path), got {args.role_path!r}")
    if engine_ok:
        low, high = STORAGE_LIMITS_GB[args.engine]
        if not low <= args.storage_gb <= high:
            problems.append(f"storage_gb must be between {low} and {high} for {args.engine}, got {args.storage_gb}")
    if not 7 <= args.backup_retention_days <= 35:
        problems.append(f"backup_retention_days must be between 7 and 35, got {args.backup_retention_days}")
    if isinstance(args.vpc_id, str) and _VPC_ID_RE.fullmatch(args.vpc_id) is None:
        problems.append(f"vpc_id must be a VPC id (vpc-...), got {args.vpc_id!r}")
    subnets = args.subnet_ids
    if isinstance(subnets, list | tuple) and all(isinstance(s, str) for s in subnets) and len(set(subnets)) < 2:
        problems.append("subnet_ids must name at least two subnets, in different availability zones")
    problems += _cidr_problems(args.allowed_cidr_blocks)
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if engine_ok and args.engine_version is not None:
        try:
            parameter_group_family(args.engine, args.engine_version)
        except ValueError as exc:
            problems.append(str(exc))
    if isinstance(args.kms_key_arn, str) and KMS_KEY_ARN_RE.fullmatch(args.kms_key_arn) is None:
        problems.append(
            f"kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got {args.kms_key_arn!r}"
        )
    if engine_ok and args.database_name is not None:
        problems += _database_name_problems(args.engine, args.database_name)
    if args.monitoring_interval not in MONITORING_INTERVALS:
        problems.append(
            f"monitoring_interval must be one of {', '.join(map(str, MONITORING_INTERVALS))}, "
            f"got {args.monitoring_interval}"
        )
    return problems


def _database_name_problems(engine: Engine, name: str) -> list[str]:
    limit = DATABASE_NAME_MAX.get(engine)
    if limit is None:
        return [f"database_name is not supported for {engine}: RDS creates no database at launch on it"]
    if _DATABASE_NAME_RE.fullmatch(name) is None or len(name) > limit:
        return [f"database_name {name!r} must be 1-{limit} letters, digits or underscores, starting with a letter"]
    if name.lower() in RESERVED_DATABASE_NAMES[engine]:
        return [f"database_name {name!r} is reserved by {engine}"]
    return []


# -- component -------------------------------------------------------------------------------------


class Database(pulumi.ComponentResource):
    """A private RDS instance: encrypted, TLS-only, backed up, monitored, credentials in Secrets Manager."""

    address: pulumi.Output[str]
    """Host name of the instance."""
    port: pulumi.Output[int]
    """Port of the engine."""
    endpoint: pulumi.Output[str]
    """`address:port`."""
    secret_arn: pulumi.Output[str]
    """ARN of the Secrets Manager secret holding engine, host, port, username, password and dbname."""
    security_group_id: pulumi.Output[str]
    """The instance's security group, e.g. for client security groups' egress rules. Do not add rules
    to it from outside: its inline rules own it and would remove them. Widen `allowed_cidr_blocks`."""
    instance_arn: pulumi.Output[str]
    """ARN of the DB instance."""

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_database_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        engine = args.engine
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        # Only set when locked, so that a `protect` the caller puts on the component still inherits.
        stateful = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True) if args.lock else child
        version = args.engine_version or DEFAULT_ENGINE_VERSIONS[engine]
        family = parameter_group_family(engine, version)
        db_class = instance_class(engine, args.size)
        port = PORTS[engine]
        database_name = args.database_name or default_database_name(engine, args.identifier)
        performance_insights = performance_insights_supported(engine, db_class)

        password = random.RandomPassword(
            f"{name}-password",
            length=PASSWORD_LENGTH,
            special=True,
            override_special=PASSWORD_SPECIALS,
            min_lower=1,
            min_upper=1,
            min_numeric=1,
            min_special=1,
            opts=stateful,
        )
        secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=f"rds/{args.identifier}/credentials",
            description=f"Administrator credentials of RDS instance {args.identifier}",
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=SECRET_RECOVERY_DAYS,
            tags=tags,
            opts=stateful,
        )
        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnet-group",
            name=args.identifier,
            description=f"Subnets of RDS instance {args.identifier}",
            subnet_ids=args.subnet_ids,
            tags=tags,
            opts=child,
        )
        security_group = aws.ec2.SecurityGroup(
            f"{name}-security-group",
            name=f"{args.identifier}-db",
            description=f"RDS instance {args.identifier}: {engine} port from allowed clients only",
            vpc_id=args.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    description=f"{engine} clients",
                    protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_blocks=args.allowed_cidr_blocks,
                )
            ],
            # Explicitly none: the provider then removes AWS's default allow-all egress rule and
            # keeps it removed. Replies to clients need no rule (security groups are stateful).
            egress=[],
            tags={**tags, "Name": f"{args.identifier}-db"},
            opts=child,
        )
        parameter_group = aws.rds.ParameterGroup(
            f"{name}-parameter-group",
            name=parameter_group_name(args.identifier, family),
            family=family,
            description=f"TLS-only settings of RDS instance {args.identifier}",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name=p, value=v, apply_method=m)
                for p, v, m in db_parameters(engine)
            ],
            tags=tags,
            opts=child,
        )

        monitoring_role_arn: pulumi.Output[str] | None = None
        instance_depends_on: list[pulumi.Resource] = []
        if args.monitoring_interval:
            account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
            role = aws.iam.Role(
                f"{name}-monitoring-role",
                name=args.identifier,
                path=args.role_path,
                permissions_boundary=args.permissions_boundary_arn,
                description=f"Enhanced monitoring of RDS instance {args.identifier}",
                assume_role_policy=account.apply(
                    lambda account_id: service_assume_role_policy(MONITORING_SERVICE, source_account=account_id)
                ),
                tags=tags,
                opts=child,
            )
            attachment = aws.iam.RolePolicyAttachment(
                f"{name}-monitoring-policy",
                role=role.name,
                policy_arn=ENHANCED_MONITORING_POLICY_ARN,
                opts=child,
            )
            monitoring_role_arn = role.arn
            # RDS checks the role's permissions when the instance is created.
            instance_depends_on.append(attachment)

        instance = aws.rds.Instance(
            f"{name}-instance",
            identifier=args.identifier,
            engine=RDS_ENGINES[engine],
            engine_version=version,
            license_model="license-included" if engine == "sqlserver" else None,
            instance_class=db_class,
            allocated_storage=args.storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            db_name=database_name,
            username=USERNAME,
            password=password.result,
            port=port,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[security_group.id],
            parameter_group_name=parameter_group.name,
            publicly_accessible=False,
            multi_az=args.multi_az,
            backup_retention_period=args.backup_retention_days,
            backup_window=BACKUP_WINDOW,
            maintenance_window=MAINTENANCE_WINDOW,
            copy_tags_to_snapshot=True,
            deletion_protection=args.lock,
            skip_final_snapshot=not args.lock,
            final_snapshot_identifier=f"{args.identifier}-final" if args.lock else None,
            delete_automated_backups=not args.lock,
            auto_minor_version_upgrade=True,
            iam_database_authentication_enabled=engine != "sqlserver",
            performance_insights_enabled=performance_insights,
            performance_insights_kms_key_id=args.kms_key_arn if performance_insights else None,
            performance_insights_retention_period=(
                PERFORMANCE_INSIGHTS_RETENTION_DAYS if performance_insights else None
            ),
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS[engine]),
            monitoring_interval=args.monitoring_interval,
            monitoring_role_arn=monitoring_role_arn,
            tags=tags,
            opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=instance_depends_on)),
        )
        aws.secretsmanager.SecretVersion(
            f"{name}-secret-version",
            secret_id=secret.id,
            secret_string=pulumi.Output.json_dumps(
                pulumi.Output.secret(
                    {
                        "engine": engine,
                        "host": instance.address,
                        "port": instance.port,
                        "username": USERNAME,
                        "password": password.result,
                        # SQL Server has no database of ours at launch: clients start in `master`.
                        "dbname": database_name or "master",
                    }
                )
            ),
            opts=stateful,
        )

        self.address = instance.address
        self.port = instance.port
        self.endpoint = instance.endpoint
        self.secret_arn = secret.arn
        self.security_group_id = security_group.id
        self.instance_arn = instance.arn
        self.register_outputs(
            {
                "address": self.address,
                "port": self.port,
                "endpoint": self.endpoint,
                "secret_arn": self.secret_arn,
                "security_group_id": self.security_group_id,
                "instance_arn": self.instance_arn,
            }
        )
