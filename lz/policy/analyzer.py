"""Run CrossGuard policies offline, through the same analyzer code `pulumi preview --policy-pack` runs.

The Pulumi CLI talks to a Python policy pack over gRPC: the pack's `PolicyPack(...)` serves a
`_PolicyAnalyzerServicer`, and the engine calls `Configure` once, `Analyze` for every resource it
registers and `AnalyzeStack` once at the end. This module calls that very servicer in-process, with
no server and no CLI, so policies see what they would see under the CLI: props deserialized from a
protobuf Struct (numbers as floats, secrets unwrapped, unknowns behind the SDK's unknown-checking
proxy), the SDK's own enforcement-level resolution, `not_applicable`, and "can't run during preview"
diagnostics. (The upstream SDK's own tests drive the servicer the same way.)

What the CLI does before `Configure` and the SDK does not, `reconcile_config` does, as the CLI's
`ReconcilePolicyPackConfig` (pulumi/pulumi, Go package `pkg/resource/analyzer`):

1. every policy starts at its own enforcement level (or the pack's) with its config schema defaults;
2. the pack's `initial_config` is applied, then each user layer (`--policy-pack-config`), each first
   applying an `all` level to every policy and then the per-policy entries;
3. every policy's properties are validated against its config schema (JSON Schema);
4. a level is sent for *every* policy: a `PolicyConfig` without one would mean ADVISORY (proto 0).

What the engine sends, this sends:
* `Analyze`: every registered resource (custom, component, provider and the root stack; not reads)
  with its inputs as the program sent them (`PlannedResource.wire`), its options and its provider's
  inputs. Findings are attributed to the analyzed resource, as the engine does.
* `AnalyzeStack`: every resource with its parent, dependencies and property dependencies wired, and
  its *outputs*: here, what the planner's mock provider returned (the inputs plus ids, ARNs, names);
  the root stack's outputs are the stack's exports.

Deliberate differences from the CLI:
* config entries naming a policy that is not one of `policies` are ignored here; `lz.policy.evaluate`
  rejects names that are not in the pack at all, which the CLI silently accepts;
* a policy that raises is reported in `Analysis.errors` (the CLI aborts the whole preview), and the
  other policies' findings for that resource are still collected.

Gaps the planner leaves (not this module): resources on a *default* provider arrive without
`args.provider` (the mock runtime registers no default providers), and inputs are those the program
sent, before the provider's `Check` (no provider-side defaults or auto-names).

The servicer is private API (`pulumi_policy.policy._PolicyAnalyzerServicer`), written against the
constructor of pulumi-policy 1.21, `(name, version, policies, enforcement_level, initial_config, ...)`;
`check_sdk()` refuses to run, naming the difference, if an upgrade changes it.

Shared deserialisation (`analyze_graph`, what `analyze_plan` runs): the servicer's `Analyze` turns a
resource's properties into Python values (`MessageToDict`, `deserialize_properties`, the unknown-
checking proxy) once per *policy*, and `AnalyzeStack` does it for every resource of the stack once
per *stack policy*: at 10,000 resources, about 90% of the gate's time went there, and to holding a
protobuf request of the whole graph. The shared path runs the servicer's `Analyze`/`AnalyzeStack`
loop (`_SharedServicerLoop`), with the servicer's own helpers for levels, config, options, violation
reports and the "can't run during preview" diagnostic, but converts each resource once and hands
the same values to each of its policies:

* props are the SDK's `deserialize_properties` of the `MessageToDict` form (`lz.policy.graph`;
  skipped where it would only copy a freshly unpacked map: `_deserialized`),
  wrapped by a copy of the SDK's `unknown_checking_proxy` (`_guarded`: the SDK's proxy classes,
  same paths, same `UnknownValueError`s) that also notes writes: a policy that writes to its props
  (`props[k] = v`, or `props["__target"]`) gets what the servicer gave it, and the policies after it
  get a fresh copy, as each gets under the servicer;
* every policy gets its own `ResourceValidationArgs`, options and provider objects, and every stack
  policy its own `resources` list; the `PolicyResource`s of the graph are built once and rebuilt
  for the next stack policy if one of their attributes was replaced;
* a policy that raises loses only its own findings for that request (the reference path reruns each
  policy alone to the same effect).

`analyze_plan_reference` is the straightforward path (a protobuf request per resource and per stack,
the SDK servicer's `Analyze`/`AnalyzeStack`); tests/lz/policy/test_policy_shared.py holds both to the
same verdicts.
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import inspect
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from inspect import isawaitable
from typing import Any, Final, Literal, Protocol

from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyProviderResource,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import SPECIAL_SIG_KEY, deserialize_properties
from pulumi_policy.policy import _NotApplicableError, _PolicyAnalyzerServicer
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    _DictProxy,
    _ListProxy,
)

from lz import __version__
from lz.gctune import batched_collections
from lz.plan.model import PlannedResource, StackPlan
from lz.policy.graph import GraphOptions, GraphResource, PolicyGraph

PACK_NAME: Final = "council-lz"
#: CrossGuard's reserved config key for "every policy".
ALL: Final = "all"
ENFORCEMENT_KEY: Final = "enforcementLevel"

_LEVELS: Final = {level.value: level for level in EnforcementLevel}
_TO_PROTO: Final = {
    EnforcementLevel.ADVISORY: proto.ADVISORY,
    EnforcementLevel.MANDATORY: proto.MANDATORY,
    EnforcementLevel.REMEDIATE: proto.REMEDIATE,
    EnforcementLevel.DISABLED: proto.DISABLED,
}
_SEVERITY_NAMES: Final[dict[int, str]] = {
    proto.POLICY_SEVERITY_LOW: "low",
    proto.POLICY_SEVERITY_MEDIUM: "medium",
    proto.POLICY_SEVERITY_HIGH: "high",
    proto.POLICY_SEVERITY_CRITICAL: "critical",
}
_DURATION: Final = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_DURATION_SECONDS: Final = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}

#: The servicer's constructor this module is written against (pulumi-policy 1.21).
SERVICER_PARAMETERS: Final = ("self", "name", "version", "policies", "enforcement_level", "initial_config")
_SERVICER_METHODS: Final = ("Configure", "Analyze", "AnalyzeStack")

Level = Literal["advisory", "mandatory"]
Kind = Literal["resource", "stack"]


#: Servicer helpers the shared path calls, as `Analyze`/`AnalyzeStack` call them (pulumi-policy 1.21).
_SHARED_HELPERS: Final = (
    "_configure_runtime_settings", "_get_enforcement_level", "_create_report_violation",
    "_map_enforcement_level", "_get_resource_options", "_get_policy_config",
)
_STACK_TAGS: Final = "_PolicyAnalyzerServicer__stack_tags"


class AnalyzerUnavailable(RuntimeError):
    """The installed pulumi-policy's private servicer is not the one this module is written for."""


