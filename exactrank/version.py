"""The version of exactrank, in one place: the package, the command line (``--version``) and
the provenance of every certificate and experiment record name it."""

__version__ = "0.1.0"
