"""``lz report carbon``: estimated emissions by tag and by service, written as HTML, CSV and JSON.

Exit codes: 0 the report is complete; 2 bad input (options, files); 3 a source could not be
read fully (the report is still written, with the gaps stated in it and on stderr).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import typer

__all__ = ["EXIT_INPUT", "EXIT_OK", "EXIT_SOURCE", "Source", "default_period", "register", "run_carbon"]

EXIT_OK: Final = 0
EXIT_INPUT: Final = 2
EXIT_SOURCE: Final = 3

DEFAULT_GROUP_BY: Final = ("service", "cost-centre")


class Source(StrEnum):
    aws_ce = "aws-ce"
    cur = "cur"
    plan = "plan"


def default_period(today: date) -> tuple[date, date]:
    """The last full calendar month before ``today``: [first day, first day of this month)."""
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2026-10-01", param_hint=option) from None


def _dimensions(values: list[str] | None) -> list[str]:
    dimensions: list[str] = []
    for value in values or list(DEFAULT_GROUP_BY):
        for part in value.split(","):
            key = part.strip()
            if not key:
                continue
            if "$" in key or len(key) > 128:
                raise typer.BadParameter(f"{key!r} is not a tag key or 'service'", param_hint="--group-by")
            if key not in dimensions:
                dimensions.append(key)
    if not dimensions:
        raise typer.BadParameter("give at least one tag key or 'service'", param_hint="--group-by")
    return dimensions


def _ce_client(profile: str | None) -> Any:
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    # Cost Explorer is served from us-east-1; retries are counted by call_with_retries instead.
    return session.client("ce", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def run_carbon(
    *,
    source: Source,
    out: Path,
    cur: Path | None = None,
    plan_json: Path | None = None,
    start: date | None = None,
    end: date | None = None,
    group_by: list[str] | None = None,
    coefficients: Path | None = None,
    profile: str | None = None,
    ce_client: Callable[[str | None], Any] = _ce_client,
    today: Callable[[], date] = date.today,
) -> int:
    """Build and write the report; returns the exit code (see the module docstring)."""
    from lz.estimate.carbon import CoefficientsError, load_coefficients
    from lz.reports.carbon.render import write_carbon_report
    from lz.reports.carbon.report import build_report
    from lz.reports.carbon.usage import (
        CurReadError,
        load_ce_usage,
        load_cur_rows,
        load_plan_json,
        plan_usage,
        read_cur_file,
    )
    from lz.reports.retry import ReportSourceError

    dimensions = _dimensions(group_by)
    if start is None or end is None:
        default_start, default_end = default_period(today())
        start, end = start or default_start, end or default_end
    if start >= end:
        _err(f"error: --start {start} must be before --end {end}")
        return EXIT_INPUT
    try:
        coeffs = load_coefficients(coefficients)
    except (OSError, CoefficientsError) as error:
        _err(f"error: coefficient file: {error}")
        return EXIT_INPUT

    if source is Source.cur:
        if cur is None:
            _err("error: --source cur needs --cur PATH (a CUR 2.0 Parquet or CSV export)")
            return EXIT_INPUT
        try:
            rows = read_cur_file(cur, start=start, end=end)
        except CurReadError as error:
            _err(f"error: {error}")
            return EXIT_INPUT
        data = load_cur_rows(rows, dimensions=dimensions, start=start, end=end)
    elif source is Source.plan:
        if plan_json is None:
            _err("error: --source plan needs --plan-json FILE (written by `lz plan --json FILE`)")
            return EXIT_INPUT
        try:
            plans = load_plan_json(plan_json)
        except ValueError as error:
            _err(f"error: {error}")
            return EXIT_INPUT
        data = plan_usage(plans, dimensions=dimensions, hours_per_month=coeffs.hours_per_month)
    else:
        try:
            client = ce_client(profile)
        except Exception as error:  # a missing profile or broken config: the user's input
            _err(f"error: cannot create the Cost Explorer client: {error}")
            return EXIT_INPUT
        try:
            data = load_ce_usage(client, start=start, end=end, dimensions=dimensions)
        except ReportSourceError as error:  # defensive: load_ce_usage records gaps itself
            _err(f"error: {error}")
            return EXIT_SOURCE

    report = build_report(data, coeffs, dimensions)
    paths = write_carbon_report(report, out)
    typer.echo(
        f"carbon ({report.source}): {report.total_kgco2e:,.3f} kgCO2e "
        f"({report.operational_kgco2e:,.3f} operational, {report.embodied_kgco2e:,.3f} embodied)"
    )
    if report.not_estimated:
        typer.echo(f"{len(report.not_estimated)} usage types not estimated or excluded (listed in the report)")
    for path in paths:
        typer.echo(f"wrote {path}")
    if report.gaps:
        for gap in report.gaps:
            _err(f"gap: {gap}")
        _err("the report is incomplete: its totals are lower bounds")
        return EXIT_SOURCE
    return EXIT_OK


def register(app: typer.Typer) -> None:
    """Add the ``carbon`` command to ``app`` (mounted by the CLI as ``lz report carbon``)."""

    @app.command("carbon")
    def carbon(
        source: Annotated[Source, typer.Option("--source", help="Where usage comes from.")] = Source.aws_ce,
        cur: Annotated[
            Path | None, typer.Option("--cur", help="CUR 2.0 export (Parquet or CSV) for --source cur.")
        ] = None,
        plan_json: Annotated[
            Path | None, typer.Option("--plan-json", help="`lz plan --json` output for --source plan.")
        ] = None,
        start: Annotated[
            str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default: last month).")
        ] = None,
        end: Annotated[str | None, typer.Option("--end", help="Day after the last, YYYY-MM-DD (exclusive).")] = None,
        group_by: Annotated[
            list[str] | None,
            typer.Option(
                "--group-by", help="Tag key or 'service'; repeat or comma-separate (default: service, cost-centre)."
            ),
        ] = None,
        out: Annotated[
            Path, typer.Option("--out", help="Directory for carbon.html, carbon.csv and carbon.json.")
        ] = Path("reports"),
        coefficients: Annotated[
            Path | None, typer.Option("--coefficients", help="Coefficient file (default: the packaged one).")
        ] = None,
        profile: Annotated[str | None, typer.Option("--profile", help="AWS profile for Cost Explorer.")] = None,
    ) -> None:
        """Estimated emissions (Cloud Carbon Footprint method) by tag and by service."""
        code = run_carbon(
            source=source,
            out=out,
            cur=cur,
            plan_json=plan_json,
            start=_parse_date(start, "--start") if start else None,
            end=_parse_date(end, "--end") if end else None,
            group_by=group_by,
            coefficients=coefficients,
            profile=profile,
        )
        raise typer.Exit(code)
