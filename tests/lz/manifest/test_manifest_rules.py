"""The semantic pass: each rule's problems, exactly as rendered, and the variants each rule accepts."""

from __future__ import annotations

from datetime import date

import pytest
from manifest_helpers import TODAY, Stacks

from lz.manifest import load_manifest, validate_paths
from lz.manifest.model import COMPONENT_TYPES
from lz.manifest.rules import RULES, SUPPORTED_COMPONENTS, RuleContext, check_manifest
from lz.problems import InputError

F = "stacks/housing-repairs.yaml"
MANDATORY = "service, cost-centre, owner, environment, business-unit, data-classification, managed-by"
RESOURCES = "components: db, files, site (Pulumi resource names, also accepted, contain '-')"
EXCEPTION = (
    "exceptions:\n  - {policy: aws-s3-bucket-access-logging, reason: SIEM, approved_by: security@example.gov.uk, "
    "expires: 2026-09-30}"
)
AZURE = [
    ("cloud: aws", "cloud: azure"),
    ("region: eu-west-2, monthly_budget_gbp: 150", "region: uksouth, monthly_budget_gbp: 150"),
    ("region: eu-west-2, monthly_budget_gbp: 900", "region: ukwest, monthly_budget_gbp: 900"),
    ("  site:  {type: static_site}\n", ""),
    ("  db:    {type: database, engine: postgres, size: small}\n", ""),
]


