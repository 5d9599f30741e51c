"""Stage 2: per-period figures, disclosure control and its audit, the report documents."""
