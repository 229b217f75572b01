"""Show a plan: a `pulumi preview`-like tree per stack, JSON for machines, HTML for people."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, TextIO

from lz.plan.model import EstatePlan, PlannedResource, StackPlan


def _flags(r: PlannedResource) -> str:
    flags = []
    if r.options.get("protect"):
        flags.append("protect")
    if r.options.get("retain_on_delete"):
        flags.append("retain")
    if r.options.get("read"):
        flags.append("read")
    if r.options.get("ignore_changes"):
        flags.append("ignore_changes=" + ",".join(r.options["ignore_changes"]))
    return f" [{'; '.join(flags)}]" if flags else ""


def children_index(plan: StackPlan) -> dict[str | None, list[PlannedResource]]:
    kids: dict[str | None, list[PlannedResource]] = defaultdict(list)
    for r in plan.resources:
        kids[r.parent].append(r)
    for items in kids.values():
        # Components first so each one reads as a group, then by type and name.
        items.sort(key=lambda r: (not r.is_component, r.type, r.name))
    return kids


def tree_lines(plan: StackPlan) -> list[tuple[int, PlannedResource]]:
    """(depth, resource) in display order: the stack, then each parent's children beneath it."""
    kids = children_index(plan)
    out: list[tuple[int, PlannedResource]] = []

    def walk(parent: str | None, depth: int) -> None:
        for r in kids.get(parent, []):
            out.append((depth, r))
            walk(r.urn, depth + 1)

    walk(None, 0)
    return out


def stack_title(plan: StackPlan) -> str:
    meta = plan.metadata
    where = " ".join(str(x) for x in (meta.get("cloud"), meta.get("region")) if x)
    bits: list[str] = [plan.kind]
    if where:
        bits.append(where)
    if plan.source:
        bits.append(f"from {plan.source}")
    return f"{plan.name} ({', '.join(bits)})"


def summary_counts(result: EstatePlan) -> tuple[int, int, int]:
    resources = sum(len(s.managed()) for s in result.stacks)
    mandatory = sum(1 for s in result.stacks for v in s.violations if v.get("level") == "mandatory")
    advisory = sum(1 for s in result.stacks for v in s.violations if v.get("level") != "mandatory")
    return resources, mandatory, advisory


def waived_count(result: EstatePlan) -> int:
    return sum(len(s.waived) for s in result.stacks)


