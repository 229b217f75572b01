"""Retry with backoff for calls to cloud APIs, shared by the report sources.

A report must never be silently partial, so every call that reads billing or inventory data
goes through `call_with_retries`:

* throttling and server-side (5xx) errors are retried with exponential backoff, honouring a
  ``Retry-After`` the service sends (Azure Cost Management sends one with each 429);
* expired or missing credentials are never retried (retrying cannot help) and raise
  `ExpiredCredentialsError`, which callers report loudly;
* anything else, and a retryable error that outlives its attempts, raises `ReportSourceError`
  naming what was being read, so the report can list it as a gap.

The SDKs' own retry layers should be switched off for clients used here (botocore
``Config(retries={"total_max_attempts": 1})``, azure-core ``retry_total=0``) so that attempts are
counted once and sleeping is injectable: tests pass ``sleep=`` and never sleep for real.

References: botocore's standard retry mode and its throttling error codes (botocore/retries/standard.py);
Cost Explorer's ``LimitExceededException`` ("You made too many calls in a short period of time",
boto3 reference, CostExplorer client exceptions); Azure Cost Management throttling: 429 with
``Retry-After`` or ``x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after`` /
``x-ms-ratelimit-microsoft.consumption-retry-after`` (learn.microsoft.com, "Manage costs with
automation", and the @azure/arm-costmanagement ErrorResponse reference).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

__all__ = [
    "ExpiredCredentialsError",
    "ReportSourceError",
    "call_with_retries",
    "classify",
]

T = TypeVar("T")

#: Error codes AWS services use for throttling (botocore's standard retry mode list, plus
#: Cost Explorer's LimitExceededException, which it returns for "too many requests").
THROTTLING_CODES: Final[frozenset[str]] = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

#: Error codes for transient server-side faults that AWS returns with a 4xx/5xx status.
TRANSIENT_CODES: Final[frozenset[str]] = frozenset(
    {"InternalError", "InternalFailure", "InternalServerError", "InternalServerException", "ServiceUnavailable"}
)

#: Credentials that have expired: retrying with the same credentials cannot succeed.
EXPIRED_CODES: Final[frozenset[str]] = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})

#: Upper bound on any single wait, whatever a Retry-After asks for.
MAX_DELAY: Final = 60.0


class ReportSourceError(Exception):
    """A report source could not be read. `what` names the read; `cause` is the last error."""

    def __init__(self, what: str, cause: BaseException | None, *, attempts: int = 1, reason: str | None = None) -> None:
        self.what = what
        self.cause = cause
        self.attempts = attempts
        self.reason = reason or (_describe(cause) if cause is not None else "failed")
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{what}: {self.reason}{tries}")


class ExpiredCredentialsError(ReportSourceError):
    """The credentials expired or are missing; the run must be repeated with fresh credentials."""

    def __init__(self, what: str, cause: BaseException | None, *, attempts: int = 1, reason: str | None = None) -> None:
        super().__init__(what, cause, attempts=attempts, reason=reason)
        self.args = (
            f"{what}: CREDENTIALS EXPIRED OR MISSING ({self.reason}). Refresh them "
            "(e.g. `aws sso login`, `az login`) and run the report again.",
        )


def _describe(error: BaseException) -> str:
    code = _aws_code(error)
    if code:
        message = getattr(error, "response", {}).get("Error", {}).get("Message", "")
        status = _aws_status(error)
        where = f" (HTTP {status})" if status else ""
        return f"{code}{where}: {message}".rstrip(": ")
    status = getattr(error, "status_code", None)
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(status, int):
        return f"HTTP {status}: {text}"
    return f"{type(error).__name__}: {text}"


def _aws_code(error: BaseException) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, Mapping):
        code = response.get("Error", {}).get("Code", "")
        return str(code) if code else ""
    return ""


def _aws_status(error: BaseException) -> int | None:
    response = getattr(error, "response", None)
    if isinstance(response, Mapping):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status is not None else None
    return None


def _retry_after(error: BaseException, now: Callable[[], datetime]) -> float | None:
    """Seconds the service asked us to wait (Retry-After or Azure's rate-limit headers), if any."""
    headers: Mapping[str, str] | None = None
    response = getattr(error, "response", None)
    if response is not None and hasattr(response, "headers"):
        headers = response.headers  # azure-core HttpResponse
    elif isinstance(response, Mapping):
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders")
    if not headers:
        return None
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    candidates = [lowered.get("retry-after"), lowered.get("retry-after-ms")]
    candidates += [v for k, v in lowered.items() if k.startswith("x-ms-ratelimit-") and k.endswith("retry-after")]
    waits: list[float] = []
    for index, value in enumerate(candidates):
        if not value:
            continue
        try:
            seconds = float(value)
            waits.append(seconds / 1000 if index == 1 else seconds)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if index == 0 else None
            if parsed is not None:
                waits.append(max(0.0, (parsed - now()).total_seconds()))
    return max(waits) if waits else None


def classify(error: BaseException) -> str:
    """``"expired"``, ``"retry"`` or ``"fatal"`` for an error raised by boto3/botocore or azure-core."""
    # Imported lazily: report sources import this module even when only one SDK is in use.
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        CredentialRetrievalError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ReadTimeoutError,
        SSOError,
        TokenRetrievalError,
    )

    if isinstance(error, NoCredentialsError | PartialCredentialsError | TokenRetrievalError | SSOError):
        return "expired"
    if isinstance(error, CredentialRetrievalError):
        return "expired"
    if isinstance(error, ClientError):
        code = _aws_code(error)
        status = _aws_status(error) or 0
        if code in EXPIRED_CODES:
            return "expired"
        if code in THROTTLING_CODES or code in TRANSIENT_CODES or status == 429 or status >= 500:
            return "retry"
        return "fatal"
    if isinstance(error, EndpointConnectionError | ConnectionClosedError | ReadTimeoutError):
        return "retry"
    try:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ServiceRequestError,
            ServiceResponseError,
        )
    except ImportError:  # pragma: no cover - azure-core is a dependency, but keep AWS-only use working
        return "fatal"
    # azure-identity's CredentialUnavailableError (no credential found) subclasses ClientAuthenticationError.
    if isinstance(error, ClientAuthenticationError):
        return "expired"
    if isinstance(error, HttpResponseError):
        status = error.status_code or 0
        return "retry" if status == 429 or status >= 500 else "fatal"
    if isinstance(error, ServiceRequestError | ServiceResponseError):
        return "retry"
    return "fatal"


