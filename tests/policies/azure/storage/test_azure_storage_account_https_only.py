"""azure-storage-account-https-only: the storage module's account passes; HTTP allowed or unset fails."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import BLOB_CONTAINER, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS, changed, without
from policy_harness import violations

from policies.azure.storage.account_https_only import METADATA, POLICY

MESSAGE = "Storage account does not require secure transfer: set enableHttpsTrafficOnly to true"


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-https-only"
    assert METADATA.severity == "high"
    assert METADATA.resource_types == (STORAGE_ACCOUNT,)


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_http_allowed_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "enableHttpsTrafficOnly", False)) == [
        MESSAGE
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "enableHttpsTrafficOnly")) == [MESSAGE]


@pytest.mark.parametrize("resource_type", [BLOB_CONTAINER, "aws:s3/bucket:Bucket"])
def test_other_types_are_ignored(resource_type: str) -> None:
    assert violations(POLICY, resource_type, {"enableHttpsTrafficOnly": False}) == []
