"""AWS policies of the pack, one per file under `policies/aws/<service>/<resource>_<check>.py`.

Every policy file defines `POLICY, METADATA` with `policies.lib.resource_policy` or `stack_policy`.
This package file holds no policy: only the small pieces several services share.

* IAM policy documents (`policy_document`, `statements`, `strings`, `is_public_principal`,
  `has_restricting_condition`): documents arrive as JSON strings (or, rarely, as objects) and every
  field may be a single value or a list.
* KMS keys (`key_kind`, `customer_key_problem`): "customer-managed" means a key the council controls,
  i.e. not an `alias/aws/<service>` AWS-managed key. A key reference unknown during a preview comes
  from a key of the program, so it counts as customer-managed.
* Stack graphs (`read`/`UNKNOWN`, `known`, `stack_of`, `refers_to`, `resources_of`): stack policies see
  the whole graph, where values may be unknown during a preview; one unknown value must not stop the
  check of every other resource. Links between resources are read from property dependencies first
  (always known), and only then from values.
* Allowlists per environment (`sizes`, `is_allowed`, `allowlist_schema`): the config of the cost
  guardrails (`non_production` / `production`).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from policies.lib import as_list, get, plain

#: Condition keys that narrow who (or what) a statement with `Principal: "*"` applies to. A condition
#: on anything else (`aws:SecureTransport`, `s3:prefix`...) still leaves the statement open to anyone.
RESTRICTING_CONDITION_KEYS: Final[frozenset[str]] = frozenset(
    key.lower()
    for key in (
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceOwner",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "aws:VpcSourceIp",
        "aws:userid",
        "aws:username",
        "sts:ExternalId",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
    )
)

#: `alias/aws/<service>` (optionally as an alias ARN): a key AWS manages, whose policy nobody can change.
_AWS_MANAGED_KEY: Final = re.compile(r"^(?:arn:aws[a-z-]*:kms:[a-z0-9-]*:\d*:)?alias/aws/", re.IGNORECASE)


class Unknown:
    """A value that cannot be known during a preview."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown()


def read(props: Mapping[str, Any] | Any, path: str, default: Any = None) -> Any:
    """`get`, with a value that is unknown during a preview read as `UNKNOWN` (stack policies keep
    judging the rest of the graph instead of giving up)."""
    try:
        return get(props, path, default)
    except UnknownValueError:
        return UNKNOWN


def known(props: Mapping[str, Any] | Any, path: str, default: Any = None) -> Any:
    """`get`, with a value that is unknown during a preview read as `default`."""
    try:
        return get(props, path, default)
    except UnknownValueError:
        return default


def strings(value: Any) -> list[str]:
    """A single value or a list of values, as strings (IAM fields take either; JSON booleans such as
    `"aws:SecureTransport": false` become "False")."""
    value = plain(value)
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str):
        return [str(value)]
    return [str(plain(v)) for v in as_list(value)]


def policy_document(value: Any) -> Mapping[str, Any] | None:
    """A policy document from a JSON string or an object; None when it is absent or not a document."""
    value = plain(value)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, Mapping) else None


