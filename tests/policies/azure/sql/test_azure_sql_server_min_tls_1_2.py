"""azure-sql-server-min-tls-1-2: `minimalTlsVersion` 1.2 or 1.3."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import POSTGRES, SQL_SERVER, SQL_SERVER_PROPS, changed, without
from policy_harness import violations

from policies.azure.sql.server_min_tls_1_2 import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-sql-server-min-tls-1-2"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, SQL_SERVER, SQL_SERVER_PROPS) == []


def test_tls_1_3_passes() -> None:
    assert violations(POLICY, SQL_SERVER, changed(SQL_SERVER_PROPS, "minimalTlsVersion", "1.3")) == []


@pytest.mark.parametrize("version", ["1.0", "1.1", "None"])
def test_old_or_no_minimum_fails(version: str) -> None:
    assert violations(POLICY, SQL_SERVER, changed(SQL_SERVER_PROPS, "minimalTlsVersion", version)) == [
        f"SQL server accepts TLS older than 1.2 (minimalTlsVersion {version}): set minimalTlsVersion to 1.2"
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, SQL_SERVER, without(SQL_SERVER_PROPS, "minimalTlsVersion")) == [
        "SQL server accepts TLS older than 1.2 (minimalTlsVersion not set): set minimalTlsVersion to 1.2"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, POSTGRES, {"minimalTlsVersion": "1.0"}) == []
