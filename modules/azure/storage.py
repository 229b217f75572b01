"""`StorageAccount`: the Azure counterpart of a bucket, private and Entra-ID-only by default.

Secure defaults that are not options: StorageV2, HTTPS only, TLS 1.2 minimum, no anonymous blob
access, no shared keys (Entra ID only, and the portal defaults to it), no cross-tenant replication,
infrastructure (double) encryption, network rules that deny by default, blob versioning with soft
delete for blobs and containers.

Network access: with no `allowed_subnet_ids` the public endpoint is switched off
(`publicNetworkAccess: Disabled`) and the account is reachable through private endpoints only. When
subnets are allowed, the public endpoint must be `Enabled` for virtual network rules to be evaluated
at all (with `Disabled`, Azure "denies all logins that match IP or virtual network-based firewall
rules"), so it is enabled with the default action still `Deny`: only the listed subnets (and trusted
Azure services) get through, which is the portal's "enabled from selected virtual networks".

The module never creates its dependencies: the resource group, the Key Vault key and its identity,
the Log Analytics workspace and the subnets come in as names and IDs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.monitor as monitor
import pulumi_azure_native.storage as storage

from lz.naming import NAME_RULES, check_name
from modules.azure.resource_group import (
    LOCK_NAME,
    RoleAssignmentSpec,
    create_role_assignments,
    lock_notes,
    validate_location,
    validate_resource_group_name,
    validate_role_assignments,
    validate_tags,
)

TYPE_TOKEN = "lz:azure:StorageAccount"

Replication = Literal["ZRS", "GRS", "GZRS", "LRS"]

#: Regions of the allowed set that have availability zones (ZRS and GZRS need them; UK West has none).
ZONAL_REGIONS: frozenset[str] = frozenset({"uksouth"})

#: Blob service log categories and metrics sent to Log Analytics.
BLOB_LOG_CATEGORIES: tuple[str, ...] = ("StorageRead", "StorageWrite", "StorageDelete")
BLOB_METRIC_CATEGORIES: tuple[str, ...] = ("Transaction",)

#: Name of the diagnostic setting on the blob service.
DIAGNOSTIC_SETTING_NAME = "lz-diagnostics"

# 3-63 characters; lowercase letters, digits and hyphens; starts and ends with a letter or digit;
# every hyphen between two letters or digits (Azure's container naming rules).
_CONTAINER_NAME = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$")
_ARM = r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
_WORKSPACE_ID = re.compile(_ARM + r"Microsoft\.OperationalInsights/workspaces/[^/]+$", re.IGNORECASE)
_SUBNET_ID = re.compile(_ARM + r"Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$", re.IGNORECASE)
_IDENTITY_ID = re.compile(_ARM + r"Microsoft\.ManagedIdentity/userAssignedIdentities/[^/]+$", re.IGNORECASE)
_KEY_VAULT_URI = re.compile(r"^https://[a-z0-9-]{3,24}\.(?:vault\.azure\.net|managedhsm\.azure\.net)/?$", re.IGNORECASE)
_KEY_NAME = re.compile(r"^[0-9A-Za-z-]{1,127}$")


@dataclass(frozen=True, kw_only=True)
class ContainerSpec:
    """One private blob container; its name is its key in `containers`."""

    metadata: Mapping[str, str] = field(default_factory=dict)
    """Optional. Container metadata (name-value pairs, e.g. a data classification)."""


@dataclass(frozen=True, kw_only=True)
class CmkSpec:
    """A customer-managed key in Key Vault (or Managed HSM), used through a user-assigned identity.

    The key version is not pinned, so Azure Storage follows the key's rotation automatically. The
    identity needs "Key Vault Crypto Service Encryption User" on the key; grant it where the key lives.
    """

    key_vault_uri: pulumi.Input[str]
    """Required. The vault's URI, e.g. `https://kv-lz-prd-uks.vault.azure.net/`."""

    key_name: pulumi.Input[str]
    """Required. The key's name in that vault."""

    user_assigned_identity_id: pulumi.Input[str]
    """Required. ARM id of the user-assigned managed identity allowed to use the key."""


