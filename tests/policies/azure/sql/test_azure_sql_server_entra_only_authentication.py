"""azure-sql-server-entra-only-authentication: an Entra administrator with Entra-only authentication."""

from __future__ import annotations

from azure_policy_fixtures import POSTGRES, SQL_SERVER, SQL_SERVER_PROPS, changed, without
from policy_harness import violations

from policies.azure.sql.server_entra_only_authentication import METADATA, POLICY

NO_ADMIN = (
    "SQL server has no Microsoft Entra administrator: set administrators (a group's login and sid) "
    "with azureADOnlyAuthentication true"
)
SQL_AUTH = "SQL server still allows SQL authentication: set administrators.azureADOnlyAuthentication to true"


def test_metadata() -> None:
    assert METADATA.name == "azure-sql-server-entra-only-authentication"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, SQL_SERVER, SQL_SERVER_PROPS) == []


def test_no_entra_administrator_fails() -> None:
    props = changed(without(SQL_SERVER_PROPS, "administrators"), "administratorLogin", "sqladmin")
    assert violations(POLICY, SQL_SERVER, props) == [NO_ADMIN]


def test_administrator_without_identity_fails() -> None:
    props = changed(SQL_SERVER_PROPS, "administrators", {"azureADOnlyAuthentication": True})
    assert violations(POLICY, SQL_SERVER, props) == [NO_ADMIN]


def test_sql_authentication_still_allowed_fails() -> None:
    props = changed(SQL_SERVER_PROPS, "administrators.azureADOnlyAuthentication", False)
    assert violations(POLICY, SQL_SERVER, props) == [SQL_AUTH]


def test_entra_only_unset_fails() -> None:
    props = without(SQL_SERVER_PROPS, "administrators.azureADOnlyAuthentication")
    assert violations(POLICY, SQL_SERVER, props) == [SQL_AUTH]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, POSTGRES, {}) == []
