"""The hidden first cell of every chapter: ``from sinorussia.chapter import *``.

It gives a chapter exactly the names listed in ``__all__``: the loaders, the facts
its prose states (``facts.NAME``, used by ``{eval}`` roles), the chart and explorer
modules and the self-check function. Importing it changes no global setting other
than Altair's renderer for this kernel (see :mod:`sinorussia.rendering`).
"""
from __future__ import annotations

from . import charts, widgets
from . import rendering as _renderer  # noqa: F401  (sets the chart renderer)
from .data import (
    load_events,
    load_figures,
    load_glossary,
    load_memberships,
    load_organisations,
    load_positions,
    load_questions,
    load_recommendations,
    load_seeds,
    load_source_notes,
    seed_labels,
    theme_labels,
)
from .facts import facts
from .rendering import glue
from .selfcheck import check
from .widgets import (
    CountryExplorer, EventExplorer, FigureExplorer, PositionsExplorer, RecommendationExplorer, SwapConverter,
)

__all__ = [
    "charts", "widgets", "facts", "check", "glue",
    "load_events", "load_figures", "load_glossary", "load_memberships", "load_organisations", "load_positions",
    "load_questions", "load_recommendations", "load_seeds", "load_source_notes", "seed_labels", "theme_labels",
    "CountryExplorer", "EventExplorer", "FigureExplorer", "PositionsExplorer", "RecommendationExplorer",
    "SwapConverter",
]