def statements(document: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The statements of a document (a single statement object counts as a list of one)."""
    if document is None:
        return []
    return [s for s in (plain(x) for x in as_list(document.get("Statement"))) if isinstance(s, Mapping)]


def effect(statement: Mapping[str, Any]) -> str:
    return str(plain(statement.get("Effect", ""))).lower()


def is_public_principal(principal: Any) -> bool:
    """`"*"` or `{"AWS": "*"}` (alone or in a list): every AWS identity, in any account, or anonymous."""
    principal = plain(principal)
    if principal is None:
        return False
    if isinstance(principal, str):
        return principal == "*"
    if isinstance(principal, Mapping):
        return "*" in strings(principal.get("AWS"))
    return False


def condition_keys(statement: Mapping[str, Any]) -> set[str]:
    """Lower-cased condition keys of a statement, across all of its operators."""
    condition = plain(statement.get("Condition"))
    keys: set[str] = set()
    if isinstance(condition, Mapping):
        for block in condition.values():
            block = plain(block)
            if isinstance(block, Mapping):
                keys.update(str(k).lower() for k in block)
    return keys


def has_restricting_condition(statement: Mapping[str, Any]) -> bool:
    return bool(condition_keys(statement) & RESTRICTING_CONDITION_KEYS)


def is_customer_managed_key(key: Any) -> bool:
    """A KMS key id, ARN or alias that is not an AWS-managed `alias/aws/...` key."""
    key = plain(key)
    return isinstance(key, str) and bool(key.strip()) and _AWS_MANAGED_KEY.match(key.strip()) is None


#: What encrypts a resource, as `key_kind` reads it.
CUSTOMER_MANAGED: Final = "customer-managed"
AWS_MANAGED: Final = "AWS-managed"
NO_KEY: Final = "none"


def key_kind(props: Mapping[str, Any] | Any, path: str) -> str:
    """Whether the KMS key at `path` is customer-managed, AWS-managed or absent.

    A key reference that is unknown during a preview comes from another resource of the program (a
    `kms.Key` or `kms.Alias`): AWS-managed keys cannot be created, and invokes such as
    `kms.get_alias` are resolved during a preview. So an unknown reference counts as customer-managed
    instead of stopping the check until the update."""
    try:
        value = get(props, path)
    except UnknownValueError:
        return CUSTOMER_MANAGED
    if value is None or (isinstance(value, str) and not value.strip()):
        return NO_KEY
    return CUSTOMER_MANAGED if is_customer_managed_key(value) else AWS_MANAGED


def customer_key_problem(what: str, props: Mapping[str, Any] | Any, path: str) -> str | None:
    """The message for an OFFICIAL-SENSITIVE resource whose key at `path` is not customer-managed."""
    kind = key_kind(props, path)
    if kind == CUSTOMER_MANAGED:
        return None
    detail = f"{path} is not set" if kind == NO_KEY else f"{path} names an AWS-managed key"
    return f"{what} holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key ({detail})"


def sizes(families: Sequence[str], sizes_: Sequence[str], prefix: str = "") -> list[str]:
    """`["t4g.micro", "t4g.small", ...]`: every family in every size, with an optional `db.` prefix."""
    return [f"{prefix}{family}.{size}" for family in families for size in sizes_]


def is_allowed(value: str, patterns: Sequence[str]) -> bool:
    """Whether `value` matches one of the allowlist entries (exact names or globs such as `t4g.*`)."""
    return any(fnmatch.fnmatchcase(value, str(p)) for p in patterns)


def allowlist_schema(non_production: Sequence[str], production: Sequence[str], what: str) -> dict[str, Any]:
    """Config schema properties of an allowlist per environment kind."""
    item = {"type": "string", "minLength": 1}
    return {
        "non_production": {
            "type": "array",
            "items": item,
            "default": list(non_production),
            "description": f"{what} allowed outside production (exact names or globs such as `t4g.*`).",
        },
        "production": {
            "type": "array",
            "items": item,
            "default": list(production),
            "description": f"{what} allowed in production (environment tag prod, production or live).",
        },
    }


def stack_of(urn: str) -> str:
    """The stack name in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`)."""
    return urn.removeprefix("urn:pulumi:").split("::", 1)[0]


def refers_to(
    resource: PolicyResource,
    prop: str,
    target: PolicyResource,
    target_props: Sequence[str] = ("id",),
) -> bool:
    """Whether `resource.<prop>` names `target`: through a property dependency, or failing that
    (a literal name), by being equal to one of `target`'s known `target_props`."""
    dependencies = (resource.property_dependencies or {}).get(prop) or []
    if any(d.urn == target.urn for d in dependencies):
        return True
    value = known(resource.props, prop)
    if not isinstance(value, str) or not value:
        return False
    return any(value == known(target.props, p) for p in target_props)


def resources_of(resources: Sequence[PolicyResource], types: Sequence[str]) -> list[PolicyResource]:
    return [r for r in resources if r.resource_type in types]


class Referrers:
    """Which of `sources` refer to a target, as `refers_to(source, prop, target, target_props)` says,
    for many targets: `Referrers(sources, prop, target_props).of(target)` is
    `[s for s in sources if refers_to(s, prop, target, target_props)]` (same resources, same order),
    without scanning every source for every target.

    Sources are read once, when the first target is asked about: the URNs of their property
    dependencies on `prop`, and their known literal value of `prop`. A target is then looked up by
    its URN and by each of its known `target_props` values. Only exact `str` values go into the
    index; anything else a target or source may hold is compared with `==`, source by source, as
    `refers_to` compares it. Build one per policy invocation: nothing is kept across graphs.
    """

    __slots__ = ("_by_urn", "_by_value", "_odd", "_prop", "_sources", "_target_props")

    def __init__(self, sources: Sequence[PolicyResource], prop: str, target_props: Sequence[str] = ("id",)) -> None:
        self._sources = list(sources)
        self._prop = prop
        self._target_props = tuple(target_props)
        self._by_urn: dict[str, list[int]] | None = None
        self._by_value: dict[str, list[int]] = {}
        self._odd: list[tuple[int, str]] = []  # literal values of a subclass of str

    def _build(self) -> dict[str, list[int]]:
        by_urn: dict[str, list[int]] = {}
        for index, source in enumerate(self._sources):
            for dependency in (source.property_dependencies or {}).get(self._prop) or []:
                by_urn.setdefault(dependency.urn, []).append(index)
            value = known(source.props, self._prop)
            if not isinstance(value, str) or not value:
                continue
            if type(value) is str:
                self._by_value.setdefault(value, []).append(index)
            else:
                self._odd.append((index, value))
        self._by_urn = by_urn
        return by_urn

    def of(self, target: PolicyResource) -> list[PolicyResource]:
        """The sources whose `prop` names `target`, in the order of `sources`."""
        by_urn = self._by_urn if self._by_urn is not None else self._build()
        found = set(by_urn.get(target.urn, ()))
        for prop in self._target_props:
            wanted = known(target.props, prop)
            if type(wanted) is str:
                found.update(self._by_value.get(wanted, ()))
            elif wanted is not None:  # (no str equals None) compared as refers_to does, the source's value left
                found.update(i for value, indices in self._by_value.items() if value == wanted for i in indices)
            found.update(index for index, value in self._odd if value == wanted)
        return [self._sources[index] for index in sorted(found)]
