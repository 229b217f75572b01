"""Azure (azure-native v3) policies, one per file under `<service>/<resource>_<check>.py`.

This package module also holds what several Azure and cross-cloud stack policies share: which
resource types are *data stores* (storage accounts, Key Vaults, SQL servers, PostgreSQL flexible
servers), their physical names, whether their public endpoint is switched off, and whether another
resource (a diagnostic setting, a private endpoint) points at one of them.

"Points at" is decided the way the engine knows it, by property dependency: a diagnostic setting
created with `resource_uri=account.id` (or `account.id.apply(...)`) depends on the account through
its `resourceUri` property. A literal ARM id is accepted too, matched on the
`/providers/<namespace>/<type>/<name>` segment, for resources created outside the stack's program.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from policies.lib import get, plain

STORAGE_ACCOUNT: Final = "azure-native:storage:StorageAccount"
KEY_VAULT: Final = "azure-native:keyvault:Vault"
SQL_SERVER: Final = "azure-native:sql:Server"
POSTGRES_SERVER: Final = "azure-native:dbforpostgresql:Server"


@dataclass(frozen=True)
class DataStore:
    """How to recognise one data-store type in a stack."""

    label: str  # in messages: "Storage account 'x' ..."
    name_prop: str  # the input holding the physical name
    arm_provider_path: str  # `/providers/<this>/<name>` in the store's ARM id


DATA_STORES: Final[Mapping[str, DataStore]] = {
    STORAGE_ACCOUNT: DataStore("Storage account", "accountName", "Microsoft.Storage/storageAccounts"),
    KEY_VAULT: DataStore("Key Vault", "vaultName", "Microsoft.KeyVault/vaults"),
    SQL_SERVER: DataStore("SQL server", "serverName", "Microsoft.Sql/servers"),
    POSTGRES_SERVER: DataStore("PostgreSQL flexible server", "serverName", "Microsoft.DBforPostgreSQL/flexibleServers"),
}


def _known(props: Mapping[str, Any], path: str) -> Any:
    """`get`, with a value that is unknown during preview read as absent."""
    try:
        return get(props, path)
    except UnknownValueError:
        return None


def physical_name(resource: PolicyResource) -> str:
    """The store's Azure name (e.g. `accountName`), or its Pulumi name when that is not known yet."""
    store = DATA_STORES.get(resource.resource_type)
    value = _known(resource.props, store.name_prop) if store else None
    return value if isinstance(value, str) and value else resource.name


def public_network_disabled(resource_type: str, props: Mapping[str, Any]) -> bool:
    """True when the data store's public endpoint is switched off by its own settings.

    Values unknown during preview count as *not* disabled: the caller decides whether to judge them.
    """
    if resource_type == STORAGE_ACCOUNT:
        return _lower(_known(props, "publicNetworkAccess")) in ("disabled", "securedbyperimeter")
    if resource_type == KEY_VAULT:
        return _lower(_known(props, "properties.publicNetworkAccess")) in ("disabled", "securedbyperimeter")
    if resource_type == SQL_SERVER:
        return _lower(_known(props, "publicNetworkAccess")) in ("disabled", "securedbyperimeter")
    if resource_type == POSTGRES_SERVER:
        # VNet-integrated (delegated subnet) servers have no public endpoint at all.
        if _known(props, "network.delegatedSubnetResourceId"):
            return True
        return _lower(_known(props, "network.publicNetworkAccess")) == "disabled"
    return False


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def refers_to(source: PolicyResource, props: Iterable[str], target: PolicyResource, values: Iterable[Any]) -> bool:
    """Whether `source` points at `target` through one of `props` (by property dependency), or one
    of the literal `values` (ARM ids read from `source`) names the target's ARM resource."""
    for prop in props:
        if any(dep is target or dep.urn == target.urn for dep in source.property_dependencies.get(prop, [])):
            return True
    store = DATA_STORES.get(target.resource_type)
    if store is None:
        return False
    name = _known(target.props, store.name_prop)
    if not isinstance(name, str) or not name:
        return False
    needle = f"/providers/{store.arm_provider_path}/{name}".lower()
    for value in values:
        value = plain(value)
        if not isinstance(value, str):
            continue
        text = value.lower().rstrip("/")
        index = text.find(needle)
        # the name must end there: `/storageAccounts/docs` must not match `/storageAccounts/docsarchive`
        if index >= 0 and (len(text) == index + len(needle) or text[index + len(needle)] == "/"):
            return True
    return False


def known_strings(props: Mapping[str, Any], *paths: str) -> list[Any]:
    """The values at `paths` (dotted; `[]` flattens a list), skipping what is unknown in preview."""
    found: list[Any] = []
    for path in paths:
        found.extend(_collect(props, path.split(".")))
    return found


def _collect(value: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return [value]
    head, rest = parts[0], parts[1:]
    try:
        value = plain(value)
        if head == "[]":
            if isinstance(value, Sequence) and not isinstance(value, str):
                items: list[Any] = []
                for i in range(len(value)):
                    try:
                        items.extend(_collect(value[i], rest))
                    except UnknownValueError:
                        continue
                return items
            return []
        if isinstance(value, Mapping) and head in value:
            return _collect(value[head], rest)
    except UnknownValueError:
        return []
    return []
