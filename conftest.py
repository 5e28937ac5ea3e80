"""pytest configuration for the whole repository (the notebooks in chapters/, appendix/
and exercises/ are collected by nbval). Charts must be rendered for the static book
exactly as `make book` renders them, so that stored outputs compare equal."""
import os

os.environ.setdefault("SINORUSSIA_STATIC_CHARTS", "1")

# The notebooks under tests/fixtures/ are deliberately broken student submissions that
# test_grading.py feeds to the autograder; nbval must not execute them as book notebooks.
collect_ignore_glob = ["tests/fixtures/*"]
