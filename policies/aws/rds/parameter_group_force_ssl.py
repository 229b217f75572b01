"""aws-rds-parameter-group-force-ssl: DB parameter groups make the engine refuse connections
without TLS.

Why: database traffic carries residents' records and the application's credentials. Security
groups limit who can connect, but only the engine can insist on encryption: `rds.force_ssl = 1`
(PostgreSQL, Aurora PostgreSQL, SQL Server) or `require_secure_transport = ON` (MySQL, MariaDB,
Aurora MySQL).

Which parameter, by the group's `family`:
* `postgresNN`, `aurora-postgresqlNN`, `sqlserver-*`: `rds.force_ssl` must be `1`. RDS for PostgreSQL
  15 and later already defaults to 1, so there the parameter may be left out (but not set to 0).
* `mysql*`, `mariadb*`, `aurora-mysql*`: `require_secure_transport` must be `ON` (or `1`).
* Aurora's setting is cluster-wide, so instance parameter groups (`aws.rds.ParameterGroup`) of
  `aurora-*` families are skipped and cluster parameter groups are checked. Other engines (Oracle,
  Db2: TLS through option groups) are skipped.

Messages:
* `Parameter group (postgres14) does not require TLS: set rds.force_ssl to 1`
* `Parameter group (mysql8.0) sets require_secure_transport to 'OFF'; it must be ON so that clients cannot
  connect without TLS`
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, resource_policy

PARAMETER_GROUP: Final = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP: Final = "aws:rds/clusterParameterGroup:ClusterParameterGroup"

_POSTGRES = re.compile(r"^(?P<engine>aurora-postgresql|postgres)(?P<major>\d+)")
_MYSQL = re.compile(r"^(?:aurora-mysql|mysql|mariadb)")


def _requirement(family: str) -> tuple[str, tuple[str, ...], str, bool] | None:
    """(parameter, accepted values, value to ask for, may be absent) for a family; None: not checked."""
    postgres = _POSTGRES.match(family)
    if postgres:
        defaults_on = postgres.group("engine") == "postgres" and int(postgres.group("major")) >= 15
        return ("rds.force_ssl", ("1",), "1", defaults_on)
    if family.startswith("sqlserver-"):
        return ("rds.force_ssl", ("1",), "1", False)
    if _MYSQL.match(family):
        return ("require_secure_transport", ("on", "1"), "ON", False)
    return None


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    family = str(get(props, "family") or "")
    if args.resource_type == PARAMETER_GROUP and family.startswith("aurora"):
        return
    requirement = _requirement(family)
    if requirement is None:
        return
    name, accepted, wanted, may_be_absent = requirement
    values = [
        get(props, f"parameters.{i}.value")
        for i in range(len(as_list(get(props, "parameters"))))
        if get(props, f"parameters.{i}.name") == name
    ]
    if not values:
        if not may_be_absent:
            report(f"Parameter group ({family}) does not require TLS: set {name} to {wanted}", None)
        return
    value = str(values[-1])
    if value.strip().lower() not in accepted:
        report(
            f"Parameter group ({family}) sets {name} to '{value}'; it must be {wanted} so that clients "
            "cannot connect without TLS",
            None,
        )


POLICY, METADATA = resource_policy(
    name="aws-rds-parameter-group-force-ssl",
    description="RDS parameter groups force TLS for client connections (rds.force_ssl / require_secure_transport).",
    severity="high",
    frameworks=Frameworks(ncsc="1", cyber_essentials="Secure configuration"),
    remediation=(
        "Use `modules.aws.database.Database`, whose parameter group always sets `rds.force_ssl=1` "
        "(PostgreSQL, SQL Server) or `require_secure_transport=ON` (MySQL). Otherwise add the "
        "parameter to the group's `parameters` (SQL Server's is static: `apply_method='pending-reboot'`) "
        "and make sure clients connect with TLS (`sslmode=verify-full` and the RDS CA bundle)."
    ),
    resource_types=(PARAMETER_GROUP, CLUSTER_PARAMETER_GROUP),
    validate=_validate,
    topics=("encryption-in-transit", "database"),
)
