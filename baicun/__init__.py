"""百村遴选 (baicun): exact, explainable selection of villages for rural-revitalisation programmes.

The roof of the house: the command line (``baicun.cli``) and the one orchestration module both front ends call
(``baicun.pipeline``). See ``docs/ARCHITECTURE.md``."""

from contract import __version__

__all__ = ["__version__"]
