"""The pool contract: column catalogue, reading (xlsx/csv, encodings), validation report, synthetic generator."""

from pool.columns import CATALOGUE, Column, column_by_key
from pool.read import Pool, read_pool

__all__ = ["CATALOGUE", "Column", "Pool", "column_by_key", "read_pool"]
