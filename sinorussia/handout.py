"""Feedback for students working on a problem set, and the chart reading shared with the grader.

The handouts are made from the masters by the instructor (``sinorussia-grade handouts``),
which stores in each student notebook's metadata, for every auto-graded question, *what*
is checked and *hashes* of the accepted answers (a hash of a canonical form, as nbgrader's
hashed answers do), computed from ``data/`` by :mod:`sinorussia_grade.answers`. The
expected values themselves are not in the handout. The handout's first cell is

    from sinorussia.handout import Notebook
    grader = Notebook("history.ipynb")

and ``grader.check("q1_first_seed_year")`` compares the student's variable with those
hashes, so a wrong answer is never reported as right, and says in plain language what
was checked and, when it can tell, what is wrong ("your count includes events that no
seed reports"). Official scores come from the instructor's sandboxed grader, which uses
the same definitions. Creating the ``Notebook`` also turns on the book's chart renderer,
so a student's own Altair chart draws offline (a PNG drawn by vl-convert, plus the spec).

Charts are judged by what they draw: :func:`chart_views` evaluates a chart's transforms
with Altair's ``transformed_data()`` (VegaFusion) and :func:`drawn` reads, from each view's
evaluated rows, the values each channel encodes. The grader runs the same functions on the
spec the sandbox exported; nothing of the student's code runs there.
"""
from __future__ import annotations

import hashlib
import html
import inspect
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Notebook", "canonical", "digest", "chart_views", "drawn", "View"]

METADATA_KEY = "sinorussia"


# --- canonical forms and hashes ---------------------------------------------------------------

def _number(x: float) -> str:
    value = round(float(x), 6)
    return repr(0.0 if value == 0 else value)


def plain(value: Any, depth: int = 0) -> Any:
    """``value`` with numpy/pandas scalars, strings, arrays, Series and Timestamps made plain Python."""
    if depth > 30:
        raise ValueError("nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, str):
            return str(value)
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        return value
    kind = type(value).__module__.split(".")[0]
    if kind == "numpy":
        if hasattr(value, "tolist"):
            return plain(value.tolist(), depth + 1)
        return plain(value.item(), depth + 1)
    if kind == "pandas":
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
        if isinstance(value, pd.Series):
            return {plain(k, depth + 1): plain(v, depth + 1) for k, v in value.items()}
        if isinstance(value, pd.Index):
            return [plain(v, depth + 1) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {plain(k, depth + 1): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v, depth + 1) for v in value), key=canonical)
    return value


def canonical(value: Any) -> str:
    """One string per answer: numbers to six decimals (int and float alike), mappings by sorted key."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return json.dumps(repr(value))
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted((canonical(k), canonical(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    return json.dumps(f"<{type(value).__name__}>")


def digest(salt: str, value: Any) -> str:
    """The hash of a canonical answer, salted with the question's name."""
    return hashlib.sha256(f"{salt}\n{canonical(value)}".encode("utf-8")).hexdigest()


def without_zeros(mapping: dict) -> dict:
    """A per-bin mapping without its empty (zero) bins: zero-filled and sparse answers agree."""
    return {k: v for k, v in mapping.items() if not (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0)}


# --- charts: what each view draws ---------------------------------------------------------------

@dataclass
class View:
    """One drawn view of a chart: its mark, its encoding (channel -> definition) and the rows it draws."""

    mark: str
    encoding: dict
    rows: Any  # a pandas DataFrame (after the chart's transforms), or None
    title: Any = None


class ChartError(ValueError):
    """The chart cannot be read (plain-language message for the student)."""


class ChartEngineError(RuntimeError):
    """The evaluation engine failed on a chart it should read (the grader's problem, not the student's)."""


FACET_CHANNELS = ("row", "column", "facet")


