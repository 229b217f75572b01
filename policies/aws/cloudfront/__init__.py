"""CloudFront policies: HTTPS to viewers, modern TLS on custom domains, access logging."""

from __future__ import annotations

from typing import Final

DISTRIBUTION: Final = "aws:cloudfront/distribution:Distribution"
