"""The hidden first cell of every chapter: ``from sinorussia.chapter import *``.

It gives a chapter exactly the names listed in ``__all__``: the book's tables, already
loaded (``events``, ``figures``, …), the loaders, the facts its prose states
(``facts.NAME``, used by ``{eval}`` roles), the chart and explorer modules and the
self-check function. Importing it changes no global setting other than Altair's
renderer for this kernel (see :mod:`sinorussia.rendering`).

If the tables cannot be found (a notebook opened outside the book's folder), the
import stops with one sentence saying what to do, not a traceback.
"""
from __future__ import annotations

from . import charts, explorers
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
from .paths import DataNotFoundError
from .selfcheck import check
from .explorers import (
    CountryExplorer, EventExplorer, FigureExplorer, PositionsExplorer, RecommendationExplorer, SwapConverter,
)

try:
    events, figures, organisations, memberships = load_events(), load_figures(), load_organisations(), load_memberships()
    positions, recommendations, source_notes, seeds = (load_positions(), load_recommendations(), load_source_notes(),
                                                       load_seeds())
except DataNotFoundError as error:
    raise SystemExit(f"The book's tables were not found. {error}") from None

__all__ = [
    "events", "figures", "organisations", "memberships", "positions", "recommendations", "source_notes", "seeds",
    "charts", "explorers", "facts", "check",
    "load_events", "load_figures", "load_glossary", "load_memberships", "load_organisations", "load_positions",
    "load_questions", "load_recommendations", "load_seeds", "load_source_notes", "seed_labels", "theme_labels",
    "CountryExplorer", "EventExplorer", "FigureExplorer", "PositionsExplorer", "RecommendationExplorer",
    "SwapConverter",
]
