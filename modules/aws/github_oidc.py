"""`GitHubOidc`: the IAM OpenID Connect provider that lets GitHub Actions jobs assume roles in an
account with short-lived tokens instead of stored access keys.

Children (parented to the component):

| suffix     | resource                                                                 |
|------------|--------------------------------------------------------------------------|
| `provider` | `aws.iam.OpenIdConnectProvider` for `https://token.actions.githubusercontent.com` |

IAM allows one provider per URL in an account, so deploy one `GitHubOidc` per account. The client
id is `sts.amazonaws.com`, the audience `aws-actions/configure-aws-credentials` asks for. IAM
validates GitHub's tokens against its own library of trusted root CAs and ignores the thumbprints;
GitHub's published ones are still recorded so the provider never drifts from the configuration.
Which repositories, branches and environments may use it is decided by each role's trust policy
(`modules.aws.identity_docs.github_trust_policy`), not here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.tags import check_tags
from modules.aws.identity_docs import GITHUB_OIDC_URL, GITHUB_THUMBPRINTS, STS_AUDIENCE, THUMBPRINT_RE

TYPE_TOKEN: Final = "lz:aws:GitHubOidc"


@dataclass(frozen=True, kw_only=True)
class GitHubOidcArgs:
    """Inputs of `GitHubOidc`."""

    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    url: str = GITHUB_OIDC_URL
    """Optional. Issuer URL; GitHub Enterprise Server or a customised issuer would differ."""
    client_ids: Sequence[str] = (STS_AUDIENCE,)
    """Optional. Audiences accepted (default `sts.amazonaws.com`)."""
    thumbprints: Sequence[str] = GITHUB_THUMBPRINTS
    """Optional. Lowercase hex SHA-1 thumbprints of the issuer's certificates (GitHub's by default)."""


def validate_github_oidc_args(args: GitHubOidcArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `GitHubOidc` can be built from them."""
    problems = [f"tags: {p}" for p in check_tags(args.tags)]
    if not args.url.startswith("https://"):
        problems.append(f"url must start with https://, got {args.url!r}")
    if not args.client_ids:
        problems.append("client_ids is empty")
    if len(args.thumbprints) > 5:
        problems.append(f"thumbprints: IAM allows at most 5, got {len(args.thumbprints)}")
    problems += [
        f"thumbprints: {t!r} is not 40 lowercase hex characters"
        for t in args.thumbprints
        if THUMBPRINT_RE.fullmatch(t) is None
    ]
    return problems


class GitHubOidc(pulumi.ComponentResource):
    """GitHub Actions as an OIDC identity provider of one AWS account."""

    arn: pulumi.Output[str]
    """ARN of the provider: the `Federated` principal of GitHub trust policies."""

    def __init__(self, name: str, args: GitHubOidcArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_github_oidc_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        provider = aws.iam.OpenIdConnectProvider(
            f"{name}-provider",
            url=args.url,
            client_id_lists=list(args.client_ids),
            thumbprint_lists=list(args.thumbprints),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = provider.arn
        self.register_outputs({"arn": self.arn})
