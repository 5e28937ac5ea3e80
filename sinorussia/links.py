"""Where each data row's passage is shown: its anchor on the seed's reader page.

Every row of every table has one anchor, its id (``F07``, ``E10``, ``P05``, ``sco``…),
on the reader page of the seed it quotes, ``appendix/sources/<bibkey>.html``; rows
from outside the seeds are listed with their citation on
``appendix/sources/external.html``. A seed's own numbered note ``n`` has the anchor
``note-<n>`` on its seed's page (written ``<bibkey>/note-<n>`` in evidence markers).

Charts, explorers, evidence markers, source notes and the data appendix all link
through :func:`passage_url`, so the scheme lives here once.
"""
from __future__ import annotations

import functools
from pathlib import Path

from . import data, paths

__all__ = ["EXTERNAL_PAGE", "READER_DIR", "passage_url", "row_index", "RowRef"]

READER_DIR = "appendix/sources"
EXTERNAL_PAGE = "external"
#: tables whose rows have anchors (every table with a ``seed`` column)
TABLES = ("events", "figures", "organisations", "memberships", "positions", "recommendations", "source_notes",
          "glossary")


class RowRef(tuple):
    """``(table, row_id, seed_file_or_None, bibkey_or_None)`` of one data row."""

    table = property(lambda self: self[0])
    row_id = property(lambda self: self[1])
    seed = property(lambda self: self[2])
    bibkey = property(lambda self: self[3])

    @property
    def page(self) -> str:
        """The reader page (no suffix) relative to the book's root."""
        return f"{READER_DIR}/{self.bibkey or EXTERNAL_PAGE}"


@functools.lru_cache(maxsize=4)
def _bibkeys(folder: str) -> dict[str, str]:
    """Seed file -> bibliography key (the name of its reader page)."""
    seeds = data.read_table("seeds", folder)
    return dict(zip(seeds["seed"], seeds["bibkey"]))


@functools.lru_cache(maxsize=4)
def _index(folder: str) -> dict[str, RowRef]:
    bibkeys = _bibkeys(folder)
    index: dict[str, RowRef] = {}
    for table in TABLES:
        frame = data.read_table(table, folder)
        key = data.primary_key(table, folder)
        for row_id, seed in zip(frame[key], frame["seed"]):
            if row_id in index:
                raise ValueError(f"row id {row_id!r} is used by {index[row_id].table} and {table}: ids must be unique")
            index[row_id] = RowRef((table, row_id, seed, bibkeys.get(seed)))
    return index


def row_index(data_dir=None) -> dict[str, RowRef]:
    """Every anchored row by id."""
    return _index(str(Path(data_dir) if data_dir else paths.data_dir()))


def passage_url(ref: str, root: str = "../", data_dir=None) -> str:
    """The link to a row's passage (``'F07'``), a seed's note (``'fragile2019/note-3'``) or a
    seed's reference (its file name)
    from a page ``root`` away from the book's root (``'../'`` for a chapter)."""
    if "/note-" in ref:
        bibkey, note = ref.split("/", 1)
        return f"{root}{READER_DIR}/{bibkey}.html#{note}"
    bibkeys = _bibkeys(str(Path(data_dir) if data_dir else paths.data_dir()))
    if ref in bibkeys:  # a whole seed: its reference at the top of its reader page
        return f"{root}{READER_DIR}/{bibkeys[ref]}.html#reference"
    try:
        row = row_index(data_dir)[ref]
    except KeyError:
        raise KeyError(f"no data row with id {ref!r}") from None
    return f"{root}{row.page}.html#{row.row_id}"
