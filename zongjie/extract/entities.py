"""Named entities: bodies (ORG), places (LOC), people (PER), documents (DOC)
and campaigns (CAMPAIGN), found by rules kept as data.

The pipeline is a blank spaCy ``zh`` pipeline whose tokenizer is our private
jieba tokenizer (registered as ``zongjie.jieba_tokenizer.v1``), then

* ``span_ruler``: fixed names from ``data/entities/patterns.jsonl`` (国务院,
  全国) and person token patterns (周/建中/局长) built from the lists in
  ``extract/rules/entities.yaml``;
* ``zongjie_entities``: the regex rules of ``entities.yaml`` (ORG suffixes,
  DOC titles, CAMPAIGN names) and the gazetteer of divisions
  (``data/gazetteer/divisions.tsv``), run over the text itself so that a
  jieba word boundary never hides an entity; it resolves overlaps (longest
  wins) and writes the result.

Each entity keeps exact character offsets (``text[start:end] == entity.text``)
even where they cut through a jieba word; ``doc.spans["entities"]`` holds the
same entities widened to whole tokens, for spaCy tools (displaCy, training).

Example::

    >>> [(e.text, e.label, e.norm) for e in find_entities("河南省卫生厅下发《实施方案》")]
    [('河南省卫生厅', 'ORG', '河南省卫生厅'), ('《实施方案》', 'DOC', '实施方案')]
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.attrs import IDX, LENGTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.util import to_disk as _util_to_disk

from zongjie.extract import rules as rules_mod
from zongjie.extract import segment
from zongjie.extract.facts import Entity

__all__ = [
    "Division",
    "JiebaTokenizer",
    "doc_entities",
    "entity_pipeline",
    "find_entities",
    "gazetteer",
    "normalise_region",
    "run_example",
]

TOKENIZER_NAME = "zongjie.jieba_tokenizer.v1"
COMPONENT_NAME = "zongjie_entities"
SPANS_KEY = "entities"  # doc.spans[...] with the resolved entities
RULER_KEY = "zongjie.ruler"  # doc.spans[...] where the span ruler puts its matches
USER_DATA_KEY = "zongjie.entities"  # doc.user_data[...]: exact entities, as dicts
# doc.user_data[...]: the text the tokenizer was given; ``doc.text`` would join
# every token again, which costs more than the entity rules themselves
TEXT_KEY = "zongjie.text"

# Names that stand for the whole country: a State Council report's region.
NATIONAL = "全国"
_NATIONAL_NAMES = frozenset({"全国", "国务院", "中国", "中华人民共和国", "中央人民政府", "我国"})

_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}

# When two candidates cover the same span, the earlier rule here wins.
_RULE_ORDER = (
    "entity.doc_title.v1",
    "entity.campaign_keyword.v1",
    "entity.campaign_numbered.v1",
    "entity.person_title.v1",
    "entity.org_fixed.v1",
    "entity.org_suffix.v1",
    "entity.loc_gazetteer.v1",
    "entity.loc_national.v1",
)
_CLOSING_QUOTE = {"“": "”", "「": "」", '"': '"'}
_SCOPE_CHARS = frozenset("全本我各该此每两")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


# ---------------------------------------------------------------- tokenizer


class JiebaTokenizer:
    """A spaCy tokenizer over zongjie's private jieba tokenizer.

    Every character of the text lands in a token (jieba keeps punctuation
    and whitespace), so ``doc.text == text``; a single space after a word
    becomes that token's trailing whitespace, as in spaCy's other tokenizers.
    The lexicons come with the package, so serialising writes only a note of
    which ones were used.
    """

    def __init__(self, vocab: Any):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return self.from_words(segment.tokenizer().cut(text, HMM=True))

    def from_words(self, segmented: Iterable[str]) -> Doc:
        """A Doc from words already cut (the pipeline segments a document once for all its uses)."""
        segmented = list(segmented)
        tokens, words = _tokens(segmented)
        doc = Doc(self.vocab, words=words, spaces=[space for _, _, space in tokens])
        doc.user_data[TEXT_KEY] = "".join(segmented)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def _cfg(self) -> dict[str, Any]:
        return {"segmenter": "jieba", "hmm": True, "lexicons": list(segment.LEXICONS)}

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"cfg": self._cfg()})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> JiebaTokenizer:
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        _util_to_disk(Path(path), {"cfg": lambda p: srsly.write_json(p, self._cfg())}, [])

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> JiebaTokenizer:
        return self


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_jieba_tokenizer() -> Callable[[Language], JiebaTokenizer]:
    """The factory spaCy's config calls: ``@tokenizers = "zongjie.jieba_tokenizer.v1"``."""

    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)

    return make


