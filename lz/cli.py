"""`lz`: validate manifests, plan stacks offline, print the schema.

Exit codes: 0 ok, 1 mandatory policy violations, 2 invalid input or usage. Bad input never prints
a traceback. Heavy modules (pydantic, Pulumi, the SDKs) are imported inside commands so that
`lz --help` stays instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from lz import __version__

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT = 0, 1, 2

#: Rich help and error panels on a terminal; plain text otherwise (pipes, CI logs), which also keeps
#: `lz --help` from loading rich's formatting machinery when nobody will see colours.
MARKUP: Any = "rich" if sys.stdout.isatty() else None

app = typer.Typer(
    rich_markup_mode=MARKUP,
    name="lz",
    help="Council landing zone toolkit: validate service manifests and plan stacks offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


report_app = typer.Typer(
    rich_markup_mode=MARKUP,
    help="Auditor reports: spend by tag, the estate and shadow IT, carbon. Each writes HTML, CSV and JSON.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")


def _register_reports() -> None:
    # The report commands' modules import only typer at import time; their heavy work is lazy.
    from lz.reports.carbon.cli import register as register_carbon
    from lz.reports.cost.cli import register as register_cost
    from lz.reports.estate.cli import register as register_estate

    register_cost(report_app)
    register_estate(report_app)
    register_carbon(report_app)


_register_reports()

demo_app = typer.Typer(
    rich_markup_mode=MARKUP,
    help="Try the toolkit without a cloud: a synthetic council estate, the real reports.", no_args_is_help=True
)
app.add_typer(demo_app, name="demo")


def _register_demo() -> None:
    from lz.demo.cli import register as register_demo

    register_demo(demo_app)


_register_demo()


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def _fail_input(problems: Any) -> NoReturn:
    from lz.problems import InputError

    if isinstance(problems, InputError):
        lines = [str(p) for p in problems.problems] or [str(problems)]
    else:
        lines = [str(problems)]
    for line in lines:
        _err(f"error: {line}")
    n = len(lines)
    _err(f"{n} problem{'s' if n != 1 else ''} found")
    raise typer.Exit(EXIT_INPUT)


def find_root(start: Path | None = None) -> Path:
    """The estate root: the nearest directory upwards holding Pulumi.yaml and platform/."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file() and (candidate / "platform").is_dir():
            return candidate
    return here


RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Estate root (holds Pulumi.yaml, platform/, stacks/). Default: found from cwd."),
]


