"""The tag contract: which tags every resource carries, and the three levels that make sure it does.

1. Explicit: components call `merge_tags(mandatory, team_tags)` for each taggable child.
2. Backstop: `register_tag_transform(mandatory)` installs a stack transform that adds any missing
   mandatory tag to every custom resource whose type takes a `tags` map. Azure has no provider-level
   default tags, so on azure-native this transform is the only safety net below the components.
3. Enforcement: the `lz-all-resources-mandatory-tags` policy (policies/tags/mandatory_tags.py) fails a
   deployment in which any taggable resource still lacks a mandatory tag.

Which types take tags is derived from the provider SDKs (scripts/gen_taggable_types.py writes
lz/data/taggable_types.json), never kept by hand. See docs/adr/0002-tag-contract.md.

Value rules are the intersection of what both clouds accept, so one tag set is valid everywhere:
AWS allows keys up to 128 and values up to 256 characters made of letters, digits, spaces and
`_ . : / = + - @`, and reserves the `aws:` prefix; Azure allows keys up to 512 and values up to 256
characters, forbids `< > % & \\ ? /` in keys and compares keys case-insensitively.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # the SDK is imported only where a transform is built: `lz validate` stays fast
    import pulumi

#: The keys every taggable resource must carry, in the order messages list them.
MANDATORY_TAG_KEYS: Final[tuple[str, ...]] = (
    "service",
    "cost-centre",
    "owner",
    "environment",
    "business-unit",
    "data-classification",
    "managed-by",
)

MANAGED_BY: Final = "pulumi"

#: Closed vocabularies. Councils hold OFFICIAL information (Government Security Classifications);
#: OFFICIAL-SENSITIVE is its handling caveat. Anything SECRET or above does not belong here at all.
ALLOWED_VALUES: Final[Mapping[str, tuple[str, ...]]] = {
    "data-classification": ("OFFICIAL", "OFFICIAL-SENSITIVE"),
    "managed-by": (MANAGED_BY,),
}

#: The engine (camelCase) name of the tags property; the same on both clouds.
TAGS_PROPERTY: Final = "tags"

MAX_KEY_LENGTH: Final = 128  # AWS limit; Azure allows 512 (128 on storage accounts)
MAX_VALUE_LENGTH: Final = 256  # both clouds
MAX_TAGS: Final = 50  # user tags per resource on both clouds

_PUNCTUATION: Final = frozenset("_.:/=+-@")
_RESERVED_PREFIX: Final = "aws:"  # AWS rejects keys and values starting with it, in any case
_SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_AZURE_PREFIX: Final = "azure-native:"


class InvalidTags(ValueError):
    """A tag set breaks the contract; `problems` lists every problem, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, kw_only=True)
class TagContext:
    """The mandatory tags of one service in one environment, checked when it is built."""

    service: str
    """Required. The service the resource belongs to, e.g. `housing-repairs`."""
    cost_centre: str
    """Required. Finance cost centre code the spend is charged to."""
    owner: str
    """Required. Accountable owner (team mailbox or role, not a person who may leave)."""
    environment: str
    """Required. Lowercase slug such as `prod`, `test`, `dev`."""
    business_unit: str
    """Required. Directorate or business unit, e.g. `adult-social-care`."""
    data_classification: str
    """Required. One of `ALLOWED_VALUES["data-classification"]`."""
    managed_by: str = MANAGED_BY
    """Optional. Always `pulumi` for resources this toolkit creates."""

    def __post_init__(self) -> None:
        problems = check_tags(self.as_tags())
        if problems:
            raise InvalidTags(problems)

    def as_tags(self) -> dict[str, str]:
        """The mandatory tags keyed by `MANDATORY_TAG_KEYS` (field `cost_centre` -> `cost-centre`)."""
        return {f.name.replace("_", "-"): getattr(self, f.name) for f in fields(self)}


def _char_allowed(ch: str, *, in_key: bool) -> bool:
    # AWS's own pattern is ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$ ; Azure additionally forbids '/' in keys.
    if in_key and ch == "/":
        return False
    return ch in _PUNCTUATION or unicodedata.category(ch)[0] in "LNZ"


