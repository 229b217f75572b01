"""Reports produced by ``lz report ...`` (cost, estate, carbon).

Every report is written as HTML (with server-side charts), CSV and JSON into one output
directory. The helpers here make those writes safe: a reader (or a CI job archiving the
directory) never sees a half-written file, and a report's three files appear together or
not at all.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["REPORTS_TEMPLATE_DIR", "write_atomic", "write_report_files"]

#: Jinja2 templates shared by the reports (each report may also keep its own).
REPORTS_TEMPLATE_DIR: Path = Path(__file__).parent / "templates"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``.

    The temporary file lives in the destination directory so that ``os.replace`` is a
    same-filesystem rename, which POSIX and Windows both perform atomically.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        # Never leave the temporary file behind, whatever interrupted the write.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _json_default(value: Any) -> Any:
    """Serialise values ``json`` does not know: Decimal as a string (exact), paths, sets."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _csv_text(rows: list[dict[str, Any]]) -> str:
    """Render rows as CSV; the header is the union of keys in first-seen order."""
    fieldnames: list[str] = []
    for row in rows:
        for key in row:
            if key not in fieldnames:
                fieldnames.append(key)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def write_report_files(
    out_dir: Path,
    stem: str,
    *,
    html: str,
    csv_rows: list[dict[str, Any]],
    json_data: Any,
) -> list[Path]:
    """Write ``<stem>.html``, ``<stem>.csv`` and ``<stem>.json`` into ``out_dir``, all or nothing.

    All three texts are rendered before anything touches the disk (so a serialisation error
    writes nothing); each is then staged as a temporary file and the three are renamed into
    place only once all are staged. If a rename fails, files already renamed are restored to
    their previous content (or removed if they did not exist), so the directory keeps either
    the old set or the new set. Returns the three paths in the order html, csv, json.
    """
    out_dir = Path(out_dir)
    texts = {
        "html": html,
        "csv": _csv_text(csv_rows),
        "json": json.dumps(json_data, indent=2, sort_keys=False, default=_json_default) + "\n",
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, str]] = []
    backups: list[tuple[Path, str | None]] = []
    try:
        for ext, text in texts.items():
            target = out_dir / f"{stem}.{ext}"
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=out_dir)
            staged.append((target, tmp_name))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for target, tmp_name in staged:
            previous: str | None = None
            if target.exists():
                fd, previous = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bak", dir=out_dir)
                os.close(fd)
                os.replace(target, previous)
            backups.append((target, previous))
            os.replace(tmp_name, target)
    except BaseException:
        # Best effort, file by file: one failed restore must not stop the others.
        for target, previous in reversed(backups):
            with contextlib.suppress(OSError):
                if previous is not None:
                    os.replace(previous, target)
                elif target.exists():
                    target.unlink()
        for _target, tmp_name in staged:
            with contextlib.suppress(OSError):
                if os.path.exists(tmp_name):
                    os.unlink(tmp_name)
        raise
    for _target, previous in backups:
        if previous is not None and os.path.exists(previous):
            os.unlink(previous)
    return [target for target, _tmp in staged]