@app.command()
def version() -> None:
    """Print the toolkit version."""
    typer.echo(f"lz {__version__}")


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Manifests to check. Default: all under stacks/.")] = None,
    root: RootOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check service manifests (and the platform definition): all problems at once, with file:line:col."""
    from lz.manifest import discover_manifests, validate_paths
    from lz.problems import InputError

    estate_root = root or find_root()
    problems = []
    checked: list[str] = []
    if not paths:
        from lz.stacks import load_platform

        platform_file = estate_root / "platform" / "aws.yaml"
        if platform_file.is_file():
            checked.append(str(platform_file))
            try:
                load_platform(estate_root)
            except InputError as exc:
                problems.extend(exc.problems)
        paths = discover_manifests(estate_root / "stacks")
        if not paths:
            _fail_input(f"no manifests found under {estate_root / 'stacks'}")
    _, manifest_problems = validate_paths(paths)
    problems.extend(manifest_problems)
    checked.extend(str(p) for p in paths)
    if as_json:
        typer.echo(json.dumps({"checked": checked, "problems": [p.__dict__ for p in problems]}, indent=2))
        raise typer.Exit(EXIT_INPUT if problems else EXIT_OK)
    if problems:
        _fail_input(InputError(problems))
    for path in checked:
        typer.echo(f"ok  {path}")
    typer.echo(f"{len(checked)} file{'s' if len(checked) != 1 else ''} valid")


@app.command()
def plan(
    target: Annotated[
        str | None,
        typer.Argument(help="A stack name, a manifest (stacks/x.yaml) or any Pulumi Python program directory."),
    ] = None,
    all_stacks: Annotated[bool, typer.Option("--all", help="Plan every stack of the estate.")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the plan as JSON to this file.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write an HTML report to this file.")] = None,
    stack: Annotated[str, typer.Option("--stack", "-s", help="Stack name for a program directory.")] = "dev",
    config: Annotated[
        list[str] | None, typer.Option("--config", "-c", help="Config for a program directory: key=value.")
    ] = None,
    stack_outputs: Annotated[
        Path | None,
        typer.Option("--stack-outputs", help="JSON file {stack: {output: value}} for StackReferences."),
    ] = None,
    sarif_out: Annotated[
        Path | None, typer.Option("--sarif", help="Write policy findings as SARIF 2.1.0 (GitHub code scanning).")
    ] = None,
    junit_out: Annotated[Path | None, typer.Option("--junit", help="Write policy results as JUnit XML.")] = None,
    markdown_out: Annotated[
        Path | None, typer.Option("--markdown", help="Write a Markdown summary for a pull-request comment.")
    ] = None,
    policy_config: Annotated[
        Path | None,
        typer.Option(
            "--policy-config", help="CrossGuard policy config (levels, properties); default $LZ_POLICY_CONFIG."
        ),
    ] = None,
    no_policies: Annotated[bool, typer.Option("--no-policies", help="Skip the policy gate (plan only).")] = False,
    checkov: Annotated[
        bool,
        typer.Option("--checkov", help="Second opinion: also run checkov over the AWS graph (advisory only)."),
    ] = False,
    root: RootOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary.")] = False,
) -> None:
    """Run the real Pulumi programs offline and show what `pulumi up` would create."""
    from lz.plan.lazy_sdk import install_unless_disabled
    from lz.plan.render import _atomic_write, plan_json, render_console, render_html
    from lz.plan.runner import ProgramError
    from lz.problems import InputError

    install_unless_disabled()  # this process only runs programs offline: import SDK packages lazily (ADR 0006)

    if all_stacks == (target is not None):
        _err("error: give one target (stack, manifest or program directory) or --all")
        raise typer.Exit(EXIT_INPUT)
    estate_root = root or find_root()
    try:
        result = _plan(estate_root, target, all_stacks, stack, config or [], stack_outputs)
    except InputError as exc:
        _fail_input(exc)
    except ProgramError as exc:
        _err(f"error: the program failed while planning:\n{exc}")
        raise typer.Exit(EXIT_INPUT) from None

    verdicts = _gate(result, policy_config, no_policies)
    if checkov:
        _second_opinion(result)
    render_console(result, quiet=quiet)
    outputs: list[tuple[Path | None, str, Any]] = [
        (json_out, "JSON plan", lambda: plan_json(result)),
        (html_out, "HTML report", lambda: render_html(result)),
    ]
    if verdicts or not no_policies:
        from lz.policy.junit import to_junit
        from lz.policy.markdown import to_markdown
        from lz.policy.sarif import to_sarif

        outputs += [
            (sarif_out, "SARIF", lambda: to_sarif(verdicts, root=str(estate_root))),
            (junit_out, "JUnit XML", lambda: to_junit(verdicts)),
            (markdown_out, "Markdown summary", lambda: to_markdown(verdicts)),
        ]
    elif sarif_out or junit_out or markdown_out:
        _err("error: --sarif, --junit and --markdown need the policy gate (drop --no-policies)")
        raise typer.Exit(EXIT_INPUT)
    for path, what, render in outputs:
        if path is not None:
            _atomic_write(path, render())
            typer.echo(f"{what} written to {path}")
    failed = any(v.get("level") == "mandatory" for s in result.stacks for v in s.violations)
    failed = failed or any(getattr(v, "errors", None) for v in verdicts)
    raise typer.Exit(EXIT_VIOLATIONS if failed else EXIT_OK)


def _gate(result: Any, policy_config: Path | None, skip: bool) -> list[Any]:
    """Estimates, budget and policy findings for every stack; bad policy config is bad input (exit 2)."""
    from lz.plan.gate import assess
    from lz.problems import InputError

    if skip:
        return assess(result, policies=False)
    from lz.policy.evaluate import load_policy_config, pack_module

    PackError = pack_module().PackError
    try:
        return assess(result, policy_config=load_policy_config(policy_config))
    except InputError as exc:
        _fail_input(exc)
    except PackError as exc:
        _err(f"error: the policy pack is broken: {exc}")
        raise typer.Exit(EXIT_INPUT) from None


def _plan(root: Path, target: str | None, all_stacks: bool, stack: str, config: list[str],
          stack_outputs: Path | None) -> Any:
    from lz.plan.estate import EstatePlanner
    from lz.problems import InputError
    from lz.stacks import load_estate

    def estate_or_none() -> Any:
        if (root / "Pulumi.yaml").is_file() and (root / "platform" / "aws.yaml").is_file():
            return load_estate(root)
        return None

    if all_stacks:
        estate = load_estate(root)
        planner = EstatePlanner(estate, progress=_progress)
        for name in estate.names():
            planner.plan_stack(name)
        return planner.result()

    assert target is not None
    path = Path(target)
    if path.is_dir():
        cfg = _parse_config(config)
        external = _read_outputs(stack_outputs) if stack_outputs else {}
        planner = EstatePlanner(estate_or_none(), progress=_progress)
        planner.plan_program(path, stack=stack, config=cfg, external_outputs=external)
        return planner.result()
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise InputError(f"{target}: no such file")
        manifest_path = path.resolve()
        stacks_dir = (root / "stacks").resolve()
        from lz.manifest import discover_manifests

        others = [p.resolve() for p in discover_manifests(stacks_dir) if p.resolve() != manifest_path]
        estate = load_estate(root, manifest_paths=[*others, manifest_path])
        # Every manifest was validated (names are unique across files); only this service is planned,
        # and the layers it reads from are planned for it alone, which is all its references need.
        estate = estate.focused_on(manifest_path)
        planner = EstatePlanner(estate, progress=_progress)
        from lz.plan.pipeline import plan_split

        plan_split(planner, [spec.name for spec in estate.service_specs(manifest_path)], while_waiting=_warm_gate)
        result = planner.result()
        # Show the requested service's stacks; layers they needed were planned only to feed them.
        result.stacks = [s for s in result.stacks if s.source and Path(root / s.source).resolve() == manifest_path]
        return result
    estate = load_estate(root)
    planner = EstatePlanner(estate, progress=_progress)
    planner.plan_stack(target)
    result = planner.result()
    result.stacks = [s for s in result.stacks if s.name == target]
    return result


def _warm_gate() -> None:
    """Import the estimator and the policy pack (its discovery imports every policy) ahead of the gate."""
    import lz.estimate
    import lz.plan.gate  # noqa: F401
    from lz.policy.evaluate import pack_module

    pack_module().select(clouds={"aws"})


def _second_opinion(result: Any) -> None:
    """Run checkov over each stack's AWS resources; findings are advisory and never change the exit code."""
    from lz.policy.checkov_export import CheckovFailed, CheckovNotInstalled, run_checkov, to_terraform_plan

    for stack in result.stacks:
        tf_plan = to_terraform_plan(stack)
        try:
            findings = run_checkov(tf_plan)
        except (CheckovNotInstalled, CheckovFailed) as exc:
            _err(f"error: --checkov: {exc}")
            raise typer.Exit(EXIT_INPUT) from None
        failed = [f for f in findings if str(f.get("result", "")).lower() == "failed"]
        stack.metadata["checkov"] = {"failed": len(failed), "findings": failed}
        for f in failed:
            stack.notes.append(f"checkov {f['check_id']} ({f['check_name']}) failed on {f['resource']}")


