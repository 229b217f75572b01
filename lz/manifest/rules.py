"""The semantic pass: rules a schema cannot express, each a small pure function returning problems.

Every rule takes the manifest and a `RuleContext` (where the file is, where each field is written,
today's date, and which parts of a partly invalid manifest are usable). A rule first checks that
the fields it reads are present: after schema problems the manifest may be partial, and the rules
still check every part that validated.

Some checks a schema could express live here rather than in the model (budget > 0, email
addresses, policy names, tags): see `lz.manifest.model` for why. Names within a file need no rule:
they are mapping keys, and the loader rejects duplicate keys. Across files, `unique_service_names`
does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from lz.manifest.loader import NO_POSITIONS, FieldPath, Positions, closest, dotted
from lz.manifest.model import (
    DNS_SAFE_PATTERN,
    EMAIL_PATTERN,
    MAX_EMAIL_LENGTH,
    BucketComponent,
    DatabaseComponent,
    ServiceManifest,
    StaticSiteComponent,
)
from lz.problems import Problem
from lz.regions import KNOWN_REGIONS, UK_REGIONS, cloud_of_region
from lz.tags import MANDATORY_TAG_KEYS, MAX_TAGS, check_tag_value

#: Component types each cloud can build in this version of the toolkit.
SUPPORTED_COMPONENTS: Final[dict[str, frozenset[str]]] = {
    "aws": frozenset({"bucket", "static_site", "database"}),
    "azure": frozenset({"bucket"}),
}

_CLOUD_NAMES: Final = {"aws": "AWS", "azure": "Azure"}
_EMAIL: Final = re.compile(EMAIL_PATTERN)
_KEBAB_CASE: Final = re.compile(DNS_SAFE_PATTERN)
# CloudFront only takes certificates from ACM in us-east-1, and web ACLs of CLOUDFRONT scope, which
# also live in us-east-1 (`global/` in the ARN).
_ACM_CERTIFICATE_ARN: Final = re.compile(r"arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/[A-Za-z0-9-]+")
_CLOUDFRONT_WEB_ACL_ARN: Final = re.compile(
    r"arn:aws:wafv2:us-east-1:[0-9]{12}:global/webacl/[A-Za-z0-9_-]+/[A-Za-z0-9-]+"
)
_CLOUDFRONT_REGION: Final = "us-east-1"
_MAX_TEAM_TAGS: Final = MAX_TAGS - len(MANDATORY_TAG_KEYS)


@dataclass(frozen=True, kw_only=True)
class RuleContext:
    """What rules know besides the manifest. The defaults suit a complete manifest built in code."""

    file: str
    positions: Positions = NO_POSITIONS
    today: date = field(default_factory=date.today)
    present: frozenset[str] = frozenset(ServiceManifest.model_fields)
    dropped: frozenset[FieldPath] = frozenset()

    def has(self, *names: str) -> bool:
        """True when every named top-level field validated and may be read."""
        return all(name in self.present for name in names)

    def names(self, field_name: str, valid: Sequence[str]) -> set[str]:
        """The names in a top-level map field, including entries left out for failing the schema pass
        (so a reference to one is not also reported as a reference to nothing)."""
        return set(valid) | {str(path[1]) for path in self.dropped if len(path) == 2 and path[0] == field_name}

    def at(self, path: FieldPath, message: str) -> Problem:
        """A problem about the value at `path`."""
        return Problem(self.file, *self.positions.value(path), dotted(path), message)

    def at_key(self, path: FieldPath, message: str) -> Problem:
        """A problem about the key at `path` (a map entry's name)."""
        return Problem(self.file, *self.positions.key(path), dotted(path), message)


Rule = Callable[[ServiceManifest, RuleContext], list[Problem]]


def _did_you_mean(word: str, *choices: Sequence[str]) -> str:
    """` (did you mean 'x'?)` for the closest of the first choices that has a close match, else ''."""
    for options in choices:
        if (match := closest(word, options)) is not None:
            return f" (did you mean {match!r}?)"
    return ""


def service_matches_file_name(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """The file is `stacks/<service>.yaml`, so the service is found by its file name and vice versa."""
    if not ctx.has("service"):
        return []
    stem = Path(ctx.file).stem
    if m.service == stem:
        return []
    return [
        ctx.at(
            ("service",),
            f"must equal the file name {stem!r}: rename the file to {m.service}.yaml or set service: {stem}",
        )
    ]


def region_allowed_for_cloud(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """Every environment runs in one of the UK regions of the manifest's cloud."""
    if not ctx.has("cloud", "environments"):
        return []
    allowed = UK_REGIONS[m.cloud]
    listed = f"allowed for {m.cloud}: {', '.join(allowed)}"
    problems = []
    for name, env in m.environments.items():
        region = env.region
        if region in allowed:
            continue
        owner = cloud_of_region(region)
        if owner is not None and owner != m.cloud:
            message = f"{region!r} is an {_CLOUD_NAMES[owner]} region but cloud is {m.cloud}; {listed}"
        elif owner is not None:
            message = f"{region!r} is outside the UK, where service stacks keep their data; {listed}"
        else:
            suggestion = _did_you_mean(region, allowed, KNOWN_REGIONS[m.cloud])
            message = f"unknown region {region!r}{suggestion}; {listed}"
        problems.append(ctx.at(("environments", name, "region"), message))
    return problems


def budget_positive(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """A budget of £0 or less would alert on every penny, or never."""
    if not ctx.has("environments"):
        return []
    return [
        ctx.at(
            ("environments", name, "monthly_budget_gbp"),
            f"must be more than 0 (got {env.monthly_budget_gbp:g})",
        )
        for name, env in m.environments.items()
        if env.monthly_budget_gbp <= 0
    ]


def _email_fields(m: ServiceManifest, ctx: RuleContext) -> Iterator[tuple[FieldPath, str]]:
    if ctx.has("owner"):
        yield ("owner", "email"), m.owner.email
    if ctx.has("request"):
        yield ("request", "requested_by"), m.request.requested_by
    if ctx.has("environments"):
        for name, env in m.environments.items():
            for index, address in enumerate(env.budget_alert_emails):
                yield ("environments", name, "budget_alert_emails", index), address
    if ctx.has("exceptions"):
        for index, exception in enumerate(m.exceptions):
            yield ("exceptions", index, "approved_by"), exception.approved_by


def email_addresses_valid(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """Alerts, approvals and the `owner` tag need addresses that can receive mail."""
    return [
        ctx.at(path, f"{address!r} is not a valid email address (expected e.g. team@example.gov.uk)")
        for path, address in _email_fields(m, ctx)
        if len(address) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address)
    ]


def exception_policy_names(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """Waivers name policies as the policy pack does: `<cloud>-<service>-<resource>-<check>`."""
    if not ctx.has("exceptions"):
        return []
    return [
        ctx.at(
            ("exceptions", index, "policy"),
            f"{exception.policy!r} is not a policy name: use kebab-case, e.g. aws-s3-bucket-access-logging",
        )
        for index, exception in enumerate(m.exceptions)
        if not _KEBAB_CASE.fullmatch(exception.policy)
    ]


def exception_not_expired(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """A waiver is time-limited: once expired it must be renewed (re-approved) or removed."""
    if not ctx.has("exceptions"):
        return []
    return [
        ctx.at(
            ("exceptions", index, "expires"),
            f"expiry date {exception.expires.isoformat()} is not after today ({ctx.today.isoformat()}): "
            "renew the waiver's approval or remove it",
        )
        for index, exception in enumerate(m.exceptions)
        if exception.expires <= ctx.today
    ]


def exception_environments_exist(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """A waiver for an environment the service does not have is a typo or a stale entry."""
    if not ctx.has("exceptions", "environments"):
        return []
    known = ctx.names("environments", list(m.environments))
    problems = []
    for index, exception in enumerate(m.exceptions):
        for position, name in enumerate(exception.environments):
            if name not in known:
                problems.append(
                    ctx.at(
                        ("exceptions", index, "environments", position),
                        f"unknown environment {name!r}{_did_you_mean(name, sorted(known))}; "
                        f"environments: {', '.join(sorted(known))}",
                    )
                )
    return problems


def exception_resources_exist(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """A waiver covers components by name, or Pulumi resources by their names (which contain '-')."""
    if not ctx.has("exceptions", "components"):
        return []
    known = ctx.names("components", list(m.components))
    listed = ", ".join(sorted(known)) or "none"
    problems = []
    for index, exception in enumerate(m.exceptions):
        for position, name in enumerate(exception.resources):
            if name not in known and "-" not in name:
                problems.append(
                    ctx.at(
                        ("exceptions", index, "resources", position),
                        f"{name!r} is not a component of this service{_did_you_mean(name, sorted(known))}; "
                        f"components: {listed} (Pulumi resource names, also accepted, contain '-')",
                    )
                )
    return problems


def components_supported_on_cloud(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """Each cloud builds only the component types its modules implement."""
    if not ctx.has("cloud", "components"):
        return []
    available = SUPPORTED_COMPONENTS[m.cloud]
    return [
        ctx.at(
            ("components", name, "type"),
            f"component type {component.type!r} is not available on {m.cloud} in this version "
            f"(available: {', '.join(sorted(available))})",
        )
        for name, component in m.components.items()
        if component.type not in available
    ]


def static_site_cloudfront_settings(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """On AWS a custom domain needs an ACM certificate, and CloudFront takes certificates and web ACLs
    from us-east-1 only, whatever region the service runs in."""
    if not ctx.has("cloud", "components") or m.cloud != "aws":
        return []
    problems = []
    for name, component in m.components.items():
        if not isinstance(component, StaticSiteComponent):
            continue
        path = ("components", name)
        arn = component.certificate_arn
        if component.domain is not None and arn is None:
            problems.append(
                ctx.at(
                    (*path, "certificate_arn"),
                    f"required when domain is set: an ACM certificate in us-east-1 for {component.domain}",
                )
            )
        if arn is not None:
            found = _ACM_CERTIFICATE_ARN.fullmatch(arn)
            if found is None:
                problems.append(
                    ctx.at(
                        (*path, "certificate_arn"),
                        f"{arn!r} is not an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)",
                    )
                )
            elif found.group(1) != _CLOUDFRONT_REGION:
                problems.append(
                    ctx.at(
                        (*path, "certificate_arn"),
                        f"the certificate is in {found.group(1)} but CloudFront only uses certificates in us-east-1",
                    )
                )
        acl = component.waf_acl_arn
        if acl is not None and _CLOUDFRONT_WEB_ACL_ARN.fullmatch(acl) is None:
            problems.append(
                ctx.at(
                    (*path, "waf_acl_arn"),
                    f"{acl!r} is not a CloudFront-scope WAFv2 web ACL ARN "
                    "(arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)",
                )
            )
    return problems


def static_site_content_is_public(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """A static site publishes everything it holds to the internet, so it can only hold OFFICIAL content.

    A service that handles OFFICIAL-SENSITIVE data keeps it in its database or buckets; its site's
    own classification must say OFFICIAL explicitly, so the choice is visible in review.
    """
    if not ctx.has("components", "data_classification"):
        return []
    return [
        ctx.at(
            ("components", name),
            "a static site serves its content to anyone on the internet, so it cannot hold "
            f"{m.classification_of(name)} data; set data_classification: OFFICIAL on the component "
            "if its content is public, and keep sensitive data in a database or bucket",
        )
        for name, component in m.components.items()
        if isinstance(component, StaticSiteComponent) and m.classification_of(name) != "OFFICIAL"
    ]


def database_size_for_engine(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """SQL Server needs more memory than the small size gives; the platform offers it from medium."""
    if not ctx.has("cloud", "components") or m.cloud != "aws":
        return []
    return [
        ctx.at(
            ("components", name, "size"),
            f"engine sqlserver on aws needs size medium or large (got {component.size!r})",
        )
        for name, component in m.components.items()
        if isinstance(component, DatabaseComponent) and component.engine == "sqlserver" and component.size == "small"
    ]


def bucket_lifecycle_consistent(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """Records keep every version, and objects are archived before they are deleted, not after."""
    if not ctx.has("components"):
        return []
    problems = []
    for name, component in m.components.items():
        if not isinstance(component, BucketComponent):
            continue
        if component.holds_records and not component.versioning:
            problems.append(
                ctx.at(
                    ("components", name, "versioning"),
                    "must be true when holds_records is true: records must keep every version",
                )
            )
        archive, expire = component.archive_after_days, component.expire_after_days
        if archive is not None and expire is not None and expire <= archive:
            problems.append(
                ctx.at(
                    ("components", name, "expire_after_days"),
                    f"must be more than archive_after_days ({archive}); with {expire}, "
                    "objects would be deleted before they are archived",
                )
            )
    return problems


def tags_valid(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """Team tags add to the mandatory tags; they can neither override them nor break either cloud's
    tag rules (the rules are `lz.tags.check_tag_value`, shared with the tag contract)."""
    if not ctx.has("tags"):
        return []
    problems = []
    mandatory = {key.casefold() for key in MANDATORY_TAG_KEYS}
    seen: dict[str, str] = {}
    for key, value in m.tags.items():
        path = ("tags", key)
        if key.casefold() in mandatory:
            problems.append(
                ctx.at_key(
                    path,
                    f"tag {key!r} is set by the platform and cannot be overridden "
                    f"(mandatory tags: {', '.join(MANDATORY_TAG_KEYS)})",
                )
            )
            continue
        if (problem := check_tag_value(key, value)) is not None:
            problems.append(ctx.at_key(path, problem[:1].lower() + problem[1:]))
        first = seen.setdefault(key.casefold(), key)
        if first != key:
            problems.append(
                ctx.at_key(path, f"tag {key!r} differs from {first!r} only in case; Azure treats them as one")
            )
    if len(m.tags) > _MAX_TEAM_TAGS:
        problems.append(
            ctx.at(("tags",), f"{len(m.tags)} tags given; at most {_MAX_TEAM_TAGS} fit beside the mandatory tags")
        )
    return problems


#: Every rule of the semantic pass, in the order they run.
RULES: Final[tuple[Rule, ...]] = (
    service_matches_file_name,
    region_allowed_for_cloud,
    budget_positive,
    email_addresses_valid,
    components_supported_on_cloud,
    static_site_cloudfront_settings,
    static_site_content_is_public,
    database_size_for_engine,
    bucket_lifecycle_consistent,
    exception_policy_names,
    exception_not_expired,
    exception_environments_exist,
    exception_resources_exist,
    tags_valid,
)


def check_manifest(m: ServiceManifest, ctx: RuleContext) -> list[Problem]:
    """Run every rule in order and return all their problems."""
    return [problem for rule in RULES for problem in rule(m, ctx)]


def unique_service_names(manifests: Sequence[tuple[ServiceManifest, RuleContext]]) -> list[Problem]:
    """Service names are unique across files (`a.yaml` and `a.yml`, or two stacks directories)."""
    first_file: dict[str, str] = {}
    problems = []
    for manifest, ctx in manifests:
        if not ctx.has("service"):
            continue
        first = first_file.setdefault(manifest.service, ctx.file)
        if first != ctx.file:
            problems.append(ctx.at(("service",), f"service {manifest.service!r} is already defined in {first}"))
    return problems
