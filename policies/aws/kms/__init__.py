"""KMS policies: key rotation and the key policy lockout safety check."""