def call_with_retries(
    fn: Callable[[], T],
    *,
    what: str,
    attempts: int = 5,
    base_delay: float = 0.5,
    sleep: Callable[[float], Any] = time.sleep,
    max_delay: float = MAX_DELAY,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> T:
    """Call ``fn()`` and return its result, retrying throttling, 5xx and connection errors.

    Waits ``base_delay * 2**n`` seconds (n = 0, 1, ...) between attempts, or longer when the
    service sends Retry-After, never more than ``max_delay``. Raises `ExpiredCredentialsError`
    at once for expired/missing credentials and `ReportSourceError` for anything else that
    fails, including a retryable error on the last attempt. Errors that are not from the cloud
    SDKs (bugs) propagate unchanged.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as error:  # classified below; programming errors are re-raised
            kind = classify(error)
            if kind == "expired":
                raise ExpiredCredentialsError(what, error, attempts=attempt) from error
            if kind == "fatal":
                if _is_sdk_error(error):
                    raise ReportSourceError(what, error, attempts=attempt) from error
                raise
            if attempt == attempts:
                raise ReportSourceError(what, error, attempts=attempt) from error
            delay = base_delay * (2 ** (attempt - 1))
            asked = _retry_after(error, now)
            if asked is not None:
                delay = max(delay, asked)
            sleep(min(delay, max_delay))
    raise AssertionError("unreachable")  # pragma: no cover


def _is_sdk_error(error: BaseException) -> bool:
    """True for errors raised by the cloud SDKs (reported as gaps), False for our own bugs."""
    module = type(error).__module__
    return module.startswith(("botocore", "boto3", "azure", "s3transfer"))
