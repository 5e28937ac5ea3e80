"""pytest configuration for the whole repository (the notebooks in chapters/, appendix/
and exercises/ are collected by nbval). Charts render the same way everywhere
(sinorussia/rendering.py): no environment variable switches renderers."""

# The notebooks under tests/fixtures/ are deliberately broken student submissions that
# test_grading.py feeds to the autograder; nbval must not execute them as book notebooks.
collect_ignore_glob = ["tests/fixtures/*"]

# The longest modules (their module fixtures: sandboxed grading, JupyterLab, the fresh-venv student
# pack, the sandboxed keys; and the browser modules that load every chapter at several widths),
# longest first as `--durations` measured them on 2 cores. `make test` runs `-n 2 --dist loadfile`
# with `--no-loadscope-reorder` (pyproject.toml), so modules are handed to the two workers in this
# order, then as each frees up: the longest start at once and the workers finish together, instead
# of xdist's default order (most tests first), which left the grading and JupyterLab fixtures for
# the end on one worker.
LONGEST_FIRST = ["test_grading.py", "test_lab.py", "test_browser_selfcheck.py", "test_browser_charts.py",
                 "test_student_pack.py", "test_browser_explorers.py", "test_assessment.py", "test_browser.py"]


def pytest_collection_modifyitems(session, config, items):
    """Put the longest modules first (a stable sort: each module's tests keep their order)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST_FIRST)))
