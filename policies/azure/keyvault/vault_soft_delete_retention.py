"""azure-keyvault-vault-soft-delete-retention: a Key Vault keeps deleted items for at least a week.

Why: soft delete is what makes a deleted vault, key or secret recoverable; the retention period is
how long the council has to notice. Azure allows 7 to 90 days and defaults to 90 (NCSC principle
2.6, CIS Azure 8.5).

Checks `azure-native:keyvault:Vault`:
* `properties.enableSoftDelete` must not be `false`;
* `properties.softDeleteRetentionInDays`, when set, must be at least the configured minimum
  (absent means Azure's default of 90 days, which passes).

Config: `min_retention_days` (integer 7-90), default 7.

Messages:
* `Key Vault disables soft delete: remove properties.enableSoftDelete false`;
* `Key Vault keeps deleted items for 5 days: set properties.softDeleteRetentionInDays to at least 7`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

DEFAULT_MIN_DAYS: Final = 7
DISABLED: Final = "Key Vault disables soft delete: remove properties.enableSoftDelete false"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    minimum = int(args.get_config().get("min_retention_days", DEFAULT_MIN_DAYS))
    if get(props, "properties.enableSoftDelete") is False:
        report(DISABLED, None)
    days = get(props, "properties.softDeleteRetentionInDays")
    if isinstance(days, (int, float)) and days < minimum:
        report(
            f"Key Vault keeps deleted items for {int(days)} days: "
            f"set properties.softDeleteRetentionInDays to at least {minimum}",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-keyvault-vault-soft-delete-retention",
    description="Key Vaults keep soft delete on, with a retention period of at least the configured days.",
    severity="medium",
    frameworks=Frameworks(
        ncsc="2.6",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 8.5",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_111", "CKV_AZURE_42"),
    ),
    remediation="Leave `enable_soft_delete` unset (or True) and set `soft_delete_retention_in_days=90`.",
    resource_types=("azure-native:keyvault:Vault",),
    validate=_validate,
    topics=("key-management", "resilience"),
    config_schema=PolicyConfigSchema(
        properties={
            "min_retention_days": {
                "type": "integer",
                "minimum": 7,
                "maximum": 90,
                "default": DEFAULT_MIN_DAYS,
                "description": "Fewest days a Key Vault keeps deleted vaults, keys and secrets.",
            },
        },
    ),
    config_defaults={"min_retention_days": DEFAULT_MIN_DAYS},
)