# ---------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Division:
    """One administrative division: 河南 (name), 河南省 (full_name), province."""

    name: str
    aliases: tuple[str, ...]
    level: str  # province, prefecture, county
    parent: str | None  # full name of the division above
    full_name: str
    generated: bool = False  # a row from GB/T 2260 (below the GENERATED line), not by hand


@functools.cache
def gazetteer() -> tuple[Division, ...]:
    """The divisions of ``data/gazetteer/divisions.tsv``.

    All 34 provincial-level divisions and all 333 prefecture-level ones,
    compiled by hand, and every county-level division that is not a 区
    district: 145 by hand, the rest generated from GB/T 2260 (2019-04) by
    ``data/gazetteer/make_counties.py`` (see the file's header for sources
    and caveats).

    >>> next(d for d in gazetteer() if d.name == "广西").full_name
    '广西壮族自治区'
    """
    text = resources.files("zongjie.data").joinpath("gazetteer", "divisions.tsv").read_text("utf-8")
    out = []
    header_seen = generated = False
    for line in text.splitlines():
        if line.startswith("# GENERATED"):
            generated = True
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:  # the column names
            header_seen = True
            continue
        name, aliases, level, parent, full_name = line.split("\t")
        if level not in _LEVEL_RANK:
            raise ValueError(f"divisions.tsv: unknown level {level!r} for {full_name}")
        alias_list = tuple(a for a in aliases.split(",") if a)
        out.append(Division(name, alias_list, level, parent or None, full_name, generated))
    return tuple(out)


