"""The workspace store: one DuckDB file, opened and migrated through one seam."""

from eslabon.store.connection import Store, open_store

__all__ = ["Store", "open_store"]
