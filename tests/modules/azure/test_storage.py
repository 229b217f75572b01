"""modules/azure/storage.py: StorageAccount under the offline planner, and its validation."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from lz.plan import PlannedResource, StackPlan, plan_callable
from lz.plan.mocks import PlanMocks, fake_uuid
from modules.azure.resource_group import OWNER_ROLE_ID, RoleAssignmentSpec, role_assignment_name
from modules.azure.storage import (
    CmkSpec,
    ContainerSpec,
    StorageAccount,
    StorageAccountArgs,
    validate_storage_account_args,
)

TOKEN = "lz:azure:StorageAccount"
SA = "azure-native:storage:StorageAccount"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
CONTAINER = "azure-native:storage:BlobContainer"
DIAG = "azure-native:monitor:DiagnosticSetting"
LOCK = "azure-native:authorization:ManagementLockByScope"
RA = "azure-native:authorization:RoleAssignment"
CONFIG = {"azure-native:location": "uksouth"}
SUB = "00000000-0000-4000-8000-000000000000"  # the planner's default subscription
RG_NAME = "lz-dev-uks-rg-planning"
ACCOUNT_ID = (
    f"/subscriptions/{SUB}/resourceGroups/{RG_NAME}/providers/Microsoft.Storage/storageAccounts/lzdevuksstplanning"
)
TAGS = {
    "service": "planning",
    "cost-centre": "CC123",
    "owner": "digital@council.gov.uk",
    "environment": "dev",
    "business-unit": "place",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}
TAGGABLE = set(
    json.loads((Path(__file__).parents[3] / "lz" / "data" / "taggable_types.json").read_text())["azure-native"]
)
ARM = f"/subscriptions/{SUB}/resourceGroups/lz-dev-uks-rg-shared/providers"
WORKSPACE = f"{ARM}/Microsoft.OperationalInsights/workspaces/lz-dev-uks-log-platform"
SUBNET_A = f"{ARM}/Microsoft.Network/virtualNetworks/lz-dev-uks-vnet-spoke/subnets/app"
SUBNET_B = f"{ARM}/Microsoft.Network/virtualNetworks/lz-dev-uks-vnet-spoke/subnets/data"
IDENTITY = f"{ARM}/Microsoft.ManagedIdentity/userAssignedIdentities/lz-dev-uks-id-storage"
CMK = CmkSpec(
    key_vault_uri="https://lz-dev-uks-kv-keys.vault.azure.net/", key_name="storage", user_assigned_identity_id=IDENTITY
)
BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
GROUP = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
APP = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"


def make_args(**overrides: Any) -> StorageAccountArgs:
    base = StorageAccountArgs(
        account_name="lzdevuksstplanning", resource_group_name=RG_NAME, location="uksouth", tags=TAGS
    )
    return dataclasses.replace(base, **overrides)


FULL: dict[str, Any] = {
    "lock": True,
    "containers": {"applications": ContainerSpec(), "scanned-documents": ContainerSpec(metadata={"class": "official"})},
    "log_analytics_workspace_id": WORKSPACE,
    "allowed_subnet_ids": [SUBNET_A, SUBNET_B],
    "role_assignments": {
        "readers": RoleAssignmentSpec(principal_id=GROUP, role_definition_id=BLOB_READER),
        "app": RoleAssignmentSpec(
            principal_id=APP, role_definition_id=BLOB_CONTRIBUTOR, principal_type="ServicePrincipal"
        ),
    },
}


@pytest.fixture
def identity_outputs_as_map(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Return `identity.userAssignedIdentities` the way Azure does: a map keyed by identity id.

    The planner's mock echoes the input list back, which the SDK cannot read as the map the output
    type declares; only plans with user-assigned identities need this.
    """
    original = PlanMocks.new_resource

    def new_resource(self: PlanMocks, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        rid, state = original(self, args)
        identity = state.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            identities = {
                i: {"principalId": fake_uuid(i + "principal"), "clientId": fake_uuid(i + "client")}
                for i in identity["userAssignedIdentities"]
            }
            state = {**state, "identity": {**identity, "userAssignedIdentities": identities}}
        return rid, state

    monkeypatch.setattr(PlanMocks, "new_resource", new_resource)
    yield


def plan_sa(args: StorageAccountArgs) -> StackPlan:
    def program() -> None:
        sa = StorageAccount("planning", args)
        pulumi.export("name", sa.name)
        pulumi.export("id", sa.id)
        pulumi.export("primary_blob_endpoint", sa.primary_blob_endpoint)
        pulumi.export("container_names", sa.container_names)

    return plan_callable(program, project="lz", stack="test", config=CONFIG)


def children(plan: StackPlan) -> list[PlannedResource]:
    component = plan.one(TOKEN, "planning")
    return [r for r in plan.resources if r.parent == component.urn]


def kinds(plan: StackPlan) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in children(plan))


