"""Metrics against ground truth. Importing the package registers every evaluation section."""

from eslabon.evaluate import network as _network  # noqa: F401
from eslabon.evaluate import reach as _reach  # noqa: F401
from eslabon.evaluate import resolution as _resolution  # noqa: F401
from eslabon.evaluate.registry import SECTIONS, evaluate, section

__all__ = ["SECTIONS", "evaluate", "section"]
