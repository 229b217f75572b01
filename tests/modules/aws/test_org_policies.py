"""modules/aws/org_policies.py: the organisation tag policy and backup policy documents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.tags import MANDATORY_TAG_KEYS
from modules.aws.org_policies import (
    BACKUP_POLICY_MAX_CHARS,
    ENFORCED_RESOURCE_TYPES,
    TAG_POLICY_MAX_CHARS,
    backup_plan_name,
    backup_policy,
    backup_policy_json,
    backup_vault_name,
    tag_policy,
    tag_policy_json,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS

# -- tag policy -----------------------------------------------------------------------------------------


def test_tag_policy_has_every_mandatory_key_with_its_exact_case() -> None:
    tags = tag_policy()["tags"]
    assert list(tags) == list(MANDATORY_TAG_KEYS)
    for key, entry in tags.items():
        assert entry["tag_key"] == {"@@assign": key}


def test_tag_policy_fixes_and_enforces_the_closed_vocabularies() -> None:
    tags = tag_policy()["tags"]
    assert tags["data-classification"] == {
        "tag_key": {"@@assign": "data-classification"},
        "tag_value": {"@@assign": ["OFFICIAL", "OFFICIAL-SENSITIVE"]},
        "enforced_for": {"@@assign": list(ENFORCED_RESOURCE_TYPES)},
    }
    assert tags["managed-by"] == {
        "tag_key": {"@@assign": "managed-by"},
        "tag_value": {"@@assign": ["pulumi"]},
        "enforced_for": {"@@assign": list(ENFORCED_RESOURCE_TYPES)},
    }
    for key in ("service", "cost-centre", "owner", "environment", "business-unit"):
        assert tags[key] == {"tag_key": {"@@assign": key}}, key


def test_environment_values_are_reported_but_not_enforced() -> None:
    entry = tag_policy(environments=["shared", "prod", "dev", "prod"])["tags"]["environment"]
    assert entry == {"tag_key": {"@@assign": "environment"}, "tag_value": {"@@assign": ["dev", "prod", "shared"]}}


def test_tag_policy_json_is_minified_and_small() -> None:
    text = tag_policy_json(environments=["shared"])
    assert json.loads(text) == tag_policy(environments=["shared"])
    assert " " not in text.replace("OFFICIAL-SENSITIVE", "")
    assert len(text) < TAG_POLICY_MAX_CHARS


def test_tag_policy_rejects_bad_environments() -> None:
    with pytest.raises(ValueError) as info:
        tag_policy(environments=["Prod", "ok", "a b"])
    assert str(info.value) == "environment 'Prod' is not a lowercase slug; environment 'a b' is not a lowercase slug"


# -- backup policy --------------------------------------------------------------------------------------

BACKUP: dict[str, Any] = {
    "plan_name": "ebc-daily",
    "schedule": "cron(0 2 ? * * *)",
    "retention_days": 35,
    "selection_tag": "backup",
    "vault_name": "ebc-backup",
    "regions": ["eu-west-2"],
}


def test_backup_policy_document() -> None:
    assert backup_policy(**BACKUP, plan_tags={"managed-by": "pulumi", "service": "platform"}) == {
        "plans": {
            "ebc-daily": {
                "regions": {"@@assign": ["eu-west-2"]},
                "rules": {
                    "daily": {
                        "schedule_expression": {"@@assign": "cron(0 2 ? * * *)"},
                        "start_backup_window_minutes": {"@@assign": "60"},
                        "complete_backup_window_minutes": {"@@assign": "480"},
                        "target_backup_vault_name": {"@@assign": "ebc-backup"},
                        "lifecycle": {"delete_after_days": {"@@assign": "35"}},
                    }
                },
                "selections": {
                    "tags": {
                        "daily": {
                            "iam_role_arn": {
                                "@@assign": "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole"
                            },
                            "tag_key": {"@@assign": "backup"},
                            "tag_value": {"@@assign": ["daily"]},
                        }
                    }
                },
                "backup_plan_tags": {
                    "managed-by": {"tag_key": {"@@assign": "managed-by"}, "tag_value": {"@@assign": "pulumi"}},
                    "service": {"tag_key": {"@@assign": "service"}, "tag_value": {"@@assign": "platform"}},
                },
            }
        }
    }


def test_backup_policy_without_plan_tags_has_none() -> None:
    assert "backup_plan_tags" not in backup_policy(**BACKUP)["plans"]["ebc-daily"]


def test_backup_policy_json_fits() -> None:
    text = backup_policy_json(**BACKUP, plan_tags=TAGS)
    assert json.loads(text) == backup_policy(**BACKUP, plan_tags=TAGS)
    assert len(text) < BACKUP_POLICY_MAX_CHARS


def test_names_from_the_prefix() -> None:
    assert backup_vault_name("ebc") == "ebc-backup"
    assert backup_plan_name("ebc") == "ebc-daily"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"plan_name": "daily plan"}, "backup plan name 'daily plan' must be 1-50 letters, digits and . _ -"),
        ({"schedule": "0 2 * * *"}, "backup schedule '0 2 * * *' must be an AWS cron expression like "
                                    "'cron(0 2 ? * * *)'"),
        ({"retention_days": 0}, "backup retention_days must be a whole number of days of at least 1, got 0"),
        ({"selection_tag": ""}, "backup selection_tag '' must be 1-128 characters"),
        ({"vault_name": "a"}, "backup vault name 'a' must be 2-50 letters, digits, hyphens and underscores"),
        ({"regions": []}, "backup regions must be a non-empty list of region names"),
        ({"regions": ["London"]}, "backup region 'London' is not a region name like 'eu-west-2'"),
    ],
)
def test_backup_policy_rejects_bad_inputs(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        backup_policy(**{**BACKUP, **overrides})
    assert str(info.value) == message


def test_backup_policy_size_limit() -> None:
    many = {f"extra-{i:03d}": "v" * 200 for i in range(60)}
    with pytest.raises(ValueError, match=r"^the backup policy is \d+ characters; AWS allows 10000$"):
        backup_policy(**BACKUP, plan_tags=many)
