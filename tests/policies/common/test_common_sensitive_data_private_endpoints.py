"""lz-all-sensitive-data-private-endpoints (stack): OFFICIAL-SENSITIVE Azure data stores need a private
endpoint pointing at them, or their public network access off; OFFICIAL stores are not judged."""

from __future__ import annotations

from typing import Any

import pytest
from policy_harness import stack_violations
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.common.sensitive_data_private_endpoints import METADATA, POLICY

SUB = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers"
SENSITIVE = {"data-classification": "OFFICIAL-SENSITIVE", "environment": "prod"}
OFFICIAL = {"data-classification": "OFFICIAL", "environment": "prod"}
ADVICE = (
    "holds OFFICIAL-SENSITIVE data and is reachable from public networks: add a private endpoint for it, or "
    "disable its public network access"
)

STORAGE = "azure-native:storage:StorageAccount"
VAULT = "azure-native:keyvault:Vault"
SQL = "azure-native:sql:Server"
POSTGRES = "azure-native:dbforpostgresql:Server"
PE = "azure-native:network:PrivateEndpoint"

#: Each store with its public endpoint on (the shape that needs a private endpoint).
PUBLIC_STORES: list[tuple[str, str, dict[str, Any]]] = [
    (STORAGE, "docs-sa", {"accountName": "stdocs", "publicNetworkAccess": "Enabled", "tags": SENSITIVE}),
    (VAULT, "kv", {"vaultName": "kv-docs", "properties": {"publicNetworkAccess": "Enabled"}, "tags": SENSITIVE}),
    (SQL, "sql", {"serverName": "sql-docs", "publicNetworkAccess": "Enabled", "tags": SENSITIVE}),
    (POSTGRES, "pg", {"serverName": "psql-docs", "network": {"publicNetworkAccess": "Enabled"}, "tags": SENSITIVE}),
]
LABELS = {STORAGE: "Storage account", VAULT: "Key Vault", SQL: "SQL server", POSTGRES: "PostgreSQL flexible server"}


def _endpoint(target_id: Any, connections: str = "privateLinkServiceConnections") -> dict[str, Any]:
    return {
        connections: [{"name": "conn", "privateLinkServiceId": target_id, "groupIds": ["blob"]}],
        "subnet": {"id": f"{SUB}/Microsoft.Network/virtualNetworks/v/subnets/pe"},
    }


def _urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:test::lz::{resource_type}::{name}"


def test_metadata() -> None:
    assert METADATA.name == "lz-all-sensitive-data-private-endpoints"
    assert METADATA.kind == "stack"
    assert METADATA.severity == "high"


def test_public_sensitive_stores_fail() -> None:
    assert stack_violations(POLICY, PUBLIC_STORES) == [
        (f"{LABELS[t]} '{p.get('accountName') or p.get('vaultName') or p['serverName']}' {ADVICE}", _urn(t, n))
        for t, n, p in PUBLIC_STORES
    ]


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (STORAGE, {"publicNetworkAccess": "Disabled", "tags": SENSITIVE}),
        (VAULT, {"properties": {"publicNetworkAccess": "disabled"}, "tags": SENSITIVE}),
        (SQL, {"publicNetworkAccess": "Disabled", "tags": SENSITIVE}),
        (POSTGRES, {"network": {"publicNetworkAccess": "Disabled"}, "tags": SENSITIVE}),
        (POSTGRES, {"network": {"delegatedSubnetResourceId": f"{SUB}/Microsoft.Network/x"}, "tags": SENSITIVE}),
    ],
)
def test_public_access_disabled_passes(resource_type: str, props: dict[str, Any]) -> None:
    assert stack_violations(POLICY, [(resource_type, "store", props)]) == []


@pytest.mark.parametrize("connections", ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"])
def test_private_endpoint_by_dependency_passes(connections: str) -> None:
    resources = [
        *PUBLIC_STORES[:1],
        (PE, "docs-pe", _endpoint(UNKNOWN_STRING_VALUE, connections), {connections: ["docs-sa"]}),
    ]
    assert stack_violations(POLICY, resources) == []


def test_private_endpoint_by_literal_id_passes() -> None:
    resources = [*PUBLIC_STORES[1:2], (PE, "kv-pe", _endpoint(f"{SUB}/Microsoft.KeyVault/vaults/kv-docs"))]
    assert stack_violations(POLICY, resources) == []


def test_private_endpoint_for_another_store_does_not_count() -> None:
    resources = [*PUBLIC_STORES[2:3], (PE, "pe", _endpoint(f"{SUB}/Microsoft.Sql/servers/sql-docs-old"))]
    assert stack_violations(POLICY, resources) == [(f"SQL server 'sql-docs' {ADVICE}", _urn(SQL, "sql"))]


def test_storage_selected_networks_still_needs_a_private_endpoint() -> None:
    props = {
        "accountName": "stdocs",
        "networkRuleSet": {"defaultAction": "Deny", "virtualNetworkRules": [{"virtualNetworkResourceId": "x"}]},
        "publicNetworkAccess": "Enabled",
        "tags": SENSITIVE,
    }
    assert stack_violations(POLICY, [(STORAGE, "docs-sa", props)]) == [
        (f"Storage account 'stdocs' {ADVICE}", _urn(STORAGE, "docs-sa"))
    ]


def test_official_stores_are_not_judged() -> None:
    resources = [(t, n, {**p, "tags": OFFICIAL}) for t, n, p in PUBLIC_STORES]
    assert stack_violations(POLICY, resources) == []


def test_store_with_unknown_classification_is_not_judged_yet() -> None:
    props = {"accountName": "stdocs", "publicNetworkAccess": "Enabled", "tags": UNKNOWN_STRING_VALUE}
    assert stack_violations(POLICY, [(STORAGE, "docs-sa", props)]) == []


def test_other_types_are_ignored() -> None:
    resources = [("aws:rds/instance:Instance", "db", {"publiclyAccessible": True, "tags": SENSITIVE})]
    assert stack_violations(POLICY, resources) == []
