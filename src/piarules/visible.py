"""Text made safe to show anywhere: a terminal, a CI log, JUnit XML, HTML, JSON.

A document value, a source line or a file name may hold terminal control sequences (ESC [31m),
bidi overrides that reorder what the reader sees (U+202E), characters XML 1.0 forbids, or lone
surrogates (a file name that is not UTF-8). Printed as they are, they recolour or hide text,
make the XML invalid or crash the UTF-8 encoder. `visible` turns each into a visible escape
(`\\x1b`, `\\u202e`, `\\xff`), so nothing is lost and nothing acts.
"""

from __future__ import annotations

import re
from functools import cache

from piarules.pattern_store import compiled

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Arabic letter mark, LRM/RLM, embeddings/overrides (U+202A–202E), isolates (U+2066–2069)."""

_ALWAYS = f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ufffe\uffff\ud800-\udfff"
_LAYOUT = "\t\n\r\u2028\u2029"


_KEEPS = ("", "\t", "\n", "\t\n")


@cache
def _pattern(keep: str) -> re.Pattern[str]:
    """Compiled on first use of each `keep` (a run that prints one report needs one or two)."""
    return compiled(f"[{_ALWAYS}{''.join(c for c in _LAYOUT if c not in keep)}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    """`text` with control, bidi, non-XML and surrogate characters escaped (`\\x1b`, `\\u202e`).

    `keep` names the layout characters to leave as they are: "" (one line: everything escaped),
    "\\t", "\\n" or "\\t\\n".
    """
    key = "\t\n" if keep in ("\n\t", "\t\n") else keep
    if key not in _KEEPS:
        raise KeyError(keep)  # a caller's mistake, as an unknown key always was
    pattern = _pattern(key)
    return pattern.sub(_escape, text) if pattern.search(text) else text
