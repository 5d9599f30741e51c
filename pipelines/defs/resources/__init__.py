"""Dagster resources: thin, configurable handles on the outside world."""

from pipelines.defs.resources.files import LandingResource, ReportStorageResource
from pipelines.defs.resources.pseudonymiser import PseudonymiserResource
from pipelines.defs.resources.warehouse import WarehouseResource

__all__ = [
    "LandingResource",
    "PseudonymiserResource",
    "ReportStorageResource",
    "WarehouseResource",
]
