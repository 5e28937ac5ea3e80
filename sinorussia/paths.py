"""Where the book's data live, found from configuration, never from this file's location.

The package is installed (as a wheel in the student pack, editable in a checkout), so
its own path says nothing about where ``data/`` is. The data folder is, in order:

1. the folder named by the environment variable ``SINORUSSIA_DATA``;
2. the nearest ``data/`` folder holding a ``datapackage.json``, looking in the current
   directory and its parents (a chapter runs in ``chapters/``, next to ``data/``, in
   the repository and in the student pack alike).

``seeds/`` is looked up the same way (``SINORUSSIA_SEEDS``, else beside ``data/``).
"""
from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "SINORUSSIA_DATA"
SEEDS_ENV = "SINORUSSIA_SEEDS"


class DataNotFoundError(FileNotFoundError):
    """The book's ``data/`` folder could not be found."""


def data_dir(start: Path | str | None = None) -> Path:
    """The folder holding ``datapackage.json`` and the CSV tables."""
    if os.environ.get(DATA_ENV):
        folder = Path(os.environ[DATA_ENV]).expanduser().resolve()
        if not (folder / "datapackage.json").is_file():
            raise DataNotFoundError(f"{DATA_ENV}={folder} has no datapackage.json")
        return folder
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "datapackage.json").is_file():
            return folder / "data"
    raise DataNotFoundError(
        f"No data/datapackage.json in {here} or its parents. Open the notebook from the book's "
        f"folder (the repository or the unzipped student pack), or set {DATA_ENV} to the data folder."
    )


def seeds_dir(start: Path | str | None = None) -> Path:
    """The folder holding the five seed texts."""
    if os.environ.get(SEEDS_ENV):
        return Path(os.environ[SEEDS_ENV]).expanduser().resolve()
    return data_dir(start).parent / "seeds"


def project_root(start: Path | str | None = None) -> Path:
    """The book's folder: the parent of ``data/``."""
    return data_dir(start).parent
