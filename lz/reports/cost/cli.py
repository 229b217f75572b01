"""``lz report cost``: spend by mandatory tag, account, service and month, as HTML + CSV + JSON.

Exit codes: 0 the report is complete; 2 bad input (a clear message, never a traceback, nothing
written); 3 a source could not be read fully: the report is still written, with every gap
stated at the top of all three files and on stderr.

The lead mounts the command with ``register(report_app)`` on the ``lz report`` sub-app.
Sources and their clients are built through `SourceFactories`, so tests can hand in emulated
clients and a no-op sleep without patching.
"""

from __future__ import annotations

import difflib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from lz.problems import InputError, Problem

__all__ = [
    "EXIT_GAPS",
    "EXIT_INPUT",
    "EXIT_OK",
    "REPORT_STEM",
    "SOURCES",
    "SourceFactories",
    "cost_command",
    "register",
]

EXIT_OK, EXIT_INPUT, EXIT_GAPS = 0, 2, 3

#: Files written: ``<out>/cost-report.{html,csv,json}``.
REPORT_STEM: Final = "cost-report"

SOURCES: Final[tuple[str, ...]] = ("aws-ce", "aws-cur", "azure")
ENGINES: Final[tuple[str, ...]] = ("duckdb", "athena")
METRICS: Final[tuple[str, ...]] = ("amortised", "unblended")


@dataclass
class SourceFactories:
    """How the command gets its clients; the defaults use the standard credential chains."""

    boto3_session: Callable[[str | None], Any] | None = None
    """Optional. profile -> boto3.Session (default ``boto3.Session(profile_name=profile)``)."""
    ce_client: Callable[[Any], Any] | None = None
    """Optional. session -> Cost Explorer client."""
    athena_client: Callable[[Any], Any] | None = None
    """Optional. session -> Athena client."""
    azure_client: Callable[[], Any] | None = None
    """Optional. () -> CostManagementClient (default: DefaultAzureCredential)."""
    sleep: Callable[[float], Any] = field(default=time.sleep)
    """Optional. Used between retries and Athena polls; tests pass a no-op."""
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())
    """Optional. "Today", for the default period."""


