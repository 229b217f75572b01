"""What Pulumi manages: resources read from stack state.

Two sources, both giving the same `StateResource`s:

* files written by `pulumi stack export` (any backend, Pulumi Cloud included):
  `{"version": 3, "deployment": {"manifest": ..., "resources": [...]}}`;
* a self-managed S3 backend, `s3://bucket[/prefix]`: every checkpoint object under
  `<prefix>/.pulumi/stacks/` (`<project>/<stack>.json`, or `<stack>.json` from backends older than
  project-scoped stacks, and `.json.gz` when `PULUMI_SELF_MANAGED_STATE_GZIP` was set), read with
  boto3: `{"version": 3, "checkpoint": {"stack": ..., "latest": {"resources": [...]}}}`.

Only custom resources a stack *manages* are kept: the stack itself, providers and components are
not cloud resources, and resources a program merely reads (`Resource.get`, `"external": true`) are
managed by someone else, so they must not make a cloud resource look managed.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from lz.problems import InputError

__all__ = ["StateResource", "load_state_exports", "parse_state_document", "stack_owners"]

#: Pulumi's marker for a secret value in state; a secret is never read as tags.
_SECRET_SIG: Final = "4dabf18193072939515e22adb298388d"

_SKIP_TYPES: Final = ("pulumi:pulumi:Stack",)
_SKIP_PREFIXES: Final = ("pulumi:providers:",)


@dataclass(frozen=True)
class StateResource:
    """One custom resource in one stack's state."""

    stack: str
    """Required. `project/stack`, from the resource's URN."""
    urn: str
    """Required. The Pulumi URN."""
    type: str
    """Required. The Pulumi type token (`aws:sqs/queue:Queue`)."""
    id: str
    """Required. The provider ID (bucket name, `i-...`, queue URL, Azure resource ID, ...)."""
    arn: str | None
    """Required. `outputs.arn` for AWS resources that have one, else None."""
    name: str
    """Required. The logical name (the URN's last part)."""
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Optional. Tags recorded in state (`tagsAll`, else `tags`), used to name owners."""
    location: str | None = None
    """Optional. Where it lives: the ARN's region, else `outputs.location` (Azure tracked
    resources), else the region of the resource's provider."""
    display_name: str = ""
    """Optional. The physical name (`outputs.name`, `outputs.bucket`, the name in the ARN or Azure
    ID), else the logical name."""
    source: str = ""
    """Optional. The file or S3 object it was read from."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))

    @property
    def cloud(self) -> str | None:
        """`aws`, `azure` or None (other providers), from the type token's package."""
        package = self.type.split(":", 1)[0]
        if package in ("aws", "aws-native"):
            return "aws"
        if package in ("azure-native", "azure"):
            return "azure"
        return None


def _plain_tags(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or _SECRET_SIG in value:
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int | float | bool)}


def _stack_of(urn: str) -> str | None:
    # urn:pulumi:<stack>::<project>::<qualified type>::<name>
    if not urn.startswith("urn:pulumi:"):
        return None
    parts = urn[len("urn:pulumi:") :].split("::")
    return f"{parts[1]}/{parts[0]}" if len(parts) >= 4 else None


def parse_state_document(data: Any, source: str) -> list[StateResource]:
    """The managed custom resources of one export or checkpoint document (InputError if neither)."""
    if not isinstance(data, Mapping):
        raise InputError(f"{source}: not a Pulumi stack export (expected a JSON object)")
    if "deployment" in data:
        deployment = data["deployment"]
        fallback_stack = None
    elif "checkpoint" in data:
        checkpoint = data["checkpoint"] or {}
        deployment = checkpoint.get("latest") or {}
        fallback_stack = checkpoint.get("stack")
    else:
        raise InputError(
            f"{source}: not a Pulumi stack export: no 'deployment' (from `pulumi stack export`) "
            "or 'checkpoint' (a self-managed backend's state file)"
        )
    if not isinstance(deployment, Mapping):
        raise InputError(f"{source}: 'deployment' is not an object")
    raw_resources = deployment.get("resources")
    if raw_resources is None:  # a stack with nothing deployed
        raw_resources = []
    if not isinstance(raw_resources, list):
        raise InputError(f"{source}: 'resources' is not a list")
    for index, raw in enumerate(raw_resources):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("urn"), str) or not isinstance(raw.get("type"), str):
            raise InputError(f"{source}: resources[{index}] has no 'urn' and 'type'")
    # A resource names its provider as `<provider urn>::<provider id>`; the provider's inputs say
    # which region it deploys to, which places resources whose outputs carry no ARN.
    provider_regions: dict[str, str] = {}
    for raw in raw_resources:
        if raw["type"].startswith(_SKIP_PREFIXES):
            region = (raw.get("inputs") or {}).get("region") or (raw.get("outputs") or {}).get("region")
            if isinstance(region, str):
                provider_regions[f"{raw['urn']}::{raw.get('id', '')}"] = region
    out: list[StateResource] = []
    for raw in raw_resources:
        kind = raw["type"]
        if kind in _SKIP_TYPES or kind.startswith(_SKIP_PREFIXES):
            continue
        if not raw.get("custom", False) or raw.get("external", False) or not raw.get("id"):
            continue
        urn = raw["urn"]
        outputs = raw.get("outputs") or {}
        if not isinstance(outputs, Mapping):
            outputs = {}
        stack = _stack_of(urn) or str(fallback_stack or Path(source).stem)
        arn = outputs.get("arn")
        location = outputs.get("location")
        if not isinstance(location, str):
            location = provider_regions.get(str(raw.get("provider", "")))
        if isinstance(arn, str) and arn.count(":") >= 5:
            location = arn.split(":")[3] or location
        else:
            arn = None
        logical = urn.rsplit("::", 1)[-1]
        physical = outputs.get("name") or outputs.get("bucket")
        if not isinstance(physical, str) or not physical:
            physical = _physical_from_id(arn, str(raw["id"]))
        tags = _plain_tags(outputs.get("tagsAll")) or _plain_tags(outputs.get("tags"))
        out.append(
            StateResource(
                stack=stack,
                urn=urn,
                type=kind,
                id=str(raw["id"]),
                arn=arn,
                name=logical,
                tags=tags,
                location=location if isinstance(location, str) else None,
                display_name=physical if isinstance(physical, str) and physical else logical,
                source=source,
            )
        )
    return out