def _name_list(filename: str) -> frozenset[str]:
    text = resources.files("zongjie.data").joinpath("gazetteer", filename).read_text("utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


@functools.cache
def _ambiguous_names() -> frozenset[str]:
    """Short names never matched alone (``data/gazetteer/ambiguous.txt``, by hand)."""
    return _name_list("ambiguous.txt")


@functools.cache
def _phrase_names() -> frozenset[str]:
    """Full names never matched in running text, being phrases too (和县:
    ``data/gazetteer/phrases.txt``, by hand)."""
    return _name_list("phrases.txt")


def _by_rank(names: Iterable[tuple[str, Division]]) -> dict[str, Division]:
    # 吉林 is a province and a city, 海南 a province and a prefecture: the higher level wins
    index: dict[str, Division] = {}
    for name, div in names:
        old = index.get(name)
        if old is None or _LEVEL_RANK[div.level] < _LEVEL_RANK[old.level]:
            index[name] = div
    return index


@functools.cache
def _region_index() -> dict[str, Division]:
    # the short names of the generated counties are left out: hundreds are
    # words (公安, 资源, 合作, 互助 of 公安县, 资源县…) or one character (宁 of
    # 宁县); their full names resolve, as do the short names of the hand rows
    # (义乌 → 义乌市)
    return _by_rank(
        (n, d)
        for d in gazetteer()
        for n in (d.full_name, d.name, *d.aliases)
        if not (n == d.name and d.generated)
    )


@functools.cache
def _place_names() -> frozenset[str]:
    """Every name of a division, short names of counties included (周宁 of
    周宁县长 is no person)."""
    return frozenset(n for d in gazetteer() for n in (d.full_name, d.name, *d.aliases))


@functools.cache
def _match_index() -> dict[str, Division]:
    """Surfaces matched in running text: full names and aliases unless they
    are phrases (和县), short names of provinces and prefectures unless they
    are ambiguous words."""
    ambiguous = _ambiguous_names()
    phrases = _phrase_names()

    def surfaces() -> Iterator[tuple[str, Division]]:
        for d in gazetteer():
            for name in (d.full_name, *d.aliases):
                if name not in phrases:
                    yield name, d
            if d.level != "county" and d.name not in ambiguous:
                yield d.name, d

    return _by_rank(surfaces())


def normalise_region(name: str) -> str | None:
    """The official name of a division, or 全国 for the country; None if unknown.

    Args:
        name: a division's name as written (short, alias or full).

    Returns:
        The full name from the gazetteer.

    >>> normalise_region("河南"), normalise_region("广西"), normalise_region("国务院")
    ('河南省', '广西壮族自治区', '全国')
    """
    name = name.strip()
    if name in _NATIONAL_NAMES:
        return NATIONAL
    div = _region_index().get(name)
    return div.full_name if div else None


# ---------------------------------------------------------------- rules


def _trie_regex(words: Iterable[str]) -> str:
    """One alternation of literal words, shaped as a trie: the regex engine
    tests a character once rather than once per word, and at any position
    the longest word wins."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        alt = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{alt})?" if "" in node else alt

    return build(trie)


@dataclass(frozen=True)
class _RegexRule:
    id: str
    label: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class _Rules:
    regex_rules: tuple[_RegexRule, ...]
    lead_chars: frozenset[str]  # 以 of 以周/建中/局长
    doc_types: tuple[str, ...]  # 方案, 意见, 办法…
    not_suffix: tuple[str, ...]  # 市场: 东方/市场 (and 北京/市场份额) hold no 东方市, 北京市
    not_after_two: frozenset[str]  # 乡: 应县/乡 is 应 + 县乡


@functools.cache
def _rules() -> _Rules:
    """The rules of ``extract/rules/entities.yaml`` compiled, with its word
    lists turned into the parts ``{level}``, ``{stem}``, ``{strong}``,
    ``{weak}`` (ORG) and ``{surname}``, ``{title}`` (PER)."""
    rs = rules_mod.load("entities")
    org = rs.data["org"]
    parts = dict(rs.parts)
    parts["level"] = _trie_regex(org["level"])
    parts["stem"] = _trie_regex(org["stem"])
    # suffixes are regex pieces (with look-aheads), tried in the order written
    parts["strong"] = "|".join(org["strong"])
    parts["weak"] = "|".join(org["weak"])
    person = rs.data["person"]
    parts["surname"] = _trie_regex(person["surnames"])
    parts["title"] = _trie_regex(person["titles"])
    compiled = []
    for rule in rs.rules:
        if rule.source:
            rx = re.compile(rules_mod.expand(rule.source, parts))
            compiled.append(_RegexRule(rule.id, rule.options["label"], rx))
    return _Rules(
        tuple(compiled),
        frozenset(person["lead_chars"]),
        tuple(rs.data["doc_types"]),
        tuple(rs.data["place"]["not_suffix"]),
        frozenset(rs.data["place"]["not_after_two"]),
    )


@functools.cache
def _loc_lengths() -> dict[str, tuple[int, ...]]:
    """The lengths of the names of ``_match_index()`` by their first two
    characters, longest first. Names are looked up only where a jieba word
    begins: a trie regex over some 2,300 names tried at every character cost
    eight times as much, Python's ``re`` testing the branches one by one."""
    lengths: dict[str, set[int]] = {}
    for name in _match_index():
        lengths.setdefault(name[:2], set()).add(len(name))
    return {head: tuple(sorted(ls, reverse=True)) for head, ls in lengths.items()}


def _ruler_patterns() -> list[dict[str, Any]]:
    """Fixed names for the span ruler, from ``data/entities/patterns.jsonl``."""
    text = resources.files("zongjie.data").joinpath("entities", "patterns.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------- pipeline


@dataclass
class _Cand:
    start: int
    end: int
    label: str
    rule: str
    norm: str | None
    extra: dict[str, Any]


class EntityRules:
    """The ``zongjie_entities`` component: regex and gazetteer rules over the
    text, merged with the span ruler's matches; overlaps go to the longest."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.user_data.get(TEXT_KEY)
        if text is None:  # a Doc made by another tokenizer
            text = doc.text
        starts = [(start, length, space) for start, length, space in doc.to_array([IDX, LENGTH, SPACY]).tolist()]
        ruler = [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans.get(RULER_KEY, [])]
        ents = _entities(text, _Words(starts, len(text)), ruler)
        doc.user_data[USER_DATA_KEY] = [e.as_dict() for e in ents]
        spans = []
        for c in ents:
            span = doc.char_span(
                c.start, c.end, label=c.label, kb_id=c.norm or "", span_id=c.rule, alignment_mode="expand"
            )
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc.set_ents(filter_spans(spans), default="unmodified")
        return doc


def _entities(text: str, words: _Words, ruler: Iterable[tuple[int, int, str, str]]) -> list[Entity]:
    """The component's work on plain data: the span ruler's matches (start,
    end, label, id), then the regex and gazetteer rules, overlaps resolved."""
    cands = [_from_ruler(text, *match) for match in ruler]
    for rule in _rules().regex_rules:
        if rule.label == "PER":
            cands.extend(_persons(rule, text, words))
        else:
            cands.extend(_from_regex(rule, m) for m in rule.regex.finditer(text))
    cands.extend(_places(text, words))
    _attach_orgs(cands, text, words)
    return [Entity(c.start, c.end, text[c.start : c.end], c.label, c.rule, c.norm, c.extra)
            for c in _resolve(cands, len(text))]


class _Words:
    """Where jieba's words start: ``starts[i]`` is 1 if a word (or the space
    after one) starts at character i; ``owner(i)`` is the start of the word
    holding character i."""

    def __init__(self, tokens: Iterable[tuple[int, int, bool]], n: int):
        """``tokens``: (start, length, followed by a space) of each token of a text of ``n`` characters."""
        self.starts = bytearray(n + 1)
        self.starts[n] = 1
        self._idx: list[int] = []
        for start, length, space in tokens:
            self.starts[start] = 1
            self._idx.append(start)
            if space:  # the space after a word stands alone
                self.starts[start + length] = 1
                self._idx.append(start + length)

    def word_starts(self) -> list[int]:
        """Where each word (or the space after one) starts, in order."""
        return self._idx

    def owner(self, i: int) -> int:
        return self._idx[bisect.bisect_right(self._idx, i) - 1] if self._idx else 0


@Language.factory(COMPONENT_NAME)
def make_entity_rules(nlp: Language, name: str) -> EntityRules:
    return EntityRules()


def _persons(rule: _RegexRule, text: str, words: _Words) -> Iterator[_Cand]:
    """Person names, checked against jieba's words (see entities.yaml)."""
    lead = _rules().lead_chars
    places = _place_names()
    pos = 0
    while (m := rule.regex.search(text, pos)) is not None:
        start, end = m.span()
        title_at = m.start("title")
        ok = (
            words.starts[title_at]
            and words.starts[end]
            and (words.starts[start] or (words.owner(start) == start - 1 and text[start - 1] in lead))
            and m.group("name") not in places
        )
        if ok:
            yield _Cand(start, end, "PER", rule.id, m.group("name"), {"title": m.group("title")})
            pos = end
        else:
            pos = start + 1


def _places(text: str, words: _Words) -> Iterator[_Cand]:
    """Divisions from the gazetteer, the longest name at the leftmost place
    where one begins a jieba word (推广/安全 holds no 广安). A two-character
    county (宁县) must be a whole word (和/县域, 新/县城 are not places) not
    followed by a lone 乡, 区 or 市 (应县/乡 is 应 + 县乡), and
    a last character glued into a word that begins with 市场 (or another
    word of ``place.not_suffix``) is not the name's (东方/市场 holds no 东方市;
    北京/市场份额 gives 北京). A name that fails leaves the next word free
    (美丽/江苏: the 丽江 inside 美丽江 no longer hides 江苏)."""
    index = _match_index()
    lengths = _loc_lengths()
    not_suffix = _rules().not_suffix
    not_after_two = _rules().not_after_two
    pos = 0
    for start in words.word_starts():
        if start < pos or (sizes := lengths.get(text[start : start + 2])) is None:
            continue
        name = next((text[start : start + n] for n in sizes if text[start : start + n] in index), None)
        if name is None:
            continue
        end = start + len(name)
        div = index[name]
        if end - start == 2 and div.level == "county" and (
            words.starts[start + 1] or not words.starts[end] or _word_at(text, words, end) in not_after_two
        ):
            continue
        if end - start > 2 and words.starts[end - 1] and _word_at(text, words, end - 1).startswith(not_suffix):
            div = index.get(text[start : end - 1])
            if div is None:
                continue
            end -= 1
        extra = {"level": div.level}
        if div.parent:
            extra["parent"] = div.parent
        yield _Cand(start, end, "LOC", "entity.loc_gazetteer.v1", div.full_name, extra)
        pos = end


def _word_at(text: str, words: _Words, start: int) -> str:
    """The jieba word that starts at ``start``."""
    end = start + 1
    while end < len(text) and not words.starts[end]:
        end += 1
    return text[start:end]


def _from_ruler(text: str, start: int, end: int, label: str, rule_id: str) -> _Cand:
    rule = rule_id or f"entity.{label.lower()}.v1"
    extra: dict[str, Any] = {}
    norm = found = text[start:end]
    if label == "LOC":
        norm = normalise_region(found) or found
    elif found == "国务院":
        extra["region"] = NATIONAL
    return _Cand(start, end, label, rule, norm, extra)


def _from_regex(rule: _RegexRule, m: re.Match[str]) -> _Cand:
    start, end = m.span()
    found = m.group()
    if rule.label == "DOC":
        title = found[1:-1]
        doctype = next((t for t in _rules().doc_types if title.endswith(t)), None)
        return _Cand(start, end, "DOC", rule.id, title, {"doctype": doctype} if doctype else {})
    if rule.label == "CAMPAIGN":
        close = found.index(_CLOSING_QUOTE[found[0]], 1)
        extra = {"kind": found[close + 1 :]} if close + 1 < len(found) else {}
        return _Cand(start, start + close + 1, "CAMPAIGN", rule.id, found[1:close], extra)
    return _Cand(start, end, rule.label, rule.id, found, {})


def _attach_orgs(cands: list[_Cand], text: str, words: _Words) -> None:
    """Widen ORG names leftwards: over the place they belong to (河南省 +
    省卫生厅 → 河南省卫生厅, region 河南省), or to the start of the jieba
    word they begin inside (省庄镇 + 镇卫生院 → 省庄镇卫生院)."""
    locs_by_end: dict[int, list[_Cand]] = {}
    for c in cands:
        if c.label == "LOC":
            locs_by_end.setdefault(c.end, []).append(c)
    org_rx = next(r.regex for r in _rules().regex_rules if r.id == "entity.org_suffix.v1")
    for c in cands:
        if c.label != "ORG":
            continue
        while True:
            # a place that ends where the ORG starts, or overlaps its level word (河南省/省卫生厅)
            loc = next(
                (
                    loc
                    for end in range(c.start, min(c.start + 4, c.end))
                    for loc in locs_by_end.get(end, ())
                    if loc.start < c.start
                ),
                None,
            )
            if loc is None:
                break
            c.start = loc.start
            c.extra = {**c.extra, "region": loc.norm}
        if c.rule != "entity.org_suffix.v1":
            continue
        if "region" not in c.extra:
            _fit_to_words(c, text, words, org_rx)
        c.norm = text[c.start : c.end]  # a body's name is kept as written


def _fit_to_words(c: _Cand, text: str, words: _Words, org_rx: re.Pattern[str]) -> None:
    """An ORG that starts inside a jieba word: if the word is in the
    dictionary, its last character is not the ORG's (辖区/社区卫生服务中心,
    城市/社区…): start after it, or drop the ORG (end = start) if nothing is
    left. If jieba guessed the word (HMM), it is a name glued to a level
    (省庄镇/卫生院): take the whole word, unless only a preposition is
    glued on (以区/医院, 获省/卫生厅)."""
    word_start = words.owner(c.start)
    if word_start == c.start:
        return
    word_end = c.start + 1
    while word_end < len(text) and not words.starts[word_end]:
        word_end += 1
    word = text[word_start:word_end]
    prefix = text[word_start : c.start]
    if segment.tokenizer().FREQ.get(word):
        if word_end < c.end and org_rx.fullmatch(text, word_end, c.end):
            c.start = word_end
        else:
            c.end = c.start
    elif len(prefix) >= 2 and _HAN.fullmatch(prefix) and prefix[0] not in _SCOPE_CHARS:
        c.start = word_start


def _resolve(cands: list[_Cand], n: int) -> list[_Cand]:
    """Non-overlapping entities: longest first, then by rule order, then leftmost."""
    order = {rule: i for i, rule in enumerate(_RULE_ORDER)}
    taken = bytearray(n + 1)
    out = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, order.get(c.rule, len(order)), c.start)):
        if c.end <= c.start or any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        out.append(c)
    out.sort(key=lambda c: c.start)
    return out


