"""What every policy file of the pack is made of: a CrossGuard policy plus its metadata.

A policy file (`policies/<cloud>/<service>/<resource>_<check>.py`) defines exactly two public
names, built with `resource_policy` or `stack_policy` below:

    POLICY    the pulumi_policy ResourceValidationPolicy / StackValidationPolicy
    METADATA  a PolicyMetadata: severity, frameworks, remediation, clouds, resource types, topics

The pack (`policies/__main__.py`) and the offline gate select policies by METADATA, never by a
hand-kept list. Policy names follow `<cloud>-<service>-<resource>-<check>`.

Props are the ENGINE (camelCase) property names, as CrossGuard passes them: `serverSideEncryptionConfiguration`,
`publiclyAccessible`. Numbers arrive as floats. Secrets arrive unwrapped by the SDK
(`pulumi_policy.Secret` for secret values); `plain()` unwraps them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.secret import Secret

SeverityName = Literal["critical", "high", "medium", "low"]
Cloud = Literal["aws", "azure"]

#: The pack's default: critical and high findings block a deployment; the rest advise.
DEFAULT_LEVELS: Final[dict[str, EnforcementLevel]] = {
    "critical": EnforcementLevel.MANDATORY,
    "high": EnforcementLevel.MANDATORY,
    "medium": EnforcementLevel.ADVISORY,
    "low": EnforcementLevel.ADVISORY,
}
_SEVERITIES: Final[dict[str, Severity]] = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
}

#: The NCSC cloud security principles, by number (ncsc.gov.uk/collection/cloud/the-cloud-security-principles).
NCSC_PRINCIPLES: Final[dict[str, str]] = {
    "1": "Data in transit protection",
    "2": "Asset protection and resilience",
    "3": "Separation between customers",
    "4": "Governance framework",
    "5": "Operational security",
    "6": "Personnel security",
    "7": "Secure development",
    "8": "Supply chain security",
    "9": "Secure user management",
    "10": "Identity and authentication",
    "11": "External interface protection",
    "12": "Secure service administration",
    "13": "Audit information and alerting for customers",
    "14": "Secure use of the service",
}


@dataclass(frozen=True, kw_only=True)
class Frameworks:
    """Where a control comes from. `ncsc` is required: every policy maps to an NCSC principle."""

    ncsc: str  # principle number, optionally with a sub-section: "2.3", "11"
    cis: str | None = None  # e.g. "CIS AWS Foundations v3.0 2.1.1" / "CIS Azure Foundations v2.1 3.1"
    cyber_essentials: str | None = None  # e.g. "Secure configuration", "Access control"
    checkov: tuple[str, ...] = ()  # equivalent checkov checks, e.g. ("CKV_AWS_19",)

    def ncsc_title(self) -> str:
        return NCSC_PRINCIPLES[self.ncsc.split(".")[0]]


@dataclass(frozen=True, kw_only=True)
class PolicyMetadata:
    name: str
    description: str
    severity: SeverityName
    frameworks: Frameworks
    remediation: str
    clouds: tuple[Cloud, ...]
    resource_types: tuple[str, ...]  # empty for policies over every type (stack-wide or tag policies)
    topics: tuple[str, ...] = ()
    kind: Literal["resource", "stack"] = "resource"
    config_defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def default_level(self) -> EnforcementLevel:
        return DEFAULT_LEVELS[self.severity]


def plain(value: Any) -> Any:
    """The value behind a secret, or the value itself."""
    return value.value if isinstance(value, Secret) else value


def get(props: Mapping[str, Any] | Any, path: str, default: Any = None) -> Any:
    """`get(props, "logging.bucket")`: a nested property, or `default` when any step is missing."""
    current: Any = props
    for part in path.split("."):
        current = plain(current)
        if isinstance(current, Mapping):
            if part not in current or current[part] is None:
                return default
            current = current[part]
        elif isinstance(current, Sequence) and not isinstance(current, str) and part.isdigit():
            index = int(part)
            if index >= len(current):
                return default
            current = current[index]
        else:
            return default
    return plain(current)


def as_list(value: Any) -> list[Any]:
    value = plain(value)
    if value is None:
        return []
    if isinstance(value, str | Mapping):
        return [value]
    return list(value)


def tag(props: Mapping[str, Any], key: str) -> str | None:
    """A tag value from `tags` (or AWS `tagsAll`), None when absent."""
    for prop in ("tags", "tagsAll"):
        tags = plain(props.get(prop))
        if isinstance(tags, Mapping) and tags.get(key) is not None:
            return str(plain(tags[key]))
    return None


PRODUCTION_ENVIRONMENTS: Final = ("prod", "production", "live")


def is_production(props: Mapping[str, Any]) -> bool:
    """Production by the mandatory `environment` tag."""
    return (tag(props, "environment") or "") in PRODUCTION_ENVIRONMENTS


def is_sensitive(props: Mapping[str, Any]) -> bool:
    """OFFICIAL-SENSITIVE data by the mandatory `data-classification` tag."""
    return tag(props, "data-classification") == "OFFICIAL-SENSITIVE"


Validator = Callable[[Mapping[str, Any], ResourceValidationArgs, ReportViolation], None]
StackValidator = Callable[[StackValidationArgs, ReportViolation], None]


def _framework(frameworks: Frameworks) -> PolicyComplianceFramework:
    return PolicyComplianceFramework(
        name="NCSC Cloud Security Principles",
        reference=frameworks.ncsc,
        specification=frameworks.ncsc_title(),
    )


def resource_policy(
    *,
    name: str,
    description: str,
    severity: SeverityName,
    frameworks: Frameworks,
    remediation: str,
    resource_types: Iterable[str],
    validate: Validator,
    topics: Iterable[str] = (),
    config_schema: PolicyConfigSchema | None = None,
    config_defaults: Mapping[str, Any] | None = None,
    clouds: Iterable[Cloud] | None = None,
) -> tuple[ResourceValidationPolicy, PolicyMetadata]:
    """A policy that checks resources of the given types (all types when `resource_types` is empty)."""
    types = tuple(resource_types)
    cloud_set = tuple(clouds) if clouds is not None else tuple(
        sorted({"aws" if t.startswith("aws:") else "azure" for t in types})  # type: ignore[misc]
    )

    def run(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if types and args.resource_type not in types:
            return
        validate(args.props, args, report)

    metadata = PolicyMetadata(
        name=name,
        description=description,
        severity=severity,
        frameworks=frameworks,
        remediation=remediation,
        clouds=cloud_set,
        resource_types=types,
        topics=tuple(topics),
        config_defaults=dict(config_defaults or {}),
    )
    policy = ResourceValidationPolicy(
        name=name,
        description=description,
        validate=run,
        enforcement_level=metadata.default_level,
        severity=_SEVERITIES[severity],
        config_schema=config_schema,
        framework=_framework(frameworks),
        tags=sorted({*metadata.topics, *cloud_set}),
        remediation_steps=remediation,
    )
    # Lets an analyzer offer a resource only the policies that can judge its type (empty: all types).
    policy.resource_types = types  # type: ignore[attr-defined]
    return policy, metadata


def stack_policy(
    *,
    name: str,
    description: str,
    severity: SeverityName,
    frameworks: Frameworks,
    remediation: str,
    clouds: Iterable[Cloud],
    validate: StackValidator,
    resource_types: Iterable[str] = (),
    topics: Iterable[str] = (),
    config_schema: PolicyConfigSchema | None = None,
    config_defaults: Mapping[str, Any] | None = None,
) -> tuple[StackValidationPolicy, PolicyMetadata]:
    """A policy over the whole graph (e.g. every VPC has a flow log; every service stack has a budget)."""
    metadata = PolicyMetadata(
        name=name,
        description=description,
        severity=severity,
        frameworks=frameworks,
        remediation=remediation,
        clouds=tuple(clouds),
        resource_types=tuple(resource_types),
        topics=tuple(topics),
        kind="stack",
        config_defaults=dict(config_defaults or {}),
    )
    policy = StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=metadata.default_level,
        severity=_SEVERITIES[severity],
        config_schema=config_schema,
        framework=_framework(frameworks),
        tags=sorted({*metadata.topics, *metadata.clouds}),
        remediation_steps=remediation,
    )
    return policy, metadata
