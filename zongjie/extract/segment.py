"""Word segmentation: a private jieba tokenizer loaded with our lexicons.

We never touch jieba's global tokenizer (``jieba.load_userdict`` on it would
leak into every other user of jieba in the process, spaCy's zh segmenter and
``jieba.analyse`` among them).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from importlib import resources

with warnings.catch_warnings():
    # jieba imports pkg_resources, which warns on import
    warnings.simplefilter("ignore")
    import jieba

LEXICONS = ("health", "government", "finance")
# the runs of characters jieba segments on their own (CJK, ASCII letters and digits, +#&._%-);
# every other character is a word by itself. None: a jieba without it, nothing is reused
_RUN_CHAR = getattr(jieba, "re_han_default", None)


def _lexicon_lines(name: str) -> list[str]:
    """Lines of ``data/lexicons/<name>.txt`` (jieba user-dict format: word freq tag).

    health: terms of 卫生健康 work summaries (public-health programmes, rates);
    government: 政府工作报告 indicators and bodies; finance: budget terms.
    Collected by hand from the dev corpus and the national/provincial reports.
    """
    text = resources.files("zongjie.data").joinpath("lexicons", f"{name}.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def tokenizer() -> jieba.Tokenizer:
    """The shared private tokenizer, with every domain lexicon loaded."""
    # jieba logs "Building prefix dict" at import/initialise time; keep it quiet
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    # the prefix-dict cache lands in a per-user temp dir that is writable
    tok.tmp_dir = os.environ.get("ZONGJIE_CACHE") or tempfile.gettempdir()
    tok.initialize()
    for name in LEXICONS:
        for line in _lexicon_lines(name):
            parts = line.split()
            word = parts[0]
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[2] if len(parts) > 2 else None
            tok.add_word(word, freq, tag)
    return tok


def words(text: str) -> list[str]:
    """Segment ``text`` into words.

    >>> words("城镇新增就业1200万人以上")[:2]
    ['城镇新增就业', '1200']
    """
    return tokenizer().lcut(text, HMM=True)


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """Words with their [start, end) offsets in ``text``."""
    out = []
    for word, start, end in tokenizer().tokenize(text, HMM=True):
        out.append((word, start, end))
    return out


def fts_text(text: str) -> str:
    """Text for the full-text index: words separated by spaces, whitespace dropped.

    Indexing segmented text with FTS5's unicode61 tokenizer makes a query for
    家庭医生 match the word, not any run of characters across words. After
    each long word we also index the dictionary words inside it (jieba's search
    mode only looks at 2- and 3-character pieces), so that 家庭医生 finds
    家庭医生式服务.

    >>> fts_text("家庭医生式服务")
    '家庭医生式服务 家庭 家庭医生 医生 服务'
    """
    return _index_words(tokenizer(), tokenizer().lcut(text, HMM=True))


def _index_words(tok: jieba.Tokenizer, cut: Sequence[str]) -> str:
    out = []
    for word in cut:
        if not word.strip():
            continue
        out.append(word)
        if len(word) > 2:
            out.extend(_inner_words(tok, word))
    return " ".join(out)


def fts_texts(text: str, spans: Sequence[tuple[int, int]], cut: Sequence[str] | None = None) -> list[str]:
    """``fts_text(text[start:end])`` for each span, reusing ``cut`` (``words(text)``) where that is exact.

    jieba cuts each run of "word" characters (CJK, ASCII letters and digits,
    ``+#&._%-``) on its own and every other character alone, so the words of
    a span that begins and ends where a run begins or ends are exactly the
    words of the whole text's cut inside it. A span that cuts a run in two is
    segmented again, as is every span when ``cut`` is missing or is not a
    cut of ``text``.

    >>> t = "家庭医生式服务。签约率85%"
    >>> fts_texts(t, [(0, 8), (8, 14), (2, 6)], words(t)) == [fts_text(t[0:8]), fts_text(t[8:14]), fts_text(t[2:6])]
    True
    """
    tok = tokenizer()
    return [_index_words(tok, inside) for inside in span_words(text, spans, cut)]


def span_words(text: str, spans: Sequence[tuple[int, int]], cut: Sequence[str] | None = None) -> list[list[str]]:
    """``words(text[start:end])`` for each span, taken from ``cut`` (``words(text)``) where that is exact.

    jieba cuts each run of "word" characters (CJK, ASCII letters and digits,
    ``+#&._%-``) on its own and every other character alone, so the words of
    a span that begins and ends where a run begins or ends, and where no
    word of the cut goes across, are exactly the words of the cut inside it.
    Any other span is segmented again, as is every span when ``cut`` is
    missing or is not a cut of ``text``.

    >>> t = "家庭医生式服务。签约率85%"
    >>> span_words(t, [(0, 8), (2, 6)], words(t)) == [words(t[0:8]), words(t[2:6])]
    True
    """
    if cut is None or _RUN_CHAR is None or sum(map(len, cut)) != len(text) or "".join(cut) != text:
        return [words(text[a:b]) for a, b in spans]
    starts = list(itertools.accumulate(map(len, cut), initial=0))  # starts[k]: where cut[k] starts; last: len
    n = len(text)

    def edge(i: int) -> bool:  # no run of word characters goes across i
        return i <= 0 or i >= n or not (_RUN_CHAR.match(text[i - 1]) and _RUN_CHAR.match(text[i]))

    out = []
    for a, b in spans:
        i = bisect.bisect_left(starts, a)
        j = bisect.bisect_left(starts, b)
        if edge(a) and edge(b) and starts[i] == a and starts[j] == b:
            out.append(list(cut[i:j]))
        else:
            out.append(words(text[a:b]))
    return out


def _inner_words(tok: jieba.Tokenizer, word: str) -> list[str]:
    n = len(word)
    return [
        word[i:j]
        for i in range(n)
        for j in range(i + 2, min(n, i + 8) + 1)
        if (j - i) < n and tok.FREQ.get(word[i:j])
    ]


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for a user's query: its words, all required.

    Each word is quoted so that FTS5 syntax characters in user input are taken
    literally. A long word may have been indexed as two (jieba cuts
    家庭医生签约覆盖率 as 家庭医生|签约覆盖率), so it also matches as its
    dictionary parts standing together: ``("家庭医生签约" OR NEAR("家庭医生" "签约", 8))``.

    >>> fts_query("家庭医生签约")
    '("家庭医生签约" OR NEAR("家庭医生" "签约", 8))'
    >>> fts_query("医保 家庭医生签约")
    '"医保" AND ("家庭医生签约" OR NEAR("家庭医生" "签约", 8))'
    """
    tok = tokenizer()
    clauses = []
    for word in words(query):
        term = word.strip()
        if not term or not any(ch.isalnum() for ch in term):
            continue
        quoted = _quote(term)
        parts = _cover(tok, term) if len(term) > 4 else None
        if parts:
            # the parts must stand together (inner words are indexed right after their word)
            near = "NEAR(" + " ".join(_quote(p) for p in parts) + f", {2 * len(parts) + 4})"
            clauses.append("(" + quoted + " OR " + near + ")")
        else:
            clauses.append(quoted)
    # AND spelled out: FTS5 reads a phrase next to a bracketed group as a syntax error
    return " AND ".join(clauses)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _cover(tok: jieba.Tokenizer, word: str) -> list[str] | None:
    """``word`` as a sequence of shorter dictionary words (longest first), or None."""
    inner = set(_inner_words(tok, word))
    parts, i = [], 0
    while i < len(word):
        for j in range(len(word) - (1 if i == 0 else 0), i + 1, -1):
            if word[i:j] in inner:
                parts.append(word[i:j])
                i = j
                break
        else:
            return None
    return parts
