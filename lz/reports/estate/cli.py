"""`lz report estate`: what exists in the clouds, compared with Pulumi state, as HTML + CSV + JSON.

Exit codes: 0 the report is complete; 2 bad input, including credentials that cannot read the
`--state` backend (a clear message, never a traceback, nothing written); 3 part of the estate could
not be read (an account's role could not be assumed, a service kept failing, credentials expired
part-way): the report is still written, with every gap at the top of all three files and on stderr.

The lead mounts the command with `register(report_app)` on the `lz report` sub-app. Clients are
built through `EstateFactories`, so tests hand in emulated clients and a no-op sleep without
patching anything.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from lz.problems import InputError, Problem
from lz.reports.retry import ExpiredCredentialsError

__all__ = ["EXIT_GAPS", "EXIT_INPUT", "EXIT_OK", "EstateFactories", "estate_command", "register", "run"]

EXIT_OK, EXIT_INPUT, EXIT_GAPS = 0, 2, 3

_ACCOUNT_ID: Final = re.compile(r"\d{12}")
_SUBSCRIPTION_ID: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_AWS_REGION: Final = re.compile(r"[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d")
_ROLE_NAME: Final = re.compile(r"[\w+=,.@-]{1,64}")


@dataclass
class EstateFactories:
    """How the command gets its clients; the defaults use the standard credential chains."""

    boto3_session: Callable[[str | None], Any] | None = None
    """Optional. profile -> boto3.Session (default `boto3.Session(profile_name=profile)`)."""
    azure_credential: Callable[[], Any] | None = None
    """Optional. () -> Azure TokenCredential (default `DefaultAzureCredential()`)."""
    graph_client: Callable[[Any], Any] | None = None
    """Optional. credential -> Resource Graph client (default `inventory_azure.graph_client`)."""
    sleep: Callable[[float], Any] = field(default=time.sleep)
    """Optional. Used between retries (tests pass a recorder)."""


@dataclass(frozen=True)
class _Options:
    aws: bool
    role_name: str | None
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    subscriptions: tuple[str, ...]
    state: tuple[str, ...]
    out: Path
    profile: str | None


def _problem(option: str, message: str) -> Problem:
    return Problem(file="<command line>", line=0, col=0, path=option, message=message)


def _validate(
    *,
    aws: bool,
    role_name: str | None,
    accounts: list[str],
    regions: list[str],
    subscriptions: list[str],
    state: list[str],
    out: Path,
    profile: str | None,
) -> _Options:
    """Every problem with the options at once (InputError), or the checked options."""
    from lz.regions import KNOWN_REGIONS, UK_REGIONS

    problems: list[Problem] = []
    for account in accounts:
        if not _ACCOUNT_ID.fullmatch(account):
            problems.append(_problem("--account", f"{account!r} is not a 12-digit AWS account ID"))
    for region in regions:
        if region not in KNOWN_REGIONS["aws"] and not _AWS_REGION.fullmatch(region):
            close = difflib.get_close_matches(region, KNOWN_REGIONS["aws"], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(_problem("--region", f"{region!r} is not an AWS region{hint}"))
    for subscription in subscriptions:
        if not _SUBSCRIPTION_ID.fullmatch(subscription):
            problems.append(_problem("--azure-subscription", f"{subscription!r} is not a subscription ID (a GUID)"))
    if role_name is not None and not _ROLE_NAME.fullmatch(role_name):
        problems.append(_problem("--role-name", f"{role_name!r} is not an IAM role name"))
    if (accounts or regions or role_name) and not aws:
        problems.append(_problem("--no-aws", "--account, --region and --role-name need AWS to be read"))
    if not aws and not subscriptions:
        problems.append(_problem("--no-aws", "nothing to read: give --azure-subscription, or leave AWS on"))
    for item in state:
        if not item.startswith("s3://") and not Path(item).is_file():
            problems.append(
                _problem("--state", f"{item}: no such file (give `pulumi stack export` JSON or s3://bucket/prefix)")
            )
    if out.exists() and not out.is_dir():
        problems.append(_problem("--out", f"{out} exists and is not a directory"))
    if problems:
        raise InputError(problems)
    return _Options(
        aws=aws,
        role_name=role_name,
        accounts=tuple(dict.fromkeys(accounts)),
        regions=tuple(dict.fromkeys(regions)) or UK_REGIONS["aws"],
        subscriptions=tuple(dict.fromkeys(s.lower() for s in subscriptions)),
        state=tuple(state),
        out=out,
        profile=profile,
    )


def run(
    options: _Options, factories: EstateFactories, progress: Callable[[str], None] | None = None
) -> tuple[Any, list[Path]]:
    """Read state, then the clouds; build and write the report. Returns (report, files written)."""
    from lz.reports.estate.inventory_aws import read_aws_estate
    from lz.reports.estate.inventory_azure import graph_client, read_azure_estate
    from lz.reports.estate.model import Scope
    from lz.reports.estate.render import write_estate_report
    from lz.reports.estate.report import build_estate_report
    from lz.reports.estate.state import load_state_exports

    session: Any = None
    if options.aws or any(item.startswith("s3://") for item in options.state):
        import boto3

        make_session = factories.boto3_session or (lambda profile: boto3.Session(profile_name=profile))
        try:
            session = make_session(options.profile)
        except Exception as error:  # botocore ProfileNotFound and friends: bad input, not a gap
            if type(error).__name__ in ("ProfileNotFound", "InvalidConfigError"):
                raise InputError([_problem("--profile", str(error))]) from None
            raise
    # State first: a bad --state is bad input, found before the (long) inventory starts.
    state = load_state_exports(options.state, session, sleep=factories.sleep)

    resources: list[Any] = []
    gaps: list[str] = []
    scope = Scope(aws_accounts=(), aws_regions=options.regions)
    if options.aws:
        aws = read_aws_estate(
            session,
            regions=options.regions,
            role_name=options.role_name,
            account_ids=options.accounts or None,
            sleep=factories.sleep,
            progress=progress,
        )
        resources += aws.resources
        gaps += aws.gaps
        scope = aws.scope
    if options.subscriptions:
        credential: Any
        if factories.azure_credential is not None:
            credential = factories.azure_credential()
        else:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential()
        azure = read_azure_estate(
            credential,
            options.subscriptions,
            client_factory=factories.graph_client or graph_client,
            sleep=factories.sleep,
            progress=progress,
        )
        resources += azure.resources
        gaps += azure.gaps
    scope = dataclasses.replace(scope, azure_subscriptions=options.subscriptions)
    report = build_estate_report(resources, state, gaps, scope=scope)
    try:
        files = write_estate_report(report, options.out)
    except OSError as error:
        raise InputError([_problem("--out", f"cannot write the report: {error}")]) from None
    return report, files


def _emit_input_error(error: InputError) -> None:
    lines = [str(p) for p in error.problems] or [str(error)]
    for line in lines:
        sys.stderr.write(f"error: {line}\n")
    sys.stderr.write(f"{len(lines)} problem{'s' if len(lines) != 1 else ''} found\n")


def _with_progress(fn: Callable[[Callable[[str], None] | None], Any]) -> Any:
    """Run `fn(progress)` with a spinner naming the account/region being read (TTY only)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return fn(None)
    with console.status("Reading the estate ...") as status:
        return fn(lambda where: status.update(f"Reading {where} ..."))


