"""Generate docs/policies.md, the policy catalogue, from the METADATA of every policy of the pack.

The policy files under policies/ are the source of truth; the page is committed, and CI fails when
it drifts from them (tests/lz/policy/test_catalogue.py runs `--check`).

Usage:
    python scripts/gen_policy_catalogue.py            # (re)write docs/policies.md
    python scripts/gen_policy_catalogue.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python scripts/gen_policy_catalogue.py` from a checkout not installed with -e
    sys.path.insert(0, str(ROOT))

from lz.policy.catalogue import pack_rules, render  # noqa: E402

CATALOGUE_FILE = Path("docs") / "policies.md"


def expected() -> str:
    """The catalogue as it should be committed."""
    return render(pack_rules())


def drifted(root: Path) -> list[Path]:
    """The generated files under `root` that differ from what the pack generates (missing included)."""
    path = root / CATALOGUE_FILE
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    return [] if current == expected() else [CATALOGUE_FILE]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/policies.md is out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    if args.check:
        stale = drifted(args.root)
        if stale:
            print(
                f"out of date: {', '.join(p.as_posix() for p in stale)}; run `python scripts/gen_policy_catalogue.py`",
                file=sys.stderr,
            )
            return 1
        return 0
    target = args.root / CATALOGUE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(expected(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
