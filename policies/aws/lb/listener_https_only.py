"""aws-lb-listener-https-only: load balancer listeners never serve plain HTTP.

Why: residents log in, upload documents and pay through council services; over plain HTTP those
requests can be read and altered on any network on the way (public Wi-Fi in a library included).
An HTTP listener is allowed only to send visitors to HTTPS: its default action is a `redirect` with
`redirect.protocol: HTTPS`. A listener without `protocol` is HTTP (the ALB default). TCP/UDP
listeners of network load balancers carry whatever the application speaks and are not judged here.
(Listener rules that `forward` on an HTTP listener are separate resources, outside this check.)

Message:
* `Listener on port 80 serves plain HTTP; its default action must redirect to HTTPS`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.lb import LISTENER_TYPES
from policies.lib import Frameworks, as_list, get, resource_policy


def _redirects_to_https(props: Mapping[str, Any]) -> bool:
    for index in range(len(as_list(get(props, "defaultActions")))):
        action = f"defaultActions.{index}"
        protocol = str(get(props, f"{action}.redirect.protocol")).upper()
        if get(props, f"{action}.type") == "redirect" and protocol == "HTTPS":
            return True
    return False


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if str(get(props, "protocol", "HTTP")).upper() != "HTTP" or _redirects_to_https(props):
        return
    port = get(props, "port")
    where = f" on port {int(port)}" if port is not None else ""
    report(f"Listener{where} serves plain HTTP; its default action must redirect to HTTPS", None)


POLICY, METADATA = resource_policy(
    name="aws-lb-listener-https-only",
    description="ALB listeners use HTTPS; plain HTTP listeners only redirect to HTTPS.",
    severity="high",
    frameworks=Frameworks(ncsc="1", cyber_essentials="Secure configuration", checkov=("CKV_AWS_2", "CKV2_AWS_20")),
    remediation=(
        "Serve the application on an HTTPS listener (port 443, an ACM certificate, "
        '`ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06"`). Keep port 80 only as '
        '`default_actions=[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", '
        '"status_code": "HTTP_301"}}]`.'
    ),
    resource_types=LISTENER_TYPES,
    validate=_validate,
    topics=("encryption-in-transit", "network"),
)
