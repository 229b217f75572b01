"""lz-all-resources-mandatory-tags: every taggable resource carries every mandatory tag, with an
allowed value.

Level 3 of the tag contract (lz/tags.py, docs/adr/0002-tag-contract.md). Components merge the tags
(level 1) and a stack transform backs them up (level 2); this policy fails the deployment if a
resource still slipped through, e.g. one created before the transform was registered or whose tags
were computed from another resource's outputs.

Which types are checked comes from `lz.tags.is_taggable`, i.e. the provider SDKs: a type whose
constructor takes no `tags` map (an S3 bucket policy, a role assignment) is never reported.

Config: `required_tags` (array of strings, default `lz.tags.MANDATORY_TAG_KEYS`), so a council can
require extra keys without changing code.

Messages:
* `Missing mandatory tags: cost-centre, owner` (one violation, keys in the configured order);
* one per bad value, e.g.
  `Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE`.

On AWS, tags set by the provider's `defaultTags` count when the engine shows them in `tagsAll`.
Values that are unknown during a preview are not judged; a whole `tags` map that is unknown makes the
SDK report that the policy cannot run until the update, when the values are known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)
from pulumi_policy.proxy import UnknownValueError
from pulumi_policy.secret import Secret

from lz.tags import MANDATORY_TAG_KEYS, TAGS_PROPERTY, check_tag_value, is_taggable, missing_tags_message
from policies.lib import Frameworks, PolicyMetadata

NAME: Final = "lz-all-resources-mandatory-tags"

#: AWS only: the provider's merge of `defaultTags` and `tags`.
_AWS_TAGS_ALL: Final = "tagsAll"


class _Unknown:
    """A tag value that cannot be known during preview."""


_UNKNOWN: Final = _Unknown()


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Secret) else value


def _entries(tags: Any) -> dict[str, Any]:
    """Key -> value of a tags map, with values unknown in a preview replaced by `_UNKNOWN`.

    Keys are read through iteration, which the SDK's unknown-checking proxy does not guard, so one
    unknown value does not hide the problems of the others."""
    tags = _plain(tags)
    if not isinstance(tags, Mapping):
        return {}
    entries: dict[str, Any] = {}
    for key in tags:
        try:
            entries[str(key)] = _plain(tags[key])
        except UnknownValueError:
            entries[str(key)] = _UNKNOWN
    return entries


def _effective_tags(resource_type: str, props: Mapping[str, Any]) -> dict[str, Any]:
    # An unknown `tags` map propagates UnknownValueError: the SDK then reports that the policy
    # cannot run during preview, which is the truth.
    tags = _entries(props.get(TAGS_PROPERTY))
    if resource_type.startswith("aws:"):
        try:
            tags_all = _entries(props.get(_AWS_TAGS_ALL))
        except UnknownValueError:
            tags_all = {}
        tags = {**tags_all, **tags}
    return tags


def _required_tags(config: Mapping[str, Any]) -> tuple[str, ...]:
    required = config.get("required_tags")
    if isinstance(required, Sequence) and not isinstance(required, str):
        return tuple(str(key) for key in required)
    return MANDATORY_TAG_KEYS


def validate_mandatory_tags(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Report missing mandatory tags (one violation) and each disallowed value (one violation each)."""
    if not is_taggable(args.resource_type):
        return
    required = _required_tags(args.get_config())
    tags = _effective_tags(args.resource_type, args.props)
    missing = [key for key in required if tags.get(key) is None]
    if missing:
        report_violation(missing_tags_message(missing), None)
    for key in required:
        value = tags.get(key)
        if value is None or value is _UNKNOWN:
            continue
        if not isinstance(value, str):
            report_violation(f"Tag '{key}' has a {type(value).__name__} value; tag values are strings", None)
            continue
        problem = check_tag_value(key, value)
        if problem is not None:
            report_violation(problem, None)


REMEDIATION: Final = (
    "Give the resource every mandatory tag: " + ", ".join(MANDATORY_TAG_KEYS) + ". "
    "In a component, pass `lz.tags.merge_tags(context.as_tags(), args.tags)` as the `tags` of each "
    "taggable child. Make sure the program calls `lz.tags.register_tag_transform(context.as_tags())` "
    "before it creates any resource, so that the backstop covers resources created outside components. "
    "data-classification must be OFFICIAL or OFFICIAL-SENSITIVE, managed-by must be pulumi, and "
    "environment must be a lowercase slug such as prod."
)

POLICY: Final = ResourceValidationPolicy(
    name=NAME,
    display_name="Mandatory tags on every taggable resource",
    description=(
        "Every resource whose type takes tags carries the council's mandatory tags (service, "
        "cost-centre, owner, environment, business-unit, data-classification, managed-by) with "
        "allowed values, so spend, ownership and data handling can be traced for every asset."
    ),
    validate=validate_mandatory_tags,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    config_schema=PolicyConfigSchema(
        properties={
            "required_tags": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "uniqueItems": True,
                "default": list(MANDATORY_TAG_KEYS),
                "description": "Tag keys every taggable resource must carry.",
            },
        },
    ),
    framework=PolicyComplianceFramework(
        name="NCSC Cloud Security Principles",
        reference="5.1",
        specification="Operational security: configuration and change management",
    ),
    tags=["tagging", "governance", "cost", "aws", "azure"],
    remediation_steps=REMEDIATION,
)

#: Pack metadata: packs select policies by it, and the meta-test checks it is complete.
METADATA: Final = PolicyMetadata(
    name=NAME,
    description=POLICY.description,
    severity="high",
    frameworks=Frameworks(
        # Tags are the asset inventory: who owns a component, what it is and what data it holds.
        # Principle 13 (audit information) concerns the provider's audit records, not inventory.
        ncsc="5.1",
        # The CIS AWS and Azure Foundations benchmarks have no tagging control; CIS Controls v8 does.
        cis="CIS Controls v8 1.1 (detailed enterprise asset inventory), 3.7 (data classification scheme)",
        # None of the five Cyber Essentials controls is about inventory; asset management only
        # scopes them. checkov's tag checks are opt-in custom policies with no built-in id.
        cyber_essentials=None,
    ),
    remediation=REMEDIATION,
    clouds=("aws", "azure"),
    # Every type whose constructor takes `tags` (lz.tags.is_taggable), so no fixed list.
    resource_types=(),
    topics=("tagging", "governance", "cost"),
)