@functools.cache
def check_sdk(servicer: Any = _PolicyAnalyzerServicer) -> None:
    """Fail loudly, naming the difference, if a pulumi-policy upgrade changed the private servicer."""
    parameters = tuple(inspect.signature(servicer.__init__).parameters)[: len(SERVICER_PARAMETERS)]
    missing = [m for m in _SERVICER_METHODS if not callable(getattr(servicer, m, None))]
    if parameters != SERVICER_PARAMETERS or missing:
        from importlib.metadata import version

        raise AnalyzerUnavailable(
            f"pulumi-policy {version('pulumi-policy')}: _PolicyAnalyzerServicer{parameters} "
            f"(missing {missing or 'nothing'}) is not the servicer lz.policy.analyzer calls, "
            f"_PolicyAnalyzerServicer{SERVICER_PARAMETERS} with {', '.join(_SERVICER_METHODS)} (pulumi-policy 1.21)"
        )


@functools.cache
def check_shared_path(servicer: Any = _PolicyAnalyzerServicer) -> None:
    """Fail loudly if the servicer lacks a helper the shared path calls."""
    missing = [m for m in _SHARED_HELPERS if not callable(getattr(servicer, m, None))]
    if missing:
        from importlib.metadata import version

        raise AnalyzerUnavailable(
            f"pulumi-policy {version('pulumi-policy')}: _PolicyAnalyzerServicer lacks {', '.join(missing)}, "
            "which lz.policy.analyzer's shared path calls (pulumi-policy 1.21); use analyze_plan_reference"
        )


