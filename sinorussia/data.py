"""Loaders for the curated tables in ``data/``: one function per table.

``data/datapackage.json`` is the single source of the tables' types, allowed values
and labels: :func:`read_table` derives every column's dtype from it (integers as
nullable ``Int64``, numbers as floats, dates as datetimes, fields with
``categories`` as categoricals, ordered where the schema says so). Nothing here
repeats the schema.

The tables are validated once per build and once per test session
(``python -m sinorussia.validation``), not on every load: a chapter's kernel reads
the CSV files and nothing else.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pandas as pd

from . import paths


@functools.lru_cache(maxsize=8)
def _schema_cached(folder: str) -> dict:
    package = json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))
    return {resource["name"]: resource for resource in package["resources"]}


def schema(name: str, data_dir=None) -> dict:
    """The data package's resource ``name`` (path, title, description, schema)."""
    return _schema_cached(str(Path(data_dir) if data_dir else paths.data_dir()))[name]


def field_spec(table: str, field: str, data_dir=None) -> dict:
    """One field's schema, e.g. ``field_spec('figures', 'theme')``."""
    for spec in schema(table, data_dir)["schema"]["fields"]:
        if spec["name"] == field:
            return spec
    raise KeyError(f"no field {field!r} in table {table!r}")


def categories(table: str, field: str, data_dir=None) -> list[str]:
    """The allowed values of a categorical field, in the schema's order."""
    spec = field_spec(table, field, data_dir)
    cats = spec.get("categories") or spec.get("constraints", {}).get("enum", [])
    return [c["value"] if isinstance(c, dict) else c for c in cats]


def category_labels(table: str, field: str, data_dir=None) -> dict[str, str]:
    """Readable labels of a categorical field's values (the value itself when the schema has none)."""
    spec = field_spec(table, field, data_dir)
    cats = spec.get("categories") or spec.get("constraints", {}).get("enum", [])
    return {c["value"]: c.get("label", c["value"]) if isinstance(c, dict) else c for c in cats}


def primary_key(table: str, data_dir=None) -> str:
    """The name of a table's (single-field) primary key, e.g. ``'figure_id'``."""
    key = schema(table, data_dir)["schema"]["primaryKey"]
    return key[0] if isinstance(key, list) else key


def _typed(frame: pd.DataFrame, spec: dict) -> pd.Series:
    column = frame[spec["name"]]
    kind = spec["type"]
    if "categories" in spec or spec.get("constraints", {}).get("enum"):
        cats = [c["value"] if isinstance(c, dict) else c for c in spec.get("categories") or spec["constraints"]["enum"]]
        return pd.Categorical(column, categories=cats, ordered=bool(spec.get("categoriesOrdered")))
    if kind == "integer":
        return pd.array(pd.to_numeric(column), dtype="Int64")
    if kind == "number":
        return pd.to_numeric(column).astype(float)
    if kind == "date":
        return pd.to_datetime(column, format="%Y-%m-%d")
    return column


def read_table(name: str, data_dir=None) -> pd.DataFrame:
    """Table ``name`` of the data package with every column typed from the schema."""
    folder = Path(data_dir) if data_dir else paths.data_dir()
    resource = schema(name, folder)
    frame = _read_csv(folder / resource["path"], f"{folder.name}/{resource['path']}")
    for spec in resource["schema"]["fields"]:
        try:
            frame[spec["name"]] = _typed(frame, spec)
        except (ValueError, TypeError) as error:
            raise DataTypeError(_bad_cell(frame, spec, resource["path"], folder)) from error
    return frame


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    """The CSV at ``path`` as strings; a row with the wrong number of fields is named, not a parser traceback."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None})
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if not found:
            raise DataTypeError(f"{name}: not a readable CSV ({error})") from error
        expected, line, saw = found.groups()
        raise DataTypeError(f"{name}, line {line}: {saw} fields where the header has {expected}; a cell that contains "
                            "a comma must be in double quotes") from error


class DataTypeError(ValueError):
    """A cell that does not have its schema's type (the tables were not validated)."""


