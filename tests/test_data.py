"""The shipped data validates, every quote is in its seed, and broken data is rejected
with a message that names the file, the line and the field."""
from __future__ import annotations

import csv
import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sinorussia import data
from sinorussia.provenance import normalise, quote_in_seed
from sinorussia.validation import DataValidationError, table_problems, validate_all, validate_table

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "broken"


def test_shipped_data_validates():
    validate_all()


@pytest.mark.parametrize("table", ["events", "figures", "organisations", "memberships", "positions",
                                   "recommendations", "source_notes", "glossary"])
def test_every_quote_occurs_in_its_seed(table):
    frame = pd.read_csv(ROOT / "data" / f"{table}.csv", dtype=str, keep_default_na=False)
    for line, row in enumerate(frame.to_dict("records"), start=2):
        if row["source_type"] == "external":
            assert row["citation"].strip(), f"{table}.csv line {line}: external row without citation"
            continue
        assert quote_in_seed(row["quote"], ROOT / "seeds" / row["seed"]), f"{table}.csv line {line}: {row['quote']!r}"
        if row.get("other_seed"):
            assert quote_in_seed(row["other_quote"], ROOT / "seeds" / row["other_seed"]), f"{table}.csv line {line}"


def test_seed_files_are_unchanged_and_catalogued():
    seeds = data.load_seeds()
    assert len(seeds) == 5
    readme = (ROOT / "data" / "seed_catalogue.md").read_text(encoding="utf-8")
    for row in seeds.itertuples():
        path = ROOT / "seeds" / row.seed
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == row.sha256, f"seeds/{row.seed} changed: its sha256 differs from data/seeds.csv"
        assert digest in readme, f"data/seed_catalogue.md lacks the sha256 of {row.seed}"


CITATION = re.compile(r"^(?P<author>[^.()]{3,}[^()]*)\(?(?P<year>1[89]\d\d|20\d\d|n\.d\.)\)?[.,] (?P<title>.{10,})")


def test_external_rows_are_few_and_fully_cited():
    """External context stays rare, and each external row or note cites author, year and title."""
    frames = [data.load_events(), data.load_figures(), data.load_source_notes()]
    total = sum(len(f) for f in frames)
    external = sum(int((f["source_type"] == "external").sum()) for f in frames)
    assert external <= 0.1 * total
    for table in ("events", "figures", "organisations", "memberships", "positions", "recommendations",
                  "source_notes", "glossary"):
        frame = data.read_table(table)
        for key, citation in zip(frame[data.primary_key(table)], frame["citation"]):
            if citation:
                assert CITATION.match(citation), f"{table}.csv row {key}: citation lacks author, year or title: {citation!r}"


def test_loaders_return_typed_frames():
    events = data.load_events()
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert isinstance(events["precision"].dtype, pd.CategoricalDtype) and events["precision"].cat.ordered
    assert all(isinstance(t, list) and t for t in events["themes"])
    figures = data.load_figures()
    assert pd.api.types.is_float_dtype(figures["value"])
    assert str(figures["reference_year"].dtype) == "Int64"
    positions = data.load_positions()
    assert positions["score"].between(-2, 2).all()
    assert set(positions["question_id"]) <= set(data.load_questions()["question_id"])


def test_quote_matching_normalises_layout():
    seed = ROOT / "seeds" / "002_18acb9a6281ccb69.txt"
    # a passage broken across lines with a hyphen ("anti-\n\ndollar") and curly quotes
    assert quote_in_seed('what observers call an "anti-dollar strategy"', seed)
    assert quote_in_seed("the relationship between   Russia and China\nhas become increasingly pragmatic", seed)
    assert not quote_in_seed("the relationship between Russia and China has become hostile", seed)
    assert normalise("“x”\u00a0—  y") == '"x" - y'


# --- deliberately broken data -------------------------------------------------------
# Each fixture replaces one table; the expected text names the file, the line and the field.
BROKEN = [
    ("wrong_type.csv", "figures", "figures.csv, line 3, field 'value'", "Type Error"),
    ("missing_required.csv", "events", "events.csv, line 3, field 'title'", "required"),
    ("unknown_seed.csv", "events", "events.csv, line 2, field 'seed'", "999_0000000000000000.txt"),
    ("duplicate_key.csv", "events", "events.csv, line 3, field 'event_id'", "PrimaryKey Error"),
    ("unknown_theme.csv", "events", "events.csv, line 2, field 'themes'", "pattern"),
    ("quote_not_found.csv", "figures", "figures.csv, line 2, field 'quote'", "quote not found"),
    ("external_without_citation.csv", "events", "events.csv, line 2, field 'citation'", "needs a full citation"),
    ("bad_stance.csv", "positions", "positions.csv, line 2, field 'stance'", "enum"),
    ("malformed_row.csv", "events", "events.csv, line 3, field '(row)'", "Extra Cell"),
]


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    return target