@functools.cache
def entity_pipeline() -> Language:
    """The entity pipeline (built once): jieba tokenizer, span ruler, rules.

    The tokenizer is set in the config, so ``nlp.to_disk(path)`` then
    ``spacy.load(path)`` rebuilds it offline (import this module first, so
    that spaCy knows ``zongjie.jieba_tokenizer.v1``); spaCy's own Chinese
    segmenters (char, pkuseg) are never created.
    """
    config = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}}
    nlp = spacy.blank("zh", config=config)
    nlp.max_length = 20_000_000  # no parser or NER model here: long texts cost only time
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": RULER_KEY, "annotate_ents": False, "overwrite": False, "validate": True},
    )
    ruler.add_patterns(_ruler_patterns())
    nlp.add_pipe(COMPONENT_NAME)
    return nlp


def doc_entities(doc: Doc) -> list[Entity]:
    """The entities of a Doc that went through ``entity_pipeline()``."""
    return [Entity(**d) for d in doc.user_data.get(USER_DATA_KEY, [])]


def find_entities(text: str, words: Sequence[str] | None = None) -> list[Entity]:
    """Every entity in ``text``, in order, without overlaps.

    Args:
        text: a document's text (offsets are into it).
        words: ``text`` already cut by ``segment.words`` (they must join up to
            ``text``); segmented here if not given.

    Returns:
        Entities with ``start``/``end`` such that ``text[start:end] == entity.text``,
        the id of the rule that found each, and its ``norm``: the full name
        of a place, the title of a document, the name of a person.

    >>> [(e.text, e.label, e.norm) for e in find_entities("成立了以周建中局长为组长的领导小组")]
    [('周建中局长', 'PER', '周建中')]
    """
    if words is None:
        return doc_entities(entity_pipeline()(text))
    if sum(map(len, words)) != len(text):
        raise ValueError("words do not join up to the text")
    # The component's work without building a spaCy Doc: making one costs more
    # than the rules (a lexeme for every new word, numbers included), and the
    # vocabulary it fills would grow for as long as the process reads
    # documents. ``entity_pipeline()(text)`` gives the same entities
    # (tests/test_entities.py compares them).
    tokens, orths = _tokens(words)
    return _entities(text, _Words(tokens, len(text)), _phrase_matches(tokens, orths))