def _physical_from_id(arn: str | None, rid: str) -> str | None:
    """The name in an ARN (`...:queue-00`, `role/name`) or an Azure resource ID's last part."""
    if arn:
        resource = arn.split(":", 5)[-1]
        cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
        return resource[cut + 1 :] if cut >= 0 else resource
    if rid.startswith("/subscriptions/"):
        return rid.rstrip("/").rsplit("/", 1)[-1]
    return None


def _decode(body: bytes, source: str) -> Any:
    if body[:2] == b"\x1f\x8b":  # gzip magic: PULUMI_SELF_MANAGED_STATE_GZIP
        try:
            body = gzip.decompress(body)
        except OSError as exc:
            raise InputError(f"{source}: cannot decompress: {exc}") from None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{source}: not valid JSON: {exc}") from None


def _is_checkpoint_key(key: str) -> bool:
    return key.endswith((".json", ".json.gz"))


def _read_object(client: Any, bucket: str, key: str) -> bytes:
    return bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())


def _load_s3(uri: str, session: Any, sleep: Any) -> list[StateResource]:
    from lz.reports.estate.inventory_aws import CLIENT_CONFIG, RetryingClient
    from lz.reports.retry import ExpiredCredentialsError, ReportSourceError

    rest = uri[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise InputError(f"{uri}: expected s3://bucket or s3://bucket/prefix")
    prefix = prefix.strip("/")
    root = f"{prefix}/.pulumi/stacks/" if prefix else ".pulumi/stacks/"
    if session is None:
        import boto3

        session = boto3.Session()
    client = RetryingClient(session.client("s3", config=CLIENT_CONFIG), "s3", sleep)
    out: list[StateResource] = []
    try:
        keys = sorted(
            obj["Key"]
            for obj in client.items("list_objects_v2", "Contents", Bucket=bucket, Prefix=root)
            if _is_checkpoint_key(obj["Key"])
        )
        for key in keys:
            source = f"s3://{bucket}/{key}"
            body = client.guarded(functools.partial(_read_object, client.raw, bucket, key), f"GetObject {key}")
            out.extend(parse_state_document(_decode(body, source), source))
    except ExpiredCredentialsError:
        raise
    except ReportSourceError as error:
        raise InputError(f"{uri}: cannot read the Pulumi state: {error}") from None
    if not keys:
        raise InputError(f"{uri}: no Pulumi stacks found under s3://{bucket}/{root}")
    return out


def load_state_exports(
    paths_or_s3_uris: Sequence[str], session: Any = None, *, sleep: Any = None
) -> list[StateResource]:
    """Managed resources of every stack in the given export files and `s3://` backends.

    Unreadable or malformed input raises `lz.problems.InputError` naming the file (exit code 2).
    """
    import time

    out: list[StateResource] = []
    for item in paths_or_s3_uris:
        text = str(item)
        if text.startswith("s3://"):
            out.extend(_load_s3(text, session, sleep or time.sleep))
            continue
        path = Path(text)
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        out.extend(parse_state_document(_decode(body, str(path)), str(path)))
    return out


def stack_owners(state: Sequence[StateResource]) -> dict[str, str]:
    """Each stack's owner: the most common `owner` tag among its resources (ties: alphabetical)."""
    counts: dict[str, Counter[str]] = {}
    for resource in state:
        owner = next((v for k, v in resource.tags.items() if k.lower() == "owner" and v), None)
        if owner:
            counts.setdefault(resource.stack, Counter())[owner] += 1
    return {stack: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for stack, c in counts.items()}
