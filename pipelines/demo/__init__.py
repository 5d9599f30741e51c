"""A seeded demo survey year for development, tests and benchmarks: `generate(landing, truth, ...)`."""

from pipelines.demo.generator import generate

__all__ = ["generate"]