def _bad_cell(frame: pd.DataFrame, spec: dict, path: str, folder: Path) -> str:
    """Name the first cell of ``spec``'s column that cannot take the schema's type."""
    for i, cell in enumerate(frame[spec["name"]]):
        try:
            _typed(frame.iloc[[i]], spec)
        except (ValueError, TypeError):
            return (f"{folder.name}/{path}, line {i + 2}, field '{spec['name']}': {cell!r} is not of type "
                    f"{spec['type']}; run `python -m sinorussia.validation` for every problem")
    return f"{folder.name}/{path}, field '{spec['name']}': values do not fit type {spec['type']}"


def themes(data_dir=None) -> list[str]:
    """The book's themes in reading order (from the schema of ``figures.theme``)."""
    return categories("figures", "theme", data_dir)


def theme_labels(data_dir=None) -> dict[str, str]:
    """Readable theme names, e.g. ``{'eu_policy': 'EU policy', …}``."""
    return category_labels("figures", "theme", data_dir)


def stance_scores(data_dir=None) -> dict[str, int]:
    """Each stance's score from -2 ('no') to +2 ('yes'), from the schema's ordered categories."""
    stances = categories("positions", "stance", data_dir)
    middle = len(stances) // 2
    return {stance: i - middle for i, stance in enumerate(stances)}


def _split(series: pd.Series) -> pd.Series:
    return series.fillna("").map(lambda text: [part.strip() for part in text.split(";") if part.strip()])


def seed_labels(data_dir=None) -> dict[str, str]:
    """Map each seed id (file name) to its short label, e.g. ``'Tafuro Ambrosetti 2019'``."""
    seeds = read_table("seeds", data_dir)
    return dict(zip(seeds["seed"], seeds["short_name"]))


def _with_seed_labels(frame: pd.DataFrame, data_dir, column="seed") -> pd.DataFrame:
    frame["source"] = frame[column].map(seed_labels(data_dir)).fillna("external source")
    return frame


def _with_seed_year(frame: pd.DataFrame, data_dir) -> pd.DataFrame:
    seeds = read_table("seeds", data_dir).set_index("seed")["year"]
    frame["year"] = frame["seed"].map(seeds).astype(int)
    return frame


def load_seeds(data_dir=None) -> pd.DataFrame:
    """The catalogue of seed articles, one row per seed file."""
    frame = read_table("seeds", data_dir)
    frame["year"] = frame["year"].astype(int)
    return frame


def load_events(data_dir=None) -> pd.DataFrame:
    """Dated events, sorted by date: ``themes`` and ``actors`` as lists, ``theme`` the
    first (main) theme, ``source`` a readable seed label."""
    frame = read_table("events", data_dir)
    frame["themes"] = _split(frame["themes"])
    frame["actors"] = _split(frame["actors"])
    frame["theme"] = pd.Categorical(frame["themes"].str[0], categories=themes(data_dir))
    frame = _with_seed_labels(frame, data_dir)
    return frame.sort_values(["date", "event_id"]).reset_index(drop=True)


def load_figures(data_dir=None) -> pd.DataFrame:
    """Numbers from the seeds, with their unit, reference year and caveat."""
    return _with_seed_labels(read_table("figures", data_dir), data_dir)


def load_organisations(data_dir=None) -> pd.DataFrame:
    """Organisations and initiatives."""
    return _with_seed_labels(read_table("organisations", data_dir), data_dir)


def load_memberships(data_dir=None) -> pd.DataFrame:
    """Who joined which organisation, in which role and when."""
    frame = read_table("memberships", data_dir)
    frame["joined_year"] = frame["joined_year"].astype(int)
    return _with_seed_labels(frame, data_dir)


