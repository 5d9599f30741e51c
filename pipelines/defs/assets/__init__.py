"""The assets of each stage and their checks."""
