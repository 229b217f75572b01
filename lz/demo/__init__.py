"""``lz demo reports``: the three auditor reports against an emulated council estate, no cloud needed.

* `lz.demo.seed` is the ground truth, as plain data: an organisation of accounts, the resources in
  each (tagged, untagged, mis-tagged, one orphan in state), the Pulumi stack exports, three months
  of spend line items, and the Cost Explorer responses computed from those line items.
* `lz.demo.run` starts moto's server on 127.0.0.1, seeds it, runs the cost, estate and carbon
  reports through their public APIs and writes them with an index page (`run_demo`).
* `lz.demo.cli` adds the ``reports`` command to a typer app (mounted as ``lz demo reports``).

Nothing heavy is imported here, so mounting the command keeps ``lz --help`` instant.
"""
