"""azure-monitor-diagnosticsetting-data-stores-covered: every data store in a stack has a diagnostic setting.

Why: who read, changed or deleted council data, and who fetched a key, is only recorded for
storage accounts, Key Vaults and databases when a diagnostic setting sends their resource logs
somewhere; without one, an incident cannot be investigated (NCSC principle 13, CIS Azure 5.1.4 for
Key Vault and 5.4).

A stack policy. Every `azure-native:storage:StorageAccount`, `keyvault:Vault`, `sql:Server` and
`dbforpostgresql:Server` in the stack must be the target of an `azure-native:monitor:DiagnosticSetting`:
the setting's `resourceUri` depends on the store (e.g. `resource_uri=account.id`, or
`account.id.apply(lambda id: f"{id}/blobServices/default")` as the storage module does), or is a
literal ARM id under the store (`.../providers/Microsoft.Storage/storageAccounts/<name>[/...]`).
Where the setting sends its logs is checked by `azure-monitor-diagnosticsetting-log-analytics`.

Advisory: a landing zone without a Log Analytics workspace yet cannot comply.

Message, one per store, reported against it: `Storage account 'stdocs' has no diagnostic setting:
add a monitor.DiagnosticSetting whose resourceUri is the resource's id (or a sub-service of it),
sending to the council's Log Analytics workspace` (on one line).
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.azure import DATA_STORES, known_strings, physical_name, refers_to
from policies.lib import Frameworks, stack_policy

DIAGNOSTIC_SETTING: Final = "azure-native:monitor:DiagnosticSetting"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    # each setting's resourceUri values, read once for all stores
    settings = [
        (r, known_strings(r.props, "resourceUri")) for r in args.resources if r.resource_type == DIAGNOSTIC_SETTING
    ]
    for store in args.resources:
        kind = DATA_STORES.get(store.resource_type)
        if kind is None:
            continue
        if any(refers_to(s, ("resourceUri",), store, uris) for s, uris in settings):
            continue
        report(
            f"{kind.label} '{physical_name(store)}' has no diagnostic setting: add a monitor.DiagnosticSetting "
            "whose resourceUri is the resource's id (or a sub-service of it), sending to the council's Log "
            "Analytics workspace",
            store.urn,
        )


POLICY, METADATA = stack_policy(
    name="azure-monitor-diagnosticsetting-data-stores-covered",
    description="Every storage account, Key Vault, SQL server and PostgreSQL server has a diagnostic setting.",
    severity="medium",
    frameworks=Frameworks(
        ncsc="13",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 5.1.4, 5.4",
        cyber_essentials="Secure configuration",
    ),
    remediation="Give the storage module `log_analytics_workspace_id`, and add a `monitor.DiagnosticSetting` "
    "(category group `allLogs`, `workspace_id=...`) for each Key Vault, SQL server and PostgreSQL server.",
    clouds=("azure",),
    validate=_validate,
    resource_types=(*DATA_STORES, DIAGNOSTIC_SETTING),
    topics=("logging",),
)
