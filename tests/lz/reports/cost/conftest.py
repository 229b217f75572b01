"""Shared fixtures for the cost report tests: fake AWS credentials, no network, moto server."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _offline_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, a UK region and no endpoint overrides or profiles from the developer."""
    for name in list(__import__("os").environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections to anything but this machine: an unmocked endpoint must fail, not leak."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL_HOSTS:
            raise ConnectionRefusedError(f"test tried to reach {address[0]}: network access is blocked")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A ThreadedMotoServer on 127.0.0.1 (random free port) with AWS_ENDPOINT_URL pointing at it."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    try:
        yield url
    finally:
        server.stop()


def _seed_moto(base_url: str, kind: str, payload: dict[str, Any]) -> None:
    import requests

    path = {"ce": "ce/cost-and-usage-results", "athena": "athena/query-results"}[kind]
    response = requests.post(f"{base_url}/moto-api/static/{path}", json=payload, timeout=10)
    assert response.status_code == 201, response.text


@pytest.fixture
def seed_moto() -> Any:
    """``seed_moto(base_url, "ce"|"athena", payload)`` queues results through moto's API.

    In-process (`mock_aws`) the base URL is ``http://motoapi.amazonaws.com``; for the server it
    is the server's URL.
    """
    return _seed_moto


@pytest.fixture
def fixture_json() -> Any:
    """``fixture_json("azure/x.json")`` loads a fixture with floats as Decimal."""

    def load(relative: str) -> Any:
        return json.loads((FIXTURES / relative).read_text(encoding="utf-8"), parse_float=Decimal)

    return load


@pytest.fixture
def no_sleep() -> list[float]:
    """A list that records requested sleeps; pass ``no_sleep.append`` as ``sleep=``."""
    return []
