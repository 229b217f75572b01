"""CloudTrail policies: the organisation trail's coverage, integrity and encryption, and where
trails are declared."""

from __future__ import annotations

from typing import Final

TRAIL: Final = "aws:cloudtrail/trail:Trail"
