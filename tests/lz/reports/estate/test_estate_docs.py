"""The auditors' guide says what the code does: the IAM policies in docs/auditors.md are
checked against the actions the listers are registered with, and the options against the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer

from lz.reports.estate.cli import register
from lz.reports.estate.inventory_aws import ROLE_SESSION_NAME, required_actions

DOC = Path(__file__).resolve().parents[4] / "docs" / "auditors.md"


def estate_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Estate report")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def json_blocks() -> list[dict]:
    text = estate_section()
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def test_the_member_role_policy_is_exactly_what_the_listers_call() -> None:
    member, trust, management = json_blocks()
    (statement,) = member["Statement"]
    assert statement["Action"] == required_actions()
    assert (statement["Effect"], statement["Resource"]) == ("Allow", "*")
    assert trust["Statement"][0]["Condition"]["StringEquals"]["sts:RoleSessionName"] == ROLE_SESSION_NAME
    assert {s["Action"] if isinstance(s["Action"], str) else tuple(s["Action"]) for s in management["Statement"]} == {
        "organizations:ListAccounts",
        "sts:AssumeRole",
        ("s3:ListBucket", "s3:GetObject"),
    }


def test_every_cli_option_is_documented() -> None:
    app = typer.Typer(add_completion=False)
    register(app)
    command = typer.main.get_command(app)
    text = estate_section()
    options = {opt for param in command.params for opt in param.opts if opt.startswith("--")}  # type: ignore[attr-defined]
    assert options == {
        "--out",
        "--aws",
        "--role-name",
        "--account",
        "--region",
        "--azure-subscription",
        "--state",
        "--profile",
    }
    for option in options:
        assert f"`{option}" in text, option
