"""azure-storage-account-min-tls-1-2: TLS1_2/TLS1_3 pass; older or unset versions fail with their value."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import BLOB_CONTAINER, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS, changed, without
from policy_harness import violations

from policies.azure.storage.account_min_tls_1_2 import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-min-tls-1-2"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_tls_1_3_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "minimumTlsVersion", "TLS1_3")) == []


@pytest.mark.parametrize("version", ["TLS1_0", "TLS1_1"])
def test_old_tls_fails(version: str) -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "minimumTlsVersion", version)) == [
        f"Storage account accepts TLS older than 1.2 (minimumTlsVersion {version}): set minimumTlsVersion to TLS1_2"
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "minimumTlsVersion")) == [
        "Storage account accepts TLS older than 1.2 (minimumTlsVersion not set): set minimumTlsVersion to TLS1_2"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, BLOB_CONTAINER, {"minimumTlsVersion": "TLS1_0"}) == []
