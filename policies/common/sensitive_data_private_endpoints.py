"""lz-all-sensitive-data-private-endpoints: OFFICIAL-SENSITIVE data stores are reachable privately only.

Why: the council's data handling rules say OFFICIAL-SENSITIVE data requires customer-managed keys
and private endpoints: the store must not be reachable from the internet at all, whatever its
firewall or credentials say (NCSC principle 11; CIS Azure 3.10, 8.7). On AWS the landing zone's
database and bucket modules are private by construction (no public RDS endpoint, S3 public access
blocked) and are checked by the AWS pack, so this policy judges the Azure data stores.

A stack policy. Every `azure-native:storage:StorageAccount`, `keyvault:Vault`, `sql:Server` and
`dbforpostgresql:Server` tagged `data-classification: OFFICIAL-SENSITIVE` must either
* be the target of an `azure-native:network:PrivateEndpoint` (its `privateLinkServiceConnections`
  or `manualPrivateLinkServiceConnections` depend on the store, or name its ARM id literally), or
* have its public network access disabled (storage/SQL `publicNetworkAccess: Disabled`, Key Vault
  `properties.publicNetworkAccess: Disabled`, PostgreSQL `network.publicNetworkAccess: Disabled` or a
  delegated subnet).
Stores whose classification is unknown during preview are not judged until it is known.

Message, one per store, reported against it: `Storage account 'stdocs' holds OFFICIAL-SENSITIVE data and
is reachable from public networks: add a private endpoint for it, or disable its public network access`
(on one line).
"""

from __future__ import annotations

from typing import Any, Final

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from policies.azure import DATA_STORES, known_strings, physical_name, public_network_disabled, refers_to
from policies.lib import Frameworks, is_sensitive, stack_policy

PRIVATE_ENDPOINT: Final = "azure-native:network:PrivateEndpoint"
_CONNECTIONS: Final = ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections")
_SERVICE_IDS: Final = tuple(f"{c}.[].privateLinkServiceId" for c in _CONNECTIONS)


def _sensitive(resource: PolicyResource) -> bool:
    try:
        return is_sensitive(resource.props)
    except UnknownValueError:
        return False


def _has_private_endpoint(store: PolicyResource, endpoints: list[tuple[PolicyResource, list[Any]]]) -> bool:
    return any(refers_to(endpoint, _CONNECTIONS, store, ids) for endpoint, ids in endpoints)


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    # each endpoint's private link service ids, read once for all stores
    endpoints = [
        (r, known_strings(r.props, *_SERVICE_IDS)) for r in args.resources if r.resource_type == PRIVATE_ENDPOINT
    ]
    for store in args.resources:
        kind = DATA_STORES.get(store.resource_type)
        if kind is None or not _sensitive(store):
            continue
        if public_network_disabled(store.resource_type, store.props) or _has_private_endpoint(store, endpoints):
            continue
        report(
            f"{kind.label} '{physical_name(store)}' holds OFFICIAL-SENSITIVE data and is reachable from public "
            "networks: add a private endpoint for it, or disable its public network access",
            store.urn,
        )


POLICY, METADATA = stack_policy(
    name="lz-all-sensitive-data-private-endpoints",
    description="OFFICIAL-SENSITIVE data stores have a private endpoint or public network access disabled.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.10, 8.7",
        cyber_essentials="Firewalls",
        checkov=("CKV2_AZURE_33", "CKV2_AZURE_32", "CKV2_AZURE_45", "CKV2_AZURE_57"),
    ),
    remediation="Create a `network.PrivateEndpoint` whose private link service connection targets the store's "
    "id (group id blob/vault/sqlServer/postgresqlServer), or set its public network access to Disabled; the "
    "storage module does the latter when no allowed subnets are given.",
    clouds=("azure",),
    validate=_validate,
    resource_types=(*DATA_STORES, PRIVATE_ENDPOINT),
    topics=("network", "data-classification"),
)
