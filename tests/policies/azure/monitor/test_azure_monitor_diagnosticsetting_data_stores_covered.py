"""azure-monitor-diagnosticsetting-data-stores-covered (stack): each storage account, Key Vault, SQL server
and PostgreSQL server is the target of a diagnostic setting, by property dependency or literal ARM id."""

from __future__ import annotations

from typing import Any

import pytest
from azure_policy_fixtures import (
    DIAGNOSTIC_SETTING,
    DIAGNOSTIC_SETTING_PROPS,
    KEY_VAULT,
    KEY_VAULT_PROPS,
    POSTGRES,
    POSTGRES_PROPS,
    RESOURCE_GROUP,
    RG,
    SQL_SERVER,
    SQL_SERVER_PROPS,
    STORAGE_ACCOUNT,
    STORAGE_ACCOUNT_PROPS,
    WORKSPACE_ID,
    changed,
)
from policy_harness import stack_violations
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.azure.monitor.diagnosticsetting_data_stores_covered import METADATA, POLICY

ADVICE = (
    "has no diagnostic setting: add a monitor.DiagnosticSetting whose resourceUri is the resource's id "
    "(or a sub-service of it), sending to the council's Log Analytics workspace"
)
#: The resourceUri the storage module computes from `account.id` (unknown until the account exists).
COMPUTED = {"name": "lz-diagnostics", "resourceUri": UNKNOWN_STRING_VALUE, "workspaceId": WORKSPACE_ID}
ACCOUNT_URN = f"urn:pulumi:test::lz::{STORAGE_ACCOUNT}::docs-sa"


def _literal(uri: str) -> dict[str, Any]:
    return changed(DIAGNOSTIC_SETTING_PROPS, "resourceUri", uri)


def test_metadata() -> None:
    assert METADATA.name == "azure-monitor-diagnosticsetting-data-stores-covered"
    assert METADATA.severity == "medium"
    assert METADATA.kind == "stack"


def test_account_with_dependent_diagnostic_setting_passes() -> None:
    resources = [
        (STORAGE_ACCOUNT, "docs-sa", STORAGE_ACCOUNT_PROPS),
        (DIAGNOSTIC_SETTING, "docs-diagnostics", COMPUTED, {"resourceUri": ["docs-sa"]}),
    ]
    assert stack_violations(POLICY, resources) == []


def test_account_without_diagnostic_setting_fails() -> None:
    assert stack_violations(POLICY, [(STORAGE_ACCOUNT, "docs-sa", STORAGE_ACCOUNT_PROPS)]) == [
        (f"Storage account 'ebcproduksstplanni4a1898' {ADVICE}", ACCOUNT_URN)
    ]


def test_dependency_through_another_property_does_not_count() -> None:
    resources = [
        (STORAGE_ACCOUNT, "docs-sa", STORAGE_ACCOUNT_PROPS),
        (DIAGNOSTIC_SETTING, "other-diagnostics", DIAGNOSTIC_SETTING_PROPS, {"storageAccountId": ["docs-sa"]}),
    ]
    assert stack_violations(POLICY, resources) == [
        (f"Storage account 'ebcproduksstplanni4a1898' {ADVICE}", ACCOUNT_URN)
    ]


@pytest.mark.parametrize(
    "uri",
    [
        f"{RG}/providers/Microsoft.Storage/storageAccounts/ebcproduksstplanni4a1898",
        f"{RG}/providers/Microsoft.Storage/storageAccounts/ebcproduksstplanni4a1898/blobServices/default",
        f"{RG}/providers/microsoft.storage/storageaccounts/EBCPRODUKSSTPLANNI4A1898/",
    ],
)
def test_literal_resource_uri_counts(uri: str) -> None:
    resources = [(STORAGE_ACCOUNT, "docs-sa", STORAGE_ACCOUNT_PROPS), (DIAGNOSTIC_SETTING, "d", _literal(uri))]
    assert stack_violations(POLICY, resources) == []


def test_literal_uri_of_an_account_with_a_longer_name_does_not_count() -> None:
    uri = f"{RG}/providers/Microsoft.Storage/storageAccounts/ebcproduksstplanni4a1898old"
    resources = [(STORAGE_ACCOUNT, "docs-sa", STORAGE_ACCOUNT_PROPS), (DIAGNOSTIC_SETTING, "d", _literal(uri))]
    assert stack_violations(POLICY, resources) == [
        (f"Storage account 'ebcproduksstplanni4a1898' {ADVICE}", ACCOUNT_URN)
    ]


def test_every_data_store_type_is_judged_with_its_label() -> None:
    resources = [
        (KEY_VAULT, "kv", KEY_VAULT_PROPS),
        (SQL_SERVER, "sql", SQL_SERVER_PROPS),
        (POSTGRES, "pg", POSTGRES_PROPS),
        (RESOURCE_GROUP, "rg", {"location": "uksouth"}),
    ]
    assert stack_violations(POLICY, resources) == [
        (f"Key Vault 'kv-ebc-prd-uks-docs' {ADVICE}", f"urn:pulumi:test::lz::{KEY_VAULT}::kv"),
        (f"SQL server 'sql-ebc-prd-uks-planning' {ADVICE}", f"urn:pulumi:test::lz::{SQL_SERVER}::sql"),
        (f"PostgreSQL flexible server 'psql-ebc-prd-uks-repairs' {ADVICE}", f"urn:pulumi:test::lz::{POSTGRES}::pg"),
    ]


def test_key_vault_covered_by_literal_id_passes() -> None:
    resources = [(KEY_VAULT, "kv", KEY_VAULT_PROPS), (DIAGNOSTIC_SETTING, "kv-diag", DIAGNOSTIC_SETTING_PROPS)]
    assert stack_violations(POLICY, resources) == []


def test_store_whose_name_is_unknown_is_named_by_resource() -> None:
    props = changed(STORAGE_ACCOUNT_PROPS, "accountName", UNKNOWN_STRING_VALUE)
    assert stack_violations(POLICY, [(STORAGE_ACCOUNT, "docs-sa", props)]) == [
        (f"Storage account 'docs-sa' {ADVICE}", ACCOUNT_URN)
    ]


def test_stack_without_data_stores_passes() -> None:
    assert stack_violations(POLICY, [(RESOURCE_GROUP, "rg", {"location": "uksouth"})]) == []
