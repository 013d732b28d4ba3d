"""The pool: reading (xlsx/csv, encodings), validation report, binding a scenario's column names to the pool,
merging a county's application, synthetic generator."""