@dataclass(frozen=True, kw_only=True)
class StorageAccountArgs:
    """Inputs of `StorageAccount`."""

    account_name: str
    """Required. Physical name: 3-24 lowercase letters and digits, globally unique."""

    resource_group_name: pulumi.Input[str]
    """Required. The resource group the account lives in (e.g. a `ResourceGroup`'s `name`)."""

    location: str
    """Required. `uksouth` or `ukwest`."""

    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included (storage accounts allow 128-character keys)."""

    lock: bool = False
    """Optional. Place a `CanNotDelete` management lock on the account (it also blocks deleting its
    containers through ARM)."""

    containers: Mapping[str, ContainerSpec] = field(default_factory=dict)
    """Optional. Private blob containers keyed by name (3-63 lowercase letters, digits, single hyphens)."""

    versioning: bool = True
    """Optional. Keep previous versions of blobs (default on)."""

    soft_delete_days: int = 30
    """Optional. Days deleted blobs and containers can be restored (1 to 365)."""

    customer_managed_key: CmkSpec | None = None
    """Optional. Encrypt with a customer-managed key instead of Microsoft-managed keys."""

    log_analytics_workspace_id: pulumi.Input[str] | None = None
    """Optional. Send blob read/write/delete logs and transaction metrics to this workspace."""

    allowed_subnet_ids: Sequence[pulumi.Input[str]] = ()
    """Optional. Subnets allowed through the firewall (they need the Microsoft.Storage service
    endpoint); with none, the account is reachable through private endpoints only."""

    replication: Replication = "ZRS"
    """Optional. Redundancy, as SKU `Standard_<replication>`: ZRS (default), GZRS, GRS or LRS. ZRS and
    GZRS need availability zones, which UK West does not have."""

    role_assignments: Mapping[str, RoleAssignmentSpec] = field(default_factory=dict)
    """Optional. RBAC grants at the account's scope (e.g. Storage Blob Data Reader), keyed by stable names."""


def _validate_cmk(cmk: CmkSpec) -> list[str]:
    problems: list[str] = []
    if isinstance(cmk.key_vault_uri, str) and not _KEY_VAULT_URI.match(cmk.key_vault_uri):
        problems.append(
            f"customer_managed_key.key_vault_uri {cmk.key_vault_uri!r} is not a Key Vault URI "
            "(https://<vault>.vault.azure.net/)"
        )
    if isinstance(cmk.key_name, str) and not _KEY_NAME.match(cmk.key_name):
        problems.append(f"customer_managed_key.key_name {cmk.key_name!r} must be 1-127 letters, digits and hyphens")
    if isinstance(cmk.user_assigned_identity_id, str) and not _IDENTITY_ID.match(cmk.user_assigned_identity_id):
        problems.append(
            f"customer_managed_key.user_assigned_identity_id {cmk.user_assigned_identity_id!r} is not a "
            "user-assigned identity id (.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)"
        )
    return problems


def _validate_network(subnet_ids: Sequence[pulumi.Input[str]]) -> list[str]:
    if isinstance(subnet_ids, str):
        return ["allowed_subnet_ids must be a list of subnet ids, not a single string"]
    problems: list[str] = []
    literal = [s for s in subnet_ids if isinstance(s, str)]
    for subnet_id in literal:
        if not _SUBNET_ID.match(subnet_id):
            problems.append(
                f"allowed_subnet_ids: {subnet_id!r} is not a subnet id "
                "(.../providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>)"
            )
    dups = sorted(s for s, n in Counter(s.lower() for s in literal).items() if n > 1)
    if dups:
        problems.append(f"allowed_subnet_ids has duplicates: {', '.join(dups)}")
    return problems


def validate_storage_account_args(args: StorageAccountArgs) -> list[str]:
    """Every problem with `args`, as messages; an empty list means the arguments are valid."""
    problems: list[str] = []
    account_rule = NAME_RULES["azure"]["storage_account"]
    problems += [f"account_name {args.account_name!r} {p}" for p in check_name(account_rule, args.account_name)]
    problems += validate_resource_group_name(args.resource_group_name)
    location_problems = validate_location(args.location)
    problems += location_problems
    problems += validate_tags(args.tags)
    if args.replication not in get_args(Replication):
        problems.append(f"replication must be one of ZRS, GRS, GZRS, LRS, got {args.replication!r}")
    elif args.replication in ("ZRS", "GZRS") and not location_problems and args.location not in ZONAL_REGIONS:
        problems.append(
            f"replication {args.replication} needs availability zones, which {args.location} does not have; "
            "use LRS or GRS"
        )
    if isinstance(args.soft_delete_days, bool) or not 1 <= args.soft_delete_days <= 365:
        problems.append(f"soft_delete_days must be between 1 and 365, got {args.soft_delete_days!r}")
    for container in args.containers:
        if not _CONTAINER_NAME.match(container):
            problems.append(
                f"container name {container!r} must be 3-63 lowercase letters, digits and single hyphens, "
                "starting and ending with a letter or digit"
            )
    if args.customer_managed_key is not None:
        problems += _validate_cmk(args.customer_managed_key)
    workspace = args.log_analytics_workspace_id
    if isinstance(workspace, str) and not _WORKSPACE_ID.match(workspace):
        problems.append(
            f"log_analytics_workspace_id {workspace!r} is not a Log Analytics workspace id "
            "(.../providers/Microsoft.OperationalInsights/workspaces/<name>)"
        )
    problems += _validate_network(args.allowed_subnet_ids)
    problems += validate_role_assignments(args.role_assignments)
    for flag in ("lock", "versioning"):
        if not isinstance(getattr(args, flag), bool):
            problems.append(f"{flag} must be True or False, got {getattr(args, flag)!r}")
    return problems


