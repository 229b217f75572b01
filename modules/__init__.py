"""Reusable Pulumi ComponentResources, one logical entity per module (`modules.aws`, `modules.azure`)."""
