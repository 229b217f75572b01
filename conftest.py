"""Root conftest: makes the repository root importable (for `policies`, which is not installed).

The root holds `platform/` without an `__init__.py`, so putting the root on sys.path can never
shadow the standard library's `platform` module (tests/test_layout.py proves it).
"""
