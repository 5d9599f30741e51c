"""Dagster resources: thin, configurable handles on the outside world."""

from pipelines.resources.files import LandingResource, ReportStorageResource
from pipelines.resources.pseudonymiser import PseudonymiserResource
from pipelines.resources.warehouse import WarehouseResource

__all__ = [
    "LandingResource",
    "PseudonymiserResource",
    "ReportStorageResource",
    "WarehouseResource",
]
