"""Policy results as a pull-request comment (GitHub-flavoured Markdown).

A verdict line first (the one thing a reviewer must read), then counts per stack, the mandatory
findings with how to fix each policy, then the advisory and waived findings folded away, and any
errors. The first line is an HTML marker so a CI job can find and update its previous comment.
Tables are capped (`max_rows`) to stay well inside GitHub's 65,536-character comment limit.

Pure: results in, Markdown text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from lz.policy.evaluate import PolicyResult, Rule

MARKER: Final = "<!-- council-lz-policy-gate -->"


def _plain(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped, `<...>` kept from being read
    as HTML. Code spans keep their text (entities and backslashes are literal there); only their
    pipes are escaped, as GFM tables require."""
    value = " ".join(str(text if text is not None else "").split())
    parts = value.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: no code spans at all
        return _plain(value).replace("`", "\\`")
    return "`".join(part.replace("|", "\\|") if i % 2 else _plain(part) for i, part in enumerate(parts))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], max_rows: int) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows[:max_rows]]
    if len(rows) > max_rows:
        lines.append("")
        lines.append(f"… and {len(rows) - max_rows} more (see the SARIF or JUnit report for all of them).")
    return lines


def _findings(results: Sequence[PolicyResult], kind: str) -> list[tuple[PolicyResult, dict[str, Any]]]:
    """(result, finding) pairs of one kind: `mandatory`, `advisory` or `waived`."""
    def chosen(result: PolicyResult) -> list[dict[str, Any]]:
        return result.waived if kind == "waived" else result.mandatory if kind == "mandatory" else result.advisory

    return [(result, finding) for result in results for finding in chosen(result)]


def verdict(results: Sequence[PolicyResult]) -> str:
    mandatory = sum(len(r.mandatory) for r in results)
    errors = sum(len(r.errors) for r in results)
    stacks = _plural(len(results), "stack")
    if mandatory and errors:
        return (f"❌ **Policy gate failed:** {_plural(mandatory, 'mandatory finding')} and "
                f"{_plural(errors, 'error')} in {stacks}")
    if mandatory:
        failing = sum(1 for r in results if r.mandatory)
        return f"❌ **Policy gate failed:** {_plural(mandatory, 'mandatory finding')} in {failing} of {stacks}"
    if errors:
        return f"❌ **Policy gate could not judge every stack:** {_plural(errors, 'error')}"
    advisory = sum(len(r.advisory) for r in results)
    tail = f" ({_plural(advisory, 'advisory finding')} to review)" if advisory else ""
    return f"✅ **Policy gate passed:** no mandatory findings in {stacks}{tail}"


def to_markdown(results: Sequence[PolicyResult], *, max_rows: int = 50) -> str:
    """The PR comment for the gate's results over one or more stacks."""
    lines = [MARKER, "## Policy gate", "", verdict(results), ""]

    lines += _table(
        ["Stack", "Source", "Policies", "Mandatory", "Advisory", "Waived", "Errors"],
        [
            [r.stack, r.source, len(r.evaluated), len(r.mandatory), len(r.advisory), len(r.waived), len(r.errors)]
            for r in results
        ],
        max_rows,
    )

    mandatory = _findings(results, "mandatory")
    if mandatory:
        lines += ["", "### Mandatory findings (block deployment)", ""]
        lines += _table(
            ["Stack", "Policy", "Severity", "Resource", "Type", "Finding"],
            [[r.stack, f["policy"], f["severity"], f["resource"], f["type"], f["message"]] for r, f in mandatory],
            max_rows,
        )
        rules: dict[str, Rule] = {}
        for result, finding in mandatory:
            rule = result.rules.get(finding["policy"])
            if rule is not None:
                rules.setdefault(rule.name, rule)
        if rules:
            lines += ["", "**How to fix**", ""]
            lines += [f"* `{name}`: {cell(rule.remediation)}" for name, rule in sorted(rules.items())]

    advisory = _findings(results, "advisory")
    if advisory:
        lines += ["", "### Advisory findings", "", f"<details><summary>{_plural(len(advisory), 'advisory finding')}"
                  "</summary>", ""]
        lines += _table(
            ["Stack", "Policy", "Severity", "Resource", "Finding"],
            [[r.stack, f["policy"], f["severity"], f["resource"], f["message"]] for r, f in advisory],
            max_rows,
        )
        lines += ["", "</details>"]

    waived = _findings(results, "waived")
    if waived:
        lines += ["", "### Waived findings", "", f"<details><summary>{_plural(len(waived), 'waived finding')}"
                  "</summary>", ""]
        lines += _table(
            ["Stack", "Policy", "Resource", "Exception", "Approved by", "Expires", "Reason"],
            [
                [r.stack, f["policy"], f["resource"], f["exception"], f["approved_by"], f["expires"], f["reason"]]
                for r, f in waived
            ],
            max_rows,
        )
        lines += ["", "</details>"]

    errors = [(r.stack, e) for r in results for e in r.errors]
    if errors:
        lines += ["", "### Errors", ""]
        lines += [f"* `{stack}`: {cell(error)}" for stack, error in errors[:max_rows]]
        if len(errors) > max_rows:
            lines.append(f"* … and {len(errors) - max_rows} more")

    return "\n".join(lines) + "\n"
