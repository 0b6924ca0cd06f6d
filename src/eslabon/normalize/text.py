"""Fold free text to one comparable form (ASCII upper case, no punctuation) for names and places.

Sources disagree on accents, case and punctuation; comparing folded text makes them agree.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

# Apostrophes join a word (K'iche', O'Brien) rather than separate it: dropped, not spaced.
_APOSTROPHES = str.maketrans("", "", "'`´ʼʻ’‘")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f]+")


def fold(s: str | None) -> str:
    """Return `s` without diacritics, upper case, punctuation as single spaces, stripped.

    ``"María de los Ángeles Peña"`` → ``"MARIA DE LOS ANGELES PENA"``; ``"K'iche'"`` → ``"KICHE"``.
    The output only holds A-Z, 0-9 and single inner spaces, so ``fold(fold(s)) == fold(s)``.
    """
    if not s:
        return ""
    if not s.isascii():
        # Decompose and drop combining marks (Ñ→N, Ü→U) before the transliteration fallback,
        # which is slower and only needed for letters that do not decompose (ß, Ø, non-Latin).
        s = unicodedata.normalize("NFKD", s.translate(_APOSTROPHES))
        s = _COMBINING.sub("", s)
        if not s.isascii():
            s = unidecode(s)
    s = s.upper().translate(_APOSTROPHES)
    return _NON_ALNUM.sub(" ", s).strip()


def tokens(s: str | None) -> tuple[str, ...]:
    """Return the folded words of `s`: the unit most comparisons work on."""
    return tuple(fold(s).split())
