"""azure-cdn-route-https-only: HTTP is redirected to HTTPS; origins are not fetched over plain HTTP."""

from __future__ import annotations

from azure_policy_fixtures import FD_CUSTOM_DOMAIN, FD_ROUTE, FD_ROUTE_PROPS, changed, without
from policy_harness import violations

from policies.azure.cdn.route_https_only import METADATA, POLICY

NO_REDIRECT = "Front Door route serves plain HTTP: set httpsRedirect to Enabled (or supportedProtocols to [Https])"
HTTP_ORIGIN = "Front Door route fetches from the origin over plain HTTP (forwardingProtocol HttpOnly): use HttpsOnly"


def test_metadata() -> None:
    assert METADATA.name == "azure-cdn-route-https-only"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, FD_ROUTE, FD_ROUTE_PROPS) == []


def test_https_only_route_without_redirect_passes() -> None:
    props = without(changed(FD_ROUTE_PROPS, "supportedProtocols", ["Https"]), "httpsRedirect")
    assert violations(POLICY, FD_ROUTE, props) == []


def test_match_request_forwarding_passes() -> None:
    assert violations(POLICY, FD_ROUTE, changed(FD_ROUTE_PROPS, "forwardingProtocol", "MatchRequest")) == []


def test_http_without_redirect_fails() -> None:
    assert violations(POLICY, FD_ROUTE, changed(FD_ROUTE_PROPS, "httpsRedirect", "Disabled")) == [NO_REDIRECT]


def test_default_protocols_without_redirect_fail() -> None:
    props = without(without(FD_ROUTE_PROPS, "supportedProtocols"), "httpsRedirect")
    assert violations(POLICY, FD_ROUTE, props) == [NO_REDIRECT]


def test_http_origin_fails() -> None:
    assert violations(POLICY, FD_ROUTE, changed(FD_ROUTE_PROPS, "forwardingProtocol", "HttpOnly")) == [HTTP_ORIGIN]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, FD_CUSTOM_DOMAIN, {"forwardingProtocol": "HttpOnly"}) == []
