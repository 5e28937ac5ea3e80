"""Serve the theme's Font Awesome web fonts cut down to the icons the book shows.

``fa-solid-900.woff2`` is 156 KB, already compressed, and every page loads it to draw a
handful of icons (search, menu, colour mode, download, admonition symbols). When the
book is built this extension rewrites the served copies of the fonts to keep only the
glyphs the book can show:

- every icon class (``fa-…``) that appears in a built page or in a script of the book
  (the theme's buttons), mapped to its code point through the theme's stylesheet;
- every icon code point a stylesheet names directly (``--pst-icon-…`` variables,
  ``content: "\\f303"``), such as the admonition and exercise symbols.

A page that uses an icon the subset lacks would show an empty box, so the build fails
when a used class has no code point in the stylesheet. ``tests/test_book_extension.py``
checks the subset against the built pages.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from sphinx.errors import ExtensionError

WEBFONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"
CLASS_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]+)"\}')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
ESCAPED = re.compile(r"""["']\\([0-9a-f]{4,5})["']""")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
#: classes that style icons rather than name one
MODIFIERS = {"fa-solid", "fa-regular", "fa-brands", "fa-lg", "fa-sm", "fa-xs", "fa-fw", "fa-2x", "fa-3x", "fa-inverse",
             "fa-spin", "fa-pulse", "fa-stack", "fa-stack-1x", "fa-stack-2x", "fa-xl", "fa-xxs"}


def class_code_points(css: str) -> dict[str, int]:
    """Icon class -> code point, from the stylesheet's ``.fa-x:before{content:"\\f…"}`` table."""
    table = {}
    for selectors, code in CLASS_RULE.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):", selectors):
            table[name] = int(code, 16)
    return table


def direct_code_points(css: str) -> set[int]:
    """Icon code points a stylesheet uses outside the class table (variables, ``content``)."""
    rest = CLASS_RULE.sub("", css)
    points = {int(code, 16) for code in ESCAPED.findall(rest)}
    return points | {ord(ch) for ch in PRIVATE_USE.findall(rest)}


def used_code_points(outdir: Path) -> set[int]:
    """Every icon code point the built book can show."""
    static = outdir / "_static"
    stylesheets = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.css")))
    table = class_code_points(stylesheets)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(outdir.rglob("*.html"))]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.js"))
              if "fontawesome" not in p.parts]
    used = {name for text in texts for name in ICON_CLASS.findall(text)} & (set(table) | MODIFIERS)
    return {table[name] for name in used if name in table} | direct_code_points(stylesheets)


def subset_font(path: Path, code_points: set[int]) -> tuple[int, int]:
    """Rewrite the woff2 font at ``path`` keeping ``code_points``; return sizes before and after."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    before = path.stat().st_size
    font = TTFont(path)
    keep = code_points & set(font.getBestCmap() or {})
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(keep))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    path.write_bytes(buffer.getvalue())
    return before, path.stat().st_size


def _subset_fonts(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    fonts = sorted((outdir / WEBFONTS).glob("*.woff2"))
    if not fonts:
        raise ExtensionError(f"no Font Awesome fonts under {WEBFONTS}: the theme's layout changed")
    points = used_code_points(outdir)
    if len(points) < 5:
        raise ExtensionError(f"only {len(points)} icon code points found: the theme's stylesheet changed")
    for font in fonts:
        subset_font(font, points)


def setup(app):
    app.connect("build-finished", _subset_fonts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
