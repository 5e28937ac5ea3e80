"""Runs INSIDE the sandbox: execute one submitted notebook, then export its answers as plain data.

This file is bind-mounted read-only into the sandbox on its own (the rest of the
``sinorussia_grade`` package, which knows the expected answers, is not visible there). It
imports nothing from the project. Usage inside the sandbox::

    python -I runner.py SPEC.json RESULT_FD

SPEC.json (written by the grader, read-only at /grader/in) names the notebook and, for
each answer variable, how to export it. The runner:

1. copies the notebook into /scratch (an in-memory file system) and reads it with nbformat, upgrading nbformat 3 to 4, and replaces any
   kernelspec with the course kernel ``python3``;
2. executes it with nbclient (errors allowed, outputs not kept except error names);
3. appends an extraction cell, executed in the same kernel, that converts each answer
   variable to plain JSON data with exact type checks and writes ``answers.json``
   (an answer larger than :data:`MAX_ANSWER_CHARS` is refused on its own; the others stay);
4. writes one line of JSON, ``{"report": …, "answers": …}``, to the result pipe RESULT_FD.

Nothing here is trusted by the grader: the student's code runs in the same kernel and can
tamper with the extraction, so the grader re-validates whatever JSON comes out and
compares it with expected values that it computes itself from ``data/``.
"""
from __future__ import annotations

import json
import sys

MAX_ERRORS = 50
MAX_ANSWER_CHARS = 4 * 1024 * 1024

EXTRACT = r'''
def __sinorussia_extract(__names, __probes, __path, __MAX):
    import builtins as _b, json as _json, math as _math
    _type = (0).__class__.__class__  # the real `type`, even if builtins.type was replaced
    _str, _repr = _b.str, _b.repr
    _int, _float, _bool, _list, _dict = _b.int, _b.float, _b.bool, _b.list, _b.dict
    _plain = (_int, _float, _str, _bool, _b.type(None))
    try:
        import numpy as _np
        _np_int = (_np.int8, _np.int16, _np.int32, _np.int64, _np.uint8, _np.uint16, _np.uint32, _np.uint64)
        _np_float = (_np.float16, _np.float32, _np.float64)
        _np_bool = (_np.bool_,)
        _np_str, _np_array = (_np.str_,), (_np.ndarray,)
    except Exception:
        _np = None; _np_int = _np_float = _np_bool = _np_str = _np_array = ()
    try:
        import pandas as _pd
    except Exception:
        _pd = None
    try:
        import altair as _alt
        _charts = tuple(getattr(_alt, n) for n in ("Chart", "LayerChart", "HConcatChart", "VConcatChart", "ConcatChart", "FacetChart") if hasattr(_alt, n))
    except Exception:
        _charts = ()

    def conv(x, depth=0):
        if depth > 20:
            raise ValueError("nested too deeply")
        t = _type(x)
        if t in _plain:
            if t is _float and not _math.isfinite(x):
                return {"$float": _repr(x)}
            return x
        if x is Ellipsis:
            return {"$missing": "left blank (...)"}
        if t in _np_int:
            return _int(x)
        if t in _np_float:
            return conv(_float(x), depth)
        if t in _np_bool:
            return _bool(x)
        if t in _np_str:
            return _str(x)
        if t in _np_array:
            return [conv(v, depth + 1) for v in x.tolist()]
        if _pd is not None and (x is _pd.NA or x is _pd.NaT):
            return None
        if _pd is not None and t is _pd.Index:
            return [conv(v, depth + 1) for v in x.tolist()]
        if t is _list or t is _b.tuple:
            return [conv(v, depth + 1) for v in x]
        if t is _dict:
            return {"$dict": [[conv(k, depth + 1), conv(v, depth + 1)] for k, v in x.items()]}
        if _pd is not None and t is _pd.Timestamp:
            return {"$timestamp": x.isoformat()}
        if _pd is not None and t is _pd.Series:
            return {"$series": {"index": [conv(v, depth + 1) for v in x.index.tolist()],
                                "values": [conv(v, depth + 1) for v in x.astype(object).tolist()]}}
        if _pd is not None and t is _pd.DataFrame:
            return {"$frame": {"columns": [_str(c) for c in x.columns],
                               "records": [[conv(v, depth + 1) for v in row] for row in x.astype(object).values.tolist()]}}
        if t in _charts:
            return {"$chart": _json.loads(_json.dumps(x.to_dict()))}
        if t is _b.type(conv) and __probes.get(_current[0]) is not None:
            calls = []
            for args in __probes[_current[0]]:
                try:
                    calls.append([args, conv(x(*args), depth + 1)])
                except Exception as e:
                    calls.append([args, {"$raises": [c.__name__ for c in _type(e).__mro__]}])
            return {"$function": calls}
        raise TypeError("an answer of type %s cannot be graded" % t.__name__)

    out = {}
    g = globals()
    _current = [None]  # the variable being exported: a function is probed under the asked name, whatever its own
    for name in __names:
        _current[0] = name
        if name not in g:
            out[name] = {"$missing": "not defined"}
            continue
        try:
            text = _json.dumps(conv(g[name]))
            if len(text) > __MAX:
                out[name] = {"$rejected": "answer too large to grade (over %d MB as data)" % (__MAX >> 20)}
            else:
                out[name] = _json.loads(text)
        except BaseException as e:
            out[name] = {"$rejected": "%s: %s" % (_type(e).__name__, _str(e)[:200])}
    with _b.open(__path, "w", encoding="utf-8", errors="backslashreplace") as f:
        f.write(_json.dumps(out))

__sinorussia_extract(__NAMES__, __PROBES__, __PATH__, __MAXCHARS__)
'''