def load_questions(data_dir=None) -> pd.DataFrame:
    """The questions on which the seeds' positions are recorded."""
    return read_table("questions", data_dir)


def load_positions(data_dir=None) -> pd.DataFrame:
    """Each seed's stance per question, with a numeric ``score`` (-2 to +2), the
    question text and the seed's ``year``."""
    frame = read_table("positions", data_dir)
    frame["score"] = frame["stance"].map(stance_scores(data_dir)).astype(int)
    questions = load_questions(data_dir).set_index("question_id")["question"]
    frame["question"] = frame["question_id"].map(questions)
    return _with_seed_labels(_with_seed_year(frame, data_dir), data_dir)


def load_recommendations(data_dir=None) -> pd.DataFrame:
    """Policy recommendations with their engagement score and the seed's ``year``."""
    frame = read_table("recommendations", data_dir)
    frame["engagement_score"] = frame["engagement_score"].astype(int)
    return _with_seed_labels(_with_seed_year(frame, data_dir), data_dir)


def load_source_notes(data_dir=None) -> pd.DataFrame:
    """Places where the seeds disagree, err or are ambiguous, with readable labels
    for both seeds (``source`` and ``other_source``)."""
    frame = _with_seed_labels(read_table("source_notes", data_dir), data_dir)
    frame["other_source"] = frame["other_seed"].map(seed_labels(data_dir))
    return frame


def load_glossary(data_dir=None) -> pd.DataFrame:
    """Glossary terms with definitions, sorted alphabetically (case-insensitive)."""
    frame = _with_seed_labels(read_table("glossary", data_dir), data_dir)
    return frame.sort_values("term", key=lambda s: s.str.lower()).reset_index(drop=True)


def load_table(name: str, data_dir=None) -> pd.DataFrame:
    """Any table by name, through its loader when it has one."""
    loader = globals().get(f"load_{name}")
    return loader(data_dir) if loader else read_table(name, data_dir)


def table_overview(data_dir=None) -> pd.DataFrame:
    """One row per table of the data package: title, number of rows, rows from outside
    the seeds, and the description from ``datapackage.json``."""
    folder = Path(data_dir) if data_dir else paths.data_dir()
    rows = []
    for name, resource in _schema_cached(str(folder)).items():
        frame = pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False)
        external = int((frame["source_type"] == "external").sum()) if "source_type" in frame else 0
        rows.append({"file": resource["path"], "table": resource["title"], "rows": len(frame),
                     "external rows": external, "what it holds": resource["description"]})
    return pd.DataFrame(rows).set_index("file")


class TableOverview:
    """The overview as the data appendix shows it: every description whole. (A DataFrame's
    own display cuts text at 50 characters, which hid the caveats at the end of several
    descriptions, such as the positions table's "the book's reading, not the authors' words".)"""

    def __init__(self, data_dir=None):
        self.frame = table_overview(data_dir)

    def _repr_html_(self) -> str:
        """One entry per table (a list, not a wide table, so a phone shows every description)."""
        from html import escape

        items = []
        for name, row in self.frame.iterrows():
            outside = f", {row['external rows']} from outside the seeds" if row["external rows"] else ""
            items.append(f"<dt><code>{escape(name)}</code>: {escape(row['table'])} ({row['rows']} rows{outside})</dt>"
                         f"<dd>{escape(row['what it holds'], quote=False)}</dd>")
        # the page's own colours (the output area keeps a light background in the book's dark mode)
        style = ("background: var(--pst-color-background, transparent); color: var(--pst-color-text-base, inherit); "
                 "padding: 0.5em 0.75em; margin: 0")
        return f'<dl class="sr-table-overview" style="{style}">{"".join(items)}</dl>'

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", None, "display.width", 10_000):
            return self.frame.to_string()


def show_table_overview(data_dir=None) -> TableOverview:
    """The table overview for display in a notebook, with no description cut short."""
    return TableOverview(data_dir)
