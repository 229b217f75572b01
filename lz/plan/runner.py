"""Run a real Pulumi Python program in-process under the mock runtime and capture its plan.

The program runs the way `pulumi-language-python-exec` runs it: `runpy.run_path` on the program
directory from inside that directory, wrapped in `run_in_stack`, with the stack's configuration set
as the engine would set it. Only the engine is replaced: by `RecordingMonitor` and `PlanMocks`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import runpy
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from lz.gctune import batched_collections
from lz.plan.mocks import PlanMocks, StackOutputsResolver
from lz.plan.model import PlannedResource, StackKind, StackPlan, display_value
from lz.plan.monitor import RecordingMonitor
from lz.problems import InputError, Problem


class ProgramError(Exception):
    """The planned program itself failed; the message shows the program's own frames."""


class _AbandonedFutures(logging.Filter):
    """Drop asyncio's "exception was never retrieved" for futures of a program that already failed.

    When a program fails, the SDK leaves outputs whose futures hold the same error; asyncio would
    print each one at garbage collection. The failure itself is reported once, as ProgramError.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "exception was never retrieved" not in record.getMessage()


logging.getLogger("asyncio").addFilter(_AbandonedFutures())


class _NoteHandler(logging.Handler):
    """Collects what the program logs through `pulumi.log` so the plan can show it."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname.lower()}: {record.getMessage()}")


def _program_frames(exc: BaseException) -> str:
    """The part of a traceback that belongs to the user's program, not Python, Pulumi or lz."""
    import sysconfig

    ignored = tuple(
        str(Path(p).resolve()) + os.sep
        for p in {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")} | {str(Path(__file__).parent)}
    )
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [
        f for f in frames
        if not f.filename.startswith("<") and not str(Path(f.filename).resolve()).startswith(ignored)
    ]
    lines = [f"  {f.filename}:{f.lineno} in {f.name}: {(f.line or '').strip()}" for f in mine[-6:]]
    head = f"{type(exc).__name__}: {exc}"
    return head + ("\n" + "\n".join(lines) if lines else "")


#: The planner's garbage-collector tuning (shared with the policy gate).
_planning_gc = batched_collections


@contextlib.contextmanager
def _in_directory(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@contextlib.contextmanager
def _isolated_local_modules(program_dir: Path) -> Iterator[None]:
    """Forget modules imported from the program's own directory afterwards.

    Two programs may both have a local `infra.py`; without this the second would get the first's.
    """
    before = set(sys.modules)
    try:
        yield
    finally:
        root = str(program_dir.resolve())
        for name in set(sys.modules) - before:
            mod = sys.modules.get(name)
            file = getattr(mod, "__file__", None) or ""
            if file and str(Path(file).resolve()).startswith(root + os.sep):
                del sys.modules[name]


def plan_callable(
    program: Callable[[], Any],
    *,
    project: str = "lz",
    stack: str = "dev",
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
    resolve_stack_outputs: StackOutputsResolver | None = None,
    kind: StackKind = "program",
    source: str = "",
    preview: bool = False,
    organization: str = "organization",
) -> StackPlan:
    """Run `program` as a Pulumi program for `stack` and return what it registered.

    Each call starts from fresh runtime settings; no state leaks between plans.
    """
    from pulumi.runtime import config as pulumi_config
    from pulumi.runtime import settings
    from pulumi.runtime.mocks import MockEngine, MockSettings
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    cfg = {k: str(v) for k, v in (config or {}).items()}
    mocks = PlanMocks(stack=stack, config=cfg, resolve_stack_outputs=resolve_stack_outputs)
    monitor = RecordingMonitor(mocks)
    logger = logging.getLogger(f"lz.plan.program.{stack}")
    logger.propagate = False
    handler = _NoteHandler()
    logger.addHandler(handler)

    settings.reset_options(project=project, stack=stack, preview=preview, organization=organization)
    settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=MockEngine(logger),
            project=project,
            stack=stack,
            dry_run=preview,
            organization=organization,
            callbacks=None,
        )
    )
    pulumi_config.set_all_config(cfg, list(secret_keys))
    try:
        with _planning_gc():
            _sync_await(run_in_stack(program))
    except InputError:
        raise
    except Exception as exc:  # the user's program failed: report it, do not crash the planner
        raise ProgramError(_program_frames(exc)) from exc
    finally:
        logger.removeHandler(handler)
        settings.ROOT.set(None)
        pulumi_config.set_all_config({}, [])

    resources = sorted(
        monitor.records.values(),
        key=lambda r: (r.type != "pulumi:pulumi:Stack", r.urn),
    )
    return StackPlan(
        name=stack,
        kind=kind,
        project=project,
        resources=list(resources),
        outputs=display_value(monitor.stack_outputs),
        source=source,
        notes=sorted(set(monitor.notes + mocks.notes + handler.messages)),
        metadata={"stack_references": sorted(set(mocks.referenced_stacks))},
        raw_outputs=monitor.stack_outputs,
    )


