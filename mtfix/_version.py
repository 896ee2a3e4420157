"""The version, alone in its module so that any layer may read it without loading the API."""

__version__ = "0.1.0"
