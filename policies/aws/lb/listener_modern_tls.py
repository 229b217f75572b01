"""aws-lb-listener-modern-tls: HTTPS and TLS listeners use a TLS 1.2+ security policy with modern
ciphers.

Why: TLS 1.0/1.1 and CBC-SHA1 ciphers are broken or deprecated (NCSC's TLS guidance asks for TLS 1.2
or 1.3 only). The security policy of an HTTPS (ALB) or TLS (NLB) listener decides what clients may
negotiate. A listener without `sslPolicy` gets the API's default, `ELBSecurityPolicy-2016-08`, which
still allows TLS 1.0.

Config `allowed_ssl_policies` (default: the `ELBSecurityPolicy-TLS13-1-2-*-2021-06`/`-1-3-`
policies, their FIPS variants, and `ELBSecurityPolicy-FS-1-2-Res-2020-10`). Plain HTTP/TCP/UDP
listeners are not judged here (see `aws-lb-listener-https-only`).

Messages:
* `HTTPS listener sets no sslPolicy, so the API default ELBSecurityPolicy-2016-08 (TLS 1.0) applies; use
  ELBSecurityPolicy-TLS13-1-2-2021-06`
* `TLS listener uses security policy 'ELBSecurityPolicy-2016-08', which allows protocols or ciphers older than
  TLS 1.2 with forward secrecy; use ELBSecurityPolicy-TLS13-1-2-2021-06`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.aws.lb import LISTENER_TYPES
from policies.lib import Frameworks, get, resource_policy

RECOMMENDED: Final = "ELBSecurityPolicy-TLS13-1-2-2021-06"
ALLOWED_SSL_POLICIES: Final = (
    RECOMMENDED,
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    protocol = str(get(props, "protocol", "HTTP")).upper()
    if protocol not in ("HTTPS", "TLS"):
        return
    allowed = [str(p) for p in args.get_config().get("allowed_ssl_policies", ALLOWED_SSL_POLICIES)]
    policy = get(props, "sslPolicy")
    if not policy:
        report(
            f"{protocol} listener sets no sslPolicy, so the API default ELBSecurityPolicy-2016-08 (TLS 1.0) "
            f"applies; use {RECOMMENDED}",
            None,
        )
    elif policy not in allowed:
        report(
            f"{protocol} listener uses security policy '{policy}', which allows protocols or ciphers older than "
            f"TLS 1.2 with forward secrecy; use {RECOMMENDED}",
            None,
        )


POLICY, METADATA = resource_policy(
    name="aws-lb-listener-modern-tls",
    description="HTTPS/TLS load balancer listeners use a TLS 1.2+ security policy with forward-secret ciphers.",
    severity="high",
    frameworks=Frameworks(ncsc="1", cyber_essentials="Secure configuration", checkov=("CKV_AWS_103",)),
    remediation=(
        f'Set `ssl_policy="{RECOMMENDED}"` (TLS 1.3 and 1.2 with forward secrecy), or '
        "`ELBSecurityPolicy-TLS13-1-2-Res-2021-06` for the strictest cipher set. The change applies in place."
    ),
    resource_types=LISTENER_TYPES,
    validate=_validate,
    topics=("encryption-in-transit", "network"),
    config_schema=PolicyConfigSchema(
        properties={
            "allowed_ssl_policies": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "uniqueItems": True,
                "default": list(ALLOWED_SSL_POLICIES),
                "description": "ELB security policies an HTTPS/TLS listener may use.",
            }
        }
    ),
    config_defaults={"allowed_ssl_policies": list(ALLOWED_SSL_POLICIES)},
)