def _progress(name: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"planning {name} ...\n")


def _parse_config(items: list[str]) -> dict[str, str]:
    from lz.problems import InputError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--config {item!r}: expected key=value")
        out[key] = value
    return out


def _read_outputs(path: Path) -> dict[str, Any]:
    from lz.problems import InputError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read stack outputs: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(f"{path}: expected a JSON object {{stack: {{output: value}}}}")
    return data


@app.command()
def new(
    service: Annotated[str, typer.Argument(help="DNS-safe service name; the manifest is stacks/<service>.yaml.")],
    cloud: Annotated[str, typer.Option(help="aws or azure.")] = "aws",
    team: Annotated[str, typer.Option(help="Owning team's slug.")] = "",
    email: Annotated[str, typer.Option(help="Owning team's shared mailbox.")] = "",
    cost_centre: Annotated[str, typer.Option("--cost-centre", help="Cost centre code, e.g. CC-1042.")] = "",
    business_unit: Annotated[str, typer.Option("--business-unit", help="Business unit slug.")] = "",
    component: Annotated[
        list[str] | None, typer.Option("--component", help="name=type (bucket, static_site, database).")
    ] = None,
    root: RootOption = None,
) -> None:
    """Write a starting manifest from templates/manifest/service.yaml.j2 (validated before writing)."""
    from datetime import date

    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from lz.manifest import validate_paths
    from lz.plan.render import _atomic_write
    from lz.problems import InputError

    estate_root = root or find_root()
    target = estate_root / "stacks" / f"{service}.yaml"
    if target.exists():
        _fail_input(f"{target} already exists; edit it instead")
    comps = []
    for item in component or ["files=bucket"]:
        name, sep, typ = item.partition("=")
        if not sep:
            _fail_input(f"--component {item!r}: expected name=type")
        comps.append((name, typ))
    region = "eu-west-2" if cloud == "aws" else "uksouth"
    env = Environment(loader=FileSystemLoader(estate_root / "templates"), undefined=StrictUndefined,
                      keep_trailing_newline=True)
    text = env.get_template("manifest/service.yaml.j2").render(
        service=service, description=f"{service} (describe the service for the change board)",
        team=team or service, email=email or f"{service}@example.gov.uk",
        cost_centre=cost_centre or "CC-0000", business_unit=business_unit or "unassigned",
        data_classification="OFFICIAL", criticality="medium", cloud=cloud,
        requested_by=email or f"{service}@example.gov.uk", reason="New service", change_ref="CHG-0000",
        region=region, environments=[("dev", 50), ("prod", 200)], components=comps,
    )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / f"{service}.yaml"
        draft.write_text(text, encoding="utf-8")
        _, problems = validate_paths([draft], today=date.today())
    if problems:
        _fail_input(InputError([p.__class__(str(target), p.line, p.col, p.path, p.message) for p in problems]))
    _atomic_write(target, text)
    typer.echo(f"wrote {target}; next: edit it, then `lz validate {target}` and `lz plan {target}`")