def estate_command(factories: EstateFactories | None = None) -> Callable[..., None]:
    """The `estate` command function, bound to `factories`."""
    bound = factories or EstateFactories()

    def estate(
        out: Annotated[Path, typer.Option("--out", help="Directory for estate-report.html/.csv/.json.")],
        aws: Annotated[bool, typer.Option("--aws/--no-aws", help="Read AWS (the organisation's accounts).")] = True,
        role_name: Annotated[
            str | None,
            typer.Option(
                "--role-name", help="Read-only role to assume in member accounts (see docs/auditors.md)."
            ),
        ] = None,
        account: Annotated[
            list[str] | None,
            typer.Option(
                "--account", help="AWS account ID to read; repeatable. Default: every account in Organizations."
            ),
        ] = None,
        region: Annotated[
            list[str] | None,
            typer.Option("--region", help="AWS region to read; repeatable. Default: the UK (eu-west-2)."),
        ] = None,
        azure_subscription: Annotated[
            list[str] | None, typer.Option("--azure-subscription", help="Azure subscription ID to read; repeatable.")
        ] = None,
        state: Annotated[
            list[str] | None,
            typer.Option(
                "--state",
                help="`pulumi stack export` JSON file, or s3://bucket/prefix of a self-managed backend; repeatable.",
            ),
        ] = None,
        profile: Annotated[
            str | None, typer.Option("--profile", help="AWS profile (default: the standard chain).")
        ] = None,
    ) -> None:
        """Every resource in the clouds, compared with Pulumi state: managed, unmanaged (shadow IT),
        orphaned, and tag compliance, with owners."""
        try:
            options = _validate(
                aws=aws,
                role_name=role_name,
                accounts=account or [],
                regions=region or [],
                subscriptions=azure_subscription or [],
                state=state or [],
                out=out,
                profile=profile,
            )
            report, files = _with_progress(lambda progress: run(options, bound, progress))
        except InputError as error:
            _emit_input_error(error)
            raise typer.Exit(EXIT_INPUT) from None
        except ExpiredCredentialsError as error:
            # Only reading --state s3://... gets here (the inventories turn expiry into gaps): nothing
            # has been read or written yet, so this is the caller's to fix before anything else.
            sys.stderr.write(f"error: {error}\n")
            raise typer.Exit(EXIT_INPUT) from None
        for path in files:
            typer.echo(f"wrote {path}")
        summary = report.summary()
        typer.echo(
            f"{summary['cloud_resources']} resources: {summary['managed']} managed, {summary['unmanaged']} unmanaged; "
            f"{summary['orphaned']} orphaned in state; {summary['tag_non_compliant']} not tag-compliant"
        )
        if report.gaps:
            sys.stderr.write(f"PARTIAL REPORT: {len(report.gaps)} gap(s); the report lists them at the top\n")
            for gap in report.gaps:
                sys.stderr.write(f"gap: {gap}\n")
            raise typer.Exit(EXIT_GAPS)

    return estate


def register(app: typer.Typer, *, factories: EstateFactories | None = None) -> None:
    """Add the `estate` command to `app` (the lead mounts it as `lz report estate`)."""
    app.command("estate")(estate_command(factories))
