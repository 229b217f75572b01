"""A second opinion from checkov: the AWS part of a planned stack as a Terraform plan JSON.

pulumi-aws is a bridge over the Terraform AWS provider, so each AWS resource of a planned graph is
a Terraform resource under another name. `to_terraform_plan(plan)` writes the graph in the shape
`terraform show -json` gives, which checkov's `terraform_plan` framework reads:

* `planned_values.root_module.resources`: address, type, name, provider and `values` with Terraform
  attribute names (snake_case, nested blocks as lists, IAM documents as JSON strings);
* `resource_changes`: every resource is created (`["create"]`), with `after`, `after_unknown` and
  `after_sensitive`;
* `configuration.root_module.resources`: `expressions` holding `references` wherever a value came
  from another exported resource. A reference to a resource being created is unknown in a real
  plan, so the value is left out and checkov substitutes the reference (`aws_s3_bucket.logs.id`):
  that is what connects an `aws_s3_bucket_public_access_block` to its bucket in checkov's graph
  checks.

The names come from lz/data/checkov_type_map.json, generated from the installed pulumi-aws SDK by
scripts/gen_checkov_map.py. What the export cannot show (component resources, provider defaults,
computed values, default tags of the default provider) is listed in docs/checkov.md. The plan also
carries a `pulumi` section, ignored by Terraform tooling, mapping addresses back to URNs and listing
the resources that were not exported and why.

`run_checkov(tf_plan)` runs checkov on it in a subprocess. checkov pins many dependencies, so it is
kept out of the toolkit's virtualenv: it is found on PATH or in `.venv-checkov/`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final

from lz.plan.model import UNKNOWN, PlannedResource, StackPlan

FORMAT_VERSION: Final = "1.2"
#: The `terraform show -json` output this export imitates; checkov only requires the key to exist.
TERRAFORM_VERSION: Final = "1.9.8"
PROVIDER_NAME: Final = "registry.terraform.io/hashicorp/aws"

#: checkov's IAM checks built on cloudsplaining expand every wildcard action of a policy document
#: (about 0.3 s per document, most of a run's time on a large estate; docs/checkov.md). Skipped
#: unless `run_checkov(..., include_expensive=True)`.
EXPENSIVE_CHECKS: Final[tuple[str, ...]] = (
    "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290", "CKV_AWS_355", "CKV2_AWS_40",
)
CHECKOV_VENV: Final = ".venv-checkov"
#: The repository this toolkit runs from; its `.venv-checkov/` is the last place searched.
TOOLKIT_ROOT: Final = Path(__file__).resolve().parents[2]
INSTALL_HINT: Final = "python3 -m venv .venv-checkov && .venv-checkov/bin/pip install 'checkov==3.*'"

_SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
_SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG: Final = "5cf8f73096256a8f31e491e813e4eb8e"
_TF_NAME: Final = re.compile(r"[^A-Za-z0-9_-]")
#: Outputs preferred when naming the attribute a value was taken from: Terraform idiom first.
_PREFERRED_OUTPUTS: Final = ("id", "arn", "name", "bucket")


class CheckovNotInstalled(RuntimeError):
    """checkov is neither on PATH nor in `.venv-checkov/`."""

    def __init__(self, looked_in: Sequence[str] = ()) -> None:
        where = f" (looked on PATH and in {', '.join(looked_in)})" if looked_in else ""
        super().__init__(
            f"checkov is not installed{where}. It pins many dependencies, so install it in its own "
            f"virtualenv at the repository root:\n    {INSTALL_HINT}\n"
            "or pass the path of a checkov executable."
        )


class CheckovFailed(RuntimeError):
    """checkov ran but gave no report (bad plan, crash, timeout)."""


# -- the vendored type map --------------------------------------------------------------------------


def snake(camel: str) -> str:
    """The default engine-name -> Terraform-name rule (scripts/gen_checkov_map.py stores the exceptions)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


