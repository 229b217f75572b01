"""Cost Explorer source against moto (in-process and server), with fault injection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from lz.reports.cost.aws_ce import ce_client, read_cost_explorer
from lz.reports.cost.model import NOT_GROUPED
from lz.reports.cost.report import UNTAGGED_LABEL, build_cost_report

D = Decimal
IN_PROCESS = "http://motoapi.amazonaws.com"
START, END = date(2025, 1, 1), date(2025, 3, 1)
METRIC = "AmortizedCost"


def group(keys: list[str], amount: str, unit: str = "USD") -> dict[str, Any]:
    return {"Keys": keys, "Metrics": {METRIC: {"Amount": amount, "Unit": unit}}}


def period(month: str, groups: list[dict[str, Any]]) -> dict[str, Any]:
    end = {"2025-01": "2025-02-01", "2025-02": "2025-03-01"}[month]
    return {"TimePeriod": {"Start": f"{month}-01", "End": end}, "Total": {}, "Groups": groups, "Estimated": False}


def result(periods: list[dict[str, Any]], group_defs: list[dict[str, str]], token: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ResultsByTime": periods, "GroupDefinitions": group_defs, "DimensionValueAttributes": []}
    if token:
        body["NextPageToken"] = token
    return body


TAG_DEFS = [{"Type": "TAG", "Key": "cost-centre"}, {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]
SERVICE_DEFS = [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}]

#: cost-centre × account, two pages; then account × service, one page. Same 1,800.25 in total.
COST_CENTRE_PAGE_1 = result(
    [
        period(
            "2025-01",
            [
                group(["cost-centre$CC-1001", "111111111111"], "500.10"),
                group(["cost-centre$", "111111111111"], "100.05"),  # untagged
            ],
        )
    ],
    TAG_DEFS,
    token="page-2",
)
COST_CENTRE_PAGE_2 = result(
    [
        period("2025-01", [group(["cost-centre$CC-1002", "222222222222"], "200.00")]),
        period(
            "2025-02",
            [
                group(["cost-centre$CC-1001", "111111111111"], "700.00"),
                group(["cost-centre$OFFICIAL#1", "222222222222"], "50.00"),  # mis-tagged
                group(["cost-centre$", "222222222222"], "250.10"),
            ],
        ),
    ],
    TAG_DEFS,
)
SERVICE_PAGE = result(
    [
        period(
            "2025-01",
            [
                group(["111111111111", "Amazon Elastic Compute Cloud - Compute"], "600.15"),
                group(["222222222222", "Amazon Simple Storage Service"], "200.00"),
            ],
        ),
        period("2025-02", [group(["111111111111", "Amazon Elastic Compute Cloud - Compute"], "1000.10")]),
    ],
    SERVICE_DEFS,
)
ALL_PAGES = [COST_CENTRE_PAGE_1, COST_CENTRE_PAGE_2, SERVICE_PAGE]


def assert_full_report(rows: list[Any]) -> None:
    report = build_cost_report(rows, group_by=["cost-centre", "service"])
    section = report.section("USD")
    assert section.total == D("1800.25") == sum((r.amount for r in rows if "cost-centre" in r.tags), D(0))
    assert sum((r.amount for r in rows if not r.tags), D(0)) == D("1800.25")
    cost_centre = section.breakdown("cost-centre")
    assert cost_centre.line("CC-1001").total == D("1200.10")
    assert cost_centre.line("CC-1001").change == D("199.90")
    assert cost_centre.line("CC-1002").total == D("200.00")
    assert cost_centre.line(UNTAGGED_LABEL).total == D("350.15")
    assert cost_centre.line(UNTAGGED_LABEL).share == (D("350.15") / D("1800.25")).quantize(D("0.000001"))
    assert cost_centre.mis_tagged is not None and cost_centre.mis_tagged.total == D("50.00")
    assert section.breakdown("service").line("Amazon Elastic Compute Cloud - Compute").total == D("1600.25")
    assert cost_centre.movers_up[0].label == "CC-1001"
    assert report.complete


def test_every_page_is_read_in_process(seed_moto: Any) -> None:
    with mock_aws():
        seed_moto(IN_PROCESS, "ce", {"results": ALL_PAGES})
        result_ = read_cost_explorer(start=START, end=END, group_by=["cost-centre", "service"], client=ce_client())
    assert result_.gaps == [] and not result_.credentials_expired
    tagged = [r for r in result_.rows if r.tags]
    assert len(tagged) == 6 and all(r.service == NOT_GROUPED for r in tagged)
    assert {r.currency for r in result_.rows} == {"USD"}
    assert_full_report(result_.rows)


def test_every_page_is_read_through_moto_server_via_aws_endpoint_url(moto_server: str, seed_moto: Any) -> None:
    seed_moto(moto_server, "ce", {"results": ALL_PAGES})
    client = ce_client()  # nothing passes an endpoint: botocore takes AWS_ENDPOINT_URL itself
    assert client.meta.endpoint_url == moto_server
    result_ = read_cost_explorer(start=START, end=END, group_by=["cost-centre", "service"], client=client)
    assert result_.gaps == []
    assert_full_report(result_.rows)


def test_the_request_groups_by_tag_and_account_with_the_chosen_metric() -> None:
    client = boto3.client("ce", region_name="us-east-1")
    expected = {
        "TimePeriod": {"Start": "2025-01-01", "End": "2025-03-01"},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": TAG_DEFS,
    }
    with Stubber(client) as stub:
        stub.add_response("get_cost_and_usage", {"ResultsByTime": []}, expected)
        result_ = read_cost_explorer(start=START, end=END, group_by=["cost-centre"], metric="unblended", client=client)
        stub.assert_no_pending_responses()
    assert result_.rows == [] and result_.gaps == []


class FaultyClient:
    """Wraps a client: ``faults[n]`` is raised instead of the n-th get_cost_and_usage call (1-based)."""

    def __init__(self, client: Any, faults: dict[int, BaseException]) -> None:
        self._client = client
        self._faults = faults
        self.calls = 0

    def get_cost_and_usage(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls in self._faults:
            raise self._faults[self.calls]
        return self._client.get_cost_and_usage(**kwargs)


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "X")


@pytest.mark.parametrize(
    ("faults", "sleeps"),
    [
        ({2: client_error("ThrottlingException", 400)}, [0.5]),  # throttled on page 2, then fine
        ({1: client_error("InternalServerException", 500), 2: client_error("ServiceUnavailable", 503)}, [0.5, 1.0]),
    ],
    ids=["throttling-then-success", "5xx-then-success"],
)
def test_transient_faults_mid_pagination_are_retried(
    seed_moto: Any, faults: dict[int, BaseException], sleeps: list[float]
) -> None:
    slept: list[float] = []
    with mock_aws():
        seed_moto(IN_PROCESS, "ce", {"results": ALL_PAGES})
        client = FaultyClient(ce_client(), faults)
        result_ = read_cost_explorer(
            start=START, end=END, group_by=["cost-centre", "service"], client=client, sleep=slept.append
        )
    assert result_.gaps == [] and slept == sleeps
    assert_full_report(result_.rows)


def test_5xx_exhausted_on_page_2_is_a_gap_and_the_query_is_dropped(seed_moto: Any) -> None:
    slept: list[float] = []
    with mock_aws():
        # Page 2 is never served, so only page 1 and the service query are queued.
        seed_moto(IN_PROCESS, "ce", {"results": [COST_CENTRE_PAGE_1, SERVICE_PAGE]})
        client = FaultyClient(ce_client(), {n: client_error("InternalFailure", 500) for n in range(2, 7)})
        result_ = read_cost_explorer(
            start=START, end=END, group_by=["cost-centre", "service"], client=client, sleep=slept.append
        )
    assert slept == [0.5, 1.0, 2.0, 4.0]
    assert len(result_.gaps) == 1
    gap = result_.gaps[0]
    assert "grouped by tag cost-centre × account, page 2" in gap and "after 5 attempts" in gap
    assert "2 rows from earlier pages discarded" in gap
    assert all(not r.tags for r in result_.rows)  # nothing from the failed query
    report = build_cost_report(result_.rows, group_by=["cost-centre", "service"], gaps=result_.gaps)
    section = report.section("USD")
    assert section.total == D("1800.25")
    # The spend still shows, as "not available" for cost-centre: never silently dropped.
    assert section.breakdown("cost-centre").lines[0].label == "(not available from aws-ce)"
    assert not report.complete


def test_expired_token_mid_pagination_is_reported_loudly_and_stops_the_source() -> None:
    client = boto3.client("ce", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("get_cost_and_usage", COST_CENTRE_PAGE_1)
        stub.add_client_error(
            "get_cost_and_usage",
            service_error_code="ExpiredTokenException",
            service_message="The security token included in the request is expired",
            http_status_code=400,
        )
        slept: list[float] = []
        result_ = read_cost_explorer(
            start=START, end=END, group_by=["cost-centre", "service"], client=client, sleep=slept.append
        )
    assert result_.credentials_expired and result_.rows == [] and slept == []
    assert "CREDENTIALS EXPIRED" in result_.gaps[0] and "page 2" in result_.gaps[0]
    assert "account × service: not read, credentials expired" in result_.gaps[1]


def test_unknown_metric_is_rejected() -> None:
    fake: Callable[..., Any] = lambda **_kw: {}  # noqa: E731
    with pytest.raises(ValueError, match="metric"):
        read_cost_explorer(start=START, end=END, group_by=["cost-centre"], metric="blended", client=fake)