def default_period(today: date) -> tuple[date, date]:
    """The last three full months: first day three months back to the first of this month."""
    end = today.replace(day=1)
    month_index = end.year * 12 + end.month - 1 - 3
    return date(month_index // 12, month_index % 12 + 1, 1), end


def _problem(message: str) -> Problem:
    return Problem(file="<command line>", line=0, col=0, path="", message=message)


def _did_you_mean(value: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _parse_date(option: str, text: str | None, problems: list[Problem]) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(_problem(f"{option} {text!r} is not a date in the form YYYY-MM-DD"))
        return None


@dataclass(frozen=True)
class _Options:
    sources: tuple[str, ...]
    start: date
    end: date
    group_by: tuple[str, ...]
    metric: str
    cur: tuple[str, ...]
    engine: str
    athena_database: str
    athena_table: str
    athena_workgroup: str
    athena_output: str | None
    azure_scopes: tuple[str, ...]
    out: Path
    profile: str | None


def _validate(raw: dict[str, Any], today: date) -> _Options:
    """All command-line problems at once, as an InputError; otherwise the parsed options."""
    from lz.reports.cost.model import DIMENSIONS

    problems: list[Problem] = []
    sources = tuple(dict.fromkeys(raw["source"] or ()))
    if not sources:
        problems.append(_problem(f"give at least one --source ({', '.join(SOURCES)})"))
    for source in sources:
        if source not in SOURCES:
            problems.append(_problem(f"unknown --source {source!r}{_did_you_mean(source, SOURCES)}"))
    if "aws-ce" in sources and "aws-cur" in sources:
        problems.append(
            _problem("--source aws-ce and aws-cur both report the same AWS spend and would count it twice; choose one")
        )
    group_by = tuple(raw["group_by"] or ("cost-centre",))
    for dimension in group_by:
        if dimension not in DIMENSIONS:
            problems.append(
                _problem(
                    f"unknown --group-by {dimension!r}{_did_you_mean(dimension, DIMENSIONS)} "
                    f"(allowed: {', '.join(DIMENSIONS)})"
                )
            )
    if len(set(group_by)) != len(group_by):
        problems.append(_problem("--group-by lists the same dimension twice"))
    metric = raw["metric"]
    if metric not in METRICS:
        problems.append(
            _problem(f"unknown --metric {metric!r}{_did_you_mean(metric, METRICS)} (amortised or unblended)")
        )
    engine = raw["engine"]
    if engine not in ENGINES:
        problems.append(_problem(f"unknown --engine {engine!r}{_did_you_mean(engine, ENGINES)} (duckdb or athena)"))
    start = _parse_date("--start", raw["start"], problems)
    end = _parse_date("--end", raw["end"], problems)
    default_start, default_end = default_period(today)
    start = start or (default_start if raw["start"] is None else None)
    end = end or (default_end if raw["end"] is None else None)
    if start and end and start >= end:
        problems.append(_problem(f"--start {start} must be before --end {end} (the end date is exclusive)"))
    cur = tuple(raw["cur"] or ())
    scopes = tuple(raw["azure_scope"] or ())
    if "aws-cur" in sources and engine == "duckdb" and not cur:
        problems.append(
            _problem("--source aws-cur with --engine duckdb needs --cur PATH (files, directories, globs or s3:// URIs)")
        )
    if cur and "aws-cur" not in sources:
        problems.append(_problem("--cur is only used with --source aws-cur"))
    if cur and engine == "athena":
        problems.append(
            _problem("--cur is for --engine duckdb; with athena, name the table with --athena-database/--athena-table")
        )
    if "azure" in sources and not scopes:
        problems.append(_problem("--source azure needs --azure-scope (e.g. /subscriptions/<id>)"))
    if scopes and "azure" not in sources:
        problems.append(_problem("--azure-scope is only used with --source azure"))
    for scope in scopes:
        if not scope.startswith("/"):
            problems.append(_problem(f"--azure-scope {scope!r} must start with '/', e.g. /subscriptions/<id>"))
    output = raw["athena_output"]
    if output is not None and not output.startswith("s3://"):
        problems.append(_problem(f"--athena-output {output!r} must be an s3:// URI"))
    out = raw["out"]
    if out.exists() and not out.is_dir():
        problems.append(_problem(f"--out {out} exists and is not a directory"))
    if problems:
        raise InputError(problems)
    assert start is not None and end is not None
    return _Options(
        sources=sources,
        start=start,
        end=end,
        group_by=group_by,
        metric=metric,
        cur=cur,
        engine=engine,
        athena_database=raw["athena_database"],
        athena_table=raw["athena_table"],
        athena_workgroup=raw["athena_workgroup"],
        athena_output=output,
        azure_scopes=scopes,
        out=out,
        profile=raw["profile"],
    )


def _months(start: date, end: date) -> list[str]:
    months: list[str] = []
    index = start.year * 12 + start.month - 1
    last = end.year * 12 + end.month - 1 - (1 if end.day == 1 else 0)
    while index <= last:
        months.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        index += 1
    return months


def run(options: _Options, factories: SourceFactories) -> tuple[Any, list[Path]]:
    """Read the sources, build and write the report; returns (report, files written)."""
    from lz.reports import write_report_files
    from lz.reports.cost.model import CostRow
    from lz.reports.cost.render import csv_rows, json_data, render_html
    from lz.reports.cost.report import build_cost_report

    rows: list[CostRow] = []
    gaps: list[str] = []
    expired = False
    session: Any = None
    if "aws-ce" in options.sources or "aws-cur" in options.sources:
        import boto3

        make_session = factories.boto3_session or (lambda profile: boto3.Session(profile_name=profile))
        try:
            session = make_session(options.profile)
        except Exception as error:  # botocore ProfileNotFound and friends: bad input, not a gap
            if type(error).__name__ == "ProfileNotFound":
                raise InputError(f"--profile {options.profile!r}: {error}") from error
            raise
    if "aws-ce" in options.sources:
        from lz.reports.cost.aws_ce import ce_client, read_cost_explorer

        client = (factories.ce_client or ce_client)(session)
        result = read_cost_explorer(
            start=options.start,
            end=options.end,
            group_by=options.group_by,
            metric=options.metric,
            client=client,
            sleep=factories.sleep,
        )
        rows += result.rows
        gaps += result.gaps
        expired |= result.credentials_expired
    if "aws-cur" in options.sources:
        from lz.reports.cost.cur import AthenaOptions, CurTable, athena_client, read_cur

        table = CurTable(database=options.athena_database, table=options.athena_table)
        athena = None
        if options.engine == "athena":
            athena = (factories.athena_client or athena_client)(session)
        result = read_cur(
            paths=options.cur,
            start=options.start,
            end=options.end,
            group_by=options.group_by,
            metric=options.metric,
            engine=options.engine,
            table=table,
            athena=AthenaOptions(workgroup=options.athena_workgroup, output=options.athena_output),
            session=session,
            client=athena,
            sleep=factories.sleep,
        )
        rows += result.rows
        gaps += result.gaps
        expired |= result.credentials_expired
    if "azure" in options.sources:
        from lz.reports.cost.azure import cost_management_client, read_azure_costs

        azure = (factories.azure_client or cost_management_client)()
        result = read_azure_costs(
            scopes=options.azure_scopes,
            start=options.start,
            end=options.end,
            group_by=options.group_by,
            metric=options.metric,
            client=azure,
            sleep=factories.sleep,
        )
        rows += result.rows
        gaps += result.gaps
        expired |= result.credentials_expired
    if expired:
        gaps.insert(0, "CREDENTIALS EXPIRED during the run: refresh them and run the report again")
    last_day = date.fromordinal(options.end.toordinal() - 1)
    meta = {
        "period": f"{options.start.isoformat()} to {last_day.isoformat()} (inclusive)",
        "metric": options.metric,
        "sources": ", ".join(options.sources),
        "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if "aws-cur" in options.sources:
        meta["CUR engine"] = options.engine
    report = build_cost_report(
        rows, group_by=options.group_by, gaps=gaps, months=_months(options.start, options.end), meta=meta
    )
    # Everything is rendered before anything is written, and the three files are written
    # together or not at all (write_report_files), so a failure never leaves a half report.
    html = render_html(report)
    try:
        files = write_report_files(
            options.out, REPORT_STEM, html=html, csv_rows=csv_rows(report), json_data=json_data(report)
        )
    except OSError as error:
        raise InputError(f"--out {options.out}: could not write the report ({error}); nothing was written") from error
    return report, files


def _emit_input_error(error: InputError) -> None:
    lines = [str(p) for p in error.problems] or [str(error)]
    for line in lines:
        sys.stderr.write(f"error: {line}\n")
    sys.stderr.write(f"{len(lines)} problem{'s' if len(lines) != 1 else ''} found\n")


def cost_command(factories: SourceFactories | None = None) -> Callable[..., None]:
    """The ``cost`` command function, bound to ``factories``."""
    bound = factories or SourceFactories()

    def cost(
        out: Annotated[Path, typer.Option("--out", help="Directory for cost-report.html/.csv/.json.")],
        source: Annotated[
            list[str] | None,
            typer.Option("--source", help="aws-ce, aws-cur or azure; repeat for several (not aws-ce with aws-cur)."),
        ] = None,
        start: Annotated[
            str | None, typer.Option("--start", help="First day, YYYY-MM-DD. Default: the last 3 full months.")
        ] = None,
        end: Annotated[
            str | None, typer.Option("--end", help="Day after the last day (exclusive), YYYY-MM-DD.")
        ] = None,
        group_by: Annotated[
            list[str] | None,
            typer.Option(
                "--group-by", help="Mandatory tag key, account, service or month; repeatable. Default: cost-centre."
            ),
        ] = None,
        metric: Annotated[str, typer.Option("--metric", help="amortised or unblended.")] = "amortised",
        cur: Annotated[
            list[str] | None,
            typer.Option("--cur", help="CUR 2.0 parquet: file, directory, glob or s3:// URI; repeatable."),
        ] = None,
        engine: Annotated[
            str, typer.Option("--engine", help="duckdb (local) or athena, for --source aws-cur.")
        ] = "duckdb",
        athena_database: Annotated[
            str, typer.Option("--athena-database", help="Database of the CUR 2.0 table.")
        ] = "data_export",
        athena_table: Annotated[str, typer.Option("--athena-table", help="CUR 2.0 table name.")] = "cur2",
        athena_workgroup: Annotated[str, typer.Option("--athena-workgroup", help="Athena workgroup.")] = "primary",
        athena_output: Annotated[
            str | None, typer.Option("--athena-output", help="s3:// location for Athena results.")
        ] = None,
        azure_scope: Annotated[
            list[str] | None,
            typer.Option("--azure-scope", help="Cost Management scope, e.g. /subscriptions/<id>; repeatable."),
        ] = None,
        profile: Annotated[
            str | None, typer.Option("--profile", help="AWS profile (default: the standard chain).")
        ] = None,
    ) -> None:
        """Spend by mandatory tag, account, service and month, with untagged and mis-tagged spend."""
        raw = {
            "source": source,
            "start": start,
            "end": end,
            "group_by": group_by,
            "metric": metric,
            "cur": cur,
            "engine": engine,
            "athena_database": athena_database,
            "athena_table": athena_table,
            "athena_workgroup": athena_workgroup,
            "athena_output": athena_output,
            "azure_scope": azure_scope,
            "out": out,
            "profile": profile,
        }
        try:
            options = _validate(raw, bound.today())
            report, files = run(options, bound)
        except InputError as error:
            _emit_input_error(error)
            raise typer.Exit(EXIT_INPUT) from None
        for path in files:
            typer.echo(f"wrote {path}")
        from lz.reports.cost.render import fmt_exact

        for section in report.sections:
            typer.echo(f"total {section.currency}: {fmt_exact(section.total)}")
        if report.gaps:
            sys.stderr.write(f"PARTIAL REPORT: {len(report.gaps)} gap(s); the report says so at the top\n")
            for gap in report.gaps:
                sys.stderr.write(f"gap: {gap}\n")
            raise typer.Exit(EXIT_GAPS)

    return cost


def register(app: typer.Typer, *, factories: SourceFactories | None = None) -> None:
    """Add the ``cost`` command to ``app`` (the lead mounts it as ``lz report cost``)."""
    app.command("cost")(cost_command(factories))