def _reads_files(spec: Any, depth: int = 0) -> bool:
    """Whether any data source of the spec is a URL or a generator (never read in the grader)."""
    if depth > 60:
        return True
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and ("url" in data or "sequence" in data):
            return True
        return any(_reads_files(v, depth + 1) for v in spec.values())
    if isinstance(spec, list):
        return any(_reads_files(v, depth + 1) for v in spec)
    return False


def _has_data(spec: Any, depth: int = 0) -> bool:
    """Whether the chart, or any of its views, is given data."""
    if depth > 60 or not isinstance(spec, (dict, list)):
        return False
    if isinstance(spec, list):
        return any(_has_data(v, depth + 1) for v in spec)
    if isinstance(spec.get("data"), dict) or spec.get("datasets"):
        return True
    return any(_has_data(spec.get(k), depth + 1) for k in ("layer", "hconcat", "vconcat", "concat", "spec"))


def _mark_type(spec: dict) -> str:
    mark = spec.get("mark")
    return str(mark.get("type")) if isinstance(mark, dict) else str(mark or "")


def _leaf_specs(spec: dict, facet: dict | None = None) -> list[tuple[dict, dict | None]]:
    """The unit specs of a chart in the order ``transformed_data()`` returns their data."""
    for key in ("layer", "hconcat", "vconcat", "concat"):
        if isinstance(spec.get(key), list):
            leaves = []
            for sub in spec[key]:
                leaves += _leaf_specs(sub, facet)
            return leaves
    if isinstance(spec.get("spec"), dict) and "facet" in spec:
        return _leaf_specs(spec["spec"], spec["facet"])
    return [(spec, facet)]


def chart_views(spec: dict, row_limit: int = 5000) -> list[View]:
    """The views of a chart spec (single, layered, concatenated or faceted) with the rows each draws."""
    import altair as alt

    if not isinstance(spec, dict):
        raise ChartError("this is not an Altair chart")
    if _reads_files(spec):
        raise ChartError("the chart reads its data from a file or a URL: build it from a DataFrame so the data travel with the chart")
    if not _has_data(spec):
        raise ChartError("the chart draws no data: give it a DataFrame (alt.Chart(frame))")
    body = {k: v for k, v in spec.items() if k not in ("$schema", "usermeta")}
    kinds = [("layer", alt.LayerChart), ("hconcat", alt.HConcatChart), ("vconcat", alt.VConcatChart),
             ("concat", alt.ConcatChart)]
    cls = next((c for key, c in kinds if key in body), None)
    if cls is None:
        cls = alt.FacetChart if ("facet" in body and "spec" in body) else alt.Chart
    if "repeat" in body:
        raise ChartError("repeated charts (.repeat) cannot be graded: build the chart without .repeat")
    try:
        chart = cls.from_dict(body, validate=False)
    except Exception as exc:
        raise ChartError(f"the chart's specification is not valid Vega-Lite ({type(exc).__name__})") from exc
    try:
        frames = _transformed(chart, row_limit)
    except ImportError as exc:
        raise ChartEngineError("vegafusion is not installed, so the data the chart draws cannot be evaluated") from exc
    except Exception as exc:
        raise ChartEngineError(f"the chart's transforms could not be evaluated ({type(exc).__name__}: {str(exc)[:120]})") from exc
    if not isinstance(frames, list):
        frames = [frames]
    leaves = _leaf_specs(body)
    views = []
    for i, (leaf, facet) in enumerate(leaves):
        encoding = dict(leaf.get("encoding") or {})
        if isinstance(facet, dict):
            if "field" in facet:
                encoding.setdefault("facet", facet)
            for channel in ("row", "column"):
                if isinstance(facet.get(channel), dict):
                    encoding.setdefault(channel, facet[channel])
        rows = frames[i] if i < len(frames) else None
        views.append(View(_mark_type(leaf), encoding, rows, leaf.get("title")))
    return views