# The ASCII characters `_char_allowed` accepts (in ASCII, categories L, N and Z are exactly the letters,
# the digits and the space): a text made only of them has no bad character, without a Unicode look-up
# per character. Anything else takes the character-by-character path.
_ASCII_VALUE_CHARS: Final = re.compile(r"[A-Za-z0-9 _.:/=+@-]*")
_ASCII_KEY_CHARS: Final = re.compile(r"[A-Za-z0-9 _.:=+@-]*")


def _bad_chars(text: str, *, in_key: bool) -> str:
    if (_ASCII_KEY_CHARS if in_key else _ASCII_VALUE_CHARS).fullmatch(text) is not None:
        return ""
    bad = sorted({ch for ch in text if not _char_allowed(ch, in_key=in_key)})
    return " ".join(repr(ch) for ch in bad)


def check_tag_value(key: str, value: str) -> str | None:
    """The first problem with one tag (key and value), or None when it is valid on both clouds and
    meets the contract's vocabularies."""
    # The answer depends on the two strings only, and the same few tags recur on every resource of a
    # graph: remember recent answers (plain `str`s only, so that nothing else is hashed or kept).
    if type(key) is str and type(value) is str:
        return _check_tag_value_cached(key, value)
    return _check_tag_value(key, value)


def _check_tag_value(key: str, value: str) -> str | None:
    if not key:
        return "Tag key is empty"
    if len(key) > MAX_KEY_LENGTH:
        return f"Tag key '{key[:40]}...' is {len(key)} characters long; the limit is {MAX_KEY_LENGTH}"
    if bad := _bad_chars(key, in_key=True):
        return (
            f"Tag key '{key}' contains {bad}; keys may use letters, digits, spaces and _ . : = + - @ "
            "('/' is allowed by AWS but not by Azure)"
        )
    if key.lower().startswith(_RESERVED_PREFIX):
        return f"Tag key '{key}' starts with the reserved prefix 'aws:'"
    if not value and key in MANDATORY_TAG_KEYS:
        return f"Tag '{key}' is empty"
    if len(value) > MAX_VALUE_LENGTH:
        return f"Tag '{key}' has a value of {len(value)} characters; the limit is {MAX_VALUE_LENGTH}"
    if bad := _bad_chars(value, in_key=False):
        return (
            f"Tag '{key}' has a value containing {bad}; "
            "values may use letters, digits, spaces and _ . : / = + - @"
        )
    if value.lower().startswith(_RESERVED_PREFIX):
        return f"Tag '{key}' has a value starting with the reserved prefix 'aws:'"
    allowed = ALLOWED_VALUES.get(key)
    if allowed is not None and value not in allowed:
        return f"Tag '{key}' has value '{value}'; allowed: {', '.join(allowed)}"
    if key == "environment" and _SLUG.fullmatch(value) is None:
        return (
            f"Tag 'environment' has value '{value}'; it must be a lowercase slug "
            "(letters, digits and single hyphens, e.g. 'prod')"
        )
    return None


_check_tag_value_cached: Final = functools.lru_cache(maxsize=4096)(_check_tag_value)


def missing_tags_message(missing: list[str] | tuple[str, ...]) -> str:
    """The one wording of "these mandatory tags are missing", shared with the policy."""
    return f"Missing mandatory tags: {', '.join(missing)}"


def check_tags(tags: Mapping[str, str], *, required: tuple[str, ...] = MANDATORY_TAG_KEYS) -> list[str]:
    """Every problem with a complete tag set: missing required keys, bad keys or values, too many
    tags, and keys that only differ in case (Azure treats those as one key)."""
    problems: list[str] = []
    missing = [key for key in required if key not in tags]
    if missing:
        problems.append(missing_tags_message(missing))
    for key, value in tags.items():
        if (problem := check_tag_value(key, value)) is not None:
            problems.append(problem)
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags given; the limit is {MAX_TAGS} per resource")
    seen: dict[str, str] = {}
    for key in tags:
        other = seen.setdefault(key.casefold(), key)
        if other != key:
            problems.append(
                f"Tag keys '{other}' and '{key}' differ only in case; Azure treats them as one key"
            )
    return problems


