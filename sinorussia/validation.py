"""Validate the CSV tables in ``data/`` against ``data/datapackage.json``.

Types, required fields, enums, patterns, primary and foreign keys are checked by
`Frictionless <https://framework.frictionlessdata.io>`_; on top of that every
row's supporting quote must occur in its seed, and rows from outside the seeds
must carry a citation. Every problem is reported as
``<file>, line <n>, field '<name>': <message>`` (line numbers as a text editor
shows them, the header being line 1).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .provenance import quote_in_seed

QUOTE_PAIRS = (("seed", "quote"), ("other_seed", "other_quote"))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, field '{self.field}': {self.message}"


class DataValidationError(ValueError):
    """Raised when a table in ``data/`` breaks its schema or its provenance rules."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the data:\n{shown}{more}")


def _dirs(data_dir, seeds_dir) -> tuple[Path, Path]:
    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    seeds_dir = Path(seeds_dir) if seeds_dir else data_dir.parent / "seeds"
    return data_dir, seeds_dir


def _package(data_dir: Path):
    from frictionless import Package  # imported lazily: it is slow to import

    return Package(str(data_dir / "datapackage.json"), basepath=str(data_dir))


def _schema_problems(resource, file: str) -> list[Problem]:
    report = resource.validate()
    problems = []
    for task in report.tasks:
        for err in task.errors:
            line = getattr(err, "row_number", None) or 1
            field = getattr(err, "field_name", None) or getattr(err, "label", None)
            if not field and err.type == "primary-key":
                field = "+".join(resource.schema.primary_key)
            if not field and err.type == "foreign-key":
                field = "+".join(getattr(err, "field_names", None) or []) or None
            message = f"{err.title}: {err.note}"
            cell = getattr(err, "cell", None)
            if cell is not None and err.type != "foreign-key":
                message += f" (value {cell!r})"
            problems.append(Problem(file, line, field or "(row)", message))
    return problems


def _provenance_problems(path: Path, file: str, seeds_dir: Path) -> list[Problem]:
    problems = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for line, row in enumerate(reader, start=2):
            source_type = row.get("source_type")
            if source_type == "external":
                if not (row.get("citation") or "").strip():
                    problems.append(Problem(file, line, "citation", "an external row needs a full citation"))
                continue
            for seed_field, quote_field in QUOTE_PAIRS:
                if seed_field not in row or quote_field not in row:
                    continue
                seed, quote = (row[seed_field] or "").strip(), (row[quote_field] or "").strip()
                if not seed:
                    problems.append(Problem(file, line, seed_field, "a row from the seeds must name its seed"))
                    continue
                if not quote:
                    problems.append(Problem(file, line, quote_field, "a row from the seeds needs a supporting quote"))
                    continue
                seed_path = seeds_dir / seed
                if not seed_path.is_file():
                    problems.append(Problem(file, line, seed_field, f"unknown seed {seed!r}: no such file in seeds/"))
                elif not quote_in_seed(quote, seed_path):
                    problems.append(Problem(file, line, quote_field, f"quote not found in seed {seed}: {quote[:70]!r}"))
    return problems


def table_problems(name: str, data_dir: Path | str | None = None, seeds_dir: Path | str | None = None) -> list[Problem]:
    """Every problem in one table (a resource name of the data package)."""
    data_dir, seeds_dir = _dirs(data_dir, seeds_dir)
    package = _package(data_dir)
    resource = package.get_resource(name)
    path = data_dir / resource.path
    file = f"{data_dir.name}/{resource.path}"
    if not path.is_file():
        return [Problem(file, 0, "(file)", "file is missing")]
    problems = _schema_problems(resource, file)
    problems += _provenance_problems(path, file, seeds_dir)
    if name == "facts" and not problems:
        problems += _fact_problems(data_dir)
    return problems


def _fact_problems(data_dir: Path) -> list[Problem]:
    """Every fact of ``facts.csv`` must resolve to a value that reads in its format."""
    from . import facts

    problems = []
    for spec in facts.specs(data_dir).values():
        try:
            facts.render(spec.name, data_dir)
        except facts.FactError as error:
            field = "row" if "row" in str(error) or "query" in str(error) else "field"
            problems.append(Problem("data/facts.csv", spec.line, field, str(error)))
        except ValueError as error:  # the table it reads is broken: reported with that table
            problems.append(Problem("data/facts.csv", spec.line, "table", f"cannot be computed: {error}"))
    return problems


def validate_table(name: str, data_dir: Path | str | None = None, seeds_dir: Path | str | None = None) -> None:
    """Raise :class:`DataValidationError` if table ``name`` has any problem."""
    problems = table_problems(name, data_dir, seeds_dir)
    if problems:
        raise DataValidationError(problems)


def validate_all(data_dir: Path | str | None = None, seeds_dir: Path | str | None = None) -> None:
    """Validate every table of the data package; report all problems at once."""
    data_dir, seeds_dir = _dirs(data_dir, seeds_dir)
    package = _package(data_dir)
    problems = []
    for resource in package.resources:
        problems += table_problems(resource.name, data_dir, seeds_dir)
    if problems:
        raise DataValidationError(problems)


def main() -> int:
    """``python -m sinorussia.validation``: validate the whole data package once (run by
    ``make book`` before the build and by the test suite), exit 1 listing every problem."""
    import sys

    try:
        validate_all()
    except DataValidationError as error:
        print(error, file=sys.stderr)
        return 1
    print("data/: every table valid, every quote found in its seed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
