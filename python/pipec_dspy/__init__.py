"""The Python side of pipec's DSPy back-end: the helpers every generated program shares
(`support`, copied into each project as `pipec_support.py`)."""

from pipec_dspy import support

__all__ = ["support"]