def _with_exception(replacement: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    text = EXCEPTION if replacement is None else EXCEPTION.replace(*replacement)
    return [("exceptions: []", text)]


# (case id, replacements applied to the valid example, expected problems)
CASES: list[tuple[str, list[tuple[str, str]], list[str]]] = [
    (
        "region of the other cloud",
        [("region: eu-west-2, monthly_budget_gbp: 150", "region: uksouth, monthly_budget_gbp: 150")],
        [
            f"{F}:13:18: environments.dev.region: 'uksouth' is an Azure region but cloud is aws; "
            "allowed for aws: eu-west-2"
        ],
    ),
    (
        "AWS region on azure",
        [*AZURE, ("region: uksouth, monthly_budget_gbp: 150", "region: eu-west-2, monthly_budget_gbp: 150")],
        [
            f"{F}:13:18: environments.dev.region: 'eu-west-2' is an AWS region but cloud is azure; "
            "allowed for azure: uksouth, ukwest"
        ],
    ),
    (
        "region outside the UK",
        [("region: eu-west-2, monthly_budget_gbp: 150", "region: eu-west-1, monthly_budget_gbp: 150")],
        [
            f"{F}:13:18: environments.dev.region: 'eu-west-1' is outside the UK, where service stacks keep "
            "their data; allowed for aws: eu-west-2"
        ],
    ),
    (
        "misspelt region",
        [("region: eu-west-2, monthly_budget_gbp: 150", "region: eu-west2, monthly_budget_gbp: 150")],
        [
            f"{F}:13:18: environments.dev.region: unknown region 'eu-west2' (did you mean 'eu-west-2'?); "
            "allowed for aws: eu-west-2"
        ],
    ),
    (
        "misspelt Azure region",
        [*AZURE, ("region: uksouth, monthly_budget_gbp: 150", "region: uk-south, monthly_budget_gbp: 150")],
        [
            f"{F}:13:18: environments.dev.region: unknown region 'uk-south' (did you mean 'uksouth'?); "
            "allowed for azure: uksouth, ukwest"
        ],
    ),
    (
        "unknown region",
        [("region: eu-west-2, monthly_budget_gbp: 150", "region: mars-1, monthly_budget_gbp: 150")],
        [f"{F}:13:18: environments.dev.region: unknown region 'mars-1'; allowed for aws: eu-west-2"],
    ),
    (
        "negative budget",
        [("monthly_budget_gbp: 150", "monthly_budget_gbp: -5")],
        [f"{F}:13:49: environments.dev.monthly_budget_gbp: must be more than 0 (got -5)"],
    ),
    (
        "zero budget",
        [("monthly_budget_gbp: 900", "monthly_budget_gbp: 0")],
        [f"{F}:14:49: environments.prod.monthly_budget_gbp: must be more than 0 (got 0)"],
    ),
    (
        "owner email",
        [("email: housing-digital@example.gov.uk", "email: housing-digital")],
        [f"{F}:5:39: owner.email: 'housing-digital' is not a valid email address (expected e.g. team@example.gov.uk)"],
    ),
    (
        "requester email",
        [("requested_by: jo.bloggs@example.gov.uk", "requested_by: jo bloggs@example.gov.uk")],
        [
            f"{F}:11:25: request.requested_by: 'jo bloggs@example.gov.uk' is not a valid email address "
            "(expected e.g. team@example.gov.uk)"
        ],
    ),
    (
        "budget alert email",
        [("monthly_budget_gbp: 150}", "monthly_budget_gbp: 150, budget_alert_emails: [fin@example.gov.uk, fin@]}")],
        [
            f"{F}:13:96: environments.dev.budget_alert_emails.1: 'fin@' is not a valid email address "
            "(expected e.g. team@example.gov.uk)"
        ],
    ),
    (
        "approver email",
        _with_exception(("security@example.gov.uk", "security@localhost")),
        [
            f"{F}:20:71: exceptions.0.approved_by: 'security@localhost' is not a valid email address "
            "(expected e.g. team@example.gov.uk)"
        ],
    ),
    (
        "components azure does not have",
        [
            *AZURE,
            ("  files: {", "  site:  {type: static_site}\n  db:    {type: database, engine: postgres}\n  files: {"),
        ],
        [
            f"{F}:16:17: components.site.type: component type 'static_site' is not available on azure in this "
            "version (available: bucket)",
            f"{F}:17:17: components.db.type: component type 'database' is not available on azure in this "
            "version (available: bucket)",
        ],
    ),
    (
        "domain without a certificate",
        [("{type: static_site}", "{type: static_site, domain: repairs.example.gov.uk}")],
        [
            f"{F}:16:10: components.site.certificate_arn: required when domain is set: an ACM certificate in "
            "us-east-1 for repairs.example.gov.uk"
        ],
    ),
    (
        "certificate outside us-east-1",
        [
            (
                "{type: static_site}",
                "{type: static_site, domain: repairs.example.gov.uk, "
                "certificate_arn: 'arn:aws:acm:eu-west-2:123456789012:certificate/abc-123'}",
            )
        ],
        [
            f"{F}:16:79: components.site.certificate_arn: the certificate is in eu-west-2 but CloudFront only "
            "uses certificates in us-east-1"
        ],
    ),
    (
        "certificate that is not an ACM ARN",
        [("{type: static_site}", "{type: static_site, domain: repairs.example.gov.uk, certificate_arn: my-cert}")],
        [
            f"{F}:16:79: components.site.certificate_arn: 'my-cert' is not an ACM certificate ARN "
            "(arn:aws:acm:us-east-1:<account>:certificate/<id>)"
        ],
    ),
    (
        "regional web ACL",
        [
            (
                "{type: static_site}",
                "{type: static_site, waf_acl_arn: 'arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/web/12-ab'}",
            )
        ],
        [
            f"{F}:16:43: components.site.waf_acl_arn: 'arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/web/"
            "12-ab' is not a CloudFront-scope WAFv2 web ACL ARN "
            "(arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)"
        ],
    ),
    (
        "small sqlserver",
        [("engine: postgres, size: small", "engine: sqlserver, size: small")],
        [f"{F}:18:52: components.db.size: engine sqlserver on aws needs size medium or large (got 'small')"],
    ),
    (
        "sqlserver at the default size points at the component",
        [("engine: postgres, size: small", "engine: sqlserver")],
        [f"{F}:18:10: components.db.size: engine sqlserver on aws needs size medium or large (got 'small')"],
    ),
    (
        "records without versioning",
        [("{type: bucket, versioning: true}", "{type: bucket, versioning: false, holds_records: true}")],
        [
            f"{F}:17:37: components.files.versioning: must be true when holds_records is true: records must "
            "keep every version"
        ],
    ),
    (
        "deleted before archived",
        [("{type: bucket, versioning: true}", "{type: bucket, archive_after_days: 90, expire_after_days: 90}")],
        [
            f"{F}:17:68: components.files.expire_after_days: must be more than archive_after_days (90); with 90, "
            "objects would be deleted before they are archived"
        ],
    ),
    (
        "expired waiver",
        _with_exception(("2026-09-30", "2026-05-31")),
        [
            f"{F}:20:105: exceptions.0.expires: expiry date 2026-05-31 is not after today (2026-06-01): renew "
            "the waiver's approval or remove it"
        ],
    ),
    (
        "waiver expiring today",
        _with_exception(("2026-09-30", "2026-06-01")),
        [
            f"{F}:20:105: exceptions.0.expires: expiry date 2026-06-01 is not after today (2026-06-01): renew "
            "the waiver's approval or remove it"
        ],
    ),
    (
        "policy name",
        _with_exception(("policy: aws-s3-bucket-access-logging", "policy: S3 Logging")),
        [
            f"{F}:20:14: exceptions.0.policy: 'S3 Logging' is not a policy name: use kebab-case, "
            "e.g. aws-s3-bucket-access-logging"
        ],
    ),
    (
        "waiver for an unknown environment",
        _with_exception(("}", ", environments: [prod, prd]}")),
        [
            f"{F}:20:138: exceptions.0.environments.1: unknown environment 'prd' (did you mean 'prod'?); "
            "environments: dev, prod"
        ],
    ),
    (
        "waiver for unknown resources (names with '-' are Pulumi resource names)",
        _with_exception(("}", ", resources: [files, file, files-bucket, db/x]}")),
        [
            f"{F}:20:136: exceptions.0.resources.1: 'file' is not a component of this service "
            f"(did you mean 'files'?); {RESOURCES}",
            f"{F}:20:156: exceptions.0.resources.3: 'db/x' is not a component of this service "
            f"(did you mean 'db'?); {RESOURCES}",
        ],
    ),
    (
        "mandatory tags, in any case",
        [("tags: {}", "tags: {Owner: me, cost-centre: CC-1, project: repairs}")],
        [
            f"{F}:20:8: tags.Owner: tag 'Owner' is set by the platform and cannot be overridden "
            f"(mandatory tags: {MANDATORY})",
            f"{F}:20:19: tags.cost-centre: tag 'cost-centre' is set by the platform and cannot be overridden "
            f"(mandatory tags: {MANDATORY})",
        ],
    ),
    (
        "tag characters",
        [("tags: {}", "tags: {a/b: x, 'c<d': y, e: 'f%g', 'aws:x': z}")],
        [
            f"{F}:20:8: tags.a/b: tag key 'a/b' contains '/'; keys may use letters, digits, spaces and "
            "_ . : = + - @ ('/' is allowed by AWS but not by Azure)",
            f"{F}:20:16: tags.c<d: tag key 'c<d' contains '<'; keys may use letters, digits, spaces and "
            "_ . : = + - @ ('/' is allowed by AWS but not by Azure)",
            f"{F}:20:26: tags.e: tag 'e' has a value containing '%'; values may use letters, digits, spaces "
            "and _ . : / = + - @",
            f"{F}:20:36: tags.aws:x: tag key 'aws:x' starts with the reserved prefix 'aws:'",
        ],
    ),
    (
        "tag keys differing in case",
        [("tags: {}", "tags: {project: a, Project: b}")],
        [f"{F}:20:20: tags.Project: tag 'Project' differs from 'project' only in case; Azure treats them as one"],
    ),
    (
        "tag value too long",
        [("tags: {}", "tags: {project: " + "v" * 257 + "}")],
        [f"{F}:20:8: tags.project: tag 'project' has a value of 257 characters; the limit is 256"],
    ),
    ("empty tag key", [("tags: {}", "tags: {'': v}")], [f"{F}:20:8: tags.: tag key is empty"]),
    (
        "too many tags",
        [("tags: {}", "tags: {" + ", ".join(f"t{i}: v" for i in range(44)) + "}")],
        [f"{F}:20:7: tags: 44 tags given; at most 43 fit beside the mandatory tags"],
    ),
]


@pytest.mark.parametrize(("edits", "expected"), [(e, x) for _, e, x in CASES], ids=[c[0] for c in CASES])
def test_rule_problem(stacks: Stacks, edits: list[tuple[str, str]], expected: list[str]) -> None:
    assert stacks.problems(stacks.edit(*edits)) == expected


ACCEPTED: list[tuple[str, list[tuple[str, str]]]] = [
    ("the example", []),
    ("azure with buckets in both UK regions", AZURE),
    (
        "domain with a us-east-1 certificate and a CloudFront web ACL",
        [
            (
                "{type: static_site}",
                "{type: static_site, domain: repairs.example.gov.uk, "
                "certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123', "
                "waf_acl_arn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/web/12-ab'}",
            )
        ],
    ),
    ("sqlserver of size medium", [("engine: postgres, size: small", "engine: sqlserver, size: medium")]),
    ("records, versioned", [("{type: bucket, versioning: true}", "{type: bucket, holds_records: true}")]),
    (
        "archive, then delete",
        [("{type: bucket, versioning: true}", "{type: bucket, archive_after_days: 90, expire_after_days: 91}")],
    ),
    ("a waiver for everything", _with_exception()),
    ("a waiver for named parts", _with_exception(("}", ", environments: [prod], resources: [db, files-bucket]}"))),
    ("team tags", [("tags: {}", "tags: {project: repairs-online, 'Cost code': 'A/B 1.2'}")]),
    (
        "budget alert addresses",
        [("monthly_budget_gbp: 150}", "monthly_budget_gbp: 0.5, budget_alert_emails: [a+b@x.gov.uk]}")],
    ),
]


@pytest.mark.parametrize("edits", [e for _, e in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted(stacks: Stacks, edits: list[tuple[str, str]]) -> None:
    assert stacks.problems(stacks.edit(*edits)) == []


def test_service_must_equal_the_file_name(stacks: Stacks) -> None:
    assert stacks.problems(stacks.valid, name="repairs.yaml") == [
        "stacks/repairs.yaml:3:10: service: must equal the file name 'repairs': rename the file to "
        "housing-repairs.yaml or set service: repairs"
    ]


def test_service_names_are_unique_across_files(stacks: Stacks) -> None:
    first, second = stacks.write(stacks.valid), stacks.write(stacks.valid, "housing-repairs.yml")
    manifests, problems = validate_paths([first, second, first], today=TODAY)
    assert [str(p) for p in problems] == [
        "stacks/housing-repairs.yml:3:10: service: service 'housing-repairs' is already defined in "
        "stacks/housing-repairs.yaml"
    ]
    assert [m.service for m in manifests] == ["housing-repairs"]


def test_today_defaults_to_the_real_date(stacks: Stacks) -> None:
    past = stacks.edit(*_with_exception(("2026-09-30", "2020-01-01")))
    with pytest.raises(InputError, match="expiry date 2020-01-01 is not after today"):
        load_manifest(stacks.write(past))
    assert load_manifest(stacks.write(past), today=date(2019, 12, 31)).exceptions[0].expires == date(2020, 1, 1)


def test_several_mistakes_are_all_reported_with_their_lines(stacks: Stacks) -> None:
    text = stacks.edit(
        (
            "owner: {team: housing-digital, email: housing-digital@example.gov.uk}",
            "owner: {team: housing-digital, email: nobody}",
        ),
        (
            "  dev:  {region: eu-west-2, monthly_budget_gbp: 150}",
            "  dev:  {region: eu-west-1, monthly_budget_gbp: -10, colour: blue}",
        ),
    )
    assert stacks.problems(text) == [
        f"{F}:5:39: owner.email: 'nobody' is not a valid email address (expected e.g. team@example.gov.uk)",
        f"{F}:13:18: environments.dev.region: 'eu-west-1' is outside the UK, where service stacks keep their "
        "data; allowed for aws: eu-west-2",
        f"{F}:13:49: environments.dev.monthly_budget_gbp: must be more than 0 (got -10)",
        f"{F}:13:54: environments.dev.colour: unknown key 'colour' (allowed keys: region, monthly_budget_gbp, "
        "network_size, budget_alert_emails)",
    ]


def test_rules_still_check_what_passed_the_schema(stacks: Stacks) -> None:
    # Component `db` and environment `dev` fail the schema pass; a waiver naming them is not also told
    # they do not exist, and the rules still check everything else (here: the expired waiver).
    text = stacks.edit(
        ("engine: postgres", "engine: oracle"),
        ("monthly_budget_gbp: 150", "monthly_budget_gbp: lots"),
        *_with_exception(("}", ", environments: [dev], resources: [db]}")),
        ("2026-09-30", "2026-01-01"),
        ("cloud: aws", "cloud: gcp"),
    )
    assert stacks.problems(text) == [
        f"{F}:10:8: cloud: must be 'aws' or 'azure' (got 'gcp')",
        f"{F}:13:49: environments.dev.monthly_budget_gbp: must be a number (got 'lots')",
        f"{F}:18:35: components.db.engine: must be 'postgres', 'mysql' or 'sqlserver' (got 'oracle')",
        f"{F}:20:105: exceptions.0.expires: expiry date 2026-01-01 is not after today (2026-06-01): renew the "
        "waiver's approval or remove it",
    ]


def test_every_component_type_has_a_cloud() -> None:
    assert set().union(*SUPPORTED_COMPONENTS.values()) == set(COMPONENT_TYPES)


def test_rules_run_on_a_manifest_built_in_code(stacks: Stacks) -> None:
    manifest = load_manifest(stacks.write(stacks.valid), today=TODAY)
    ctx = RuleContext(file="stacks/housing-repairs.yaml", today=TODAY)
    assert check_manifest(manifest, ctx) == []
    assert len(RULES) == len(set(RULES))


def test_static_site_cannot_hold_sensitive_data(tmp_path) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "stacks" / "housing-repairs.yaml").read_text()
    path = tmp_path / "housing-repairs.yaml"
    path.write_text(text.replace(", data_classification: OFFICIAL}", "}"))
    _, problems = validate_paths([path])
    assert [str(p) for p in problems] == [
        f"{path}:19:9: components.site: a static site serves its content to anyone on the internet, so it cannot "
        "hold OFFICIAL-SENSITIVE data; set data_classification: OFFICIAL on the component if its content is "
        "public, and keep sensitive data in a database or bucket"
    ]
    path.write_text(text)
    assert validate_paths([path])[1] == []