def _encryption(cmk: CmkSpec | None) -> storage.EncryptionArgs:
    services = storage.EncryptionServicesArgs(
        blob=storage.EncryptionServiceArgs(enabled=True, key_type=storage.KeyType.ACCOUNT),
        file=storage.EncryptionServiceArgs(enabled=True, key_type=storage.KeyType.ACCOUNT),
    )
    if cmk is None:
        return storage.EncryptionArgs(
            key_source=storage.KeySource.MICROSOFT_STORAGE,
            require_infrastructure_encryption=True,
            services=services,
        )
    return storage.EncryptionArgs(
        key_source=storage.KeySource.MICROSOFT_KEYVAULT,
        key_vault_properties=storage.KeyVaultPropertiesArgs(key_name=cmk.key_name, key_vault_uri=cmk.key_vault_uri),
        encryption_identity=storage.EncryptionIdentityArgs(
            encryption_user_assigned_identity=cmk.user_assigned_identity_id
        ),
        require_infrastructure_encryption=True,
        services=services,
    )


class StorageAccount(pulumi.ComponentResource):
    """A private general-purpose v2 storage account with its containers, diagnostics, lock and grants."""

    name: pulumi.Output[str]
    """The account's name (as `account_name`)."""
    id: pulumi.Output[str]
    """The account's ARM id."""
    primary_blob_endpoint: pulumi.Output[str]
    """`https://<account>.blob.core.windows.net/`."""
    container_names: list[str]
    """The containers' names, sorted."""

    def __init__(self, name: str, args: StorageAccountArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_storage_account_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cmk = args.customer_managed_key

        account = storage.StorageAccount(
            f"{name}-sa",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind=storage.Kind.STORAGE_V2,
            sku=storage.SkuArgs(name=f"Standard_{args.replication}"),
            access_tier=storage.AccessTier.HOT,
            enable_https_traffic_only=True,
            minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
            allow_blob_public_access=False,
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_cross_tenant_replication=False,
            # See the module docstring: virtual network rules only work with the endpoint enabled.
            public_network_access=(
                storage.PublicNetworkAccess.ENABLED if args.allowed_subnet_ids else storage.PublicNetworkAccess.DISABLED
            ),
            network_rule_set=storage.NetworkRuleSetArgs(
                default_action=storage.DefaultAction.DENY,
                bypass=storage.Bypass.AZURE_SERVICES,
                virtual_network_rules=[
                    storage.VirtualNetworkRuleArgs(virtual_network_resource_id=subnet_id, action=storage.Action.ALLOW)
                    for subnet_id in args.allowed_subnet_ids
                ],
            ),
            encryption=_encryption(cmk),
            identity=(
                storage.IdentityArgs(
                    type=storage.IdentityType.USER_ASSIGNED,
                    user_assigned_identities=[cmk.user_assigned_identity_id],
                )
                if cmk is not None
                else None
            ),
            tags=dict(args.tags),
            opts=child,
        )

        retention = storage.DeleteRetentionPolicyArgs(enabled=True, days=args.soft_delete_days)
        blob_service = storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            blob_services_name="default",
            is_versioning_enabled=args.versioning,
            delete_retention_policy=retention,
            container_delete_retention_policy=retention,
            opts=child,
        )

        # Containers wait for the blob service so soft delete and versioning are on before any data lands.
        after_service = pulumi.ResourceOptions(parent=self, depends_on=[blob_service])
        containers: list[pulumi.Resource] = [
            storage.BlobContainer(
                f"{name}-container-{container}",
                account_name=account.name,
                resource_group_name=args.resource_group_name,
                container_name=container,
                public_access=storage.PublicAccess.NONE,
                metadata=dict(spec.metadata) or None,
                opts=after_service,
            )
            for container, spec in args.containers.items()
        ]

        guarded: list[pulumi.Resource] = [blob_service, *containers]
        if args.log_analytics_workspace_id is not None:
            guarded.append(
                monitor.DiagnosticSetting(
                    f"{name}-diagnostics",
                    name=DIAGNOSTIC_SETTING_NAME,
                    resource_uri=account.id.apply(lambda account_id: f"{account_id}/blobServices/default"),
                    workspace_id=args.log_analytics_workspace_id,
                    logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in BLOB_LOG_CATEGORIES],
                    metrics=[
                        monitor.DiagnosticsMetricSettingsArgs(category=c, enabled=True) for c in BLOB_METRIC_CATEGORIES
                    ],
                    opts=after_service,
                )
            )
        guarded += create_role_assignments(self, name, account.id, args.role_assignments)

        if args.lock:
            # Depending on every other child makes a destroy remove the lock before anything it blocks.
            authorization.ManagementLockByScope(
                f"{name}-lock",
                scope=account.id,
                lock_name=LOCK_NAME,
                level=authorization.LockLevel.CAN_NOT_DELETE,
                notes=lock_notes(TYPE_TOKEN),
                opts=pulumi.ResourceOptions(parent=self, depends_on=guarded),
            )

        self.name = account.name
        self.id = account.id
        self.primary_blob_endpoint = account.primary_endpoints.blob
        self.container_names = sorted(args.containers)
        self.register_outputs(
            {
                "name": self.name,
                "id": self.id,
                "primary_blob_endpoint": self.primary_blob_endpoint,
                "container_names": self.container_names,
            }
        )
