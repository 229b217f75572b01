"""The council-lz CrossGuard policy pack: one policy per file, selected by metadata.

* `policies/lib.py`     how a policy file is built (POLICY + METADATA)
* `policies/pack.py`    discovery of every policy file, selection by metadata, the pack's initial config
* `policies/__main__.py` the entry point `pulumi preview --policy-pack policies` runs

Importing this package imports nothing heavy; policy modules are imported by `policies.pack`.
"""
