"""The exceptions register: which entries waive, and which are findings themselves."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lz.plan.model import PlannedResource
from lz.policy.exceptions import REGISTER_POLICY, Register, RegisterProblem, Waiver, component_ancestors, read_register

TODAY = date(2026, 3, 1)
KNOWN = ["aws-s3-bucket-versioning-production", "aws-rds-instance-multi-az-production"]
VALID: dict[str, Any] = {
    "policy": "aws-s3-bucket-versioning-production",
    "reason": "Scratch data, rebuilt nightly",
    "approved_by": "security@example.gov.uk",
    "expires": "2026-06-30",
    "environments": [],
    "resources": [],
}


def register(*entries: Any, environment: str | None = "prod") -> Register:
    return read_register(list(entries), known_policies=KNOWN, today=TODAY, environment=environment)


def messages(reg: Register) -> list[str]:
    return [p.message for p in reg.problems]


def test_a_valid_entry_is_a_waiver() -> None:
    reg = register({**VALID, "index": 3, "resources": ["files"]})
    assert reg.problems == []
    assert reg.waivers == [
        Waiver(index=3, policy=VALID["policy"], reason=VALID["reason"], approved_by=VALID["approved_by"],
               expires=date(2026, 6, 30), environments=(), resources=("files",))
    ]


def test_dates_may_already_be_dates() -> None:
    assert register({**VALID, "expires": date(2026, 6, 30)}).waivers[0].expires == date(2026, 6, 30)


@pytest.mark.parametrize("expires", ["2026-03-01", "2026-02-28", "2020-01-01"])
def test_a_waiver_lapses_on_its_expiry_date(expires: str) -> None:
    reg = register({**VALID, "expires": expires})
    assert reg.waivers == []
    assert reg.problems == [
        RegisterProblem(0, VALID["policy"], f"Exception 0 for aws-s3-bucket-versioning-production expired on "
                                            f"{expires} (approved by security@example.gov.uk)")
    ]


def test_the_day_before_expiry_still_waives() -> None:
    assert len(register({**VALID, "expires": "2026-03-02"}).waivers) == 1


def test_an_unknown_policy_is_a_finding_with_a_suggestion() -> None:
    reg = register({**VALID, "policy": "aws-s3-bucket-versioning-prod"}, {**VALID, "policy": "nothing-like-it"})
    assert messages(reg) == [
        "Exception 0 names unknown policy aws-s3-bucket-versioning-prod; did you mean "
        "aws-s3-bucket-versioning-production?",
        "Exception 1 names unknown policy nothing-like-it",
    ]
    assert reg.waivers == []


def test_the_register_check_cannot_be_waived() -> None:
    assert messages(register({**VALID, "policy": REGISTER_POLICY})) == [
        "Exception 0 for lz-exceptions-register-valid waives the exceptions register check itself, which cannot "
        "be waived"
    ]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({k: v for k, v in VALID.items() if k != "reason"}, "'reason' is missing"),
        ({**VALID, "approved_by": "  "}, "'approved_by' must be non-empty text"),
        ({**VALID, "expires": "soon"}, "'expires' must be a date (YYYY-MM-DD), got 'soon'"),
        ({k: v for k, v in VALID.items() if k != "expires"}, "'expires' is missing"),
        ({**VALID, "resources": "files"}, "'resources' must be a list of names"),
        ({**VALID, "environments": [1]}, "'environments' must be a list of names"),
        ({**VALID, "owner": "me"}, "unknown field 'owner'"),
    ],
)
def test_malformed_entries_are_findings(entry: dict[str, Any], problem: str) -> None:
    reg = register(entry)
    assert reg.waivers == []
    assert messages(reg) == [f"Exception 0 for aws-s3-bucket-versioning-production is malformed: {problem}"]


def test_every_problem_of_an_entry_is_listed() -> None:
    reg = register({"policy": "", "expires": 7}, "not a mapping")
    assert messages(reg) == [
        "Exception 0 is malformed: 'policy' must be non-empty text; 'reason' is missing; 'approved_by' is missing; "
        "'expires' must be a date (YYYY-MM-DD), got 7",
        "Exception 1 is malformed: expected a mapping, got str",
    ]


def test_entries_for_other_environments_are_left_to_their_stacks() -> None:
    expired_for_dev = {**VALID, "environments": ["dev"], "expires": "2020-01-01"}
    malformed_for_dev = {**VALID, "environments": ["dev"], "reason": ""}
    for_prod = {**VALID, "environments": ["prod"]}
    reg = register(expired_for_dev, malformed_for_dev, for_prod, environment="prod")
    assert reg.problems == []
    assert [w.index for w in reg.waivers] == [2]
    assert len(register(expired_for_dev, environment="dev").problems) == 1


def test_a_stack_without_an_environment_only_takes_waivers_for_every_environment() -> None:
    reg = register({**VALID, "environments": ["prod"]}, VALID, environment=None)
    assert [w.index for w in reg.waivers] == [1]


@pytest.mark.parametrize(
    ("resources", "resource", "components", "covered"),
    [
        ((), "anything", [], True),
        (("files",), "files-bucket", ["files"], True),  # a component covers its children
        (("files",), "files-bucket-policy", ["files-bucket", "files"], True),  # and grandchildren
        (("files",), "files", [], True),  # and itself, by name
        (("files-bucket",), "files-bucket", ["files"], True),  # a resource name matches exactly
        (("files",), "files-bucket", [], False),  # a prefix is not a match
        (("db",), "files-bucket", ["files"], False),
    ],
)
def test_resources_match_by_name_or_component(resources: tuple[str, ...], resource: str, components: list[str],
                                               covered: bool) -> None:
    waiver = Waiver(index=0, policy="p", reason="r", approved_by="a", expires=TODAY, resources=resources)
    assert waiver.covers("p", resource, components) is covered
    assert waiver.covers("other-policy", resource, components) is False


def test_the_first_matching_waiver_wins() -> None:
    reg = register({**VALID, "resources": ["db"]}, {**VALID, "reason": "second"}, {**VALID, "reason": "third"})
    found = reg.waiver_for(VALID["policy"], "files-bucket", ["files"])
    assert found is not None and found.reason == "second"
    assert reg.waiver_for("aws-rds-instance-multi-az-production", "db", []) is None


def _res(urn: str, parent: str | None, custom: bool = True) -> PlannedResource:
    type_ = urn.split("::")[2].rsplit("$", 1)[-1]
    return PlannedResource(urn=urn, type=type_, name=urn.rsplit("::", 1)[-1], custom=custom, parent=parent,
                           provider=None, dependencies=[], property_dependencies={}, raw_inputs={}, options={})


def test_component_ancestors_nearest_first_without_the_stack() -> None:
    stack = _res("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", None, custom=False)
    site = _res("urn:pulumi:s::p::lz:aws:StaticSite::site", stack.urn, custom=False)
    inner = _res("urn:pulumi:s::p::lz:aws:StaticSite$lz:aws:Bucket::site-bucket", site.urn, custom=False)
    bucket = _res("urn:pulumi:s::p::lz:aws:StaticSite$lz:aws:Bucket$aws:s3/bucket:Bucket::site-bucket-b", inner.urn)
    by_urn = {r.urn: r for r in (stack, site, inner, bucket)}
    assert component_ancestors(bucket.urn, by_urn) == ["site-bucket", "site"]
    assert component_ancestors(site.urn, by_urn) == []
    assert component_ancestors("urn:pulumi:s::p::x:y:Z::unknown", by_urn) == []


ENTRY_VALUES = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.dates().map(str),
                         st.lists(st.text(max_size=6), max_size=3))


@given(st.lists(st.one_of(st.dictionaries(st.sampled_from([*VALID, "index", "extra"]), ENTRY_VALUES, max_size=8),
                          st.text(max_size=5)), max_size=5),
       st.sampled_from(["dev", "prod", None]))
def test_any_register_gives_waivers_or_problems_never_an_exception(entries: list[Any], environment: str | None) -> None:
    reg = read_register(entries, known_policies=KNOWN, today=TODAY, environment=environment)
    assert len(reg.waivers) + len(reg.problems) <= len(entries)
    for waiver in reg.waivers:
        assert waiver.policy in KNOWN and waiver.expires > TODAY and waiver.applies_to(environment)
    for problem in reg.problems:
        assert problem.message.startswith(f"Exception {problem.index}")
