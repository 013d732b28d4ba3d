"""百村遴选 (baicun): exact, explainable selection of villages for rural-revitalisation programmes."""

__version__ = "0.1.0"
