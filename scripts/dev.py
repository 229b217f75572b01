#!/usr/bin/env python3
"""Set up and run the toolkit on a fresh machine with only Python 3.11+.

    python3 scripts/dev.py plan    # the main job: offline plan of the example estate + HTML report
    python3 scripts/dev.py test    # the whole test suite (lint, types, generated-file drift, pytest)
    python3 scripts/dev.py setup   # only create/refresh .venv (for CI pipelines that run `lz` themselves)

Each command creates `.venv` (the same virtualenv `pulumi up` uses, see Pulumi.yaml) and installs
the project into it when pyproject.toml changed since the last install; then it runs the job.
Only the standard library is used here, so it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".lz-install-stamp"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*cmd: str | Path) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def ensure_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating virtualenv {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text().strip() == want:
        _compile()
        return
    pip = [BIN / "python", "-m", "pip", "--disable-pip-version-check", "-q"]
    if _run(*pip, "install", "--upgrade", "pip") != 0 or _run(*pip, "install", "-e", ".[dev]") != 0:
        sys.exit("installing the toolkit into .venv failed (see pip's message above)")
    STAMP.write_text(want + "\n")
    _compile()


def _compile() -> None:
    """Byte-compile the repository's packages (only files changed since the last run).

    Interpreters started with PYTHONDONTWRITEBYTECODE (common in containers and CI) never cache
    the bytecode of an editable install, so every `lz` run would compile the toolkit again: about
    0.3 s of a one-manifest verdict. Compiled files are git-ignored and checked against their
    source by Python on every import, so a stale one is never used.
    """
    subprocess.call([str(BIN / "python"), "-m", "compileall", "-q", "-j", "0", "lz", "modules", "policies"],
                    cwd=ROOT)


def plan(extra: list[str]) -> int:
    args = extra or ["--all", "--html", "build/plan.html", "--json", "build/plan.json"]
    return _run(BIN / "lz", "plan", *args)


def test(extra: list[str]) -> int:
    steps = [
        [BIN / "ruff", "check", "lz", "modules", "policies", "platform", "scripts", "tests", "bench"],
        [BIN / "mypy"],
        [BIN / "python", "-m", "pytest", "-q", "-n", "2", *extra],
    ]
    for step in steps:
        code = _run(*step)
        if code != 0:
            return code
    return 0


def main(argv: list[str]) -> int:
    jobs = {"plan": plan, "test": test, "setup": lambda extra: 0}
    if not argv or argv[0] not in jobs:
        print(__doc__)
        return 2
    ensure_env()
    return jobs[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
