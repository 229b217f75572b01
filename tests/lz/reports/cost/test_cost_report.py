"""build_cost_report: exact totals, untagged/mis-tagged lines, month on month, movers, partitions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lz.reports.cost.model import NOT_GROUPED, CostRow, plan_api_queries
from lz.reports.cost.report import MISTAGGED_LABEL, UNTAGGED_LABEL, build_cost_report

D = Decimal


def row(
    amount: str,
    month: str = "2025-01",
    *,
    tags: dict[str, str] | None = None,
    source: str = "aws-cur",
    account: str = "111111111111",
    service: str = "AmazonEC2",
    currency: str = "USD",
) -> CostRow:
    return CostRow(
        source=source,
        cloud="azure" if source == "azure" else "aws",
        account=account,
        service=service,
        month=month,
        tags=tags or {},
        amount=D(amount),
        currency=currency,
    )


ROWS = [
    row("100.10", "2025-01", tags={"cost-centre": "CC-1001", "environment": "prod"}),
    row("150.15", "2025-02", tags={"cost-centre": "CC-1001", "environment": "prod"}, service="AmazonS3"),
    row("50.05", "2025-01", tags={"cost-centre": "CC-1002", "environment": "Prod"}),
    row("20.02", "2025-02", tags={"cost-centre": "CC-1002", "environment": "Prod"}),
    row("10.01", "2025-01", tags={"cost-centre": "", "environment": ""}, account="222222222222"),
    row("30.03", "2025-02", tags={"cost-centre": "", "environment": "dev"}, account="222222222222"),
    row("-5.00", "2025-02", tags={"cost-centre": "CC#99", "environment": "dev"}),  # a credit, bad value
]
TOTAL = D("355.36")


def test_grand_total_is_the_exact_sum_of_the_rows() -> None:
    report = build_cost_report(ROWS, group_by=["cost-centre"])
    assert report.totals == {"USD": TOTAL}
    assert sum((r.amount for r in ROWS), D(0)) == TOTAL
    assert report.section("USD").by_month == {"2025-01": D("160.16"), "2025-02": D("195.20")}
    assert report.complete and report.row_count == len(ROWS)


@pytest.mark.parametrize("dimension", ["cost-centre", "environment", "account", "service", "month"])
def test_every_breakdown_adds_up_to_the_total(dimension: str) -> None:
    report = build_cost_report(ROWS, group_by=[dimension])
    assert report.section("USD").breakdown(dimension).total == TOTAL


def test_tag_values_untagged_line_and_its_share() -> None:
    breakdown = build_cost_report(ROWS, group_by=["cost-centre"]).section("USD").breakdown("cost-centre")
    assert [line.label for line in breakdown.lines] == ["CC-1001", "CC-1002", UNTAGGED_LABEL, MISTAGGED_LABEL]
    cc1001 = breakdown.line("CC-1001")
    assert cc1001.total == D("250.25")
    assert cc1001.by_month == {"2025-01": D("100.10"), "2025-02": D("150.15")}
    assert cc1001.share == (D("250.25") / TOTAL).quantize(D("0.000001"))
    untagged = breakdown.untagged
    assert untagged is not None and untagged.kind == "untagged"
    assert untagged.total == D("40.04")
    assert untagged.share == D("0.112674")  # 40.04 / 355.36


def test_mis_tagged_values_are_their_own_line_with_the_reason() -> None:
    report = build_cost_report(ROWS, group_by=["environment", "cost-centre"])
    environment = report.section("USD").breakdown("environment")
    mis = environment.mis_tagged
    assert mis is not None and mis.total == D("70.07")  # "Prod" is not a lowercase slug
    assert [v.value for v in environment.mistagged_values] == ["Prod"]
    assert "lowercase slug" in environment.mistagged_values[0].problem
    assert environment.untagged is not None and environment.untagged.total == D("10.01")
    cost_centre = report.section("USD").breakdown("cost-centre")
    assert cost_centre.mis_tagged is not None and cost_centre.mis_tagged.total == D("-5.00")
    assert "'#'" in cost_centre.mistagged_values[0].problem


def test_data_classification_outside_the_vocabulary_is_mis_tagged() -> None:
    rows = [
        row("1", tags={"data-classification": "OFFICIAL"}),
        row("2", tags={"data-classification": "OFFICIAL-SENSITIVE"}),
        row("4", tags={"data-classification": "SECRET"}),
    ]
    breakdown = (
        build_cost_report(rows, group_by=["data-classification"]).section("USD").breakdown("data-classification")
    )
    assert breakdown.line("OFFICIAL").total == 1 and breakdown.line("OFFICIAL-SENSITIVE").total == 2
    assert breakdown.mis_tagged is not None and breakdown.mis_tagged.total == 4
    assert breakdown.mis_tagged.share == D("0.571429")
    assert "allowed: OFFICIAL, OFFICIAL-SENSITIVE" in breakdown.mistagged_values[0].problem


def test_month_on_month_change_and_percentage() -> None:
    breakdown = build_cost_report(ROWS, group_by=["cost-centre"]).section("USD").breakdown("cost-centre")
    assert breakdown.line("CC-1001").change == D("50.05")
    assert breakdown.line("CC-1001").change_pct == D("50.00")
    assert breakdown.line("CC-1002").change == D("-30.03")
    assert breakdown.line("CC-1002").change_pct == D("-60.00")
    mis = breakdown.mis_tagged
    assert mis is not None and mis.change == D("-5.00") and mis.change_pct is None  # nothing the month before


def test_top_movers_are_the_largest_increases_and_decreases() -> None:
    breakdown = build_cost_report(ROWS, group_by=["cost-centre"]).section("USD").breakdown("cost-centre")
    assert [(m.label, m.change) for m in breakdown.movers_up] == [("CC-1001", D("50.05")), (UNTAGGED_LABEL, D("20.02"))]
    assert [(m.label, m.change) for m in breakdown.movers_down] == [
        ("CC-1002", D("-30.03")),
        (MISTAGGED_LABEL, D("-5.00")),
    ]
    assert breakdown.movers_up[0].previous == D("100.10") and breakdown.movers_up[0].current == D("150.15")


def test_a_single_month_has_no_change_and_no_movers() -> None:
    report = build_cost_report([row("5")], group_by=["cost-centre"])
    breakdown = report.section("USD").breakdown("cost-centre")
    assert breakdown.lines[0].change is None and not breakdown.movers_up and not breakdown.movers_down


def test_requested_months_without_spend_show_as_zero() -> None:
    report = build_cost_report([row("5", "2025-02")], group_by=["account"], months=["2025-01", "2025-02", "2025-03"])
    assert report.months == ("2025-01", "2025-02", "2025-03")
    assert report.section("USD").by_month["2025-01"] == 0
    line = report.section("USD").breakdown("account").lines[0]
    assert line.change == D("-5") and line.change_pct == D("-100.00")


def test_currencies_are_never_added_together() -> None:
    rows = [row("10"), row("7", currency="GBP", source="azure", account="sub-1")]
    report = build_cost_report(rows, group_by=["account"])
    assert report.totals == {"GBP": D("7"), "USD": D("10")}


def ce_rows() -> list[CostRow]:
    """Two Cost Explorer partitions of the same 100.00: by cost-centre and by environment."""
    return [
        row("60.00", tags={"cost-centre": "CC-1"}, source="aws-ce", service=NOT_GROUPED),
        row("40.00", tags={"cost-centre": ""}, source="aws-ce", service=NOT_GROUPED),
        row("70.00", tags={"environment": "prod"}, source="aws-ce", service=NOT_GROUPED),
        row("30.00", tags={"environment": "test"}, source="aws-ce", service=NOT_GROUPED),
    ]


def test_alternative_partitions_of_one_source_count_its_spend_once() -> None:
    report = build_cost_report(ce_rows(), group_by=["cost-centre", "environment", "service"])
    section = report.section("USD")
    assert section.total == D("100.00")
    assert section.by_source == {"aws-ce": D("100.00")}
    assert section.breakdown("cost-centre").line("CC-1").total == D("60.00")
    assert section.breakdown("environment").line("prod").total == D("70.00")
    # Cost Explorer was not grouped by service: its spend is one "not available" line.
    service = section.breakdown("service")
    assert [(line.label, line.kind, line.total) for line in service.lines] == [
        ("(not available from aws-ce)", "not-available", D("100.00"))
    ]
    assert report.complete


def test_partitions_that_disagree_are_a_gap_and_a_difference_line() -> None:
    rows = [*ce_rows()[:2], row("70.00", tags={"environment": "prod"}, source="aws-ce", service=NOT_GROUPED)]
    report = build_cost_report(rows, group_by=["cost-centre", "environment"])
    section = report.section("USD")
    environment = section.breakdown("environment")
    assert environment.total == section.total == D("100.00")
    assert environment.line("(difference: aws-ce)").total == D("30.00")
    assert not report.complete
    assert "totals 70.00" in report.gaps[0] and "totals 100.00" in report.gaps[0]


def test_gaps_are_carried_and_make_the_report_partial() -> None:
    report = build_cost_report(ROWS, group_by=["cost-centre"], gaps=["aws-ce: page 2 failed"])
    assert report.gaps == ("aws-ce: page 2 failed",) and not report.complete


@pytest.mark.parametrize(
    ("group_by", "message"),
    [(["cost-center"], "unknown group-by"), ([], "at least one"), (["account", "account"], "twice")],
)
def test_bad_group_by_is_rejected(group_by: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_cost_report(ROWS, group_by=group_by)


def test_cost_row_rejects_floats_and_bad_months() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        CostRow("aws-ce", "aws", "1", "s", "2025-01", {}, 1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="YYYY-MM"):
        CostRow("aws-ce", "aws", "1", "s", "2025-13", {}, D(1), "USD")
    frozen = CostRow("aws-ce", "aws", "1", "s", "2025-01", {"a": "b"}, D(1), "USD")
    with pytest.raises(TypeError):
        frozen.tags["a"] = "c"  # type: ignore[index]


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        (["cost-centre"], ["tag cost-centre × account"]),
        (["cost-centre", "environment"], ["tag cost-centre × account", "tag environment × account"]),
        (["cost-centre", "service", "month"], ["tag cost-centre × account", "account × service"]),
        (["account"], ["account × service"]),
        (["month"], ["account × service"]),
    ],
)
def test_api_query_plan_never_exceeds_two_group_bys(group_by: list[str], expected: list[str]) -> None:
    queries = plan_api_queries(group_by)
    assert [q.describe() for q in queries] == expected
    assert all((q.tag_key is not None) + len(q.dimensions) <= 2 for q in queries)


amounts = st.decimals(min_value=-1000, max_value=100000, places=4, allow_nan=False, allow_infinity=False)
tag_values = st.sampled_from(["CC-1", "CC-2", "", "bad/value", "prod", "Prod"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(amounts, st.sampled_from(["2025-01", "2025-02", "2025-03"]), tag_values, tag_values),
        min_size=1,
        max_size=40,
    )
)
def test_property_breakdowns_always_reconcile(items: list[tuple[Decimal, str, str, str]]) -> None:
    rows = [
        row(str(amount), month, tags={"cost-centre": cc, "environment": env}, service=f"svc-{i % 3}")
        for i, (amount, month, cc, env) in enumerate(items)
    ]
    expected = sum((r.amount for r in rows), D(0))
    report = build_cost_report(rows, group_by=["cost-centre", "environment", "service", "account", "month"])
    section = report.section("USD")
    assert section.total == expected
    for breakdown in section.breakdowns:
        assert breakdown.total == expected
        assert sum((line.by_month[m] for line in breakdown.lines for m in report.months), D(0)) == expected
