"""The warehouse: any SQLAlchemy URL (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import functools

import dagster as dg
import sqlalchemy as sa

from pipelines.warehouse import engine_for


class WarehouseResource(dg.ConfigurableResource):
    """Connection to the analytical store. `url` is an SQLAlchemy URL (`SURVEY_WAREHOUSE_URL`)."""

    url: str

    @functools.cached_property
    def engine(self) -> sa.Engine:
        return engine_for(self.url)