@functools.cache
def type_map() -> dict[str, Any]:
    """lz/data/checkov_type_map.json: `resources` by Pulumi type token, nested block `types`."""
    text = resources.files("lz").joinpath("data/checkov_type_map.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def terraform_type(pulumi_type: str) -> str | None:
    """The Terraform resource type of a pulumi-aws type token, None when the map does not know it."""
    entry = type_map()["resources"].get(pulumi_type)
    return str(entry["tf"]) if entry else None


def _attribute(props: Mapping[str, Any], camel: str) -> str:
    spec = props.get(camel)
    return str(spec["tf"]) if spec and "tf" in spec else snake(camel)


# -- values -----------------------------------------------------------------------------------------


class _Ref:
    """A value that is another exported resource's output: an unknown with a reference."""

    __slots__ = ("refs",)

    def __init__(self, refs: list[str]) -> None:
        self.refs = refs


class _Converter:
    """Pulumi input values -> Terraform `after`, `after_unknown`, `after_sensitive` and expressions."""

    def __init__(self, types: Mapping[str, Any], lookup: _ReferenceIndex) -> None:
        self.types = types
        self.lookup = lookup

    def resource(
        self, inputs: Mapping[str, Any], props: Mapping[str, Any], deps: Mapping[str, Sequence[str]]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
        return self._object(inputs, props, deps, top=True)

    def _object(
        self, inputs: Mapping[str, Any], props: Mapping[str, Any], deps: Mapping[str, Sequence[str]], *, top: bool
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
        after: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        sensitive: dict[str, Any] = {}
        expressions: dict[str, Any] = {}
        for camel in sorted(inputs):
            if not isinstance(camel, str) or camel.startswith("__"):
                continue  # engine bookkeeping such as `__defaults`
            spec: Mapping[str, Any] = props.get(camel) or {}
            name = str(spec.get("tf", snake(camel)))
            urns = deps.get(camel, ()) if top else deps.get("", ())
            value, unk, sens, expr = self._value(inputs[camel], spec, urns)
            if unk is not True:
                after[name] = value
            if unk:
                unknown[name] = unk
            if sens:
                sensitive[name] = sens
            if expr:
                expressions[name] = expr
        return after, unknown, sensitive, expressions

    def _value(self, value: Any, spec: Mapping[str, Any], urns: Sequence[str]) -> tuple[Any, Any, Any, Any]:
        """(after value, unknown mask, sensitive mask, expression) of one attribute."""
        if isinstance(value, Mapping) and _SIG_KEY in value:
            if value[_SIG_KEY] == _SECRET_SIG:
                # Never written out: a plan file is an artefact, and no check reads a password's value.
                return None, None, True, None
            if value[_SIG_KEY] == _RESOURCE_SIG:
                value = value.get("id") or value.get("urn")
            else:  # assets and archives (e.g. a Lambda's code): content, not configuration
                return None, None, None, None
        if _is_unknown(value):
            return None, True, None, None
        if spec.get("json") and isinstance(value, Mapping | list):
            if _has_secret(value):
                return None, None, True, None
            return json.dumps(_plain(value), separators=(",", ":")), None, None, None
        block = spec.get("block")
        if block in ("one", "list") and isinstance(value, Mapping | list):
            items = [value] if isinstance(value, Mapping) else list(value)
            nested = self.types.get(str(spec.get("type", "")), {})
            after_items, unknown_items, sensitive_items, expr_items = [], [], [], []
            for item in items:
                if not isinstance(item, Mapping):
                    continue
                a, u, s, e = self._object(item, nested, {"": urns}, top=False)
                after_items.append(a)
                unknown_items.append(u)
                sensitive_items.append(s)
                expr_items.append(e)
            return (after_items, unknown_items if any(unknown_items) else None,
                    sensitive_items if any(sensitive_items) else None, expr_items if any(expr_items) else None)
        if block == "map" and isinstance(value, Mapping):  # a map of objects: keys are data, values blocks
            nested = self.types.get(str(spec.get("type", "")), {})
            objects = {str(k): self._object(v, nested, {"": urns}, top=False)[0]
                       for k, v in value.items() if isinstance(v, Mapping)}
            return objects, None, None, None
        if isinstance(value, Mapping):  # a Terraform map (tags, parameters): keys are data, not names
            return self._map(value)
        if isinstance(value, list):
            return self._list(value, urns)
        ref = self.lookup.reference(value, urns)
        if ref is not None:
            return None, True, None, {"references": ref.refs}
        return _scalar(value), None, None, None

    def _map(self, value: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
        out: dict[str, Any] = {}
        sensitive = False
        for key, item in value.items():
            v, _, s, _ = self._value(item, {}, ())
            out[str(key)] = v
            sensitive = sensitive or bool(s)
        return out, None, True if sensitive else None, None

    def _list(self, value: list[Any], urns: Sequence[str]) -> tuple[Any, Any, Any, Any]:
        refs: list[str] = []
        out: list[Any] = []
        unknown = sensitive = False
        for item in value:
            ref = self.lookup.reference(item, urns) if isinstance(item, str) else None
            if ref is not None:
                refs.extend(r for r in ref.refs if r not in refs)
                continue
            v, u, s, _ = self._value(item, {}, ())
            unknown = unknown or bool(u)
            sensitive = sensitive or bool(s)
            out.append(v)
        if refs:  # some elements are other resources' outputs: unknown until apply, as in Terraform
            return None, True, None, {"references": refs}
        return out, True if unknown else None, True if sensitive else None, None


def _is_unknown(value: Any) -> bool:
    """A value known only after apply (preview): the engine's sentinel or the SDK's `Unknown`."""
    if isinstance(value, str):
        return value == UNKNOWN
    cls = type(value)
    return cls.__name__ == "Unknown" and cls.__module__ == "pulumi.output"


def _scalar(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the engine sends every number as a float
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return None  # assets, archives and other SDK objects


def _has_secret(value: Any) -> bool:
    if isinstance(value, Mapping):
        return value.get(_SIG_KEY) == _SECRET_SIG or any(_has_secret(v) for v in value.values())
    return isinstance(value, list | tuple) and any(_has_secret(v) for v in value)


def _plain(value: Any) -> Any:
    """A JSON value for a document written as a string (IAM policies), numbers as integers."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return _scalar(value)


class _ReferenceIndex:
    """Which exported resource (and which of its outputs) a value was taken from."""

    def __init__(self, exported: Mapping[str, tuple[str, PlannedResource]]) -> None:
        self.exported = exported  # urn -> (address, resource)
        self._values: dict[str, dict[str, str]] = {}

    def _outputs(self, urn: str) -> dict[str, str]:
        if urn not in self._values:
            address, res = self.exported[urn]
            props = type_map()["resources"].get(res.type, {}).get("props", {})
            found: dict[str, str] = {}
            candidates = [("id", res.id)] + [(k, res.raw_outputs.get(k)) for k in _PREFERRED_OUTPUTS[1:]]
            candidates += sorted((k, v) for k, v in res.raw_outputs.items() if k not in _PREFERRED_OUTPUTS)
            for key, value in candidates:
                if isinstance(value, str) and value and not _is_unknown(value) and value not in found:
                    found[value] = f"{address}.{_attribute(props, key)}"
            self._values[urn] = found
        return self._values[urn]

    def reference(self, value: Any, urns: Sequence[str]) -> _Ref | None:
        if not isinstance(value, str) or not value:
            return None
        for urn in urns:
            if urn not in self.exported:
                continue
            attr = self._outputs(urn).get(value)
            if attr is not None:
                return _Ref([attr, self.exported[urn][0]])
        return None


# -- the plan ---------------------------------------------------------------------------------------


def _skip_reason(res: PlannedResource) -> str | None:
    if res.type in ("pulumi:pulumi:Stack", "pulumi:pulumi:StackReference") or res.type.startswith("pulumi:providers:"):
        return ""  # not a resource of the deployment: never listed
    if not res.custom:
        return "component resource: only its children are exported"
    if res.options.get("read"):
        return "read of an existing resource (Resource.get): not created by this stack"
    if not res.type.startswith("aws:"):
        return "not a pulumi-aws resource: the export covers AWS only"
    if res.type not in type_map()["resources"]:
        return (f"type not in lz/data/checkov_type_map.json (pulumi-aws {type_map()['_provider']['version']}); "
                "regenerate it with `python scripts/gen_checkov_map.py`")
    return None


def _names(chosen: Sequence[PlannedResource]) -> dict[str, str]:
    """Terraform addresses by URN: `<type>.<name>`, unique and valid, stable across runs."""
    base: dict[str, str] = {}
    for res in chosen:
        name = _TF_NAME.sub("_", res.name) or "resource"
        if not (name[0].isalpha() or name[0] == "_"):
            name = f"r_{name}"
        base[res.urn] = f"{type_map()['resources'][res.type]['tf']}.{name}"
    counts: dict[str, int] = {}
    for address in base.values():
        counts[address] = counts.get(address, 0) + 1
    return {
        urn: address if counts[address] == 1 else f"{address}_{hashlib.sha256(urn.encode()).hexdigest()[:8]}"
        for urn, address in base.items()
    }


def _providers(plan: StackPlan) -> tuple[dict[str, Any], dict[str, str], dict[str, dict[str, str]]]:
    """Terraform provider configs for explicit `aws.Provider`s, the config key of each provider
    reference (`{urn}::{id}`), and each one's default tags."""
    config: dict[str, Any] = {"aws": {"name": "aws", "full_name": PROVIDER_NAME}}
    keys: dict[str, str] = {}
    default_tags: dict[str, dict[str, str]] = {}
    for res in plan.resources:
        if res.type != "pulumi:providers:aws":
            continue
        alias = _TF_NAME.sub("_", res.name)
        key = f"aws.{alias}"
        expressions: dict[str, Any] = {}
        region = res.raw_inputs.get("region")
        if isinstance(region, str) and not _is_unknown(region):
            expressions["region"] = {"constant_value": region}
        config[key] = {"name": "aws", "full_name": PROVIDER_NAME, "alias": alias, "expressions": expressions}
        ref = f"{res.urn}::{res.id or ''}"
        keys[ref] = key
        tags = res.raw_inputs.get("defaultTags")
        if isinstance(tags, str):  # providers take their object inputs JSON-encoded
            try:
                tags = json.loads(tags)
            except ValueError:
                tags = None
        tag_map = tags.get("tags") if isinstance(tags, Mapping) else None
        if isinstance(tag_map, Mapping):
            default_tags[ref] = {str(k): str(v) for k, v in tag_map.items() if isinstance(v, str)}
    return config, keys, default_tags


def to_terraform_plan(plan: StackPlan) -> dict[str, Any]:
    """The AWS resources of a planned stack as a Terraform plan JSON (`terraform show -json` shape)."""
    tmap = type_map()
    skipped: list[dict[str, str]] = []
    chosen: list[PlannedResource] = []
    for res in sorted(plan.resources, key=lambda r: r.urn):
        reason = _skip_reason(res)
        if reason is None:
            chosen.append(res)
        elif reason:
            skipped.append({"urn": res.urn, "type": res.type, "reason": reason})
    addresses = _names(chosen)
    provider_config, provider_keys, default_tags = _providers(plan)
    index = _ReferenceIndex({r.urn: (addresses[r.urn], r) for r in chosen})
    converter = _Converter(tmap["types"], index)

    planned: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    configured: list[dict[str, Any]] = []
    for res in sorted(chosen, key=lambda r: addresses[r.urn]):
        entry = tmap["resources"][res.type]
        address = addresses[res.urn]
        tf_type, name = address.split(".", 1)
        deps = {k: v for k, v in res.property_dependencies.items() if v}
        after, unknown, sensitive, expressions = converter.resource(res.raw_inputs, entry.get("props", {}), deps)
        if entry.get("tags_all") and "tags" not in unknown:
            merged = {**default_tags.get(res.provider or "", {}), **(after.get("tags") or {})}
            if merged:
                after["tags_all"] = merged
        head = {"address": address, "mode": "managed", "type": tf_type, "name": name, "provider_name": PROVIDER_NAME}
        planned.append({**head, "schema_version": 0, "values": after, "sensitive_values": sensitive})
        changes.append({
            **head,
            "change": {
                "actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
                "before_sensitive": False, "after_sensitive": sensitive,
            },
        })
        configured.append({
            "address": address, "mode": "managed", "type": tf_type, "name": name,
            "provider_config_key": provider_keys.get(res.provider or "", "aws"),
            "expressions": expressions, "schema_version": 0,
        })
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": provider_config, "root_module": {"resources": configured}},
        "applyable": bool(changes),
        "complete": True,
        "errored": False,
        "pulumi": {
            "project": plan.project,
            "stack": plan.name,
            "type_map": f"pulumi-aws {tmap['_provider']['version']}",
            "urns": {addresses[r.urn]: r.urn for r in chosen},
            "skipped": skipped,
        },
    }


# -- running checkov --------------------------------------------------------------------------------


def find_checkov(checkov_bin: str | None = None, *, search_from: Path | None = None) -> str:
    """The checkov executable: `checkov_bin`, else on PATH, else `.venv-checkov/` in the current
    directory or one above it, or next to this toolkit."""
    if checkov_bin:
        path = shutil.which(checkov_bin) or (checkov_bin if Path(checkov_bin).is_file() else None)
        if path is None:
            raise CheckovNotInstalled([checkov_bin])
        return str(Path(path).resolve())  # checkov runs from a temporary directory
    on_path = shutil.which("checkov")
    if on_path:
        return on_path
    here = (search_from or Path.cwd()).resolve()
    bindir = "Scripts" if os.name == "nt" else "bin"
    for root in dict.fromkeys([here, *here.parents, TOOLKIT_ROOT]):
        for exe in ("checkov", "checkov.cmd", "checkov.exe"):
            candidate = root / CHECKOV_VENV / bindir / exe
            if candidate.is_file():
                return str(candidate)
    raise CheckovNotInstalled(list(dict.fromkeys([str(here / CHECKOV_VENV), str(TOOLKIT_ROOT / CHECKOV_VENV)])))


def checkov_command(
    checkov: str,
    plan_file: str,
    *,
    include_expensive: bool = False,
    checks: Iterable[str] = (),
    skip_checks: Iterable[str] = (),
    include_passed: bool = False,
) -> list[str]:
    """The checkov command line for one plan file."""
    cmd = [checkov, "-f", plan_file, "--framework", "terraform_plan", "-o", "json", "--compact",
           "--skip-download"]
    if not include_passed:
        cmd.append("--quiet")  # failed checks only: a 10,000-resource report is 100 MB otherwise
    skip = [*skip_checks, *([] if include_expensive else EXPENSIVE_CHECKS)]
    if checks:
        cmd += ["--check", ",".join(checks)]
    if skip:
        cmd += ["--skip-check", ",".join(dict.fromkeys(skip))]
    return cmd


def parse_report(report: Any, urns: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """checkov's JSON report (one check type or a list of them) -> one dict per check result."""
    reports = report if isinstance(report, list) else [report]
    out: list[dict[str, Any]] = []
    for rep in reports:
        if not isinstance(rep, Mapping):
            continue
        results = rep.get("results") or {}
        for bucket in ("failed_checks", "passed_checks", "skipped_checks"):
            for item in results.get(bucket) or []:
                address = str(item.get("resource_address") or item.get("resource") or "")
                out.append({
                    "check_id": str(item.get("check_id", "")),
                    "check_name": str(item.get("check_name", "")),
                    "resource": address,
                    "result": bucket.split("_")[0],  # failed / passed / skipped
                    "urn": (urns or {}).get(address),
                    "guideline": item.get("guideline"),
                })
    out.sort(key=lambda r: (r["result"] != "failed", r["check_id"], r["resource"]))
    return out


def run_checkov(
    tf_plan: Mapping[str, Any],
    *,
    checkov_bin: str | None = None,
    include_expensive: bool = False,
    checks: Iterable[str] = (),
    skip_checks: Iterable[str] = (),
    include_passed: bool = False,
    timeout: float | None = None,
) -> list[dict[str, Any]]:
    """Run checkov over an exported plan; results as `{check_id, check_name, resource, result, urn}`.

    `resource` is the Terraform address and `urn` the Pulumi URN it came from. Only failed checks
    are returned unless `include_passed`. Raises CheckovNotInstalled (with the install command)
    when there is no checkov, CheckovFailed when checkov produced no report.
    """
    exe = find_checkov(checkov_bin)
    if not tf_plan.get("planned_values", {}).get("root_module", {}).get("resources"):
        return []  # nothing exported (an Azure stack, say): checkov would only report on the provider block
    urns = tf_plan.get("pulumi", {}).get("urns", {}) if isinstance(tf_plan.get("pulumi"), Mapping) else {}
    with tempfile.TemporaryDirectory(prefix="lz-checkov-") as tmp:
        plan_file = Path(tmp) / "plan.json"
        # Compact, as `terraform show -json` writes it; checkov reads plans with a YAML parser that
        # is noticeably slower on pretty-printed files.
        plan_file.write_text(json.dumps(tf_plan, separators=(",", ":")), encoding="utf-8")
        cmd = checkov_command(exe, str(plan_file), include_expensive=include_expensive, checks=checks,
                              skip_checks=skip_checks, include_passed=include_passed)
        env = {**os.environ, "ANSI_COLORS_DISABLED": "1", "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING")}
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=tmp, env=env)
        except subprocess.TimeoutExpired as exc:
            raise CheckovFailed(f"checkov did not finish within {timeout} s") from exc
        except OSError as exc:
            raise CheckovFailed(f"cannot run {exe}: {exc}") from exc
    # checkov exits 1 when a check fails; only a missing or unreadable report is an error.
    try:
        report = json.loads(proc.stdout) if proc.stdout.strip() else None
    except ValueError:
        report = None
    if report is None or proc.returncode not in (0, 1):
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise CheckovFailed(f"checkov exited {proc.returncode} without a report:\n{tail}")
    return parse_report(report, urns)


# -- checkov <-> policy correspondence --------------------------------------------------------------


def correspondence(rules: Iterable[Any]) -> list[tuple[str, list[str]]]:
    """`(checkov check, [policy names])` from the pack's metadata (`Rule.checkov`), sorted by check."""
    by_check: dict[str, list[str]] = {}
    for rule in rules:
        for check in getattr(rule, "checkov", ()) or ():
            by_check.setdefault(str(check), []).append(str(rule.name))
    order = re.compile(r"^(CKV2?)_([A-Z]+)_(\d+)$")

    def key(check: str) -> tuple[str, str, int, str]:
        m = order.match(check)
        return (m.group(2), m.group(1), int(m.group(3)), check) if m else ("~", "", 0, check)

    return [(check, sorted(by_check[check])) for check in sorted(by_check, key=key)]


def render_correspondence(rules: Iterable[Any]) -> str:
    """The generated part of docs/checkov.md: each checkov check with the policies that mirror it
    and, for AWS, the Terraform types the export gives checkov for those policies' resource types;
    then the policies that have no checkov counterpart."""
    rules = sorted(rules, key=lambda r: str(r.name))
    by_name = {str(r.name): r for r in rules}
    lines = ["| checkov check | policy | Terraform types in the export |", "|---|---|---|"]
    for check, names in correspondence(rules):
        types: list[str] = []
        for name in names:
            for token in getattr(by_name[name], "resource_types", ()) or ():
                tf = terraform_type(token) if token.startswith("aws:") else None
                label = f"`{tf}`" if tf else ("Azure: not exported" if token.startswith("azure") else "not mapped")
                if label not in types:
                    types.append(label)
        policies = "<br>".join(f"`{n}`" for n in names)
        lines.append(f"| `{check}` | {policies} | {', '.join(types) or '—'} |")
    alone = [str(r.name) for r in rules if not (getattr(r, "checkov", ()) or ())]
    lines += ["", f"Policies with no checkov counterpart ({len(alone)}): checkov cannot give a second opinion on "
              "these, so they rest on the pack alone.", ""]
    lines += [f"* `{name}`" for name in alone]
    return "\n".join(lines) + "\n"


__all__ = [
    "EXPENSIVE_CHECKS",
    "INSTALL_HINT",
    "CheckovFailed",
    "CheckovNotInstalled",
    "checkov_command",
    "correspondence",
    "find_checkov",
    "parse_report",
    "render_correspondence",
    "run_checkov",
    "terraform_type",
    "to_terraform_plan",
    "type_map",
]
