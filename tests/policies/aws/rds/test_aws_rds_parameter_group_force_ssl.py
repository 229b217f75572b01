"""aws-rds-parameter-group-force-ssl: parameter groups force TLS."""

from __future__ import annotations

from typing import Any

import pytest

from policies.aws.rds.parameter_group_force_ssl import METADATA, POLICY
from tests.policies.policy_harness import violations

GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"


def group(family: str, *parameters: tuple[str, str]) -> dict[str, Any]:
    return {
        "family": family,
        "name": "g",
        "description": "d",
        "parameters": [{"name": n, "value": v, "applyMethod": "immediate"} for n, v in parameters],
    }


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-parameter-group-force-ssl"
    assert METADATA.severity == "high"
    assert METADATA.resource_types == (GROUP, CLUSTER_GROUP)


@pytest.mark.parametrize(
    "props",
    [
        # The three groups modules.aws.database.db_parameters produces.
        group("postgres16", ("rds.force_ssl", "1")),
        group(
            "mysql8.0",
            ("require_secure_transport", "ON"),
            ("slow_query_log", "1"),
            ("long_query_time", "2"),
            ("log_output", "FILE"),
        ),
        group("sqlserver-web-16.0", ("rds.force_ssl", "1")),
    ],
    ids=["postgres", "mysql", "sqlserver"],
)
def test_module_groups_pass(props: dict[str, Any]) -> None:
    assert violations(POLICY, GROUP, props) == []


def test_postgres_15_and_later_default_to_tls() -> None:
    assert violations(POLICY, GROUP, group("postgres15")) == []


def test_postgres_14_needs_the_parameter() -> None:
    assert violations(POLICY, GROUP, group("postgres14")) == [
        "Parameter group (postgres14) does not require TLS: set rds.force_ssl to 1"
    ]


def test_postgres_16_turned_off() -> None:
    assert violations(POLICY, GROUP, group("postgres16", ("rds.force_ssl", "0"))) == [
        "Parameter group (postgres16) sets rds.force_ssl to '0'; it must be 1 so that clients cannot connect "
        "without TLS"
    ]


def test_mysql_off() -> None:
    assert violations(POLICY, GROUP, group("mysql8.0", ("require_secure_transport", "OFF"))) == [
        "Parameter group (mysql8.0) sets require_secure_transport to 'OFF'; it must be ON so that clients cannot "
        "connect without TLS"
    ]


def test_mariadb_missing_and_numeric_on() -> None:
    assert violations(POLICY, GROUP, group("mariadb10.11")) == [
        "Parameter group (mariadb10.11) does not require TLS: set require_secure_transport to ON"
    ]
    assert violations(POLICY, GROUP, group("mariadb10.11", ("require_secure_transport", "1"))) == []


def test_sqlserver_missing() -> None:
    assert violations(POLICY, GROUP, group("sqlserver-se-15.0")) == [
        "Parameter group (sqlserver-se-15.0) does not require TLS: set rds.force_ssl to 1"
    ]


def test_aurora_is_checked_on_the_cluster_group_only() -> None:
    assert violations(POLICY, GROUP, group("aurora-postgresql16")) == []
    assert violations(POLICY, CLUSTER_GROUP, group("aurora-postgresql16")) == [
        "Parameter group (aurora-postgresql16) does not require TLS: set rds.force_ssl to 1"
    ]
    assert violations(POLICY, CLUSTER_GROUP, group("aurora-mysql8.0", ("require_secure_transport", "ON"))) == []


def test_oracle_is_not_judged() -> None:
    assert violations(POLICY, GROUP, group("oracle-ee-19")) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/optionGroup:OptionGroup", group("postgres14")) == []
