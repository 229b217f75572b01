"""The schema pass: each kind of schema mistake, as the exact problem a service team sees."""

from __future__ import annotations

import pytest
from manifest_helpers import Stacks

F = "stacks/housing-repairs.yaml"

# (case id, replacements applied to the valid example, expected problems)
CASES: list[tuple[str, list[tuple[str, str]], list[str]]] = [
    (
        "unknown top-level key with a suggestion (and no second problem for the missing field)",
        [("owner: {", "ownr: {")],
        [f"{F}:5:1: ownr: unknown key 'ownr' (did you mean 'owner'?)"],
    ),
    (
        "unknown key without a close match lists the allowed keys",
        [("tags: {}", "tags: {}\nnotes: hello")],
        [
            f"{F}:21:1: notes: unknown key 'notes' (allowed keys: version, service, description, owner, "
            "cost_centre, business_unit, data_classification, criticality, cloud, request, environments, "
            "components, exceptions, tags)"
        ],
    ),
    (
        "unknown key in an environment",
        [("monthly_budget_gbp: 150", "monthly_budget: 150")],
        [
            f"{F}:13:29: environments.dev.monthly_budget: unknown key 'monthly_budget' "
            "(did you mean 'monthly_budget_gbp'?)"
        ],
    ),
    (
        "unknown key inside a discriminated component",
        [("engine: postgres", "engin: postgres")],
        [f"{F}:18:27: components.db.engin: unknown key 'engin' (did you mean 'engine'?)"],
    ),
    (
        "unknown key in a component lists that component type's keys",
        [("versioning: true}", "versioning: true, colour: blue}")],
        [
            f"{F}:17:43: components.files.colour: unknown key 'colour' (allowed keys: type, "
            "data_classification, versioning, holds_records, archive_after_days, expire_after_days)"
        ],
    ),
    (
        "a key spelt like pydantic's marker for invalid keys",
        [("monthly_budget_gbp: 150}", "monthly_budget_gbp: 150, '[key]': 1}")],
        [
            f"{F}:13:54: environments.dev.[key]: unknown key '[key]' (allowed keys: region, monthly_budget_gbp, "
            "network_size, budget_alert_emails)"
        ],
    ),
    (
        "missing top-level field points at the top-level mapping",
        [("cost_centre: CC-1042\n", "")],
        [f"{F}:2:1: cost_centre: missing required field 'cost_centre'"],
    ),
    (
        "missing nested field points at its parent mapping",
        [("{team: housing-digital, email: housing-digital@example.gov.uk}", "{team: housing-digital}")],
        [f"{F}:5:8: owner.email: missing required field 'email'"],
    ),
    (
        "allowed values are listed",
        [("criticality: high", "criticality: urgent")],
        [f"{F}:9:14: criticality: must be 'low', 'medium' or 'high' (got 'urgent')"],
    ),
    (
        "cloud",
        [("cloud: aws", "cloud: gcp")],
        [f"{F}:10:8: cloud: must be 'aws' or 'azure' (got 'gcp')"],
    ),
    (
        "data classification",
        [("data_classification: OFFICIAL ", "data_classification: SECRET ")],
        [f"{F}:8:22: data_classification: must be 'OFFICIAL' or 'OFFICIAL-SENSITIVE' (got 'SECRET')"],
    ),
    ("version", [("version: 1", "version: 2")], [f"{F}:2:10: version: must be 1 (got 2)"]),
    ("version as text", [("version: 1", "version: '1'")], [f"{F}:2:10: version: must be 1 (got '1')"]),
    (
        "service name pattern",
        [("service: housing-repairs", "service: Housing_Repairs")],
        [
            f"{F}:3:10: service: 'Housing_Repairs' is not valid: use lowercase letters, digits and single "
            "hyphens, starting with a letter and not ending with a hyphen"
        ],
    ),
    (
        "service name too short",
        [("service: housing-repairs", "service: hr")],
        [f"{F}:3:10: service: must be at least 3 characters long (got 'hr')"],
    ),
    (
        "cost centre pattern",
        [("cost_centre: CC-1042", "cost_centre: cc-1042")],
        [
            f"{F}:6:14: cost_centre: 'cc-1042' is not valid: use capital letters and digits in groups joined "
            "by single hyphens, starting with a letter (e.g. CC-1042)"
        ],
    ),
    (
        "description too long",
        [("description: Tenants report repairs online", "description: " + "x" * 301)],
        [f"{F}:4:14: description: must be at most 300 characters long (got 301)"],
    ),
    (
        "empty description",
        [("description: Tenants report repairs online", "description: ''")],
        [f"{F}:4:14: description: must not be empty"],
    ),
    (
        "no value",
        [("description: Tenants report repairs online", "description:")],
        [f"{F}:4:13: description: must be text (got no value)"],
    ),
    (
        "a number where text is expected",
        [("change_ref: CHG-2041", "change_ref: 2041")],
        [f"{F}:11:103: request.change_ref: must be text (got 2041); put it in quotes"],
    ),
    (
        "no environments",
        [
            (
                "environments:\n  dev:  {region: eu-west-2, monthly_budget_gbp: 150}\n"
                "  prod: {region: eu-west-2, monthly_budget_gbp: 900}",
                "environments: {}",
            )
        ],
        [f"{F}:12:15: environments: must have at least 1 entry"],
    ),
    (
        "environment name pattern",
        [("  dev:  {", "  Dev:  {")],
        [f"{F}:13:3: environments.Dev: invalid key 'Dev': use lowercase letters and digits, starting with a letter"],
    ),
    (
        "environment name too short",
        [("  dev:  {", "  d:  {")],
        [f"{F}:13:3: environments.d: invalid key 'd': must be at least 2 characters long (got 'd')"],
    ),
    (
        "component name pattern",
        [("  files: {", "  my_files: {")],
        [
            f"{F}:17:3: components.my_files: invalid key 'my_files': use lowercase letters, digits and single "
            "hyphens, starting with a letter and not ending with a hyphen"
        ],
    ),
    (
        "unknown component type",
        [("type: bucket", "type: blob")],
        [
            f"{F}:17:17: components.files.type: unknown component type 'blob' "
            "(known types: bucket, static_site, database)"
        ],
    ),
    (
        "component without a type",
        [("{type: bucket, versioning: true}", "{versioning: true}")],
        [f"{F}:17:10: components.files.type: missing required field 'type' (one of: bucket, static_site, database)"],
    ),
    (
        "component that is not a mapping",
        [("files: {type: bucket, versioning: true}", "files: bucket")],
        [f"{F}:17:10: components.files: must be a mapping of fields (got 'bucket')"],
    ),
    (
        "true or false",
        [("versioning: true", "versioning: 'yes'")],
        [f"{F}:17:37: components.files.versioning: must be true or false (got 'yes')"],
    ),
    (
        "number below minimum",
        [("size: small}", "size: small, storage_gb: 10}")],
        [f"{F}:18:70: components.db.storage_gb: must be at least 20 (got 10)"],
    ),
    (
        "number above maximum",
        [("size: small}", "size: small, backup_retention_days: 40}")],
        [f"{F}:18:81: components.db.backup_retention_days: must be at most 35 (got 40)"],
    ),
    (
        "fraction where a whole number is expected",
        [("size: small}", "size: small, storage_gb: 20.5}")],
        [f"{F}:18:70: components.db.storage_gb: must be a whole number (got 20.5)"],
    ),
    (
        "archive too early",
        [("versioning: true}", "versioning: true, archive_after_days: 7}")],
        [f"{F}:17:63: components.files.archive_after_days: must be at least 30 (got 7)"],
    ),
    (
        "budget that is not a number",
        [("monthly_budget_gbp: 150", "monthly_budget_gbp: lots")],
        [f"{F}:13:49: environments.dev.monthly_budget_gbp: must be a number (got 'lots')"],
    ),
    (
        "infinite budget",
        [("monthly_budget_gbp: 150", "monthly_budget_gbp: .inf")],
        [f"{F}:13:49: environments.dev.monthly_budget_gbp: must be a finite number (got inf)"],
    ),
    (
        "true is not a number",
        [("monthly_budget_gbp: 150", "monthly_budget_gbp: true")],
        [f"{F}:13:49: environments.dev.monthly_budget_gbp: must be a number (got true)"],
    ),
    (
        "network size",
        [("monthly_budget_gbp: 150}", "monthly_budget_gbp: 150, network_size: huge}")],
        [f"{F}:13:68: environments.dev.network_size: must be 'small', 'medium' or 'large' (got 'huge')"],
    ),
    (
        "a single address where a list is expected",
        [("monthly_budget_gbp: 150}", "monthly_budget_gbp: 150, budget_alert_emails: finance@example.gov.uk}")],
        [f"{F}:13:75: environments.dev.budget_alert_emails: must be a list (got 'finance@example.gov.uk')"],
    ),
    (
        "owner that is not a mapping",
        [("owner: {team: housing-digital, email: housing-digital@example.gov.uk}", "owner: housing-digital")],
        [f"{F}:5:8: owner: must be a mapping of fields (got 'housing-digital')"],
    ),
    (
        "hostname",
        [("{type: static_site}", "{type: static_site, domain: Repairs.Example}")],
        [
            f"{F}:16:38: components.site.domain: 'Repairs.Example' is not valid: use a lowercase DNS hostname "
            "such as repairs.example.gov.uk"
        ],
    ),
    (
        "engine version",
        [("size: small}", "size: small, engine_version: sixteen}")],
        [f"{F}:18:74: components.db.engine_version: 'sixteen' is not valid: use a version number such as 16 or 8.0"],
    ),
    (
        "exceptions that are not a list",
        [("exceptions: []", "exceptions: {}")],
        [f"{F}:19:13: exceptions: must be a list (got a mapping)"],
    ),
    (
        "tags that are not a mapping",
        [("tags: {}", "tags: [a, b]")],
        [f"{F}:20:7: tags: must be a mapping (got a list)"],
    ),
    (
        "tag value that is not text",
        [("tags: {}", "tags: {team: 5}")],
        [f"{F}:20:14: tags.team: must be text (got 5); put it in quotes"],
    ),
    (
        "expiry that is not a date",
        [
            (
                "exceptions: []",
                "exceptions:\n  - {policy: aws-s3-x, reason: r, approved_by: a@example.gov.uk, expires: next week}",
            )
        ],
        [f"{F}:20:75: exceptions.0.expires: must be a date like 2026-03-31 (got 'next week')"],
    ),
    (
        "expiry with a time",
        [
            (
                "exceptions: []",
                "exceptions:\n  - {policy: aws-s3-x, reason: r, approved_by: a@example.gov.uk, "
                "expires: 2026-09-30 10:00:00}",
            )
        ],
        [f"{F}:20:75: exceptions.0.expires: must be a date without a time, like 2026-03-31 (got 2026-09-30 10:00:00)"],
    ),
    (
        "missing field in a list item points at the item",
        [("exceptions: []", "exceptions:\n  - {policy: aws-s3-x, reason: r, expires: 2026-09-30}")],
        [f"{F}:20:5: exceptions.0.approved_by: missing required field 'approved_by'"],
    ),
]


@pytest.mark.parametrize(("edits", "expected"), [(e, x) for _, e, x in CASES], ids=[c[0] for c in CASES])
def test_schema_problem(stacks: Stacks, edits: list[tuple[str, str]], expected: list[str]) -> None:
    assert stacks.problems(stacks.edit(*edits)) == expected


def test_every_schema_problem_of_a_file_is_reported_at_once(stacks: Stacks) -> None:
    text = stacks.edit(
        ("criticality: high", "criticality: urgent"),
        ("cloud: aws", "cloud: gcp"),
        ("engine: postgres", "engin: postgres"),
    )
    assert stacks.problems(text) == [
        f"{F}:9:14: criticality: must be 'low', 'medium' or 'high' (got 'urgent')",
        f"{F}:10:8: cloud: must be 'aws' or 'azure' (got 'gcp')",
        f"{F}:18:27: components.db.engin: unknown key 'engin' (did you mean 'engine'?)",
    ]