@app.command()
def stacks(
    write_config: Annotated[
        bool, typer.Option("--write-config", help="Create missing stacks/Pulumi.<stack>.yaml files.")
    ] = False,
    root: RootOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List every stack of the estate in deployment order, with its stack config file."""
    from lz.plan.render import _atomic_write
    from lz.problems import InputError
    from lz.stacks import load_estate, stack_config_text

    estate_root = root or find_root()
    try:
        estate = load_estate(estate_root)
    except InputError as exc:
        _fail_input(exc)
    rows = []
    for spec in estate.specs():
        path = estate_root / "stacks" / f"Pulumi.{spec.name}.yaml"
        if write_config and not path.exists():
            _atomic_write(path, stack_config_text(spec))
        rows.append({"name": spec.name, "kind": spec.kind, "cloud": spec.cloud, "source": spec.source,
                     "config_file": str(path.relative_to(estate_root)) if path.exists() else None})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        config = row["config_file"] or "(no stack config file: run `lz stacks --write-config`)"
        typer.echo(f"{row['name']:<32} {row['kind']:<9} {row['cloud']:<6} {row['source']:<32} {config}")


@app.command()
def bootstrap(
    region: Annotated[str, typer.Option("--region", help="Region of the state bucket and key.")] = "eu-west-2",
    prefix: Annotated[
        str | None, typer.Option("--prefix", help="Name prefix; default: council.prefix of platform/aws.yaml.")
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile of the management account.")] = None,
    root: RootOption = None,
) -> None:
    """Create (or repair) the Pulumi state bucket and secrets key in the management account."""
    from lz.problems import InputError

    try:
        import boto3

        from lz.bootstrap import bootstrap_state
        from lz.regions import UK_REGIONS

        if region not in UK_REGIONS["aws"]:
            raise InputError(f"--region {region!r}: state stays in the UK ({', '.join(UK_REGIONS['aws'])})")
        if prefix is None:
            from lz.stacks import load_platform

            prefix = load_platform(root or find_root()).council.prefix
        session = boto3.session.Session(profile_name=profile, region_name=region)
        backend = bootstrap_state(session, prefix=prefix, region=region)
    except InputError as exc:
        _fail_input(exc)
    except Exception as exc:  # no credentials, unknown profile: a message, not a traceback
        _fail_input(f"bootstrap failed: {exc}")
    for change in backend.changes or ["nothing to change: the state backend is already as it should be"]:
        typer.echo(change)
    typer.echo(f"pulumi login '{backend.login_url}'")
    typer.echo(f"pulumi stack init <stack> --secrets-provider '{backend.secrets_provider}'")


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the service manifest JSON Schema (for editors and other tools)."""
    from lz.manifest import manifest_json_schema

    text = json.dumps(manifest_json_schema(), indent=2, sort_keys=True) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"schema written to {out}")
    else:
        typer.echo(text, nl=False)


def main() -> None:
    """Console entry point: never a traceback for the user's mistakes."""
    import gc

    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    finally:
        # Everything is written by now. Freezing the heap spares the interpreter's final collection a
        # walk over every planned resource and imported SDK class: about half a second after a plan.
        gc.freeze()


if __name__ == "__main__":
    main()