def render_console(result: EstatePlan, *, quiet: bool = False, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    use_rich = out is None and stream.isatty()
    if use_rich:
        _render_rich(result, quiet=quiet)
        return
    write = stream.write
    for plan in result.stacks:
        write(f"Stack {stack_title(plan)}\n")
        if not quiet:
            for depth, r in tree_lines(plan):
                sign = "" if r.type == "pulumi:pulumi:Stack" else "+ "
                write(f"  {'    ' * depth}{sign}{r.type}  {r.name}{_flags(r)}\n")
        counts = plan.counts_by_type()
        write(f"  Resources: + {sum(counts.values())} to create\n")
        if plan.estimate_summary:
            write(f"  Estimate: {plan.estimate_summary}\n")
        if not quiet:
            for typ, n in counts.items():
                write(f"    {n:>4}  {typ}\n")
        for note in plan.notes:
            write(f"  note: {note}\n")
        for v in plan.violations:
            write(f"  {v.get('level', 'advisory')}: {v.get('policy')}: {v.get('resource', '')}: {v.get('message')}\n")
        for v in plan.waived:
            write(
                f"  waived: {v.get('policy')}: {v.get('resource', '')}: approved by {v.get('approved_by')} "
                f"until {v.get('expires')}: {v.get('reason')}\n"
            )
        write("\n")
    resources, mandatory, advisory = summary_counts(result)
    write(
        f"Summary: {len(result.stacks)} stack{'s' if len(result.stacks) != 1 else ''}, "
        f"{resources} resources to create, {mandatory} mandatory and {advisory} advisory policy findings"
        f"{f', {waived_count(result)} waived' if waived_count(result) else ''}\n"
    )


def _render_rich(result: EstatePlan, *, quiet: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.tree import Tree

    console = Console()
    for plan in result.stacks:
        tree = Tree(f"[bold]Stack[/bold] {stack_title(plan)}")
        if not quiet:
            nodes: dict[str, Tree] = {}
            for _depth, r in tree_lines(plan):
                label = (
                    f"[bold]{r.type}[/bold]  {r.name}" if r.type == "pulumi:pulumi:Stack"
                    else f"[green]+[/green] {r.type}  [cyan]{r.name}[/cyan]{_flags(r)}"
                )
                parent_node = nodes.get(r.parent or "", tree)
                nodes[r.urn] = parent_node.add(label)
        console.print(tree)
        counts = plan.counts_by_type()
        table = Table(title=f"{plan.name}: + {sum(counts.values())} to create", show_header=True)
        table.add_column("count", justify="right")
        table.add_column("type")
        if not quiet:
            for typ, n in counts.items():
                table.add_row(str(n), typ)
            console.print(table)
        if plan.estimate_summary:
            console.print(f"  [bold]Estimate:[/bold] {plan.estimate_summary}")
        for note in plan.notes:
            console.print(f"  [yellow]note:[/yellow] {note}")
        for v in plan.violations:
            colour = "red" if v.get("level") == "mandatory" else "yellow"
            console.print(f"  [{colour}]{v.get('level')}[/{colour}] {v.get('policy')}: {v.get('message')}")
        for v in plan.waived:
            console.print(
                f"  [cyan]waived[/cyan] {v.get('policy')}: {v.get('resource')} (approved by {v.get('approved_by')} "
                f"until {v.get('expires')})"
            )
    resources, mandatory, advisory = summary_counts(result)
    console.print(
        f"[bold]Summary:[/bold] {len(result.stacks)} stacks, {resources} resources to create, "
        f"{mandatory} mandatory and {advisory} advisory policy findings"
    )


def _atomic_write(path: Path, text: str) -> None:
    """Write the whole file or nothing: a reader never sees half a report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plan_json(result: EstatePlan) -> str:
    return json.dumps(result.to_json(), indent=2, sort_keys=True) + "\n"


def write_json(result: EstatePlan, path: Path) -> None:
    _atomic_write(path, plan_json(result))


def html_context(result: EstatePlan) -> dict[str, Any]:
    stacks = []
    for plan in result.stacks:
        rows = []
        for depth, r in tree_lines(plan):
            rows.append({
                "depth": depth,
                "type": r.type,
                "name": r.name,
                "flags": _flags(r).strip(" []"),
                "component": r.is_component,
                "inputs": json.dumps(r.inputs, indent=2, sort_keys=True),
            })
        stacks.append({
            "name": plan.name,
            "title": stack_title(plan),
            "kind": plan.kind,
            "metadata": plan.metadata,
            "rows": rows,
            "counts": plan.counts_by_type(),
            "total": len(plan.managed()),
            "outputs": json.dumps(plan.outputs, indent=2, sort_keys=True),
            "notes": plan.notes,
            "violations": plan.violations,
            "waived": plan.waived,
            "estimate": plan.estimate,
            "estimate_summary": plan.estimate_summary,
        })
    resources, mandatory, advisory = summary_counts(result)
    by_type: Counter[str] = Counter()
    for plan in result.stacks:
        by_type.update(plan.counts_by_type())
    from lz import __version__

    return {
        "stacks": stacks,
        "resources": resources,
        "mandatory": mandatory,
        "advisory": advisory,
        "by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "version": __version__,
    }


def render_html(result: EstatePlan) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("lz", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("plan.html.j2").render(**html_context(result))


def write_html(result: EstatePlan, path: Path) -> None:
    _atomic_write(path, render_html(result))
