"""EFS policies: file systems encrypted at rest."""