def _transformed(chart, row_limit: int):
    """``chart.transformed_data()`` (VegaFusion), leaving Altair's data transformer as it was:
    Altair switches it to "vegafusion", after which ``to_dict()`` -- and so drawing the next chart,
    in a student's kernel or in the grader's class report -- raises."""
    import altair as alt

    active = alt.data_transformers.active
    try:
        return chart.transformed_data(row_limit=row_limit)
    finally:
        if alt.data_transformers.active != active:
            alt.data_transformers.enable(active)


def _column(definition: dict, columns: list[str]) -> str | None:
    """The column of the evaluated rows that holds what a channel encodes (Vega-Lite's field naming)."""
    if not isinstance(definition, dict):
        return None
    field = definition.get("field")
    aggregate, time_unit, binned = definition.get("aggregate"), definition.get("timeUnit"), definition.get("bin")
    if isinstance(field, dict):
        field = field.get("repeat")
    if isinstance(time_unit, dict):
        time_unit = time_unit.get("unit")
    candidates = []
    if aggregate == "count":
        candidates.append("__count")
    if aggregate and field:
        candidates.append(f"{aggregate}_{field}")
    if time_unit and field:
        candidates.append(f"{time_unit}_{field}")
    if binned and field:
        candidates += [c for c in columns if c.startswith("bin_") and c.endswith(f"_{field}")]
    if field and not aggregate:
        candidates.append(str(field))
    return next((c for c in candidates if c in columns), None)


def _cell(value: Any, kind: str) -> Any:
    """A drawn value in canonical plain form: dates as YYYY-MM-DD, numbers as floats, the rest as text."""
    import pandas as pd

    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if kind == "temporal":
        stamp = pd.Timestamp(value, unit="ms") if isinstance(value, (int, float)) else pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.strftime("%Y-%m-%d")
    if kind == "value":
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(plain(value))


def drawn(view: View, channels: list[tuple[tuple[str, ...], str]]) -> list | None:
    """The sorted tuples a view draws for ``channels`` (each: alternative channel names, and 'category',
    'value' or 'temporal'); None if the view lacks one of them."""
    rows = view.rows
    if rows is None or len(rows) == 0:
        return []
    columns = [str(c) for c in rows.columns]
    picked = []
    for alternatives, kind in channels:
        column = next((col for name in alternatives if (col := _column(view.encoding.get(name), columns))), None)
        if column is None:
            return None
        picked.append((column, kind))
    tuples = [[_cell(record[column], kind) for column, kind in picked] for record in rows.to_dict("records")]
    return sorted(tuples, key=canonical)


def chart_title(spec: dict, views: list[View]) -> bool:
    """Whether the chart, or one of its views, has a non-empty title."""
    def ok(t):
        if isinstance(t, dict):
            t = t.get("text")
        if isinstance(t, list):
            t = " ".join(map(str, t))
        return isinstance(t, str) and bool(t.strip())
    return ok(spec.get("title")) or any(ok(v.title) for v in views)


def tooltip_fields(view: View) -> set[str]:
    """The fields a view shows in its tooltip."""
    tip = view.encoding.get("tooltip")
    tips = tip if isinstance(tip, list) else [tip]
    return {str(t.get("field")) for t in tips if isinstance(t, dict) and t.get("field")}


def channel_type(view: View, channel: str) -> str | None:
    """The Vega-Lite type a channel declares ('temporal' when it has a time unit)."""
    definition = view.encoding.get(channel)
    if not isinstance(definition, dict):
        return None
    if definition.get("timeUnit"):
        return "temporal"
    return definition.get("type")


# --- the student's side ---------------------------------------------------------------------------

