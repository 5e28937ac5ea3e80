"""Check that a supporting quote really occurs in its seed text.

Seed texts are plain text extracted from web pages and PDFs: they contain hard
line breaks, words hyphenated across lines, curly quotes and a few ``?`` where
a dash was lost. A quote is matched after the same normalisation is applied to
both sides, so a student can copy a passage from the rendered seed and it will
still be found.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ",
})
_SPACE = re.compile(r"\s+")
_BREAK_HYPHEN = re.compile(r"(\w)-\s+(\w)")


def normalise(text: str) -> str:
    """Fold quotes, dashes and whitespace so that layout differences vanish."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return _SPACE.sub(" ", text).strip()


def _variants(text: str) -> tuple[str, str]:
    """The text with a line-break hyphen kept ("anti-dollar") and dropped ("partnership")."""
    flat = normalise(text)
    return _BREAK_HYPHEN.sub(r"\1-\2", flat), _BREAK_HYPHEN.sub(r"\1\2", flat)


@functools.lru_cache(maxsize=16)
def _seed_variants(path: str) -> tuple[str, str]:
    return _variants(Path(path).read_text(encoding="utf-8"))


def quote_in_seed(quote: str, seed_path: str | Path) -> bool:
    """True if ``quote`` occurs in the seed file after normalisation."""
    needle = normalise(quote)
    if not needle:
        return False
    kept, dropped = _seed_variants(str(seed_path))
    return needle in kept or needle in dropped