class PolicyConfigError(ValueError):
    """Policy config that the CLI would refuse: bad levels, bad shapes, schema violations."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# -- config --------------------------------------------------------------------------------------


def parse_level(value: Any, where: str) -> EnforcementLevel:
    """An enforcement level from config text (`mandatory`, ...) or an EnforcementLevel."""
    if isinstance(value, EnforcementLevel):
        return value
    if isinstance(value, str) and value in _LEVELS:
        return _LEVELS[value]
    raise PolicyConfigError([f"{where}: {value!r} is not an enforcement level; use one of {', '.join(_LEVELS)}"])


def normalize_config(config: Mapping[str, Any], where: str = "policy config") -> dict[str, dict[str, Any]]:
    """CrossGuard config, `name: level` or `name: {enforcementLevel: level, prop: value, ...}`, as
    `{name: {"enforcementLevel": EnforcementLevel (when given), prop: value}}`. All problems at once."""
    problems: list[str] = []
    out: dict[str, dict[str, Any]] = {}
    for name, value in config.items():
        if not isinstance(name, str):
            problems.append(f"{where}: key {name!r} is not a policy name")
            continue
        try:
            if isinstance(value, str | EnforcementLevel):
                out[name] = {ENFORCEMENT_KEY: parse_level(value, f"{where}: {name}")}
            elif isinstance(value, Mapping):
                entry = {str(k): v for k, v in value.items()}
                if ENFORCEMENT_KEY in entry:
                    entry[ENFORCEMENT_KEY] = parse_level(entry[ENFORCEMENT_KEY], f"{where}: {name}")
                out[name] = entry
            else:
                problems.append(f"{where}: {name}: expected an enforcement level or a mapping, "
                                f"got {type(value).__name__}")
        except PolicyConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PolicyConfigError(problems)
    return out


def unknown_policy_names(config: Mapping[str, Any], known: Iterable[str]) -> list[str]:
    """One message per config key that names no known policy, with a suggestion when one is close."""
    known_list = sorted(known)
    messages = []
    for name in config:
        if name == ALL or name in known_list:
            continue
        close = difflib.get_close_matches(str(name), known_list, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        messages.append(f"policy config names {name!r}, which is not a policy of the pack{hint}")
    return messages


@dataclass(frozen=True)
class PolicySettings:
    """What `Configure` sends for one policy."""

    level: EnforcementLevel
    properties: dict[str, Any]


def _schema_of(policy: Policy) -> dict[str, Any] | None:
    schema = policy.config_schema
    if schema is None:
        return None
    # The CLI validates {"type": "object", "properties": ..., "required": ...} (convertSchema).
    out: dict[str, Any] = {"type": "object"}
    if schema.properties:
        out["properties"] = dict(schema.properties)
    if schema.required:
        out["required"] = list(schema.required)
    return out


def reconcile_config(
    policies: Sequence[Policy],
    *,
    pack_level: EnforcementLevel = EnforcementLevel.ADVISORY,
    initial_config: Mapping[str, Any] | None = None,
    config: Iterable[Mapping[str, Any]] = (),
) -> dict[str, PolicySettings]:
    """Each policy's effective level and config, as the CLI computes them before `Configure`.

    The pack's `initial_config` is applied first, then each user config layer in order. Raises
    PolicyConfigError with every problem (bad levels, schema violations) at once.
    """
    import jsonschema

    levels: dict[str, EnforcementLevel] = {}
    props: dict[str, dict[str, Any]] = {}
    for policy in policies:
        levels[policy.name] = policy.enforcement_level or pack_level
        schema = policy.config_schema
        defaults = schema.properties.items() if schema is not None and schema.properties else ()
        props[policy.name] = {key: spec["default"] for key, spec in defaults if "default" in spec}

    problems: list[str] = []
    layers = [("initial config", initial_config or {}), *(("policy config", layer) for layer in config)]
    for where, layer in layers:
        try:
            normalized = normalize_config(layer, where)
        except PolicyConfigError as exc:
            problems.extend(exc.problems)
            continue
        everyone = normalized.get(ALL, {}).get(ENFORCEMENT_KEY)
        if everyone is not None:
            levels = dict.fromkeys(levels, everyone)
        for name, entry in normalized.items():
            if name == ALL or name not in levels:
                continue
            if ENFORCEMENT_KEY in entry:
                levels[name] = entry[ENFORCEMENT_KEY]
            props[name].update({k: v for k, v in entry.items() if k != ENFORCEMENT_KEY})

    for policy in policies:
        json_schema = _schema_of(policy)
        if json_schema is None:
            continue
        validator = jsonschema.Draft7Validator(json_schema)
        for error in sorted(validator.iter_errors(props[policy.name]), key=lambda e: list(e.absolute_path)):
            path = ".".join(str(p) for p in error.absolute_path)
            problems.append(f"{policy.name}: {path + ': ' if path else ''}{error.message}")
    if problems:
        raise PolicyConfigError(problems)
    return {name: PolicySettings(level=levels[name], properties=props[name]) for name in levels}


# -- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    """One policy finding, as the engine would report it."""

    policy: str
    level: Level
    severity: str  # critical | high | medium | low
    #: What the policy reported, without the "<description>\n" prefix the SDK adds.
    message: str
    description: str
    urn: str
    name: str
    type: str
    kind: Kind

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NotApplicable:
    policy: str
    urn: str
    reason: str


@dataclass
class Analysis:
    """Everything the policies said about one stack."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    not_applicable: list[NotApplicable] = field(default_factory=list)
    #: Policies that raised (the CLI would abort the preview): "policy: failed on urn: error".
    errors: list[str] = field(default_factory=list)
    #: The effective enforcement level of every policy (`disabled` policies did not run).
    levels: dict[str, str] = field(default_factory=dict)


# -- wire helpers --------------------------------------------------------------------------------


def to_struct(value: Any) -> struct_pb2.Struct:
    """A property map as a protobuf Struct, as the engine sends it (numbers become floats)."""
    if isinstance(value, struct_pb2.Struct):
        copy = struct_pb2.Struct()
        copy.CopyFrom(value)
        return copy
    data = dict(value or {})
    struct = struct_pb2.Struct()
    try:
        struct.update(data)
        return struct
    except (ValueError, TypeError):
        # Assets, archives and other SDK values: let the SDK's own serializer encode them.
        from pulumi.runtime import rpc

        loop = asyncio.new_event_loop()
        try:
            serialized: struct_pb2.Struct = loop.run_until_complete(rpc.serialize_properties(data, {}))
        finally:
            loop.close()
        return serialized


def duration_seconds(text: str | None) -> float:
    """A Go duration (`1h30m`, `90s`, `2.5m`) in seconds, as the engine parses custom timeouts."""
    if not text:
        return 0.0
    total, pos = 0.0, 0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            return 0.0
        total += float(match.group(1)) * _DURATION_SECONDS[match.group(2)]
        pos = match.end()
    return total if pos == len(text) else 0.0


def _options(resource: PlannedResource, *, with_parent: bool) -> Any:
    opts = resource.options
    timeouts = opts.get("custom_timeouts") or {}
    message = proto.AnalyzerResourceOptions(
        protect=bool(opts.get("protect")),
        ignoreChanges=list(opts.get("ignore_changes") or []),
        additionalSecretOutputs=list(opts.get("additional_secret_outputs") or []),
        # The engine sends only aliases it matched against existing state; a plan creates everything.
        aliases=[],
        parent=(resource.parent or "") if with_parent else "",
        customTimeouts=proto.AnalyzerResourceOptions.CustomTimeouts(
            create=duration_seconds(timeouts.get("create")),
            update=duration_seconds(timeouts.get("update")),
            delete=duration_seconds(timeouts.get("delete")),
        ),
    )
    delete_before_replace = opts.get("delete_before_replace")
    if delete_before_replace is not None:
        message.deleteBeforeReplace = bool(delete_before_replace)
        message.deleteBeforeReplaceDefined = True
    return message


def urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""


def urn_type(urn: str) -> str:
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def _is_read(resource: PlannedResource) -> bool:
    return bool(resource.options.get("read"))


