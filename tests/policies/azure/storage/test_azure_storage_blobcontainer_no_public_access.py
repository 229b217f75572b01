"""azure-storage-blobcontainer-no-public-access: `publicAccess` None or absent passes; Blob/Container fail."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import BLOB_CONTAINER, BLOB_CONTAINER_PROPS, STORAGE_ACCOUNT, changed, without
from policy_harness import violations

from policies.azure.storage.blobcontainer_no_public_access import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-blobcontainer-no-public-access"
    assert METADATA.severity == "critical"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, BLOB_CONTAINER, BLOB_CONTAINER_PROPS) == []


def test_absent_public_access_passes() -> None:
    assert violations(POLICY, BLOB_CONTAINER, without(BLOB_CONTAINER_PROPS, "publicAccess")) == []


@pytest.mark.parametrize("level", ["Blob", "Container"])
def test_public_access_fails(level: str) -> None:
    assert violations(POLICY, BLOB_CONTAINER, changed(BLOB_CONTAINER_PROPS, "publicAccess", level)) == [
        f"Blob container 'data' allows anonymous access (publicAccess {level}): set publicAccess to None"
    ]


def test_container_without_name_is_named_by_resource() -> None:
    props = changed(without(BLOB_CONTAINER_PROPS, "containerName"), "publicAccess", "Blob")
    assert violations(POLICY, BLOB_CONTAINER, props, name="docs-container-data") == [
        "Blob container 'docs-container-data' allows anonymous access (publicAccess Blob): set publicAccess to None"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {"publicAccess": "Container"}) == []
