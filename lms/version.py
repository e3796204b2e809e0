"""The released version of FDS Academy (shown by /healthz)."""

__version__ = "0.1.0"
