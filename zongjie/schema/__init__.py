"""The SQLite store: ``store.Store`` (writes, search, bookkeeping) and ``migrations`` (schema versions)."""
