"""``{eval}`facts.NAME``` in the published book, resolved from ``data/facts.csv``.

Chapters write numbers as ``{eval}`facts.NAME```. In JupyterLab (jupyterlab-myst)
the role asks the kernel, which evaluates ``facts.NAME`` with :mod:`sinorussia.facts`.
The book is built from the notebooks' stored outputs without a kernel (each
notebook is executed once, by the test suite), so this extension replaces myst-nb's
kernel-backed ``eval`` role with one that calls the same function,
:func:`sinorussia.facts.render`, while Sphinx reads the page. Both readers therefore
see the same text. Only ``facts.NAME`` expressions are accepted: anything else is a
build error naming the page and line, as is an unknown fact.
"""
from __future__ import annotations

import re

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from sinorussia import facts as facts_module

EXPRESSION = re.compile(r"^facts\.([a-z][a-z0-9_]*)$")


class FactRole(SphinxRole):
    """The ``eval`` role, restricted to ``facts.NAME``."""

    def run(self):
        match = EXPRESSION.match(self.text.strip())
        if not match:
            return self._error(f"{{eval}} accepts only facts.NAME in this book, not {self.text!r}")
        try:
            text = facts_module.render(match.group(1), self._data_dir())
        except facts_module.FactError as error:
            return self._error(str(error))
        node = nodes.inline(self.rawtext, str(text), classes=["fact"])
        node["names"] = []
        return [node], []

    def _data_dir(self):
        return self.env.config.sinorussia_data_dir or None

    def _error(self, message):
        msg = self.inliner.reporter.error(message, line=self.lineno)
        problematic = self.inliner.problematic(self.rawtext, self.rawtext, msg)
        return [problematic], [msg]


def setup(app):
    app.setup_extension("myst_nb")  # so that this role replaces myst-nb's, not the reverse
    app.add_config_value("sinorussia_data_dir", "", "env")
    app.add_role("eval", FactRole(), override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