# -- structure --------------------------------------------------------------------------------------


def test_default_creates_exactly_these_children() -> None:
    plan = plan_sa(make_args())
    assert kinds(plan) == [(BLOB_SERVICE, "planning-blob-service"), (SA, "planning-sa")]
    assert {r.type for r in plan.managed()} == {TOKEN, SA, BLOB_SERVICE}


def test_full_config_creates_exactly_these_children() -> None:
    plan = plan_sa(make_args(**FULL))
    assert kinds(plan) == sorted(
        [
            (SA, "planning-sa"),
            (BLOB_SERVICE, "planning-blob-service"),
            (CONTAINER, "planning-container-applications"),
            (CONTAINER, "planning-container-scanned-documents"),
            (DIAG, "planning-diagnostics"),
            (LOCK, "planning-lock"),
            (RA, "planning-ra-readers"),
            (RA, "planning-ra-app"),
        ]
    )


def test_outputs() -> None:
    plan = plan_sa(make_args(**FULL))
    assert plan.outputs == {
        "name": "lzdevuksstplanning",
        "id": ACCOUNT_ID,
        "primary_blob_endpoint": "https://lzdevuksstplanning.blob.core.windows.net/",
        "container_names": ["applications", "scanned-documents"],
    }


# -- secure defaults --------------------------------------------------------------------------------


def test_secure_defaults() -> None:
    account = plan_sa(make_args()).one(SA, "planning-sa")
    expected = {
        "accountName": "lzdevuksstplanning",
        "resourceGroupName": RG_NAME,
        "location": "uksouth",
        "kind": "StorageV2",
        "sku": {"name": "Standard_ZRS"},
        "accessTier": "Hot",
        "enableHttpsTrafficOnly": True,
        "minimumTlsVersion": "TLS1_2",
        "allowBlobPublicAccess": False,
        "allowSharedKeyAccess": False,
        "defaultToOAuthAuthentication": True,
        "allowCrossTenantReplication": False,
        "publicNetworkAccess": "Disabled",
        "networkRuleSet": {"defaultAction": "Deny", "bypass": "AzureServices", "virtualNetworkRules": []},
        "encryption": {
            "keySource": "Microsoft.Storage",
            "requireInfrastructureEncryption": True,
            "services": {
                "blob": {"enabled": True, "keyType": "Account"},
                "file": {"enabled": True, "keyType": "Account"},
            },
        },
        "tags": TAGS,
    }
    assert account.inputs == expected
    assert "identity" not in account.inputs


@pytest.mark.parametrize(
    ("replication", "sku"),
    [("ZRS", "Standard_ZRS"), ("GZRS", "Standard_GZRS"), ("GRS", "Standard_GRS"), ("LRS", "Standard_LRS")],
)
def test_replication_sets_the_sku(replication: str, sku: str) -> None:
    account = plan_sa(make_args(replication=replication)).one(SA, "planning-sa")
    assert account.inputs["sku"] == {"name": sku}


def test_ukwest_with_geo_redundant_storage() -> None:
    account = plan_sa(make_args(location="ukwest", replication="GRS")).one(SA, "planning-sa")
    assert account.inputs["location"] == "ukwest"
    assert account.inputs["sku"] == {"name": "Standard_GRS"}


