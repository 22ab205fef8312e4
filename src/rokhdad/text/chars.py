"""Character tables for Persian normalisation: letter forms, digits, spaces, marks."""

from __future__ import annotations

ZWNJ = "\u200c"  # zero-width non-joiner, the Persian "half-space"
ZWJ = "\u200d"

# One-to-one letter unification: Arabic forms to the Persian letters news uses.
LETTERS = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u06d2": "\u06cc",  # YEH BARREE
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u06aa": "\u06a9",  # SWASH KAF
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
    "\u06c0": "\u0647",  # HEH WITH YEH ABOVE -> HEH
    "\u06d5": "\u0647",  # AE
    "\u06be": "\u0647",  # HEH DOACHASHMEE
    "\u06c1": "\u0647",  # HEH GOAL
    "\u0623": "\u0627",  # ALEF WITH HAMZA ABOVE -> ALEF
    "\u0625": "\u0627",  # ALEF WITH HAMZA BELOW -> ALEF
    "\u0671": "\u0627",  # ALEF WASLA -> ALEF
    "\u0624": "\u0648",  # WAW WITH HAMZA ABOVE -> WAW
}

# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits to ASCII in the working copy.
DIGITS = {chr(0x06F0 + i): str(i) for i in range(10)} | {chr(0x0660 + i): str(i) for i in range(10)}

# Spaces that look like a space: one ASCII space each (one-to-one, offsets unchanged).
SPACES = {
    "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ",
    "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2007": " ", "\u2008": " ",
    "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ", "\u3000": " ",
    "\t": " ", "\u000b": " ", "\u000c": " ",
}

QUOTES = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u2039": "\u00ab", "\u203a": "\u00bb",  # single guillemets to Persian quotes
}

PUNCTUATION = {
    "\u066b": ".",  # ARABIC DECIMAL SEPARATOR (between digits it is a decimal point)
    "\ufe0f": "",   # placeholder, removed below: variation selectors are marks
}
PUNCTUATION.pop("\ufe0f")

def _presentation_forms() -> tuple[dict[str, str], dict[str, str]]:
    """Arabic presentation forms (U+FB50-FDFF, U+FE70-FEFF) to base letters via NFKC:
    single letters one-to-one; ligatures ("ﷲ", "ﻻ") to several letters."""
    import unicodedata

    single, ligatures = {}, {}
    for code in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        ch = chr(code)
        if unicodedata.category(ch) == "Cn":
            continue
        base = unicodedata.normalize("NFKC", ch).strip()
        if not base or base == ch:
            continue
        base = "".join(LETTERS.get(c, c) for c in base)
        (single if len(base) == 1 else ligatures)[ch] = base
    return single, ligatures


PRESENTATION_SINGLE, PRESENTATION_LIGATURES = _presentation_forms()

# One translate table for every one-to-one replacement.
ONE_TO_ONE = str.maketrans(PRESENTATION_SINGLE | LETTERS | DIGITS | SPACES | QUOTES | PUNCTUATION)

# Characters deleted outright: tatweel, Arabic diacritics and Quranic marks,
# and invisible format characters other than ZWNJ (ZWSP, ZWJ, LRM/RLM, bidi controls, BOM).
DELETED_CLASS = (
    "\u0640"                       # tatweel
    "\u064b-\u065f\u0670"          # harakat, hamza above/below, superscript alef
    "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"  # Quranic marks
    "\u200b\u200d\u200e\u200f"     # ZWSP, ZWJ, LRM, RLM
    "\u202a-\u202e\u2066-\u2069"   # bidi embeddings and isolates
    "\ufeff\u00ad"                 # BOM, soft hyphen
    "\ufe00-\ufe0f"                # variation selectors
)

# Letters that do not join to the following letter: a ZWNJ after them changes nothing.
NON_LEFT_JOINING = frozenset("اآأإٱدذرزژوؤءةۀ")

PERSIAN_LETTERS = "آ-ی"  # the Arabic block letters used in Persian (regex range)