@pytest.mark.parametrize("fixture,table,where,what", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_fixture_is_rejected_with_location(data_copy, fixture, table, where, what):
    shutil.copyfile(FIXTURES / fixture, data_copy / f"{table}.csv")
    with pytest.raises(DataValidationError) as info:
        validate_table(table, data_copy)
    message = str(info.value)
    assert f"data/{where}" in message, message
    assert what in message, message


def test_loader_refuses_broken_data(data_copy):
    shutil.copyfile(FIXTURES / "wrong_type.csv", data_copy / "figures.csv")
    with pytest.raises(data.DataTypeError, match=r"data/figures.csv, line 3, field 'value': 'ten' is not of type number"):
        data.load_figures(data_dir=data_copy)


def test_loader_names_a_row_with_an_unquoted_comma(data_copy):
    """A quote with a comma but no double quotes shifts the row's fields: the loader names the line."""
    lines = (data_copy / "events.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3] + ",an extra field"
    (data_copy / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataTypeError, match=r"data/events.csv, line 4: 12 fields where the header has 11"):
        data.load_events(data_dir=data_copy)


def test_no_row_is_lost(data_copy):
    """The loaders return every row of the CSV, including rows with empty optional cells."""
    for name, loader in [("events", data.load_events), ("figures", data.load_figures),
                         ("recommendations", data.load_recommendations), ("glossary", data.load_glossary)]:
        with (data_copy / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        key = data.primary_key(name, data_copy)
        loaded = loader(data_dir=data_copy)
        assert sorted(loaded[key]) == sorted(row[key] for row in rows), name
        for row in rows:  # no cell is lost either: every non-empty cell is still there
            got = loaded.set_index(key).loc[row[key]]
            for field, cell in row.items():
                if cell and field != key:
                    assert got[field] is not None and str(got[field]) != "nan", f"{name}.csv row {row[key]}: {field} lost"


def test_all_problems_reported_at_once(data_copy):
    shutil.copyfile(FIXTURES / "wrong_type.csv", data_copy / "figures.csv")
    shutil.copyfile(FIXTURES / "unknown_theme.csv", data_copy / "events.csv")
    with pytest.raises(DataValidationError) as info:
        validate_all(data_copy)
    assert len(info.value.problems) >= 2


@pytest.mark.parametrize("line,problem", [
    ("energy_bad,figures,F99,value,number,a row that does not exist", "no row 'F99' in figures"),
    ("energy_bad,figures,F07,nothing,number,a field that does not exist", "no field 'nothing' in figures"),
    ("energy_bad,figures,F07,indicator,ordinal_word,text as a word", "has no word"),
    ("energy_bad,events,this is not a query,*,count,a broken query", "query 'this is not a query' failed"),
])
def test_broken_fact_is_rejected_with_location(data_copy, line, problem):
    with (data_copy / "facts.csv").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    with pytest.raises(DataValidationError) as info:
        validate_table("facts", data_copy)
    message = str(info.value)
    assert "data/facts.csv, line" in message and "energy_bad" in message and problem in message, message


def test_the_data_appendix_shows_every_table_description_whole():
    """A DataFrame's display cut the descriptions at 50 characters, hiding caveats such as the
    positions table's "the book's reading, not the authors' words" (reading 32-B)."""
    import html
    import json as _json

    from sinorussia.data import show_table_overview

    shown = show_table_overview()
    page, text = shown._repr_html_(), repr(shown)
    package = _json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert html.escape(resource["description"], quote=False) in page, resource["path"]
        assert resource["description"] in text, resource["path"]
    cells = _json.loads((ROOT / "appendix" / "data.ipynb").read_text(encoding="utf-8"))["cells"]
    assert any("".join(c["source"]).strip() == "show_table_overview()" for c in cells if c["cell_type"] == "code")