def test_allowed_subnets_open_only_the_firewall_for_them() -> None:
    account = plan_sa(make_args(allowed_subnet_ids=[SUBNET_A, SUBNET_B])).one(SA, "planning-sa")
    # Virtual network rules are only evaluated on an enabled public endpoint; everything else is denied.
    assert account.inputs["publicNetworkAccess"] == "Enabled"
    assert account.inputs["networkRuleSet"] == {
        "defaultAction": "Deny",
        "bypass": "AzureServices",
        "virtualNetworkRules": [
            {"virtualNetworkResourceId": SUBNET_A, "action": "Allow"},
            {"virtualNetworkResourceId": SUBNET_B, "action": "Allow"},
        ],
    }


def test_customer_managed_key(identity_outputs_as_map: None) -> None:
    account = plan_sa(make_args(customer_managed_key=CMK)).one(SA, "planning-sa")
    assert account.inputs["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [IDENTITY]}
    assert account.inputs["encryption"] == {
        "keySource": "Microsoft.Keyvault",
        "keyVaultProperties": {"keyName": "storage", "keyVaultUri": "https://lz-dev-uks-kv-keys.vault.azure.net/"},
        "encryptionIdentity": {"encryptionUserAssignedIdentity": IDENTITY},
        "requireInfrastructureEncryption": True,
        "services": {"blob": {"enabled": True, "keyType": "Account"}, "file": {"enabled": True, "keyType": "Account"}},
    }


def test_blob_service_versioning_and_soft_delete() -> None:
    plan = plan_sa(make_args())
    service = plan.one(BLOB_SERVICE, "planning-blob-service")
    assert service.inputs == {
        "accountName": "lzdevuksstplanning",
        "resourceGroupName": RG_NAME,
        "blobServicesName": "default",
        "isVersioningEnabled": True,
        "deleteRetentionPolicy": {"enabled": True, "days": 30},
        "containerDeleteRetentionPolicy": {"enabled": True, "days": 30},
    }
    custom = plan_sa(make_args(versioning=False, soft_delete_days=7)).one(BLOB_SERVICE, "planning-blob-service")
    assert custom.inputs["isVersioningEnabled"] is False
    assert custom.inputs["deleteRetentionPolicy"] == {"enabled": True, "days": 7}
    assert custom.inputs["containerDeleteRetentionPolicy"] == {"enabled": True, "days": 7}


def test_containers_are_private() -> None:
    plan = plan_sa(make_args(**FULL))
    service = plan.one(BLOB_SERVICE, "planning-blob-service")
    for name in ("applications", "scanned-documents"):
        container = plan.one(CONTAINER, f"planning-container-{name}")
        assert container.inputs["containerName"] == name
        assert container.inputs["accountName"] == "lzdevuksstplanning"
        assert container.inputs["resourceGroupName"] == RG_NAME
        assert container.inputs["publicAccess"] == "None"
        assert service.urn in container.dependencies
    assert plan.one(CONTAINER, "planning-container-scanned-documents").inputs["metadata"] == {"class": "official"}
    assert "metadata" not in plan.one(CONTAINER, "planning-container-applications").inputs


def test_diagnostics_on_the_blob_service() -> None:
    assert plan_sa(make_args()).find(DIAG) == []
    diag = plan_sa(make_args(log_analytics_workspace_id=WORKSPACE)).one(DIAG, "planning-diagnostics")
    assert diag.inputs == {
        "name": "lz-diagnostics",
        "resourceUri": f"{ACCOUNT_ID}/blobServices/default",
        "workspaceId": WORKSPACE,
        "logs": [
            {"category": "StorageRead", "enabled": True},
            {"category": "StorageWrite", "enabled": True},
            {"category": "StorageDelete", "enabled": True},
        ],
        "metrics": [{"category": "Transaction", "enabled": True}],
    }


def test_tags_on_every_taggable_child() -> None:
    plan = plan_sa(make_args(**FULL))
    # Which types take tags comes from the SDK-derived list: of these children, only the account does.
    taggable = [r for r in children(plan) if r.type in TAGGABLE]
    assert [r.type for r in taggable] == [SA]
    for resource in taggable:
        assert resource.inputs["tags"] == TAGS


# -- lock and role assignments ----------------------------------------------------------------------


def test_lock_only_when_asked() -> None:
    assert plan_sa(make_args()).find(LOCK) == []
    plan = plan_sa(make_args(**FULL))
    lock = plan.one(LOCK, "planning-lock")
    assert lock.inputs["scope"] == ACCOUNT_ID
    assert lock.inputs["level"] == "CanNotDelete"
    assert lock.inputs["lockName"] == "lz-cannot-delete"
    # Every other child is a dependency, so a destroy removes the lock first.
    others = {r.urn for r in children(plan) if r.type != LOCK}
    assert others <= set(lock.dependencies)


def test_role_assignments_on_the_account_have_deterministic_names() -> None:
    first = plan_sa(make_args(**FULL))
    second = plan_sa(make_args(**FULL))
    readers = first.one(RA, "planning-ra-readers")
    assert readers.inputs == {
        "scope": ACCOUNT_ID,
        "principalId": GROUP,
        "principalType": "Group",
        "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{BLOB_READER}",
        "roleAssignmentName": role_assignment_name(ACCOUNT_ID, GROUP, BLOB_READER),
    }
    app = first.one(RA, "planning-ra-app")
    assert app.inputs["principalType"] == "ServicePrincipal"
    assert app.inputs["roleAssignmentName"] == role_assignment_name(ACCOUNT_ID, APP, BLOB_CONTRIBUTOR)
    for name in ("planning-ra-readers", "planning-ra-app"):
        assert first.one(RA, name).inputs == second.one(RA, name).inputs


# -- validation -------------------------------------------------------------------------------------

SA_SHAPE = "has characters or a shape Storage account names do not allow (lowercase letters and digits only)"
CONTAINER_RULE = "must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit"

INVALID: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "upper case name",
        {"account_name": "LzDevSt"},
        [f"account_name 'LzDevSt' {SA_SHAPE}", "account_name 'LzDevSt' must be lowercase"],
    ),
    ("short name", {"account_name": "lz"}, ["account_name 'lz' is 2 characters long; Storage account names are 3-24"]),
    (
        "long name",
        {"account_name": "a" * 25},
        [f"account_name {'a' * 25!r} is 25 characters long; Storage account names are 3-24"],
    ),
    (
        "hyphen in name",
        {"account_name": "lz-dev-st"},
        [f"account_name 'lz-dev-st' {SA_SHAPE}", "account_name 'lz-dev-st' must not contain hyphens"],
    ),
    ("not UK", {"location": "northeurope"}, ["location 'northeurope' is not allowed; use one of uksouth, ukwest"]),
    (
        "ZRS in ukwest",
        {"location": "ukwest"},
        ["replication ZRS needs availability zones, which ukwest does not have; use LRS or GRS"],
    ),
    (
        "GZRS in ukwest",
        {"location": "ukwest", "replication": "GZRS"},
        ["replication GZRS needs availability zones, which ukwest does not have; use LRS or GRS"],
    ),
    ("bad replication", {"replication": "RAGRS"}, ["replication must be one of ZRS, GRS, GZRS, LRS, got 'RAGRS'"]),
    ("no soft delete", {"soft_delete_days": 0}, ["soft_delete_days must be between 1 and 365, got 0"]),
    ("too much soft delete", {"soft_delete_days": 366}, ["soft_delete_days must be between 1 and 365, got 366"]),
    ("upper case container", {"containers": {"Docs": ContainerSpec()}}, [f"container name 'Docs' {CONTAINER_RULE}"]),
    ("short container", {"containers": {"ab": ContainerSpec()}}, [f"container name 'ab' {CONTAINER_RULE}"]),
    ("long container", {"containers": {"a" * 64: ContainerSpec()}}, [f"container name {'a' * 64!r} {CONTAINER_RULE}"]),
    ("double hyphen", {"containers": {"a--b": ContainerSpec()}}, [f"container name 'a--b' {CONTAINER_RULE}"]),
    ("leading hyphen", {"containers": {"-ab": ContainerSpec()}}, [f"container name '-ab' {CONTAINER_RULE}"]),
    ("trailing hyphen", {"containers": {"ab-": ContainerSpec()}}, [f"container name 'ab-' {CONTAINER_RULE}"]),
    (
        "no tags",
        {"tags": {}},
        [
            "tags: Missing mandatory tags: service, cost-centre, owner, environment, business-unit, "
            "data-classification, managed-by"
        ],
    ),
    (
        "long tag key",
        {"tags": {**TAGS, "k" * 129: "v"}},
        [f"tags: Tag key '{'k' * 40}...' is 129 characters long; the limit is 128"],
    ),
    (
        "bad workspace",
        {"log_analytics_workspace_id": "lz-dev-uks-log-platform"},
        [
            "log_analytics_workspace_id 'lz-dev-uks-log-platform' is not a Log Analytics workspace id "
            "(.../providers/Microsoft.OperationalInsights/workspaces/<name>)"
        ],
    ),
    (
        "bad subnet",
        {"allowed_subnet_ids": ["10.0.0.0/24"]},
        [
            "allowed_subnet_ids: '10.0.0.0/24' is not a subnet id "
            "(.../providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>)"
        ],
    ),
    (
        "duplicate subnet",
        {"allowed_subnet_ids": [SUBNET_A, SUBNET_A]},
        [f"allowed_subnet_ids has duplicates: {SUBNET_A.lower()}"],
    ),
    (
        "subnet string",
        {"allowed_subnet_ids": SUBNET_A},
        ["allowed_subnet_ids must be a list of subnet ids, not a single string"],
    ),
    (
        "bad key vault",
        {"customer_managed_key": dataclasses.replace(CMK, key_vault_uri="lz-dev-uks-kv-keys")},
        [
            "customer_managed_key.key_vault_uri 'lz-dev-uks-kv-keys' is not a Key Vault URI "
            "(https://<vault>.vault.azure.net/)"
        ],
    ),
    (
        "bad key name",
        {"customer_managed_key": dataclasses.replace(CMK, key_name="my key")},
        ["customer_managed_key.key_name 'my key' must be 1-127 letters, digits and hyphens"],
    ),
    (
        "bad identity",
        {"customer_managed_key": dataclasses.replace(CMK, user_assigned_identity_id="id-storage")},
        [
            "customer_managed_key.user_assigned_identity_id 'id-storage' is not a user-assigned identity id "
            "(.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)"
        ],
    ),
    (
        "owner",
        {"role_assignments": {"admins": RoleAssignmentSpec(principal_id=GROUP, role_definition_id=OWNER_ROLE_ID)}},
        ["role_assignments['admins']: the Owner role is not granted by modules (least privilege); use a narrower role"],
    ),
    (
        "bad group name",
        {"resource_group_name": "rg/x"},
        [
            "resource_group_name 'rg/x' has characters or a shape Resource group names do not allow "
            "(letters, digits, '_', '-', '.', '(' and ')'; not ending in '.')"
        ],
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_storage_account_args(make_args(**overrides)) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        FULL,
        {"customer_managed_key": CMK},
        {"account_name": "abc", "containers": {"a-b": ContainerSpec(), "x" * 63: ContainerSpec()}},
        {"location": "ukwest", "replication": "LRS"},
        {"soft_delete_days": 1},
        {"soft_delete_days": 365},
        {"resource_group_name": pulumi.Output.from_input("from-a-resource-group")},
        {"allowed_subnet_ids": [pulumi.Output.from_input("from-a-subnet")]},
    ],
)
def test_valid_args_have_no_problems(overrides: dict[str, Any]) -> None:
    assert validate_storage_account_args(make_args(**overrides)) == []


def _capture(build: Callable[[], object]) -> tuple[StackPlan, list[str]]:
    errors: list[str] = []

    def program() -> None:
        try:
            build()
        except ValueError as exc:
            errors.append(str(exc))

    return plan_callable(program, project="lz", stack="test", config=CONFIG), errors


def test_invalid_args_raise_before_anything_is_registered() -> None:
    bad = make_args(account_name="Bad_Name", soft_delete_days=0, containers={"X": ContainerSpec()})
    plan, errors = _capture(lambda: StorageAccount("planning", bad))
    assert errors == [
        f"account_name 'Bad_Name' {SA_SHAPE}; account_name 'Bad_Name' must be lowercase; "
        "soft_delete_days must be between 1 and 365, got 0; "
        f"container name 'X' {CONTAINER_RULE}"
    ]
    assert plan.managed() == []
