"""Council landing zone toolkit: manifests, tag contract, naming, offline planner and the `lz` CLI."""

__version__ = "0.1.0"
