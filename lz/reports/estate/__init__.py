"""`lz report estate`: the map of what exists, compared with what Pulumi manages.

The pieces, each usable on its own:

* `lz.reports.estate.inventory_aws` lists every resource of an AWS organisation, service by
  service (so never-tagged resources are found too), plus the Resource Groups Tagging API;
* `lz.reports.estate.inventory_azure` does the same for Azure subscriptions with Resource Graph;
* `lz.reports.estate.state` reads Pulumi stack exports (files, or a self-managed S3 backend);
* `lz.reports.estate.classify` matches the two: managed, unmanaged ("shadow IT") or orphaned, and
  checks every resource against the tag contract (`lz.tags`);
* `lz.reports.estate.report` is the public API (`build_estate_report` and the dataclasses);
* `lz.reports.estate.render` writes HTML, CSV and JSON; `lz.reports.estate.cli` is the command.

Nothing here is imported by `lz --help`: the CLI imports these modules inside the command.
"""
