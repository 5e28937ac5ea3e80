"""The book's Sphinx side: extensions that Jupyter Book loads (``_config.yml``,
``sphinx: extra_extensions``) and the pages generated from ``data/``.

- :mod:`sinorussia_book.offline` — every script, stylesheet and font served locally;
- :mod:`sinorussia_book.facts_role` — ``{eval}`facts.NAME``` rendered from ``data/facts.csv``
  while the book builds (no kernel needed);
- :mod:`sinorussia_book.pages` — pages generated from ``data/`` (the glossary).

Chapters never import this package; they import :mod:`sinorussia`.
"""
