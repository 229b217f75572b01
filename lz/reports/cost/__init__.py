"""``lz report cost``: cloud spend grouped by the mandatory tags, account, service and month.

Sources: AWS Cost Explorer (`aws_ce`), AWS CUR 2.0 parquet via DuckDB or Athena (`cur`) and
Azure Cost Management (`azure`). Each returns `model.CostRow`s; `report.build_cost_report`
turns them into a `report.CostReport` with exact Decimal totals, untagged and mis-tagged lines,
month-on-month changes and top movers; `render` writes HTML (inline SVG charts), CSV and JSON;
`cli.register` adds the command to a typer app.
"""
