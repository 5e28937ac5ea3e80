"""Shared code for the book *China and Russia: a partnership in five themes*.

Import what you need from the submodules; nothing heavy is imported here so
that ``import sinorussia`` stays fast:

- :mod:`sinorussia.data` — one loader per table in ``data/`` (validated on load)
- :mod:`sinorussia.charts` — the Vega-Altair charts of the chapters
- :mod:`sinorussia.explorers` — the explorers (live ipywidgets in Jupyter, static switchers in the book)
- :mod:`sinorussia.chapter` — the hidden preamble every chapter runs first
- :mod:`sinorussia.rendering` — how chart cells store their output (Vega-Lite, PNG, text)
"""
__version__ = "1.0.0"
