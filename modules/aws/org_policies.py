"""The organisation's management policies: the tag policy and the backup policy, as pure builders.

Both use the management-policy syntax of AWS Organizations (`@@assign` value-setting operators and
inheritance from root to OU to account). No Pulumi imports; tested in tests/modules/aws/test_scp.py.

Sources:
- AWS Organizations User Guide, "Tag policy syntax and examples"
  (orgs_manage_policies_example-tag-policies) and "Enforce tagging consistency"
  (orgs_manage_policies_tag-policies-enforcement).
- AWS Organizations User Guide, "Backup policy syntax and examples" (orgs_manage_policies_backup_syntax).
- AWS Organizations quotas: a tag or backup policy document holds at most 10,000 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from lz.tags import ALLOWED_VALUES, MANDATORY_TAG_KEYS

#: Maximum size of a tag policy and of a backup policy document (AWS Organizations quotas).
TAG_POLICY_MAX_CHARS: Final = 10_000
BACKUP_POLICY_MAX_CHARS: Final = 10_000

#: Resource types where a tag policy blocks *non-compliant values* of an enforced key at tagging
#: time (AWS "Services and resource types that support enforcement"). Kept to the stateful types
#: that hold council data; enforcement never blocks a resource that simply lacks the key, which is
#: what the tag transform and the mandatory-tags policy are for.
ENFORCED_RESOURCE_TYPES: Final[tuple[str, ...]] = (
    "dynamodb:table",
    "ec2:instance",
    "ec2:volume",
    "rds:db",
    "s3:bucket",
    "secretsmanager:*",
)

#: Keys whose values the tag contract fixes (lz.tags.ALLOWED_VALUES): enforced where AWS can.
ENFORCED_TAG_KEYS: Final[tuple[str, ...]] = tuple(k for k in MANDATORY_TAG_KEYS if k in ALLOWED_VALUES)

#: The role AWS Backup assumes in each member account. `$account` is replaced by AWS with the
#: account the effective policy applies to. The role is created by AWS Backup the first time the
#: service is used in an account (or by the baseline that sets up backups there).
BACKUP_ROLE_PATH: Final = "service-role/AWSBackupDefaultServiceRole"
BACKUP_ROLE_ARN: Final = f"arn:aws:iam::$account:role/{BACKUP_ROLE_PATH}"

#: Tag value that opts a resource into the daily plan (`<selection_tag>=daily`).
DAILY: Final = "daily"
#: Minutes within which a backup job must start, and complete, after the scheduled time.
BACKUP_START_WINDOW_MINUTES: Final = 60
BACKUP_COMPLETION_WINDOW_MINUTES: Final = 480

_BACKUP_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")
_VAULT_NAME = re.compile(r"^[A-Za-z0-9_-]{2,50}$")
_SCHEDULE = re.compile(r"^cron\([^()]+\)$")
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _assign(value: Any) -> dict[str, Any]:
    return {"@@assign": value}


def minify(document: Mapping[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


# -- tag policy --------------------------------------------------------------------------------------


def tag_policy(*, environments: Sequence[str] = ()) -> dict[str, Any]:
    """The organisation tag policy: every mandatory key with its exact spelling and case.

    `data-classification` (OFFICIAL, OFFICIAL-SENSITIVE) and `managed-by` (pulumi) have the closed
    vocabularies of `lz.tags.ALLOWED_VALUES` and are enforced on `ENFORCED_RESOURCE_TYPES`.
    `environment` is an open slug in the contract; when `environments` is given, those values are
    listed so that the compliance report flags others, but not enforced: a new service environment
    must not be blocked until this layer is deployed again.
    """
    problems = [f"environment {e!r} is not a lowercase slug" for e in environments if not _SLUG.match(e)]
    if problems:
        raise ValueError("; ".join(problems))
    tags: dict[str, Any] = {}
    for key in MANDATORY_TAG_KEYS:
        entry: dict[str, Any] = {"tag_key": _assign(key)}
        if key in ALLOWED_VALUES:
            entry["tag_value"] = _assign(list(ALLOWED_VALUES[key]))
            entry["enforced_for"] = _assign(list(ENFORCED_RESOURCE_TYPES))
        elif key == "environment" and environments:
            entry["tag_value"] = _assign(sorted(set(environments)))
        tags[key] = entry
    document = {"tags": tags}
    _check_size("tag policy", document, TAG_POLICY_MAX_CHARS)
    return document


def tag_policy_json(*, environments: Sequence[str] = ()) -> str:
    return minify(tag_policy(environments=environments))


# -- backup policy ---------------------------------------------------------------------------------


def backup_vault_name(prefix: str) -> str:
    """The vault the organisation backup policy writes to; it must exist in every account in scope."""
    return f"{prefix}-backup"


def backup_plan_name(prefix: str) -> str:
    return f"{prefix}-daily"


def check_backup_inputs(*, schedule: str, retention_days: int, selection_tag: str, vault_name: str) -> list[str]:
    """Every problem with the backup settings (the plan name and regions are checked by `backup_policy`)."""
    problems: list[str] = []
    if not _SCHEDULE.match(schedule):
        problems.append(f"backup schedule {schedule!r} must be an AWS cron expression like 'cron(0 2 ? * * *)'")
    if isinstance(retention_days, bool) or not isinstance(retention_days, int) or retention_days < 1:
        problems.append(f"backup retention_days must be a whole number of days of at least 1, got {retention_days!r}")
    if not selection_tag or len(selection_tag) > 128:
        problems.append(f"backup selection_tag {selection_tag!r} must be 1-128 characters")
    if not _VAULT_NAME.match(vault_name):
        problems.append(f"backup vault name {vault_name!r} must be 2-50 letters, digits, hyphens and underscores")
    return problems


def backup_policy(
    *,
    plan_name: str,
    schedule: str,
    retention_days: int,
    selection_tag: str,
    vault_name: str,
    regions: Sequence[str],
    plan_tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The organisation backup policy: one daily plan for resources tagged `<selection_tag>=daily`.

    Each account the policy reaches gets the plan `plan_name` in every region of `regions`; backups
    go to the vault `vault_name` (which must exist there) and are deleted after `retention_days`.
    AWS Backup assumes `BACKUP_ROLE_ARN` in the account. Values are strings, as in the AWS examples.
    """
    problems = []
    if not _BACKUP_NAME.match(plan_name):
        problems.append(f"backup plan name {plan_name!r} must be 1-50 letters, digits and . _ -")
    problems += check_backup_inputs(schedule=schedule, retention_days=retention_days,
                                    selection_tag=selection_tag, vault_name=vault_name)
    if isinstance(regions, str) or not regions:
        problems.append("backup regions must be a non-empty list of region names")
    else:
        problems += [f"backup region {r!r} is not a region name like 'eu-west-2'"
                     for r in regions if not _REGION.match(r)]
    if problems:
        raise ValueError("; ".join(problems))
    plan: dict[str, Any] = {
        "regions": _assign(list(regions)),
        "rules": {
            DAILY: {
                "schedule_expression": _assign(schedule),
                "start_backup_window_minutes": _assign(str(BACKUP_START_WINDOW_MINUTES)),
                "complete_backup_window_minutes": _assign(str(BACKUP_COMPLETION_WINDOW_MINUTES)),
                "target_backup_vault_name": _assign(vault_name),
                "lifecycle": {"delete_after_days": _assign(str(retention_days))},
            }
        },
        "selections": {
            "tags": {
                DAILY: {
                    "iam_role_arn": _assign(BACKUP_ROLE_ARN),
                    "tag_key": _assign(selection_tag),
                    "tag_value": _assign([DAILY]),
                }
            }
        },
    }
    if plan_tags:
        plan["backup_plan_tags"] = {
            key: {"tag_key": _assign(key), "tag_value": _assign(value)} for key, value in sorted(plan_tags.items())
        }
    document = {"plans": {plan_name: plan}}
    _check_size("backup policy", document, BACKUP_POLICY_MAX_CHARS)
    return document


def backup_policy_json(
    *,
    plan_name: str,
    schedule: str,
    retention_days: int,
    selection_tag: str,
    vault_name: str,
    regions: Sequence[str],
    plan_tags: Mapping[str, str] | None = None,
) -> str:
    return minify(
        backup_policy(plan_name=plan_name, schedule=schedule, retention_days=retention_days,
                      selection_tag=selection_tag, vault_name=vault_name, regions=regions, plan_tags=plan_tags)
    )


def _check_size(what: str, document: Mapping[str, Any], limit: int) -> None:
    size = len(minify(document))
    if size > limit:
        raise ValueError(f"the {what} is {size} characters; AWS allows {limit}")
