"""One exception hierarchy for exactrank.

Every message says what was expected, what was got, and where, so that the command line can
print it as a single line and a user can fix the input without reading a traceback.
"""


class ExactRankError(Exception):
    """Base class of every error exactrank raises on purpose."""


class InvalidModelError(ExactRankError, ValueError):
    """A model's weights, shapes or operator do not fit together."""


class ModelFileError(InvalidModelError):
    """A model file cannot be read: not JSON, wrong format or version, a missing key."""


class InvalidInputError(ExactRankError, ValueError):
    """An argument other than a model is malformed: a matrix, a partition, a field, an index."""


class DomainError(ExactRankError, ValueError):
    """An operation is not exact (or not meaningful) in the requested number domain."""


class CertificateFormatError(ExactRankError, ValueError):
    """A file is not a certificate at all: unreadable, not JSON, wrong format or version, or
    without its claim, tensor or witness (``exactrank verify`` exits 2)."""
