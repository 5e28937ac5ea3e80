"""The facts the book's prose states, by name: one row of ``data/facts.csv`` each.

A chapter writes a number as ``{eval}`facts.energy_deal_value``` instead of typing
it. ``facts.csv`` says where the value lives (table, row, field) and how it reads
(format); :data:`facts` looks it up in the data:

>>> facts.energy_deal_value          # doctest: +SKIP
400

The same lookup serves every reader of the book: in Jupyter the ``{eval}`` role asks
the kernel, which runs this module; in the published book the project's Sphinx
extension (:mod:`sinorussia_book.facts_role`) calls :func:`render` while it builds
the page, so the book needs no kernel to show the number. Self-checks and problem
sets use :func:`value` for the raw value.

Formats (the ``format`` column):

========================  ===============================================
``number``                the stored number, without a trailing ``.0``
``year``                  the year of a date or year field
``date``                  a date at its row's ``precision``: "14 February 1950", "May 2014", "2014"
``month_year``            "May 2014"
``day_month``             "13 June"
``cardinal_word``         6 -> "six"
``ordinal_word``          5 -> "fifth"
``count``                 rows matching the ``row`` query (``*``: all rows), as digits
``count_word``            the same count as a word
``text``                  the field as it is
========================  ===============================================
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from . import data, paths

__all__ = ["Fact", "FactError", "FactSpec", "facts", "render", "specs", "value"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
CARDINALS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
             "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth"]


class FactError(LookupError):
    """A fact that does not resolve: unknown name, missing row or field, bad format."""


@dataclass(frozen=True)
class FactSpec:
    """One row of ``facts.csv``."""

    name: str
    table: str
    row: str
    field: str
    format: str
    description: str
    line: int = 0

    def where(self) -> str:
        return f"data/facts.csv, line {self.line}, fact '{self.name}'"


class Fact(str):
    """A fact's text. Its ``repr`` is the text itself, so Jupyter's ``{eval}`` shows
    ``400``, not ``'400'``."""

    def __repr__(self) -> str:
        return str(self)


@functools.lru_cache(maxsize=4)
def _specs(folder: str) -> dict[str, FactSpec]:
    result: dict[str, FactSpec] = {}
    with (Path(folder) / "facts.csv").open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            spec = FactSpec(line=line, **{k: (v or "").strip() for k, v in row.items()})
            result[spec.name] = spec
    return result


def specs(data_dir=None) -> dict[str, FactSpec]:
    """Every fact of ``facts.csv`` by name."""
    return _specs(str(Path(data_dir) if data_dir else paths.data_dir()))


@functools.lru_cache(maxsize=32)
def _indexed(table: str, folder: str):
    frame = data.load_table(table, folder)
    return frame.set_index(data.primary_key(table, folder), drop=False)


def _number(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def _word(n, words: list[str], spec: FactSpec) -> str:
    try:
        n = float(n)
    except (TypeError, ValueError):
        raise FactError(f"{spec.where()}: {n!r} is not a number, so it has no word in format {spec.format!r}") from None
    if not n.is_integer() or not 0 <= n < len(words):
        raise FactError(f"{spec.where()}: {n:g} has no word in format {spec.format!r}")
    return words[int(n)]


def date_text(stamp, precision: str) -> str:
    """A date as the book writes it, no finer than its precision: "1990s", "2014",
    "February 2022", "2 March 2022"."""
    if precision == "year":
        return str(stamp.year)
    if precision == "decade":
        return f"{stamp.year // 10 * 10}s"
    if precision == "month":
        return f"{MONTHS[stamp.month - 1]} {stamp.year}"
    return f"{stamp.day} {MONTHS[stamp.month - 1]} {stamp.year}"


def value(name: str, data_dir=None):
    """The raw value behind fact ``name`` (a number, a timestamp, a string or a count)."""
    spec = _spec(name, data_dir)
    folder = str(Path(data_dir) if data_dir else paths.data_dir())
    if spec.format in ("count", "count_word"):
        try:
            frame = data.load_table(spec.table, folder)
            return int(len(frame if spec.row == "*" else frame.query(spec.row)))
        except Exception as error:  # a bad query is the fact's error, not the reader's
            raise FactError(f"{spec.where()}: query {spec.row!r} failed on {spec.table}: {error}") from error
    try:
        frame = _indexed(spec.table, folder)
    except KeyError as error:
        raise FactError(f"{spec.where()}: no table {spec.table!r}") from error
    if spec.row not in frame.index:
        raise FactError(f"{spec.where()}: no row {spec.row!r} in {spec.table}")
    if spec.field not in frame.columns:
        raise FactError(f"{spec.where()}: no field {spec.field!r} in {spec.table}")
    result = frame.at[spec.row, spec.field]
    if result is None or (hasattr(result, "__float__") and result != result):  # missing or NaN
        raise FactError(f"{spec.where()}: {spec.table} row {spec.row} has no {spec.field}")
    return result


def _spec(name: str, data_dir=None) -> FactSpec:
    try:
        return specs(data_dir)[name]
    except KeyError:
        raise FactError(f"unknown fact {name!r}: add it to data/facts.csv") from None


def render(name: str, data_dir=None) -> Fact:
    """Fact ``name`` as the prose shows it."""
    spec = _spec(name, data_dir)
    raw = value(name, data_dir)
    fmt = spec.format
    if fmt in ("number", "count"):
        text = _number(raw)
    elif fmt == "year":
        text = str(raw.year) if hasattr(raw, "year") else _number(raw)
    elif fmt in ("date", "month_year", "day_month"):
        if not hasattr(raw, "year"):
            raise FactError(f"{spec.where()}: format {fmt!r} needs a date field, {spec.field!r} is not one")
        if fmt == "date":
            folder = str(Path(data_dir) if data_dir else paths.data_dir())
            row = _indexed(spec.table, folder).loc[spec.row]
            text = date_text(raw, str(row["precision"]) if "precision" in row else "day")
        elif fmt == "month_year":
            text = date_text(raw, "month")
        else:
            text = f"{raw.day} {MONTHS[raw.month - 1]}"
    elif fmt in ("cardinal_word", "count_word"):
        text = _word(raw, CARDINALS, spec)
    elif fmt == "ordinal_word":
        text = _word(raw, ORDINALS, spec)
    elif fmt == "text":
        text = str(raw)
    else:
        raise FactError(f"{spec.where()}: unknown format {fmt!r}; use one of "
                        f"{', '.join(data.categories('facts', 'format', data_dir))}")
    return Fact(text)


class Facts:
    """Attribute access to the facts: ``facts.NAME`` is ``render('NAME')``."""

    def __getattr__(self, name: str) -> Fact:
        if name.startswith("__"):
            raise AttributeError(name)
        return render(name)

    def __dir__(self):
        return sorted(specs())

    def __repr__(self) -> str:
        return f"<{len(specs())} facts from data/facts.csv; facts.NAME gives one>"


#: ``facts.NAME`` -> the fact's text (see the module's docstring).
facts = Facts()