def _tokens(words: Sequence[str]) -> tuple[list[tuple[int, int, bool]], list[str]]:
    """(start, length, followed by a space) and text of each token, as
    ``JiebaTokenizer.from_words`` makes them (a single space after a word is
    that word's trailing whitespace)."""
    if " " not in words:  # the common case, without a Python loop over every word
        lengths = list(map(len, words))
        starts = itertools.accumulate(lengths, initial=0)
        return list(zip(starts, lengths, itertools.repeat(False))), list(words)
    tokens: list[tuple[int, int, bool]] = []
    orths: list[str] = []
    pos = 0
    for word in words:
        if word == " " and tokens and not tokens[-1][2] and not orths[-1].isspace():
            start, length, _ = tokens[-1]
            tokens[-1] = (start, length, True)
        else:
            tokens.append((pos, len(word), False))
            orths.append(word)
        pos += len(word)
    return tokens, orths


@functools.cache
def _ruler_phrases() -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
    """The span ruler's phrase patterns as token sequences, cut as the
    tokenizer cuts them when the ruler adds them, by first token."""
    out: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for pattern in _ruler_patterns():
        _, orths = _tokens(segment.words(pattern["pattern"]))
        out.setdefault(orths[0], []).append((tuple(orths), pattern["label"], pattern.get("id", "")))
    return out


def _phrase_matches(tokens: Sequence[tuple[int, int, bool]], orths: Sequence[str]) -> list[tuple[int, int, str, str]]:
    """What the span ruler finds: every run of tokens equal to a pattern's."""
    phrases = _ruler_phrases()
    found = set()
    for i, orth in enumerate(orths):
        for pattern, label, rule_id in phrases.get(orth, ()):
            if tuple(orths[i:i + len(pattern)]) == pattern:
                last = tokens[i + len(pattern) - 1]
                found.add((tokens[i][0], last[0] + last[1], label, rule_id))
    return sorted(found)


def run_example(text: str, **options: Any) -> list[dict[str, Any]]:
    """Every entity of ``text`` as a dict (for tests/test_rule_examples.py;
    entity rules take no options)."""
    return [e.as_dict() for e in find_entities(text)]