class _Named(Protocol):
    """What findings need of the resource they are attributed to (PlannedResource, GraphResource)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...


# -- shared deserialisation ----------------------------------------------------------------------


class _Guard:
    """Set when a policy may have written to props it was given (shared by one copy's proxies)."""

    __slots__ = ("dirty",)

    def __init__(self) -> None:
        self.dirty = False


#: The sentinels `pulumi_policy.proxy._is_unknown` recognises.
_UNKNOWNS: Final = frozenset({
    UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, UNKNOWN_ARRAY_VALUE, UNKNOWN_ASSET_VALUE,
    UNKNOWN_ARCHIVE_VALUE, UNKNOWN_OBJECT_VALUE,
})


class _GuardedDict(_DictProxy):
    """The SDK's unknown-checking dict proxy (`pulumi_policy.proxy._DictProxy`), noting writes.

    Reads behave as the SDK's (`_raise_if_unknown`: an unknown value raises `UnknownValueError` with
    the same path), written out in one frame: stack policies read props millions of times."""

    def __init__(self, target: dict[str, Any], props_acc: list[str], guard: _Guard) -> None:
        super().__init__(target, props_acc)
        self._lz_target = target
        self._lz_acc = props_acc
        self._lz_guard = guard

    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            self._lz_guard.dirty = True  # the raw dict, which the caller may change
            return self._lz_target
        value = self._lz_target[key]
        if isinstance(value, str) and value in _UNKNOWNS:
            raise UnknownValueError(value, [*self._lz_acc, str(key)])
        return value

    def __contains__(self, key: object) -> bool:
        # Mapping.__contains__ (`self[key]`, False on KeyError) in one frame.
        if key == "__target":
            self._lz_guard.dirty = True
            return True
        try:
            value = self._lz_target[key]  # type: ignore[index]
        except KeyError:
            return False
        if isinstance(value, str) and value in _UNKNOWNS:
            raise UnknownValueError(value, [*self._lz_acc, str(key)])
        return True

    def __setitem__(self, key: Any, value: Any) -> None:
        self._lz_guard.dirty = True
        self._lz_target[key] = value


class _GuardedList(_ListProxy):
    """The SDK's unknown-checking list proxy (`pulumi_policy.proxy._ListProxy`), noting writes."""

    def __init__(self, target: list[Any], props_acc: list[str], guard: _Guard) -> None:
        super().__init__(target, props_acc)
        self._lz_target = target
        self._lz_acc = props_acc
        self._lz_guard = guard

    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            self._lz_guard.dirty = True
            return self._lz_target
        value = self._lz_target[key]
        if isinstance(value, str) and value in _UNKNOWNS:
            raise UnknownValueError(value, [*self._lz_acc, str(key)])
        return value


#: What `_guarded` proxies (built once: `list | dict` in the comprehensions built it per item).
_CONTAINERS: Final = (list, dict)


def _guarded(value: Any, props_acc: list[str], guard: _Guard) -> Any:
    """`pulumi_policy.proxy.unknown_checking_proxy` (its `_proxy_helper`, line for line: the same
    containers, copied, with the same property paths), with proxies that note writes in `guard`."""
    if isinstance(value, list):
        return _GuardedList(
            [_guarded(e, [*props_acc, str(i)], guard) if isinstance(e, _CONTAINERS) else e
             for i, e in enumerate(value)],
            props_acc, guard,
        )
    if isinstance(value, dict):
        return _GuardedDict(
            {k: _guarded(v, [*props_acc, str(k)], guard) if isinstance(v, _CONTAINERS) else v
             for k, v in value.items()},
            props_acc, guard,
        )
    return value


_SIGNATURE: Final = SPECIAL_SIG_KEY.encode("ascii")


def _signed(packed: bytes) -> bool:
    """Whether a packed property map (`marshal`, see `lz.policy.graph`) may hold a value the SDK's
    `deserialize_properties` turns into something else (a secret, asset or archive: a map with the
    signature key). Without that key anywhere in the bytes (marshal writes every string whole at
    least once), `deserialize_properties` of a freshly unpacked map is a copy of the same plain
    dicts and lists, which the fresh map itself can stand in for."""
    return _SIGNATURE in packed


def _deserialized(values: dict[str, Any], packed: bytes) -> dict[str, Any]:
    """`deserialize_properties(values)`, for `values` freshly unpacked from `packed`."""
    return deserialize_properties(values) if _signed(packed) else values


class _SharedProps:
    """One resource's deserialized props, proxied once and handed to each of its policies; a fresh
    proxy after a policy wrote to them (each policy gets its own copy from the servicer)."""

    __slots__ = ("_deserialized", "_guard", "_proxy")

    def __init__(self, values: dict[str, Any], signed: bool = True) -> None:
        self._deserialized = deserialize_properties(values) if signed else values
        self._guard = _Guard()
        self._proxy: Any = None

    def get(self) -> Any:
        if self._proxy is None or self._guard.dirty:
            self._guard = _Guard()
            self._proxy = _guarded(self._deserialized, [], self._guard)
        return self._proxy

    @property
    def written(self) -> bool:
        return self._guard.dirty


class _Request:
    """What the servicer's `_get_resource_options` reads of a request: its options message."""

    __slots__ = ("options",)

    def __init__(self, options: Any) -> None:
        self.options = options


def _options_message(options: GraphOptions, parent: str) -> Any:
    """`AnalyzerResourceOptions` as `_options` builds it for the reference path: a fresh message
    (policies get its repeated fields), copied from one built once per distinct options and parent
    (`CopyFrom` sets the same fields, presence included; most resources share both)."""
    message = proto.AnalyzerResourceOptions()
    message.CopyFrom(_options_template(options, parent))
    return message


@functools.lru_cache(maxsize=4096)
def _options_template(options: GraphOptions, parent: str) -> Any:
    create, update, delete = options.custom_timeouts
    message = proto.AnalyzerResourceOptions(
        protect=options.protect,
        ignoreChanges=list(options.ignore_changes),
        additionalSecretOutputs=list(options.additional_secret_outputs),
        aliases=[],
        parent=parent,
        customTimeouts=proto.AnalyzerResourceOptions.CustomTimeouts(
            create=duration_seconds(create), update=duration_seconds(update), delete=duration_seconds(delete),
        ),
    )
    if options.delete_before_replace is not None:
        message.deleteBeforeReplace = options.delete_before_replace
        message.deleteBeforeReplaceDefined = True
    return message


def _run_validation(result: Any) -> None:
    """An async policy's result, awaited as the servicer awaits it."""
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        task: asyncio.Task[Any] = asyncio.Task(result, loop=loop)  # type: ignore[arg-type]
        loop.run_until_complete(task)
        loop.close()


#: Collect garbage less often while a large graph is converted and judged, as the planner does.
analysis_gc = batched_collections


# -- the analyzer --------------------------------------------------------------------------------


class OfflineAnalyzer:
    """The pack's analyzer for one configuration, called as the engine calls it."""

    def __init__(
        self,
        policies: Sequence[Policy],
        *,
        initial_config: Mapping[str, Any] | None = None,
        config: Sequence[Mapping[str, Any]] = (),
        pack_name: str = PACK_NAME,
        version: str = __version__,
        enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY,
    ) -> None:
        if not policies:
            raise ValueError("an analyzer needs at least one policy")
        check_sdk()
        self.policies = list(policies)
        self.pack_name = pack_name
        self.version = version
        self.enforcement_level = enforcement_level
        self.initial_config = normalize_config(initial_config or {}, "initial config")
        self.settings = reconcile_config(
            self.policies, pack_level=enforcement_level, initial_config=self.initial_config, config=config
        )
        self._by_name = {p.name: p for p in self.policies}
        self._servicer = self._new_servicer(self.policies)
        self._isolated: dict[str, Any] = {}
        self._by_type: dict[str, tuple[list[Policy], Any]] = {}
        self._chosen: dict[str, list[Policy]] = {}

    @property
    def levels(self) -> dict[str, str]:
        return {name: s.level.value for name, s in self.settings.items()}

    def _configure_request(self) -> Any:
        return proto.ConfigureAnalyzerRequest(
            policyConfig={
                name: proto.PolicyConfig(
                    enforcementLevel=_TO_PROTO[s.level], properties=to_struct(s.properties)
                )
                for name, s in self.settings.items()
            }
        )

    def _new_servicer(self, policies: Sequence[Policy]) -> Any:
        servicer: Any = _PolicyAnalyzerServicer(
            self.pack_name, self.version, list(policies), self.enforcement_level, dict(self.initial_config) or None
        )
        servicer.Configure(self._configure_request(), None)
        return servicer

    def _alone(self, policy: Policy) -> Any:
        """A servicer with just one policy, to find which policy failed and keep the others' findings."""
        if policy.name not in self._isolated:
            self._isolated[policy.name] = self._new_servicer([policy])
        return self._isolated[policy.name]

    def _severity(self, policy_name: str, severity: int) -> str:
        if severity in _SEVERITY_NAMES:
            return _SEVERITY_NAMES[severity]
        # "can't run during preview" diagnostics carry no severity; the policy has one.
        policy = self._by_name.get(policy_name)
        return policy.severity.value if policy is not None and policy.severity is not None else ""

    def _convert(
        self, response: Any, *, urn: str | None, by_urn: Mapping[str, _Named], fallback: str, kind: Kind
    ) -> tuple[list[Diagnostic], list[NotApplicable]]:
        found: list[Diagnostic] = []
        for d in response.diagnostics:
            description = d.description
            message = d.message
            if description and message.startswith(description + "\n"):
                message = message[len(description) + 1:]
            target_urn = urn if urn is not None else (d.urn or fallback)
            target = by_urn.get(target_urn)
            level: Level = "mandatory" if d.enforcementLevel == proto.MANDATORY else "advisory"
            found.append(
                Diagnostic(
                    policy=d.policyName,
                    level=level,
                    severity=self._severity(d.policyName, d.severity),
                    message=message,
                    description=description,
                    urn=target_urn,
                    name=target.name if target is not None else urn_name(target_urn),
                    type=target.type if target is not None else urn_type(target_urn),
                    kind=kind,
                )
            )
        skipped = [
            NotApplicable(policy=n.policy_name, urn=urn if urn is not None else fallback, reason=n.reason)
            for n in response.not_applicable
        ]
        return found, skipped

    def _for_type(self, resource_type: str) -> tuple[list[Policy], Any]:
        """The resource policies that can judge a type, and a servicer holding just those.

        The SDK's `Analyze` deserializes a resource's properties once per policy it holds, so a
        servicer per type does the same judging with a fraction of the work. Policies that do not
        declare types (e.g. the mandatory-tags policy) judge every type.
        """
        if resource_type not in self._by_type:
            chosen: list[Policy] = [
                p for p in self.policies
                if isinstance(p, ResourceValidationPolicy)
                and (not getattr(p, "resource_types", ()) or resource_type in getattr(p, "resource_types", ()))
            ]
            self._by_type[resource_type] = (chosen, self._new_servicer(chosen) if chosen else None)
        return self._by_type[resource_type]

    def _run(
        self, method: str, request: Any, policy_type: type[Policy], label: str,
        servicer: Any = None, policies: Sequence[Policy] | None = None,
    ) -> tuple[list[Any], list[str]]:
        """Responses of one RPC: from the full servicer, or policy by policy when a policy raises."""
        try:
            return [getattr(servicer or self._servicer, method)(request, None)], []
        except Exception:  # a policy raised inside the servicer: find out which, keep the others
            responses: list[Any] = []
            errors: list[str] = []
            for policy in policies if policies is not None else self.policies:
                if not isinstance(policy, policy_type) or self.settings[policy.name].level is EnforcementLevel.DISABLED:
                    continue
                try:
                    responses.append(getattr(self._alone(policy), method)(request, None))
                except Exception as exc:  # reported, never fatal: the gate shows every failure
                    errors.append(f"{policy.name}: failed on {label}: {type(exc).__name__}: {exc}")
            return responses, errors

    def _provider(self, resource: PlannedResource, by_urn: Mapping[str, PlannedResource]) -> Any | None:
        if not resource.provider:
            return None
        provider = by_urn.get(resource.provider.rsplit("::", 1)[0])
        if provider is None:
            return None
        return proto.AnalyzerProviderResource(
            type=provider.type, properties=to_struct(provider.wire or provider.raw_inputs),
            urn=provider.urn, name=provider.name,
        )

    def analyze_resource(
        self, resource: PlannedResource, by_urn: Mapping[str, PlannedResource] | None = None
    ) -> Analysis:
        """`Analyze` for one resource, with its inputs as the program sent them."""
        lookup = by_urn if by_urn is not None else {resource.urn: resource}
        policies, servicer = self._for_type(resource.type)
        if servicer is None:
            return Analysis(levels=self.levels)
        request = proto.AnalyzeRequest(
            type=resource.type,
            properties=to_struct(resource.wire if resource.wire is not None else resource.raw_inputs),
            urn=resource.urn,
            name=resource.name,
            options=_options(resource, with_parent=True),
        )
        provider = self._provider(resource, lookup)
        if provider is not None:
            request.provider.CopyFrom(provider)
        responses, errors = self._run(
            "Analyze", request, ResourceValidationPolicy, resource.urn, servicer=servicer, policies=policies
        )
        result = Analysis(errors=errors, levels=self.levels)
        for response in responses:
            found, skipped = self._convert(response, urn=resource.urn, by_urn=lookup, fallback=resource.urn,
                                           kind="resource")
            result.diagnostics.extend(found)
            result.not_applicable.extend(skipped)
        return result

    def analyze_stack(self, plan: StackPlan) -> Analysis:
        """`AnalyzeStack` over every resource of the plan, outputs and graph edges included."""
        by_urn = plan.by_urn()
        stack = plan.stack_resource
        resources = []
        for r in plan.resources:
            outputs: Any = plan.raw_outputs if stack is not None and r.urn == stack.urn else r.raw_outputs
            item = proto.AnalyzerResource(
                type=r.type,
                properties=to_struct(outputs or r.wire or r.raw_inputs),
                urn=r.urn,
                name=r.name,
                options=_options(r, with_parent=False),
                parent=r.parent or "",
                dependencies=list(r.dependencies),
                propertyDependencies={
                    prop: proto.AnalyzerPropertyDependencies(urns=list(urns))
                    for prop, urns in r.property_dependencies.items()
                },
            )
            provider = self._provider(r, by_urn)
            if provider is not None:
                item.provider.CopyFrom(provider)
            resources.append(item)
        request = proto.AnalyzeStackRequest(resources=resources)
        responses, errors = self._run("AnalyzeStack", request, StackValidationPolicy, f"stack {plan.name}")
        result = Analysis(errors=errors, levels=self.levels)
        fallback = stack.urn if stack is not None else ""
        for response in responses:
            found, skipped = self._convert(response, urn=None, by_urn=by_urn, fallback=fallback, kind="stack")
            result.diagnostics.extend(found)
            result.not_applicable.extend(skipped)
        return result

    def analyze_plan(self, plan: StackPlan | PolicyGraph) -> Analysis:
        """Everything the engine would ask of the pack for this stack: `Analyze` for each registered
        resource (reads excluded, as in the engine), then `AnalyzeStack` once."""
        with analysis_gc():
            graph = plan if isinstance(plan, PolicyGraph) else PolicyGraph.from_plan(plan)
            return self.analyze_graph(graph)

    def analyze_graph(self, graph: PolicyGraph) -> Analysis:
        """`analyze_plan` over the gate's light graph, each resource's properties converted once
        for all its policies (the module docstring says how this stays the servicer's verdict)."""
        check_shared_path()
        by_urn = graph.by_urn()
        loop = _SharedServicerLoop(self)
        total = Analysis(levels=self.levels)
        for resource in graph.resources:
            if resource.read:
                continue
            policies = self._resource_policies(resource.type)
            if not policies:
                continue
            response, errors = loop.analyze(resource, by_urn, policies)
            found, skipped = self._convert(response, urn=resource.urn, by_urn=by_urn, fallback=resource.urn,
                                           kind="resource")
            total.diagnostics.extend(found)
            total.not_applicable.extend(skipped)
            total.errors.extend(errors)
        response, errors = loop.analyze_stack(graph, by_urn)
        stack = graph.stack_resource
        found, skipped = self._convert(response, urn=None, by_urn=by_urn, fallback=stack.urn if stack else "",
                                       kind="stack")
        total.diagnostics.extend(found)
        total.not_applicable.extend(skipped)
        total.errors.extend(errors)
        return total

    def _resource_policies(self, resource_type: str) -> list[Policy]:
        """The resource policies that can judge a type (as `_for_type`, without a servicer)."""
        if resource_type not in self._chosen:
            self._chosen[resource_type] = [
                p for p in self.policies
                if isinstance(p, ResourceValidationPolicy)
                and (not getattr(p, "resource_types", ()) or resource_type in getattr(p, "resource_types", ()))
            ]
        return self._chosen[resource_type]

    def analyze_plan_reference(self, plan: StackPlan) -> Analysis:
        """`analyze_plan` the straightforward way: a protobuf request per resource and one for the
        stack, each judged by the SDK's servicer (`Analyze`, `AnalyzeStack`). The shared path must
        give the same Analysis (tests/lz/policy/test_policy_shared.py)."""
        by_urn = plan.by_urn()
        total = Analysis(levels=self.levels)
        for resource in plan.resources:
            if _is_read(resource):
                continue
            part = self.analyze_resource(resource, by_urn)
            total.diagnostics.extend(part.diagnostics)
            total.not_applicable.extend(part.not_applicable)
            total.errors.extend(part.errors)
        part = self.analyze_stack(plan)
        total.diagnostics.extend(part.diagnostics)
        total.not_applicable.extend(part.not_applicable)
        total.errors.extend(part.errors)
        return total


class _SharedServicerLoop:
    """The servicer's `Analyze` and `AnalyzeStack` loops (pulumi-policy 1.21, `policy.py`), with the
    servicer's own helpers, converting each resource's properties once for all its policies."""

    def __init__(self, analyzer: OfflineAnalyzer) -> None:
        self.servicer: Any = analyzer._servicer
        self.pack_name = analyzer.pack_name
        self.version = analyzer.version
        self.policies = analyzer.policies
        self.stack_tags: Any = getattr(self.servicer, _STACK_TAGS)
        #: Provider props by provider URN: providers are shared by many resources.
        self._providers: dict[str, tuple[GraphResource, _SharedProps]] = {}
        #: `_steps` by the id of the policy list (kept, so the id cannot be reused).
        self._decided: dict[int, tuple[Sequence[Policy], tuple[tuple[Policy, EnforcementLevel | None], ...]]] = {}

    # -- the servicer's per-policy steps ---------------------------------------------------------

    def _level(self, policy: Policy) -> EnforcementLevel:
        level: EnforcementLevel = self.servicer._get_enforcement_level(policy)
        return level

    def _preview_diagnostic(self, policy: Policy, error: UnknownValueError) -> Any:
        return proto.AnalyzeDiagnostic(
            policyName=policy.name,
            policyPackName=self.pack_name,
            policyPackVersion=self.version,
            message=(f"can't run policy '{policy.name}' from policy pack "
                     f"'{self.pack_name}@v{self.version}' during preview: {error.message}"),
            urn="",
            description=policy.description,
            enforcementLevel=self.servicer._map_enforcement_level(EnforcementLevel.ADVISORY),
        )

    def _judge(
        self, policy: Policy, make_args: Callable[[], Any], report: Any, response: Any, label: str, errors: list[str]
    ) -> None:
        """`policy.validate(make_args(), report)` as the servicer runs it; a policy that raises
        anything else (or whose props cannot be read) loses what it reported for this request, as
        when the reference path reruns it alone."""
        diagnostics, skipped = len(response.diagnostics), len(response.not_applicable)
        try:
            args = make_args()
            try:
                _run_validation(policy.validate(args, report))  # type: ignore[attr-defined]
            except UnknownValueError as e:
                response.diagnostics.append(self._preview_diagnostic(policy, e))
            except _NotApplicableError as e:
                response.not_applicable.append(
                    proto.PolicyNotApplicable(policy_name=policy.name, reason=e.reason or ""))
        except Exception as exc:  # reported, never fatal: the gate shows every failure
            del response.diagnostics[diagnostics:]
            del response.not_applicable[skipped:]
            errors.append(f"{policy.name}: failed on {label}: {type(exc).__name__}: {exc}")

    def _provider(self, resource: GraphResource, by_urn: Mapping[str, GraphResource]) -> PolicyProviderResource | None:
        """A fresh `PolicyProviderResource` (as `_get_provider_resource` gives each policy), over
        the provider's props converted once."""
        if not resource.provider:
            return None
        key = resource.provider.rsplit("::", 1)[0]
        entry = self._providers.get(key)
        if entry is None:
            provider = by_urn.get(key)
            if provider is None:
                return None
            entry = self._providers[key] = (provider, _SharedProps(
                provider.provider_values(), _signed(provider.packed_provider())))
        provider, props = entry
        return PolicyProviderResource(provider.type, props.get(), provider.urn, provider.name)

    # -- Analyze ---------------------------------------------------------------------------------

    def analyze(
        self, resource: GraphResource, by_urn: Mapping[str, GraphResource], policies: Sequence[Policy]
    ) -> tuple[Any, list[str]]:
        """The servicer's `Analyze` for one resource and the policies that can judge its type."""
        servicer = self.servicer
        servicer._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        errors: list[str] = []
        request = _Request(_options_message(resource.options, resource.parent or ""))
        props: _SharedProps | None = None

        def make_args(policy: Policy) -> ResourceValidationArgs:
            nonlocal props
            if props is None:
                props = _SharedProps(resource.input_values(), _signed(resource.inputs))
            return ResourceValidationArgs(
                resource.type, props.get(), resource.urn, resource.name, servicer._get_resource_options(request),
                self._provider(resource, by_urn), servicer._get_policy_config(policy.name), self.stack_tags,
            )

        for policy, level in self._steps(policies):
            if level is None:
                response.not_applicable.append(proto.PolicyNotApplicable(
                    policy_name=policy.name, reason="Policy does not implement validate"))
                continue
            report = servicer._create_report_violation(response, policy.name, policy.description, level,
                                                       policy.severity)
            self._judge(policy, functools.partial(make_args, policy), report, response, resource.urn, errors)
        return response, errors

    def _steps(self, policies: Sequence[Policy]) -> tuple[tuple[Policy, EnforcementLevel | None], ...]:
        """What `Analyze` decides for each of `policies` before judging a resource, which depends on
        the policy alone (the servicer's level, its type, whether it validates), decided once per
        list of policies: skipped (disabled, not a resource policy), not applicable (None), or the
        level its violations are reported at (REMEDIATE reported as MANDATORY, as the servicer)."""
        entry = self._decided.get(id(policies))
        if entry is not None and entry[0] is policies:
            return entry[1]
        steps: list[tuple[Policy, EnforcementLevel | None]] = []
        for policy in policies:
            level = self._level(policy)
            if level == EnforcementLevel.DISABLED or not isinstance(policy, ResourceValidationPolicy):
                continue
            if not policy.has_validation():
                steps.append((policy, None))
                continue
            steps.append((policy, EnforcementLevel.MANDATORY if level == EnforcementLevel.REMEDIATE else level))
        decided = tuple(steps)
        self._decided[id(policies)] = (policies, decided)
        return decided

    # -- AnalyzeStack ----------------------------------------------------------------------------

    def analyze_stack(self, graph: PolicyGraph, by_urn: Mapping[str, GraphResource]) -> tuple[Any, list[str]]:
        """The servicer's `AnalyzeStack`: every resource with its outputs and graph edges."""
        servicer = self.servicer
        servicer._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        errors: list[str] = []
        shared: _SharedStack | None = None

        def make_args(policy: Policy) -> StackValidationArgs:
            nonlocal shared
            if shared is None or shared.changed():
                shared = _SharedStack(self, graph, by_urn)
            return StackValidationArgs(list(shared.resources), servicer._get_policy_config(policy.name),
                                       self.stack_tags)

        for policy in self.policies:
            level = self._level(policy)
            if level == EnforcementLevel.DISABLED or not isinstance(policy, StackValidationPolicy):
                continue
            if level == EnforcementLevel.REMEDIATE:
                level = EnforcementLevel.MANDATORY
            report = servicer._create_report_violation(response, policy.name, policy.description, level,
                                                       policy.severity)
            self._judge(policy, functools.partial(make_args, policy), report, response, f"stack {graph.name}",
                        errors)
        return response, errors


#: What `_SharedStack.changed` compares: each attribute a stack policy could replace, and the
#: lengths of the edge lists it could append to.
_FINGERPRINT_IDS: Final = tuple(operator.attrgetter(name) for name in (
    "props", "parent", "dependencies", "property_dependencies", "opts", "provider", "resource_type", "urn", "name",
))
_FINGERPRINT_LENGTHS: Final = (operator.attrgetter("dependencies"), operator.attrgetter("property_dependencies"))


class _SharedStack:
    """The `PolicyResource`s of a stack, as `AnalyzeStack` builds them for each stack policy, built
    once; `changed()` tells whether a policy wrote to props or replaced a resource's attributes."""

    def __init__(self, loop: _SharedServicerLoop, graph: PolicyGraph, by_urn: Mapping[str, GraphResource]) -> None:
        servicer = loop.servicer
        self._guard = _Guard()
        providers: dict[str, PolicyProviderResource | None] = {}
        resources: list[PolicyResource] = []
        wiring: list[tuple[PolicyResource, GraphResource]] = []
        for r in graph.resources:
            props = _guarded(_deserialized(r.output_values(), r.packed_outputs()), [], self._guard)
            opts = servicer._get_resource_options(_Request(_options_message(r.options, "")))
            provider_key = r.provider or ""
            if provider_key not in providers:
                providers[provider_key] = self._provider(r, by_urn)
            resource = PolicyResource(r.type, props, r.urn, r.name, opts, providers[provider_key], None, [], {})
            resources.append(resource)
            wiring.append((resource, r))
        urns_to_resources = {r.urn: r for r in resources}
        for resource, r in wiring:
            if r.parent and r.parent in urns_to_resources:
                resource.parent = urns_to_resources[r.parent]
            for d in r.dependencies:
                if d in urns_to_resources:
                    resource.dependencies.append(urns_to_resources[d])
            for k, urns in r.property_dependencies:
                resource.property_dependencies[k] = [urns_to_resources[d] for d in urns if d in urns_to_resources]
        self.resources = resources
        self._fingerprint = self._take_fingerprint()

    def _provider(self, r: GraphResource, by_urn: Mapping[str, GraphResource]) -> PolicyProviderResource | None:
        if not r.provider:
            return None
        provider = by_urn.get(r.provider.rsplit("::", 1)[0])
        if provider is None:
            return None
        packed = provider.packed_provider(stack=True)
        props = _guarded(_deserialized(provider.provider_values(stack=True), packed), [], self._guard)
        return PolicyProviderResource(provider.type, props, provider.urn, provider.name)

    def _take_fingerprint(self) -> list[list[int]]:
        """The identity of each attribute of each resource, and the lengths of its edge lists (one
        list per attribute, each made by `map` in C: this runs before every stack policy)."""
        resources = self.resources
        return [
            *(list(map(id, map(getter, resources))) for getter in _FINGERPRINT_IDS),
            *(list(map(len, map(getter, resources))) for getter in _FINGERPRINT_LENGTHS),
        ]

    def changed(self) -> bool:
        return self._guard.dirty or self._take_fingerprint() != self._fingerprint
