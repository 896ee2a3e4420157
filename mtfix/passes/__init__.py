"""Passes: each a small named unit with the same shape (see :class:`mtfix.passes.base.Pass`)."""

from mtfix.passes.base import Pass
from mtfix.passes.glossary import GlossaryPass

__all__ = ["GlossaryPass", "Pass"]
