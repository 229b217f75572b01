"""call_with_retries: which errors are retried, how long it waits, what it raises."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from lz.reports.retry import ExpiredCredentialsError, ReportSourceError, call_with_retries, classify


def aws_error(code: str, status: int, headers: dict[str, str] | None = None) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": f"{code} happened"},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
        },
        "GetCostAndUsage",
    )


class _AzureResponse:
    """The little of an azure-core response that HttpResponseError reads."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.status_code = status
        self.reason = "Too Many Requests" if status == 429 else "Error"
        self.headers = headers or {}
        self.request = None

    def text(self, encoding: str | None = None) -> str:
        return json.dumps({"error": {"code": str(self.status_code), "message": "failed"}})


def azure_error(status: int, headers: dict[str, str] | None = None) -> HttpResponseError:
    return HttpResponseError(response=_AzureResponse(status, headers))  # type: ignore[arg-type]


def failing(*errors: BaseException, result: Any = "ok") -> tuple[Callable[[], Any], list[int]]:
    """A function raising ``errors`` one per call, then returning ``result``."""
    calls: list[int] = []

    def fn() -> Any:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return fn, calls


@pytest.mark.parametrize(
    "error",
    [
        aws_error("ThrottlingException", 400),
        aws_error("LimitExceededException", 400),  # Cost Explorer's "too many calls"
        aws_error("TooManyRequestsException", 429),
        aws_error("InternalServerException", 500),
        aws_error("ServiceUnavailable", 503),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        azure_error(429),
        azure_error(503),
        ServiceRequestError("connection reset"),
    ],
    ids=lambda e: type(e).__name__ + ":" + str(getattr(e, "status_code", "") or ""),
)
def test_transient_errors_are_retried_then_succeed(error: BaseException) -> None:
    assert classify(error) == "retry"
    sleeps: list[float] = []
    fn, calls = failing(error)
    assert call_with_retries(fn, what="read", sleep=sleeps.append) == "ok"
    assert len(calls) == 2 and sleeps == [0.5]


def test_backoff_doubles_and_exhaustion_is_a_report_source_error() -> None:
    sleeps: list[float] = []
    fn, calls = failing(*[aws_error("InternalFailure", 500)] * 5)
    with pytest.raises(ReportSourceError) as raised:
        call_with_retries(fn, what="aws-ce page 2", sleep=sleeps.append)
    assert len(calls) == 5 and sleeps == [0.5, 1.0, 2.0, 4.0]
    assert str(raised.value).startswith("aws-ce page 2: InternalFailure (HTTP 500)")
    assert "after 5 attempts" in str(raised.value)
    assert raised.value.attempts == 5


@pytest.mark.parametrize(
    "error",
    [
        aws_error("ExpiredToken", 400),
        aws_error("ExpiredTokenException", 400),
        aws_error("RequestExpired", 400),
        NoCredentialsError(),
        ClientAuthenticationError(message="token expired"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_expired_credentials_are_not_retried_and_are_loud(error: BaseException) -> None:
    sleeps: list[float] = []
    fn, calls = failing(error)
    with pytest.raises(ExpiredCredentialsError) as raised:
        call_with_retries(fn, what="aws-ce page 3", sleep=sleeps.append)
    assert len(calls) == 1 and sleeps == []
    assert "CREDENTIALS EXPIRED OR MISSING" in str(raised.value)
    assert raised.value.what == "aws-ce page 3"


@pytest.mark.parametrize("error", [aws_error("AccessDeniedException", 400), azure_error(403)])
def test_permanent_errors_fail_at_once(error: BaseException) -> None:
    sleeps: list[float] = []
    fn, calls = failing(error)
    with pytest.raises(ReportSourceError):
        call_with_retries(fn, what="read", sleep=sleeps.append)
    assert len(calls) == 1 and sleeps == []


def test_azure_retry_after_seconds_is_honoured() -> None:
    sleeps: list[float] = []
    fn, _calls = failing(azure_error(429, {"Retry-After": "17"}))
    call_with_retries(fn, what="read", sleep=sleeps.append)
    assert sleeps == [17.0]


def test_cost_management_rate_limit_header_is_honoured_and_capped() -> None:
    sleeps: list[float] = []
    fn, _calls = failing(
        azure_error(429, {"x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "9"}),
        azure_error(429, {"Retry-After": "3600"}),
    )
    call_with_retries(fn, what="read", sleep=sleeps.append, max_delay=60)
    assert sleeps == [9.0, 60.0]


def test_retry_after_http_date() -> None:
    sleeps: list[float] = []
    fn, _calls = failing(aws_error("Throttling", 400, {"retry-after": "Wed, 01 Jan 2025 00:00:30 GMT"}))
    call_with_retries(fn, what="read", sleep=sleeps.append, now=lambda: datetime(2025, 1, 1, tzinfo=UTC))
    assert sleeps == [30.0]


def test_programming_errors_propagate_unchanged() -> None:
    fn, calls = failing(KeyError("Groups"))
    with pytest.raises(KeyError):
        call_with_retries(fn, what="read", sleep=lambda _s: None)
    assert len(calls) == 1


def test_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="attempts"):
        call_with_retries(lambda: 1, what="read", attempts=0)