# -- programs on disk -------------------------------------------------------------------------------


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InputError([Problem(str(path), line, col, "", f"cannot read: {exc}")]) from exc
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 1, 1, "", "expected a mapping at the top level")])
    return data


def _config_value(value: Any) -> tuple[str, bool]:
    """A config value as the engine passes it to the program: strings as-is, the rest as JSON."""
    if isinstance(value, Mapping) and set(value) == {"secure"}:
        # Encrypted with the stack's secrets provider: it cannot be decrypted offline.
        return "[secret]", True
    if isinstance(value, str):
        return value, False
    return json.dumps(value, sort_keys=True), False


def read_stack_config(project_root: Path, project: dict[str, Any], stack: str) -> tuple[dict[str, str], list[str]]:
    """Project defaults from Pulumi.yaml, then `Pulumi.<stack>.yaml`, as `ns:key` strings."""
    name = str(project.get("name", project_root.name))
    config: dict[str, str] = {}
    secrets: list[str] = []

    def full(key: str) -> str:
        return key if ":" in key else f"{name}:{key}"

    for key, spec in (project.get("config") or {}).items():
        if isinstance(spec, Mapping) and ("default" in spec or "value" in spec):
            value, secret = _config_value(spec.get("value", spec.get("default")))
            config[full(key)] = value
        elif not isinstance(spec, Mapping):
            config[full(key)] = _config_value(spec)[0]
    config_dir = project_root / str(project.get("stackConfigDir", "."))
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    if stack_file.is_file():
        for key, raw in (_read_yaml(stack_file).get("config") or {}).items():
            value, secret = _config_value(raw)
            config[full(str(key))] = value
            if secret:
                secrets.append(full(str(key)))
    return config, secrets


def plan_directory(
    path: Path,
    *,
    stack: str = "dev",
    config: Mapping[str, str] | None = None,
    resolve_stack_outputs: StackOutputsResolver | None = None,
    kind: StackKind = "program",
) -> StackPlan:
    """Plan any Pulumi Python program directory (one with `__main__.py` or a Pulumi.yaml `main`)."""
    path = path.resolve()
    project_file = next((path / f for f in ("Pulumi.yaml", "Pulumi.yml") if (path / f).is_file()), None)
    if project_file is not None:
        root, project = path, _read_yaml(project_file)
        main = root / str(project.get("main", "."))
    else:
        # A bare program directory: Pulumi would need a Pulumi.yaml; offline we name it after the folder.
        root, project, main = path, {"name": path.name}, path
    runtime = project.get("runtime", "python")
    runtime_name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
    if runtime_name not in (None, "python"):
        raise InputError(f"{root}: runtime {runtime_name!r} is not Python; lz plans Python programs only")
    entry = main / "__main__.py" if main.is_dir() else main
    if not entry.is_file():
        raise InputError(f"{main}: no __main__.py found; point lz at a Pulumi Python program directory")
    project_name = str(project.get("name", root.name))
    cfg, secrets = read_stack_config(root, project, stack)
    cfg.update(config or {})

    program_dir = entry.parent

    def program() -> None:
        runpy.run_path(str(main if main.is_dir() else entry), run_name="__main__")

    with _in_directory(program_dir), _isolated_local_modules(program_dir):
        return plan_callable(
            program,
            project=project_name,
            stack=stack,
            config=cfg,
            secret_keys=secrets,
            resolve_stack_outputs=resolve_stack_outputs,
            kind=kind,
            source=str(path),
        )


__all__ = [
    "PlannedResource",
    "ProgramError",
    "StackPlan",
    "plan_callable",
    "plan_directory",
    "read_stack_config",
]