def merge_tags(mandatory: Mapping[str, str], *extra: Mapping[str, str] | None) -> dict[str, str]:
    """Merge team tags under the mandatory ones: later `extra` maps win over earlier ones, and the
    mandatory tags win over all of them, so teams can add tags but never drop or override the
    contract. Keys are matched case-insensitively (as Azure does), so `Owner` cannot shadow `owner`.
    The result is sorted by key so that the same inputs always give the same props."""
    merged: dict[str, tuple[str, str]] = {}
    for tags in (*extra, mandatory):
        for key, value in (tags or {}).items():
            merged[key.casefold()] = (key, value)
    return dict(sorted(merged.values()))


@functools.cache
def taggable_types() -> Mapping[str, frozenset[str]]:
    """Taggable type tokens per provider package, loaded once from the generated data file."""
    text = resources.files("lz").joinpath("data", "taggable_types.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return {package: frozenset(tokens) for package, tokens in data.items() if not package.startswith("_")}


@functools.cache
def _taggable_tokens() -> frozenset[str]:
    """Every token of `taggable_types()` listed under its own package (the part before the first
    ':'), in one set: `is_taggable` is then a single look-up."""
    by_package = taggable_types().items()
    return frozenset(token for package, tokens in by_package for token in tokens if token.split(":", 1)[0] == package)


def is_taggable(type_token: str) -> bool:
    """True when resources of this type take a `tags` map of strings (per the provider SDK)."""
    return type_token in _taggable_tokens()


def apply_mandatory_tags(
    type_token: str, props: Mapping[str, Any], mandatory: Mapping[str, str]
) -> dict[str, Any] | None:
    """New props with the missing mandatory tags added, or None when there is nothing to do.

    Existing tag values are never changed and other props are passed through untouched. `props` use
    engine (camelCase) names as a transform receives them; `tags` may be absent, None, a dict, or a
    secret-wrapped dict (kept secret). When the whole map is unknown (a preview value computed from
    another resource) its keys cannot be seen, so it is left alone and the policy checks it at update
    time. On Azure, keys compare case-insensitively: an existing `Owner` is not joined by an `owner`.
    """
    if not is_taggable(type_token):
        return None
    raw = props.get(TAGS_PROPERTY)
    from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret, wrap_rpc_secret

    secret = is_rpc_secret(raw)
    current = unwrap_rpc_secret(raw) if secret else raw
    if current is None:
        current = {}
    if not isinstance(current, Mapping):
        return None
    if type_token.startswith(_AZURE_PREFIX):
        present = {str(key).casefold() for key in current}
        missing = {k: v for k, v in mandatory.items() if k.casefold() not in present}
    else:
        missing = {k: v for k, v in mandatory.items() if k not in current}
    if not missing:
        return None
    tags: dict[str, Any] = dict(sorted({**current, **missing}.items()))
    return {**props, TAGS_PROPERTY: wrap_rpc_secret(tags) if secret else tags}


def tag_transform(
    mandatory: Mapping[str, str],
) -> Callable[[pulumi.ResourceTransformArgs], pulumi.ResourceTransformResult | None]:
    """A stack transform adding missing mandatory tags to every taggable custom resource.

    The tag set is checked here, once, so a bad contract fails the program before any resource is
    registered rather than as a cloud API error halfway through a deployment.
    """
    import pulumi

    problems = check_tags(mandatory)
    if problems:
        raise InvalidTags(problems)
    frozen = dict(mandatory)

    def transform(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
        if not args.custom:  # components carry no cloud tags; their children are handled one by one
            return None
        props = apply_mandatory_tags(args.type_, args.props, frozen)
        if props is None:
            return None
        return pulumi.ResourceTransformResult(props=props, opts=args.opts)

    return transform


def register_tag_transform(
    mandatory: Mapping[str, str],
) -> Callable[[pulumi.ResourceTransformArgs], pulumi.ResourceTransformResult | None]:
    """Install the tag backstop for the rest of the program and return the transform.

    Stack transforms only see resources registered after them: call this first in the program.
    """
    import pulumi

    transform = tag_transform(mandatory)
    pulumi.runtime.register_resource_transform(transform)
    return transform
