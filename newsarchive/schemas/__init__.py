"""JSON Schemas of the archive records (data files; see newsarchive.schema)."""
