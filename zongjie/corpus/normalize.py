"""Character-level normalisation that keeps a map back to the source.

Full-width digits, Latin letters and a few symbols that are parts of numbers
(％ ． ＋ －) become half-width so that 　８５％ reads as 85%; Chinese
punctuation (，。；：（）“”) is left as it is, since it carries meaning the
half-width forms do not. Zero-width and control characters are dropped.
"""

from __future__ import annotations

import re

# characters removed outright: zero-width spaces/joiners, BOM, soft hyphen, word joiner, bidi marks
_DROP = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e")

_WIDE_KEEP = frozenset("％．＋－／：")  # symbols that sit inside numbers and units (85％, 1．5, 元／人)


def _half_width(ch: str) -> str:
    code = ord(ch)
    if ch == "\u3000" or ch == "\u00a0":
        return " "
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if ch in _WIDE_KEEP and ch != "：":
        return chr(code - 0xFEE0)
    return ch


_TRANSLATE = {c: _half_width(chr(c)) for c in list(range(0xFF01, 0xFF5F)) + [0x3000, 0x00A0]}
_NEEDS_WORK = re.compile("[\uff01-\uff5e\u3000\u00a0\u200b-\u200f\u2060\ufeff\u00ad\u202a-\u202e\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Normalise ``text``; return it with run-length offset pairs ``(new, old)``.

    Inside a run, positions in the new and the old text advance together; a
    new run starts wherever characters were dropped.

    >>> normalize("建档率８４％")
    ('建档率84%', [(0, 0)])
    """
    if not _NEEDS_WORK.search(text):
        return text, [(0, 0)]
    out: list[str] = []
    runs: list[tuple[int, int]] = [(0, 0)]
    dropped = False
    for i, ch in enumerate(text):
        if ch in _DROP or (ord(ch) < 32 and ch not in "\n\t") or ch == "\x7f":
            dropped = True
            continue
        if dropped:
            runs.append((len(out), i))
            dropped = False
        out.append(_TRANSLATE.get(ord(ch), ch))
    return "".join(out), runs


def map_offset(runs: list[tuple[int, int]], offset: int) -> int:
    """Translate an offset in normalised text back through ``runs``."""
    base_new, base_old = 0, 0
    for new, old in runs:
        if new > offset:
            break
        base_new, base_old = new, old
    return base_old + (offset - base_new)
