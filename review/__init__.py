"""The expert panel (seed 003 三(二)): the experts' score sheets read, conflicts of interest (回避) applied, the
scores aggregated into the pool's four review columns, and the panel's agreement measured.

Floor: between ``pool`` and ``scoring`` (docs/ARCHITECTURE.md); it imports ``pool`` and ``contract`` only.
"""
