"""JUnit XML: a suite per stack, a passing case per clean policy, a case per policy x resource finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gate_helpers import OWNER, result

from lz.policy.evaluate import PolicyResult
from lz.policy.junit import to_junit

EXPECTED = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="council-lz policy gate" tests="6" failures="1" errors="1" skipped="1" time="0">
  <testsuite name="svc-dev" tests="4" failures="1" errors="0" skipped="1" time="0">
    <properties>
      <property name="source" value="stacks/svc.yaml" />
      <property name="environment" value="dev" />
    </properties>
    <testcase classname="svc-dev.aws-s3-bucket-other" name="aws-s3-bucket-other" time="0" />
    <testcase classname="svc-dev.aws-s3-bucket-explicit-name" name="aws-s3-bucket-explicit-name: logs" time="0">
      <system-out>[advisory/medium] Bucket logs has no explicit name (urn:pulumi:svc-dev::council-lz::aws:s3/bucket:Bucket::logs)</system-out>
    </testcase>
    <testcase classname="svc-dev.aws-s3-bucket-owner-tagged" name="aws-s3-bucket-owner-tagged: files-bucket" time="0">
      <failure message="Bucket has no owner tag" type="mandatory">[mandatory/high] Bucket has no owner tag (urn:pulumi:svc-dev::council-lz::aws:s3/bucket:Bucket::files-bucket)</failure>
    </testcase>
    <testcase classname="svc-dev.aws-s3-bucket-owner-tagged" name="aws-s3-bucket-owner-tagged: logs" time="0">
      <skipped message="waived by exception 2 (approved by ciso@example.gov.uk, expires 2026-12-31): Logs | rotated &lt;daily&gt;" />
      <system-out>waived by exception 2: [mandatory/high] Bucket has no owner tag (urn:pulumi:svc-dev::council-lz::aws:s3/bucket:Bucket::logs)</system-out>
    </testcase>
  </testsuite>
  <testsuite name="svc-prod" tests="2" failures="0" errors="1" skipped="0" time="0">
    <properties>
      <property name="source" value="/repo/tests/prog" />
      <property name="environment" value="prod" />
    </properties>
    <testcase classname="svc-prod.aws-s3-bucket-owner-tagged" name="aws-s3-bucket-owner-tagged" time="0" />
    <testcase classname="svc-prod.policy-gate" name="evaluation" time="0">
      <error message="aws-x: failed on urn:x: KeyError: 'a'" type="error">aws-x: failed on urn:x: KeyError: 'a'</error>
    </testcase>
  </testsuite>
</testsuites>
"""  # noqa: E501 - the report verbatim


def test_the_report_for_two_stacks(dev: PolicyResult, prod: PolicyResult) -> None:
    assert to_junit([dev, prod]) == EXPECTED


def test_the_report_is_well_formed_xml(dev: PolicyResult, prod: PolicyResult) -> None:
    root = ET.fromstring(to_junit([dev, prod]).split("\n", 1)[1])
    assert [s.get("name") for s in root.iter("testsuite")] == ["svc-dev", "svc-prod"]


def test_mandatory_and_advisory_findings_on_one_resource_are_one_failing_case() -> None:
    from gate_helpers import finding

    both = result("s", violations=[
        finding("s", OWNER, "b", "no owner"),
        finding("s", OWNER, "b", "owner is not an email", level="advisory", severity="low"),
    ], evaluated=[OWNER])
    root = ET.fromstring(to_junit([both]).split("\n", 1)[1])
    (case,) = root.iter("testcase")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "no owner"
    assert failure.text == (
        "[mandatory/high] no owner (urn:pulumi:s::council-lz::aws:s3/bucket:Bucket::b)\n"
        "[advisory/low] owner is not an email (urn:pulumi:s::council-lz::aws:s3/bucket:Bucket::b)"
    )
    assert case.find("system-out") is None


def test_no_results_is_an_empty_report() -> None:
    assert to_junit([]) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="council-lz policy gate" tests="0" failures="0" errors="0" skipped="0" time="0" />\n'
    )
