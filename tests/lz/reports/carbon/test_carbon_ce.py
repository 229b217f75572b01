"""Carbon from Cost Explorer usage quantities: moto seeded through its API, and faults through
call_with_retries (throttling, expired credentials)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from carbon_expect import inter_region_gb, storage_gb_months, t4g_small_hours
from moto import mock_aws

from lz.estimate.carbon import load_coefficients
from lz.reports.carbon.report import build_report, report_to_json
from lz.reports.carbon.usage import load_ce_usage
from lz.reports.retry import call_with_retries

SEED_URL = "http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results"
START, END = date(2026, 10, 1), date(2026, 11, 1)
PERIOD = {"Start": "2026-10-01", "End": "2026-11-01"}
RDS, S3, KMS, EC2 = (
    "Amazon Relational Database Service",
    "Amazon Simple Storage Service",
    "AWS Key Management Service",
    "EC2 - Other",
)
COEFFS = load_coefficients()


def _group(keys: list[str], amount: float, unit: str) -> dict[str, Any]:
    return {"Keys": keys, "Metrics": {"UsageQuantity": {"Amount": str(amount), "Unit": unit}}}


def _result(
    groups: list[dict[str, Any]], definitions: list[dict[str, str]], token: str | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "GroupDefinitions": definitions,
        "ResultsByTime": [{"TimePeriod": PERIOD, "Total": {}, "Groups": groups, "Estimated": False}],
        "DimensionValueAttributes": [],
    }
    if token:
        result["NextPageToken"] = token
    return result


BY_SERVICE = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
BY_TAG = [{"Type": "TAG", "Key": "cost-centre"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]

#: Results in the order load_ce_usage asks: the service query, then per service (sorted by name) the tag query.
RESULTS = [
    _result(
        [
            _group([KMS, "eu-west-2-KMS-Keys"], 3, "N/A"),
            _group([RDS, "EUW2-InstanceUsage:db.t4g.small"], 1460, "Hrs"),
            _group([RDS, "EUW2-RDS:GP3-Storage"], 40, "GB-Mo"),
            _group([S3, "EUW2-TimedStorage-ByteHrs"], 500, "GB-Mo"),
            _group([EC2, "EUW2-USE1-AWS-Out-Bytes"], 100, "GB"),
        ],
        BY_SERVICE,
    ),
    _result(
        [
            _group(["cost-centre$CC-1001", "eu-west-2-KMS-Keys"], 2, "N/A"),
            _group(["cost-centre$", "eu-west-2-KMS-Keys"], 1, "N/A"),
        ],
        BY_TAG,
    ),
    # The RDS tag query comes back in two pages.
    _result(
        [
            _group(["cost-centre$CC-1001", "EUW2-InstanceUsage:db.t4g.small"], 730, "Hrs"),
            _group(["cost-centre$CC-1001", "EUW2-RDS:GP3-Storage"], 20, "GB-Mo"),
        ],
        BY_TAG,
        token="page-2",
    ),
    _result(
        [
            _group(["cost-centre$CC-2002", "EUW2-InstanceUsage:db.t4g.small"], 730, "Hrs"),
            _group(["cost-centre$CC-2002", "EUW2-RDS:GP3-Storage"], 20, "GB-Mo"),
        ],
        BY_TAG,
    ),
    _result(
        [
            _group(["cost-centre$CC-1001", "EUW2-TimedStorage-ByteHrs"], 400, "GB-Mo"),
            _group(["cost-centre$", "EUW2-TimedStorage-ByteHrs"], 100, "GB-Mo"),
        ],
        BY_TAG,
    ),
    _result([_group(["cost-centre$CC-1001", "EUW2-USE1-AWS-Out-Bytes"], 100, "GB")], BY_TAG),
]

EXPECTED = {
    "CC-1001": t4g_small_hours(730)
    + storage_gb_months(20, "ssd", "default")
    + storage_gb_months(400, "hdd", "s3")
    + inter_region_gb(100),
    "CC-2002": t4g_small_hours(730) + storage_gb_months(20, "ssd", "default"),
    "": storage_gb_months(100, "hdd", "s3"),
}


@pytest.fixture
def ce(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        response = requests.post(SEED_URL, json={"results": RESULTS}, timeout=10)
        assert response.status_code == 201
        yield boto3.client("ce", region_name="us-east-1")


def test_ce_usage_by_tag_and_service_recomputed_by_hand(ce: Any) -> None:
    data = load_ce_usage(ce, start=START, end=END, dimensions=["cost-centre", "service"])
    assert data.complete
    report = build_report(data, COEFFS, ["cost-centre", "service"])
    by_tag = {g.value: g.total_kgco2e for g in report.groups["cost-centre"]}
    assert by_tag == pytest.approx(EXPECTED)
    by_service = {g.value: g.total_kgco2e for g in report.groups["service"]}
    assert by_service[RDS] == pytest.approx(2 * t4g_small_hours(730) + storage_gb_months(40, "ssd", "default"))
    assert by_service[S3] == pytest.approx(storage_gb_months(500, "hdd", "s3"))
    assert report.total_kgco2e == pytest.approx(sum(EXPECTED.values()))
    # KMS keys have no coefficient: listed with their quantity, not counted as zero.
    [kms] = [item for item in report.not_estimated if item.usage_type == "eu-west-2-KMS-Keys"]
    assert kms.quantity == 3 and kms.status == "not_estimated"
    assert report.notes == []  # both partitions add up to the same total
    data_json = report_to_json(report)
    assert data_json["complete"] is True
    assert {g["label"] for g in data_json["by"]["cost-centre"]} == {"CC-1001", "CC-2002", "(untagged)"}


def test_ce_requests_use_usage_quantity_and_two_group_bys(ce: Any) -> None:
    sent: list[dict[str, Any]] = []
    original = ce.get_cost_and_usage

    def spy(**kwargs: Any) -> Any:
        sent.append(kwargs)
        return original(**kwargs)

    ce.get_cost_and_usage = spy
    load_ce_usage(ce, start=START, end=END, dimensions=["cost-centre"])
    assert all(r["Metrics"] == ["UsageQuantity"] and r["TimePeriod"] == PERIOD for r in sent)
    assert sent[0]["GroupBy"] == BY_SERVICE
    assert [r["Filter"]["Dimensions"]["Values"] for r in sent[1:]] == [[KMS], [RDS], [RDS], [S3], [EC2]]
    assert sent[3]["NextPageToken"] == "page-2"


# -- faults -------------------------------------------------------------------------------------


def _error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetCostAndUsage"
    )


class FakeCE:
    """Answers like Cost Explorer, failing the calls named in ``faults`` (call number -> errors)."""

    def __init__(self, faults: dict[int, list[Exception]]) -> None:
        self.faults = faults
        self.calls = 0
        self.answered = 0

    def get_cost_and_usage(self, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        pending = self.faults.get(self.answered)
        if pending:
            raise pending.pop(0)
        result = RESULTS[self.answered]
        self.answered += 1
        return result


def _retry(sleeps: list[float]) -> Any:
    return functools.partial(call_with_retries, sleep=sleeps.append, attempts=4, base_delay=0.5)


def test_throttling_is_retried_with_backoff_and_the_report_is_complete() -> None:
    client = FakeCE(
        {
            0: [_error("ThrottlingException"), _error("LimitExceededException")],
            3: [_error("InternalServerException", 500)],
        }
    )
    sleeps: list[float] = []
    data = load_ce_usage(client, start=START, end=END, dimensions=["cost-centre"], retry=_retry(sleeps))
    assert data.complete
    assert sleeps == [0.5, 1.0, 0.5]
    report = build_report(data, COEFFS, ["cost-centre"])
    assert {g.value: g.total_kgco2e for g in report.groups["cost-centre"]} == pytest.approx(EXPECTED)


def test_expired_token_stops_the_tag_queries_and_is_stated() -> None:
    client = FakeCE({1: [_error("ExpiredTokenException")]})
    sleeps: list[float] = []
    data = load_ce_usage(client, start=START, end=END, dimensions=["cost-centre", "service"], retry=_retry(sleeps))
    assert not data.complete and sleeps == []  # never retried
    assert "CREDENTIALS EXPIRED" in data.gaps[0]
    assert all("not read (credentials expired)" in gap for gap in data.gaps[1:]) and len(data.gaps) == 4
    report = build_report(data, COEFFS, ["cost-centre", "service"])
    assert report.complete is False
    assert report.total_kgco2e > 0  # the service partition was read in full


def test_throttling_that_outlives_the_retries_is_a_gap() -> None:
    client = FakeCE({0: [_error("ThrottlingException") for _ in range(4)]})
    data = load_ce_usage(client, start=START, end=END, dimensions=["cost-centre"], retry=_retry([]))
    assert client.calls == 4
    assert "ThrottlingException" in data.gaps[0] and "after 4 attempts" in data.gaps[0]
    assert "not read" in data.gaps[1]
    assert data.partitions == {"cost-centre": []}
