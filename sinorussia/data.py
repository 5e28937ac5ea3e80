"""Loaders for the curated tables in ``data/``: one function per table.

Each loader validates its table (schema, keys and quotes; see
:mod:`sinorussia.validation`) and returns a typed :class:`pandas.DataFrame`:
dates parsed, numbers numeric, categories as ordered or unordered categoricals,
``;``-separated lists split into Python lists. Notebooks call these functions
and never read the CSV files themselves.

Validation results are cached per file content, so a notebook that loads the
same table twice pays for the check once.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pandas as pd

from .paths import DATA_DIR, SEEDS_DIR
from .validation import validate_table

THEMES = ["history", "energy", "dedollarization", "central_asia", "eu_policy", "security"]
THEME_LABELS = {
    "history": "History",
    "energy": "Energy",
    "dedollarization": "De-dollarization",
    "central_asia": "Central Asia",
    "eu_policy": "EU policy",
    "security": "Security & technology",
}
STANCES = ["no", "leans no", "mixed", "leans yes", "yes"]
STANCE_SCORES = {stance: score for score, stance in enumerate(STANCES, start=-2)}
PRECISIONS = ["day", "month", "year", "decade"]


def _digest(data_dir: Path, name: str) -> str:
    h = hashlib.sha256()
    for path in sorted(data_dir.glob("*.csv")) + [data_dir / "datapackage.json"]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=64)
def _validated(data_dir: str, seeds_dir: str, name: str, digest: str) -> None:
    validate_table(name, data_dir, seeds_dir)


def _read(name: str, data_dir, seeds_dir, **read_kwargs) -> pd.DataFrame:
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    seeds_dir = Path(seeds_dir) if seeds_dir else SEEDS_DIR
    _validated(str(data_dir), str(seeds_dir), name, _digest(data_dir, name))
    frame = pd.read_csv(data_dir / f"{name}.csv", dtype=str, keep_default_na=False, **read_kwargs)
    return frame.replace({"": None})


def _category(series: pd.Series, categories=None, ordered=False) -> pd.Series:
    return pd.Categorical(series, categories=categories, ordered=ordered) if categories else series.astype("category")


def _split(series: pd.Series) -> pd.Series:
    return series.fillna("").map(lambda text: [part.strip() for part in text.split(";") if part.strip()])


def load_seeds(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """The catalogue of seed articles, one row per seed file, with its year as an integer."""
    frame = _read("seeds", data_dir, seeds_dir)
    frame["year"] = frame["year"].astype(int)
    return frame


def seed_labels(data_dir=None, seeds_dir=None) -> dict[str, str]:
    """Map each seed id (file name) to its short label, e.g. ``'Tafuro Ambrosetti 2019'``."""
    seeds = load_seeds(data_dir, seeds_dir)
    return dict(zip(seeds["seed"], seeds["short_name"]))


def _with_seed_labels(frame: pd.DataFrame, data_dir, seeds_dir, column="seed") -> pd.DataFrame:
    labels = seed_labels(data_dir, seeds_dir)
    frame["source"] = frame[column].map(labels).fillna("external source")
    return frame


def load_events(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Dated events: ``date`` as datetime, ``precision`` as an ordered category,
    ``themes`` and ``actors`` as lists, ``theme`` the first (main) theme, ``source`` a readable seed label."""
    frame = _read("events", data_dir, seeds_dir)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    frame["precision"] = _category(frame["precision"], PRECISIONS, ordered=True)
    frame["themes"] = _split(frame["themes"])
    frame["actors"] = _split(frame["actors"])
    frame["theme"] = _category(frame["themes"].str[0], THEMES)
    frame = _with_seed_labels(frame, data_dir, seeds_dir)
    return frame.sort_values(["date", "event_id"]).reset_index(drop=True)