class _Result:
    """The outcome of one ``check``: shown as HTML in Jupyter, as text elsewhere."""

    def __init__(self, question: str, lines: list[tuple[bool, str]], covered: str):
        self.question, self.lines, self.covered = question, lines, covered

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(ok for ok, _ in self.lines)

    def __repr__(self) -> str:
        head = f"{self.question}: " + ("right" if self.passed else "not yet")
        return head + "\n" + "\n".join(("  ok: " if ok else "  fix: ") + text for ok, text in self.lines) + \
            f"\n  (checked: {self.covered})"

    def _repr_html_(self) -> str:
        icon = "✅ right" if self.passed else "❌ not yet"
        items = "".join(f"<li>{'✔' if ok else '✘'} {html.escape(text)}</li>" for ok, text in self.lines)
        return (f"<p><strong>{html.escape(self.question)}</strong> {icon}</p><ul>{items}</ul>"
                f"<p><small>Checked: {html.escape(self.covered)}.</small></p>")


def _mistake(salt: str, value: Any, mistakes: list) -> str | None:
    h = digest(salt, value)
    return next((message for code, message in mistakes if code == h), None)


def _check_value(spec: dict, salt: str, value: Any) -> list[tuple[bool, str]]:
    lines = []
    form = spec.get("form")
    value = plain(value)
    form_problem = form_error(form, value)
    if spec.get("form_points", 0):
        lines.append((form_problem is None, spec["form_text"] if form_problem is None else form_problem))
    comparable = comparable_value(form, value, spec.get("drop_zero", False))
    if digest(salt, comparable) in spec["accept"]:
        lines.insert(0, (True, spec["value_text"] + ": right"))
    else:
        hint = _mistake(salt, comparable, spec.get("mistakes", [])) or spec.get("wrong_text", "not the expected answer")
        lines.insert(0, (False, f"{spec['value_text']}: {hint}"))
    return lines


def form_error(form: str | None, value: Any) -> str | None:
    """What is wrong with an answer's form (None when it has the asked form)."""
    if form == "int":
        return None if isinstance(value, int) and not isinstance(value, bool) else "store a whole number (use int(...))"
    if form == "float":
        return None if isinstance(value, float) else "store a float (use float(...))"
    if form == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else "store a number"
    if form in ("list", "sorted list"):
        if not isinstance(value, list):
            return "store a list"
        if form == "sorted list":
            try:
                return None if value == sorted(value) else "sort the list"
            except TypeError:
                return "the list mixes kinds of values"
        return None
    if form == "mapping":
        return None if isinstance(value, dict) else "store a dict (or a pandas Series)"
    return None


def comparable_value(form: str | None, value: Any, drop_zero: bool = False) -> Any:
    """The part of an answer its value is judged on (sorted lists compare as sets; zero bins dropped)."""
    if form == "sorted list" and isinstance(value, list):
        try:
            return sorted(value, key=canonical)
        except TypeError:
            return value
    if form == "mapping" and isinstance(value, dict) and drop_zero:
        return without_zeros(value)
    return value


def _check_function(spec: dict, salt: str, function: Any) -> list[tuple[bool, str]]:
    if not callable(function):
        return [(False, "store a function (def ...) in the variable")]
    lines = []
    for group in spec["groups"]:
        problems = []
        for args, expect in group["probes"]:
            try:
                result = plain(function(*args))
            except Exception as exc:
                outcome = ["raises"] + [c.__name__ for c in type(exc).__mro__]
            else:
                outcome = ["returns", result]
            if expect.startswith("raises:"):
                if outcome[0] != "raises" or expect.split(":", 1)[1] not in outcome:
                    problems.append(group["message"].format(args=", ".join(map(repr, args))))
            elif outcome[0] != "returns" or digest(salt, outcome[1]) != expect:
                problems.append(group["message"].format(args=", ".join(map(repr, args))))
        lines.append((not problems, group["text"] + (": right" if not problems else ": " + problems[0])))
    return lines


def _check_chart(spec: dict, salt: str, chart: Any) -> list[tuple[bool, str]]:
    if not hasattr(chart, "to_dict"):
        return [(False, "store an Altair chart (alt.Chart(...)...) in the variable")]
    try:
        chart_spec = json.loads(json.dumps(chart.to_dict()))
        views = chart_views(chart_spec)
    except ChartError as exc:
        return [(False, str(exc))]
    except ChartEngineError as exc:
        return [(False, f"{exc}; only the marks could be checked here")]
    except Exception as exc:
        return [(False, f"the chart could not be read ({type(exc).__name__})")]
    return chart_lines(spec, salt, chart_spec, views)


