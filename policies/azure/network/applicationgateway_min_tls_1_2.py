"""azure-network-applicationgateway-min-tls-1-2: an Application Gateway negotiates TLS 1.2 or later.

Why: Application Gateway terminates TLS for council websites and APIs; older predefined SSL
policies (`AppGwSslPolicy20150501`, `AppGwSslPolicy20170401`) still accept TLS 1.0/1.1 (NCSC
principle 1).

Checks `sslPolicy` on `azure-native:network:ApplicationGateway`:
* a predefined policy (`policyType: Predefined`, or a `policyName` without a type) must be one of
  `AppGwSslPolicy20170401S`, `AppGwSslPolicy20220101`, `AppGwSslPolicy20220101S`;
* a custom policy (`Custom`, `CustomV2`) must set `minProtocolVersion` to `TLSv1_2` or `TLSv1_3`;
* no `sslPolicy` at all is reported, because the default depends on the API version.

Message: `Application gateway SSL policy allows TLS older than 1.2 (<what>): use the predefined
policy AppGwSslPolicy20220101 (or AppGwSslPolicy20220101S), or a custom policy with
minProtocolVersion TLSv1_2` (on one line), where `<what>` is `sslPolicy not set`,
`policyName AppGwSslPolicy20150501` or `minProtocolVersion TLSv1_0`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MODERN_PREDEFINED: Final = ("AppGwSslPolicy20170401S", "AppGwSslPolicy20220101", "AppGwSslPolicy20220101S")
MODERN_PROTOCOLS: Final = ("TLSv1_2", "TLSv1_3")


def _problem(props: Mapping[str, Any]) -> str | None:
    policy = get(props, "sslPolicy")
    if policy is None:
        return "sslPolicy not set"
    policy_type = get(policy, "policyType")
    name = get(policy, "policyName")
    minimum = get(policy, "minProtocolVersion")
    if policy_type == "Predefined" or (policy_type is None and name is not None):
        return None if name in MODERN_PREDEFINED else f"policyName {name if name is not None else 'not set'}"
    if minimum in MODERN_PROTOCOLS:
        return None
    return f"minProtocolVersion {minimum if minimum is not None else 'not set'}"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    problem = _problem(props)
    if problem is not None:
        report(
            f"Application gateway SSL policy allows TLS older than 1.2 ({problem}): use the predefined policy "
            "AppGwSslPolicy20220101 (or AppGwSslPolicy20220101S), or a custom policy with minProtocolVersion TLSv1_2",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-network-applicationgateway-min-tls-1-2",
    description="Application Gateways use an SSL policy whose minimum protocol is TLS 1.2.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_218",),
    ),
    remediation="Set `ssl_policy=network.ApplicationGatewaySslPolicyArgs(policy_type='Predefined', "
    "policy_name='AppGwSslPolicy20220101')`.",
    resource_types=("azure-native:network:ApplicationGateway",),
    validate=_validate,
    topics=("network", "encryption-in-transit"),
)