def load_figures(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Numbers from the seeds: ``value`` as float, ``reference_year`` as nullable integer."""
    frame = _read("figures", data_dir, seeds_dir)
    frame["value"] = frame["value"].astype(float)
    frame["reference_year"] = pd.array(pd.to_numeric(frame["reference_year"]), dtype="Int64")
    frame["theme"] = _category(frame["theme"], THEMES)
    frame["qualifier"] = frame["qualifier"].astype("category")
    return _with_seed_labels(frame, data_dir, seeds_dir)


def load_organisations(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Organisations and initiatives, with ``founded_year`` as nullable integer."""
    frame = _read("organisations", data_dir, seeds_dir)
    frame["founded_year"] = pd.array(pd.to_numeric(frame["founded_year"]), dtype="Int64")
    frame["kind"] = frame["kind"].astype("category")
    return _with_seed_labels(frame, data_dir, seeds_dir)


def load_memberships(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Who joined which organisation and when (``joined_year`` as integer)."""
    frame = _read("memberships", data_dir, seeds_dir)
    frame["joined_year"] = frame["joined_year"].astype(int)
    frame["role"] = frame["role"].astype("category")
    return _with_seed_labels(frame, data_dir, seeds_dir)


def load_questions(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """The questions on which the seeds' positions are recorded."""
    return _read("questions", data_dir, seeds_dir)


def load_positions(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Each seed's stance per question, with ``stance`` ordered from 'no' to 'yes',
    a numeric ``score`` (-2 to +2), the question text and the seed's ``year``."""
    frame = _read("positions", data_dir, seeds_dir)
    frame["stance"] = _category(frame["stance"], STANCES, ordered=True)
    frame["score"] = frame["stance"].map(STANCE_SCORES).astype(int)
    questions = load_questions(data_dir, seeds_dir).set_index("question_id")["question"]
    frame["question"] = frame["question_id"].map(questions)
    seeds = load_seeds(data_dir, seeds_dir).set_index("seed")["year"]
    frame["year"] = frame["seed"].map(seeds).astype(int)
    return _with_seed_labels(frame, data_dir, seeds_dir)


def load_recommendations(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Policy recommendations with ``engagement_score`` as integer and the seed's ``year``."""
    frame = _read("recommendations", data_dir, seeds_dir)
    frame["engagement_score"] = frame["engagement_score"].astype(int)
    frame["instrument"] = frame["instrument"].astype("category")
    seeds = load_seeds(data_dir, seeds_dir).set_index("seed")["year"]
    frame["year"] = frame["seed"].map(seeds).astype(int)
    return _with_seed_labels(frame, data_dir, seeds_dir)


def load_source_notes(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Places where the seeds disagree, err or are ambiguous, with readable labels
    for both seeds (``source`` and ``other_source``)."""
    frame = _read("source_notes", data_dir, seeds_dir)
    frame["kind"] = frame["kind"].astype("category")
    frame = _with_seed_labels(frame, data_dir, seeds_dir)
    frame["other_source"] = frame["other_seed"].map(seed_labels(data_dir, seeds_dir))
    return frame


def load_glossary(data_dir=None, seeds_dir=None) -> pd.DataFrame:
    """Glossary terms with definitions, sorted alphabetically (case-insensitive)."""
    frame = _read("glossary", data_dir, seeds_dir)
    frame["theme"] = _category(frame["theme"], THEMES)
    frame = _with_seed_labels(frame, data_dir, seeds_dir)
    return frame.sort_values("term", key=lambda s: s.str.lower()).reset_index(drop=True)


def table_overview(data_dir=None) -> pd.DataFrame:
    """One row per table of the data package: title, number of rows, rows from outside
    the seeds, and the description from ``datapackage.json``."""
    import json

    data_dir = Path(data_dir) if data_dir else DATA_DIR
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    rows = []
    for resource in package["resources"]:
        frame = pd.read_csv(data_dir / resource["path"], dtype=str, keep_default_na=False)
        external = int((frame["source_type"] == "external").sum()) if "source_type" in frame else 0
        rows.append({"file": resource["path"], "table": resource["title"], "rows": len(frame),
                     "external rows": external, "what it holds": resource["description"]})
    return pd.DataFrame(rows).set_index("file")
