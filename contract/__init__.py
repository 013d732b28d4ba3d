"""The ground floor: what every stage agrees on and nothing above it may redefine — errors (``Problem``,
``InputError``), the message catalogue (``texts``), the scenario schema (``scenario``) and the pool's column
catalogue (``columns``). It imports nothing of the project."""

__version__ = "0.1.0"
