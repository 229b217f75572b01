"""The root Pulumi program: `pulumi up -s <stack>` from the repository root lands here.

It builds whichever stack is selected: a platform layer (`platform-aws-network`) or a service
environment (`<service>-<env>` from `stacks/<service>.yaml`). There is deliberately no
`platform/__init__.py`: this directory is a program, not a package, and must never shadow the
standard library's `platform` module.
"""

from pathlib import Path

import pulumi

from lz.problems import InputError
from lz.stacks import run_current_stack

ROOT = Path(__file__).resolve().parent.parent

try:
    run_current_stack(ROOT)
except InputError as exc:
    # Show the problems the way `lz validate` does, without a Python traceback.
    raise pulumi.RunError(str(exc)) from None
