"""Plan one AWS platform layer under mocks, with its upstream layers' exports given as fakes.

Layer tests that need the *real* upstream plan use `lz.plan.estate.plan_estate` instead; these
fakes follow the shapes in `lz/stacks/contracts.py` so a layer can be tested on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lz.plan import plan_callable
from lz.plan.model import StackPlan
from lz.platformdef import PlatformDefinition
from lz.stacks import PROJECT, load_estate, load_platform
from lz.stacks.contracts import LOGGING_LAYER, ORGANISATION_LAYER

ROOT = Path(__file__).resolve().parents[3]


def example_platform() -> PlatformDefinition:
    return load_platform(ROOT)


def fake_account_id(slug: str) -> str:
    return str(int(hashlib.sha256(slug.encode()).hexdigest()[:12], 16) % 10**12).zfill(12)


def fake_organisation(platform: PlatformDefinition) -> dict[str, Any]:
    return {
        "id": "o-exampleorg",
        "arn": "arn:aws:organizations::111111111111:organization/o-exampleorg",
        "root_id": "r-abcd",
        "management_account_id": "111111111111",
        "ou_ids": {ou: f"ou-abcd-{hashlib.sha256(ou.encode()).hexdigest()[:8]}"
                   for ou in platform.organisation.organizational_units},
        "account_ids": {slug: fake_account_id(slug) for slug in platform.organisation.accounts},
        "access_role_name": platform.organisation.access_role_name,
    }


def fake_logging(platform: PlatformDefinition, service_envs: list[str] = ()) -> dict[str, Any]:
    org = fake_organisation(platform)
    archive = org["account_ids"][platform.organisation.account_key("log_archive")]
    home = platform.regions.home
    prefix = platform.council.prefix
    bucket = f"{prefix}-shared-euw2-s3-log-archive"
    return {
        "log_destinations": {
            "log_archive_bucket": bucket,
            "log_archive_bucket_arn": f"arn:aws:s3:::{bucket}",
            "cloudtrail_arn": f"arn:aws:cloudtrail:{home}:111111111111:trail/{prefix}-organisation",
            "flow_logs_arn": f"arn:aws:s3:::{bucket}/vpc-flow-logs",
            "cost_reports_bucket": f"{prefix}-shared-euw2-s3-cost-reports",
            "cost_reports_bucket_arn": f"arn:aws:s3:::{prefix}-shared-euw2-s3-cost-reports",
            "access_logs": {
                slug: {"name": f"{prefix}-shared-euw2-s3-access-logs-{slug}",
                       "arn": f"arn:aws:s3:::{prefix}-shared-euw2-s3-access-logs-{slug}", "region": home}
                for slug in platform.organisation.accounts
            },
            "cloudwatch_retention_days": platform.logging.cloudwatch_retention_days,
        },
        "kms_keys": {
            "logs": f"arn:aws:kms:{home}:{archive}:key/00000000-0000-4000-8000-000000000001",
            "services": {
                key: f"arn:aws:kms:{home}:{fake_account_id(key)}:key/00000000-0000-4000-8000-{i:012d}"
                for i, key in enumerate(service_envs, start=2)
            },
        },
        "security": {"guardduty_detector_ids": {}, "security_hub_admin_account_id": fake_account_id("audit"),
                     "config_aggregator_arn": f"arn:aws:config:{home}:{fake_account_id('audit')}:"
                                              "config-aggregator/config-aggregator-abc"},
    }


def plan_example_layer(run: Callable[[PlatformDefinition, list[Any]], object], stack: str) -> StackPlan:
    """Plan `run(platform, manifests)` of the example platform and estate as stack `stack`, with the
    default fake upstream layers."""
    platform = example_platform()
    manifests = list(load_estate(ROOT).manifests.values())
    return plan_layer(lambda: run(platform, manifests), stack, platform)


def plan_layer(
    program: Callable[[], None],
    stack: str,
    platform: PlatformDefinition,
    upstream: Mapping[str, Mapping[str, Any]] | None = None,
) -> StackPlan:
    """Plan `program` as stack `stack`; StackReferences resolve to `upstream` (default: fake org + logging)."""
    outputs: dict[str, Mapping[str, Any]] = {
        ORGANISATION_LAYER: {"organisation": fake_organisation(platform)},
        LOGGING_LAYER: fake_logging(platform),
    }
    outputs.update(upstream or {})

    def resolve(ref: str) -> Mapping[str, Any]:
        short = ref.split("/")[-1]
        if short not in outputs:
            raise LookupError(f"no fake outputs for stack {short!r}")
        return outputs[short]

    return plan_callable(program, project=PROJECT, stack=stack, config={"aws:region": platform.regions.home},
                         resolve_stack_outputs=resolve, kind="platform")