def load_notebook(path: str):
    """Read a submission as an nbformat-4 notebook (nbformat 3 is upgraded) on the course kernel."""
    import nbformat

    with open(path, encoding="utf-8") as handle:
        raw = handle.read()
    version = json.loads(raw).get("nbformat", 4)
    notebook = nbformat.reads(raw, as_version=4) if version in (3, 4) else None
    if notebook is None:
        raise ValueError(f"unsupported nbformat {version!r}")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    return notebook


def pack_layout(notebook_path: str) -> str | None:
    """A working folder laid out like the student pack (``problem-sets/`` beside ``data/`` and
    ``seeds/``), in the sandbox's private /tmp, so that a relative path that works in the pack,
    ``pd.read_csv('../data/events.csv')``, works here too. None when the data folder is unknown.
    (From the assess branch, e03065a.)"""
    import os
    import shutil
    import tempfile

    data = os.environ.get("SINORUSSIA_DATA")
    if not data or not os.path.isdir(data):
        return None
    root = tempfile.mkdtemp(prefix="pack-")
    os.symlink(data, os.path.join(root, "data"))
    seeds = os.path.join(os.path.dirname(os.path.abspath(data)), "seeds")
    if os.path.isdir(seeds):
        os.symlink(seeds, os.path.join(root, "seeds"))
    work = os.path.join(root, "problem-sets")
    os.mkdir(work)
    shutil.copyfile(notebook_path, os.path.join(work, os.path.basename(notebook_path)))
    return work


def quiet_client(notebook, errors: list, cwd: str | None = None):
    """An nbclient that keeps no outputs (bounded memory) but records the names of errors; the
    kernel starts in ``cwd`` (the pack-like folder) when given."""
    from nbclient import NotebookClient

    class QuietClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            if msg.get("msg_type") == "error" and len(errors) < MAX_ERRORS:
                content = msg.get("content", {})
                errors.append({"cell": cell_index, "ename": str(content.get("ename", ""))[:80],
                               "evalue": str(content.get("evalue", ""))[:200]})
            return None

    resources = {"metadata": {"path": cwd}} if cwd else {}
    return QuietClient(notebook, kernel_name="python3", timeout=None, allow_errors=True,
                       startup_timeout=60, record_timing=False, resources=resources)


def _read_answers(path: str) -> object:
    """The answers the extraction cell wrote (whatever the student's code left there), as JSON data."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(64 * 1024 * 1024)
        return json.loads(raw.decode("utf-8", "backslashreplace"))
    except (OSError, ValueError, RecursionError) as exc:
        return {"$unreadable": f"{type(exc).__name__}"}


def main(spec_path: str, result_fd: int) -> int:
    """Execute the notebook named in the spec and send its answers down the result pipe."""
    import os
    import shutil

    import nbformat

    os.set_inheritable(result_fd, False)  # the kernel does not get the pipe
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    report = {"errors": [], "stage": "read"}
    answers: object = {}
    try:
        shutil.copyfile(spec["input"], spec["notebook"])
        notebook = load_notebook(spec["notebook"])
        code = (EXTRACT.replace("__NAMES__", repr(spec["names"])).replace("__PROBES__", repr(spec["probes"]))
                .replace("__PATH__", repr(spec["answers"])).replace("__MAXCHARS__", repr(MAX_ANSWER_CHARS)))
        notebook.cells.append(nbformat.v4.new_code_cell(code))
        report["stage"] = "execute"
        quiet_client(notebook, report["errors"], pack_layout(spec["notebook"])).execute()
        report["stage"] = "done"
    except Exception as exc:  # the report says how far it got; the grader decides
        report["failure"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    if os.path.exists(spec["answers"]):
        answers = _read_answers(spec["answers"])
    line = json.dumps({"report": report, "answers": answers}, ensure_ascii=True) + "\n"
    with os.fdopen(result_fd, "w", encoding="ascii") as pipe:
        pipe.write(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], int(sys.argv[2])))
