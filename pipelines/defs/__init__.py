"""Dagster wiring: assets, automation, resources, partitions, settings (the only code importing dagster)."""
