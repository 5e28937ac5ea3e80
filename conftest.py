"""pytest configuration for the whole repository (the notebooks in chapters/, appendix/
and exercises/ are collected by nbval). Charts must be rendered for the static book
exactly as `make book` renders them, so that stored outputs compare equal."""
import os

os.environ.setdefault("SINORUSSIA_STATIC_CHARTS", "1")
