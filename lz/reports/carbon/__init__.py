"""``lz report carbon``: estimated emissions by tag and by service (Cloud Carbon Footprint method).

Usage comes from Cost Explorer, a CUR 2.0 export or a plan (`usage`); `report` turns it into
estimates with the shared coefficient file (`lz.estimate.carbon`); `render` writes HTML, CSV and
JSON; `cli.register` adds the command to a Typer app.
"""
