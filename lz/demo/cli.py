"""``lz demo reports``: the auditor's reports against an emulated estate, on a machine with no cloud.

Exit codes: 0 the reports were written and agree with the seeded data; 2 bad input (an ``--out``
that is a file or cannot be written, moto's server not installed: a clear message, never a
traceback); 3 the emulator failed, or the reports were written but disagree with the seeded data
(each difference is printed, and index.html lists them).

The lead mounts the command with ``register(demo_app)`` on an ``lz demo`` sub-app. Only typer is
imported here; the demo's modules are imported when the command runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Final

import typer

__all__ = ["DEFAULT_OUT", "EXIT_FAILED", "EXIT_INPUT", "EXIT_OK", "register", "reports"]

EXIT_OK: Final = 0
EXIT_INPUT: Final = 2
EXIT_FAILED: Final = 3

DEFAULT_OUT: Final = Path("build/demo-reports")


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


@contextmanager
def _progress() -> Iterator[Callable[[str], None] | None]:
    """A spinner naming the current step on a terminal; nothing otherwise."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with console.status("Preparing the demo ...") as status:
        yield lambda message: status.update(f"{message} ...")


def _print_summary(result: Any) -> None:
    share = "n/a" if result.untagged_share is None else f"{result.untagged_share * 100:.1f}%"
    period = f"{result.period.start.isoformat()} to {result.period.end.isoformat()} (end exclusive)"
    typer.echo("Example Borough Council (SYNTHETIC DATA, emulated AWS on 127.0.0.1)")
    typer.echo(f"  period                     {period}")
    typer.echo(f"  total spend                {result.currency} {result.total_spend:,.2f}")
    typer.echo(f"  without a cost-centre tag  {result.currency} {result.untagged_spend:,.2f} ({share})")
    typer.echo(f"  unmanaged (shadow IT)      {result.unmanaged_count}")
    typer.echo(f"  orphaned in Pulumi state   {result.orphaned_count}")
    typer.echo(f"  estimated emissions        {result.total_kgco2e:,.3f} kgCO2e")
    for path in (*result.cost_files, *result.estate_files, *result.carbon_files):
        typer.echo(f"wrote {path}")
    typer.echo(f"open {result.index} (done in {result.seconds:.1f} s)")


def reports(
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the three reports, index.html and the seeded data.")
    ] = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the headline numbers and paths as JSON.")] = False,
) -> None:
    """Run the cost, estate and carbon reports against a synthetic council estate in an emulated
    AWS (moto on 127.0.0.1): no cloud account or credentials needed."""
    from lz.demo.run import DemoError, DemoInputError, DemoMismatch, run_demo

    try:
        with _progress() as progress:
            result = run_demo(out, progress=progress)
    except DemoInputError as error:
        _err(f"error: {error}")
        raise typer.Exit(EXIT_INPUT) from None
    except DemoMismatch as error:
        _err(f"error: the reports were written to {error.result.out_dir} but disagree with the seeded data:")
        for problem in error.problems:
            _err(f"  {problem}")
        raise typer.Exit(EXIT_FAILED) from None
    except DemoError as error:
        _err(f"error: {error}")
        raise typer.Exit(EXIT_FAILED) from None
    if as_json:
        typer.echo(json.dumps(result.summary(), indent=2))
    else:
        _print_summary(result)


def register(app: typer.Typer) -> None:
    """Add the ``reports`` command to ``app`` (the lead mounts it as ``lz demo reports``)."""
    app.command("reports")(reports)
