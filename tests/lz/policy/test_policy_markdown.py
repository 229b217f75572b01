"""The PR comment: verdict first, then counts, mandatory findings with fixes, the rest folded."""

from __future__ import annotations

from gate_helpers import OWNER, finding, result
from hypothesis import given
from hypothesis import strategies as st

from lz.policy.evaluate import PolicyResult
from lz.policy.markdown import MARKER, cell, to_markdown, verdict

EXPECTED = """\
<!-- council-lz-policy-gate -->
## Policy gate

❌ **Policy gate failed:** 1 mandatory finding and 1 error in 2 stacks

| Stack | Source | Policies | Mandatory | Advisory | Waived | Errors |
|---|---|---|---|---|---|---|
| svc-dev | stacks/svc.yaml | 3 | 1 | 1 | 1 | 0 |
| svc-prod | /repo/tests/prog | 1 | 0 | 0 | 0 | 1 |

### Mandatory findings (block deployment)

| Stack | Policy | Severity | Resource | Type | Finding |
|---|---|---|---|---|---|
| svc-dev | aws-s3-bucket-owner-tagged | high | files-bucket | aws:s3/bucket:Bucket | Bucket has no owner tag |

**How to fix**

* `aws-s3-bucket-owner-tagged`: Add `owner` to the tags.

### Advisory findings

<details><summary>1 advisory finding</summary>

| Stack | Policy | Severity | Resource | Finding |
|---|---|---|---|---|
| svc-dev | aws-s3-bucket-explicit-name | medium | logs | Bucket logs has no explicit name |

</details>

### Waived findings

<details><summary>1 waived finding</summary>

| Stack | Policy | Resource | Exception | Approved by | Expires | Reason |
|---|---|---|---|---|---|---|
| svc-dev | aws-s3-bucket-owner-tagged | logs | 2 | ciso@example.gov.uk | 2026-12-31 | Logs \\| rotated &lt;daily&gt; |

</details>

### Errors

* `svc-prod`: aws-x: failed on urn:x: KeyError: 'a'
"""


def test_the_comment_for_two_stacks(dev: PolicyResult, prod: PolicyResult) -> None:
    assert to_markdown([dev, prod]) == EXPECTED


def test_a_clean_run() -> None:
    assert to_markdown([result("svc-dev", evaluated=[OWNER])]) == (
        f"{MARKER}\n## Policy gate\n\n"
        "✅ **Policy gate passed:** no mandatory findings in 1 stack\n\n"
        "| Stack | Source | Policies | Mandatory | Advisory | Waived | Errors |\n"
        "|---|---|---|---|---|---|---|\n"
        "| svc-dev | stacks/svc.yaml | 1 | 0 | 0 | 0 | 0 |\n"
    )


def test_verdicts() -> None:
    advisory = finding("a", OWNER, "b", "m", level="advisory")
    mandatory = finding("a", OWNER, "b", "m")
    assert verdict([result("a", violations=[advisory]), result("b")]) == (
        "✅ **Policy gate passed:** no mandatory findings in 2 stacks (1 advisory finding to review)"
    )
    assert verdict([result("a", violations=[mandatory, mandatory]), result("b")]) == (
        "❌ **Policy gate failed:** 2 mandatory findings in 1 of 2 stacks"
    )
    assert verdict([result("a", errors=["e"])]) == "❌ **Policy gate could not judge every stack:** 1 error"


def test_long_tables_are_capped() -> None:
    many = result("a", violations=[finding("a", OWNER, f"b{i}", "m") for i in range(5)])
    text = to_markdown([many], max_rows=2)
    assert "| a | aws-s3-bucket-owner-tagged | high | b1 |" in text
    assert "| b2 |" not in text
    assert "… and 3 more (see the SARIF or JUnit report for all of them)." in text


def test_cells_stay_one_line_and_keep_code_spans() -> None:
    assert cell("a | b\n<c>") == "a \\| b &lt;c&gt;"
    assert cell("use `x|<y>` now") == "use `x\\|<y>` now"
    assert cell("back\\slash ` alone") == "back\\\\slash \\` alone"
    assert cell(None) == ""


@given(st.text())
def test_any_text_is_one_table_cell(text: str) -> None:
    value = cell(text)
    assert "\n" not in value and "\r" not in value
    # every pipe is escaped, so the row keeps its columns
    assert all(value[i - 1] == "\\" for i, ch in enumerate(value) if ch == "|")