def chart_lines(spec: dict, salt: str, chart_spec: dict, views: list[View]) -> list[tuple[bool, str]]:
    """One line per part of a chart question (shared by the handout and the grader)."""
    channels = [(tuple(c), kind) for c, kind in spec["channels"]]
    marked = [v for v in views if v.mark in spec["marks"]]
    lines = [(bool(marked), spec["mark_text"] + (": right" if marked else f": use {' or '.join(spec['marks'])} marks"))]
    candidates = marked or views
    found, hint = False, None
    for view in candidates:
        tuples = drawn(view, channels)
        if tuples is None:
            continue
        if digest(salt, tuples) in spec["accept"]:
            found = True
            break
        if tuples == []:
            hint = hint or "the chart draws no data"
        else:
            hint = _mistake(salt, tuples, spec.get("mistakes", [])) or hint
    if not found and hint is None:
        if all(drawn(v, channels) is None for v in candidates):
            hint = "a channel the question asks for is missing (" + ", ".join(c[0] for c, _ in channels) + ")"
        else:
            hint = spec.get("wrong_text", "the chart does not draw the rows the question asks for")
    lines.append((found, spec["data_text"] + (": right" if found else f": {hint}")))
    for extra in spec.get("extras", []):
        ok = _extra_ok(extra, chart_spec, candidates)
        lines.append((ok, extra["text"] + (": right" if ok else f": {extra['problem']}")))
    return lines


def _extra_ok(extra: dict, chart_spec: dict, views: list[View]) -> bool:
    kind = extra["kind"]
    if kind == "title":
        return chart_title(chart_spec, views)
    if kind == "tooltip":
        return any(extra["field"] in tooltip_fields(v) for v in views)
    if kind == "type":
        return any(channel_type(v, extra["channel"]) in extra["types"] for v in views)
    return False


class Notebook:
    """The problem set ``path`` (the notebook file, next to the running notebook)."""

    def __init__(self, path: str):
        self.path = Path(path)
        try:  # the student's own charts draw offline (PNG by vl-convert, plus the spec)
            from sinorussia.rendering import use_renderer

            use_renderer()
        except Exception:  # a missing renderer must not stop the handout
            pass

    def _checks(self) -> dict[str, dict]:
        if not self.path.is_file():
            raise FileNotFoundError(f"{self.path} not found: open the handout from its own folder")
        meta = json.loads(self.path.read_text(encoding="utf-8"))["metadata"]
        return meta.get(METADATA_KEY, {}).get("checks", {})

    def check(self, question: str, env: dict | None = None) -> _Result:
        """Check the caller's answer to ``question`` against the handout's hashed answers."""
        checks = self._checks()
        if question not in checks:
            raise KeyError(f"no question {question!r} in {self.path.name}; questions: {', '.join(checks)}")
        spec = checks[question]
        env = env if env is not None else inspect.currentframe().f_back.f_globals
        name = spec["variable"]
        if name not in env:
            return _Result(question, [(False, f"define {name} first (run the cell with your answer)")], spec["covers"])
        value = env[name]
        if value is Ellipsis:
            return _Result(question, [(False, f"replace the ... in {name} with your answer")], spec["covers"])
        salt = f"{spec['problem_set']}/{question}"
        kind = spec["kind"]
        try:
            if kind == "function":
                lines = _check_function(spec, salt, value)
            elif kind == "chart":
                lines = _check_chart(spec, salt, value)
            else:
                lines = _check_value(spec, salt, value)
        except Exception as exc:  # the student's value broke the check itself
            lines = [(False, f"your answer could not be checked ({type(exc).__name__}: {str(exc)[:120]})")]
        return _Result(question, lines, spec["covers"])
