"""Named entities by a trained spaCy pipeline: ORG, LOC, PER, DOC, CAMPAIGN, INDICATOR.

A blank ``zh`` pipeline on our jieba tokenizer (``zongjie.jieba_tokenizer.v1``,
registered by ``zongjie.extract.entities``) with a narrow ``tok2vec``
(hash embeddings of the word, its first character, its last three
characters and its shape; width 96) and a transition-based ``ner``. It is
small (a few MB) and loads offline from ``zongjie/models/ner-v1``.

Training data is silver: what our rules say (``extract.entities`` for ORG,
LOC, PER, DOC, CAMPAIGN; the names ``extract.indicators`` gives the
figures it finds for INDICATOR) over sentences of the real corpora, kept in
``zongjie/models/data/ner-silver.jsonl`` so that ``zongjie train ner``
rebuilds the model from the repository with a fixed seed. Evaluation data
is a hand-checked sample of sentences from documents that gave no silver
sentence (``ner-gold.jsonl``); ``zongjie evaluate ner`` scores the model,
the rules alone, and the rules with the model's additions, per label.

Spans are token-aligned: an entity that cuts through a jieba word cannot be
predicted, and is left out of training (its tokens are marked unknown).
"""

from __future__ import annotations

import functools
import json
import random
import re
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from zongjie.models import SEED, VERSIONS, data_path, model_dir, model_tag

LABELS = ("ORG", "LOC", "PER", "DOC", "CAMPAIGN", "INDICATOR")
TAG = model_tag("ner")
SILVER_FILE = "ner-silver.jsonl"
GOLD_FILE = "ner-gold.jsonl"
WIDTH = 96
EPOCHS = 20
DROPOUT = 0.2
BATCH = 64

# The labels whose model entities the pipeline adds to the rules' (where they
# overlap no entity of the rules): chosen with `zongjie evaluate ner`, where
# adding the model's entities raised the label's F1 on the hand-checked gold.
# Empty: the model is not used.
ADD_LABELS: tuple[str, ...] = ("CAMPAIGN",)

Span = tuple[int, int, str]  # start, end, label

# ---------------------------------------------------------------- rules → spans

# Names the indicator rules give that name no measured thing: a bare change
# (增长 5.4%), a comparison (高于全国), a clause reaching back over a verb.
_BARE_NAMES = frozenset("增长 下降 增加 减少 提高 降低 达到 超过 实现 完成 新增 累计 其中 共 约 同比 比 较".split())
_BAD_NAME = re.compile(r"[了，,、。；：:！？\s]|^(?:高于|低于|较|比|完成|实现|达到|其中)|会议|人大|第")


def indicator_name_ok(name: str) -> bool:
    """Whether an indicator rule's name is kept as an INDICATOR entity."""
    return 2 <= len(name) <= 20 and name not in _BARE_NAMES and not _BAD_NAME.search(name)


def rule_spans(doc: Any, indicators: Sequence[Any] | None = None, entities: Sequence[Any] | None = None) -> list[Span]:
    """The rules' entities of a ``Document`` as (start, end, label), no overlaps.

    ORG…CAMPAIGN come from ``extract.entities``; INDICATOR from the names of
    the indicators found (where the name is written as such in the text).
    An indicator name that overlaps another entity is left out.
    """
    from zongjie.extract.entities import find_entities
    from zongjie.extract.indicators import find_indicators
    from zongjie.extract.quantities import find_quantities

    text = doc.text
    if entities is None:
        entities = find_entities(text)
    if indicators is None:
        indicators = find_indicators(doc, find_quantities(text))
    spans = [(e.start, e.end, e.label) for e in entities if e.label in LABELS]
    taken = bytearray(len(text) + 1)
    for s, e, _ in spans:
        taken[s:e] = b"\x01" * (e - s)
    seen = set()
    for i in indicators:
        s, e = i.name_start, i.name_end
        if s is None or e is None or text[s:e] != i.name or (s, e) in seen:
            continue
        if indicator_name_ok(i.name) and not any(taken[s:e]):
            spans.append((s, e, "INDICATOR"))
            seen.add((s, e))
            taken[s:e] = b"\x01" * (e - s)
    return sorted(spans)


def rule_spans_of_text(text: str) -> list[Span]:
    """The rules' entities of one sentence read on its own (as the model reads it)."""
    from zongjie.corpus.document import Document, Meta, Section, Sentence

    doc = Document(text=text, meta=Meta(), source="", format="txt")
    doc.sections = [Section(start=0, end=len(text), heading=None, level=0, role="other")]
    doc.sentences = [Sentence(0, len(text), text, section=0)]
    return rule_spans(doc)


# ---------------------------------------------------------------- data


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_silver() -> list[dict[str, Any]]:
    """``{"text", "spans": [[start, end, label], …], "source"}`` a line."""
    return load_jsonl(data_path(SILVER_FILE))


def load_gold() -> list[dict[str, Any]]:
    """The hand-checked sentences, same shape as the silver ones."""
    return load_jsonl(data_path(GOLD_FILE))


def _sentences_with_spans(doc: Any, spans: list[Span], min_len: int = 8, max_len: int = 240) -> Iterator[dict[str, Any]]:
    for sent in doc.sentences:
        if not (min_len <= sent.end - sent.start <= max_len):
            continue
        inside = [[s - sent.start, e - sent.start, lab] for s, e, lab in spans if s >= sent.start and e <= sent.end]
        yield {"text": doc.text[sent.start:sent.end], "spans": inside}


def build_silver(documents: Iterable[Any], size: int = 6000, seed: int = SEED,
                 with_entities: float = 0.85) -> list[dict[str, Any]]:
    """A sample of sentences annotated by the rules (see ``rule_spans``).

    ``with_entities`` of them hold at least one entity; the rest hold none,
    so that the model also learns where there is nothing. Sentences are
    unique, drawn at random with ``seed``.
    """
    from zongjie.extract.pipeline import extract

    rng = random.Random(seed)
    full, empty, seen = [], [], set()
    for doc in documents:
        facts = extract(doc)
        spans = rule_spans(doc, facts.indicators, facts.entities)
        for row in _sentences_with_spans(doc, spans):
            if row["text"] in seen:
                continue
            seen.add(row["text"])
            row["source"] = Path(doc.source).name + (f"#{doc.member}" if getattr(doc, "member", None) else "")
            (full if row["spans"] else empty).append(row)
    rng.shuffle(full)
    rng.shuffle(empty)
    n_full = min(len(full), round(size * with_entities))
    out = full[:n_full] + empty[: size - n_full]
    rng.shuffle(out)
    return out


# ---------------------------------------------------------------- the pipeline

CONFIG = f"""
[nlp]
lang = "zh"
pipeline = ["tok2vec","ner"]
batch_size = 256

[nlp.tokenizer]
@tokenizers = "zongjie.jieba_tokenizer.v1"

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {WIDTH}
attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
rows = [6000,2000,3000,500]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {WIDTH}
depth = 4
window_size = 1
maxout_pieces = 3

[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = {WIDTH}
upstream = "*"
"""


def _blank() -> Any:
    from spacy.util import load_model_from_config
    from thinc.api import Config

    import zongjie.extract.entities  # noqa: F401  (registers the jieba tokenizer)

    return load_model_from_config(Config().from_str(CONFIG), auto_fill=True, validate=True)


def _example(nlp: Any, row: dict[str, Any]) -> Any:
    from spacy.training import Example, offsets_to_biluo_tags

    doc = nlp.make_doc(row["text"])
    # an entity that cuts through a jieba word cannot be learnt: its tokens become "-" (unknown)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W030: that misalignment, which is expected here
        tags = offsets_to_biluo_tags(doc, [tuple(s) for s in row["spans"]])
    return Example.from_dict(doc, {"entities": tags})


def train(folder: Path, seed: int = SEED, epochs: int = EPOCHS,
          progress: Callable[[str], None] | None = None, silver: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Train on the silver sentences and save the pipeline in ``folder``.

    Deterministic for a given seed on one machine (spaCy's and NumPy's
    random states are fixed; batches are shuffled with ``seed``).
    """
    from spacy.training import Example  # noqa: F401
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rows = silver if silver is not None else load_silver()
    nlp = _blank()
    examples = [_example(nlp, row) for row in rows]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    started = time.monotonic()
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=BATCH):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=losses)
        if progress:
            progress(f"epoch {epoch + 1}/{epochs}: ner loss {losses.get('ner', 0):.1f} "
                     f"({time.monotonic() - started:.0f} s)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nlp.meta.update({"name": "zongjie_ner", "version": f"{VERSIONS['ner']}.0.0",
                     "description": "zongjie NER: jieba tokens, tok2vec + ner, trained on silver data"})
    nlp.to_disk(folder)
    stats = {"name": "ner", "version": VERSIONS["ner"], "seed": seed, "epochs": epochs, "train": len(rows),
             "entities": sum(len(r["spans"]) for r in rows), "width": WIDTH}
    (folder / "model.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return stats


@functools.cache
def _load(folder: str) -> Any:
    import spacy

    import zongjie.extract.entities  # noqa: F401  (registers the jieba tokenizer)

    path = Path(folder)
    if not (path / "config.cfg").exists():
        raise FileNotFoundError(f"no NER model in {path}: run `zongjie train ner`")
    nlp = spacy.load(path)
    nlp.max_length = 20_000_000
    return nlp


def load(folder: Path | None = None) -> Any:
    """The trained pipeline (the shipped ``ner-v1`` unless ``folder`` is given)."""
    return _load(str(folder or model_dir("ner")))


def predict_spans(texts: Sequence[str], folder: Path | None = None,
                  words: Sequence[Sequence[str]] | None = None) -> list[list[Span]]:
    """The model's entities of each text, as (start, end, label).

    ``words``: each text already cut by ``segment.words`` (spares cutting it again).
    """
    nlp = load(folder)
    # the words the model meets are freed afterwards: a long run would
    # otherwise keep every number and name it ever read in the vocabulary
    with nlp.memory_zone():
        docs = texts if words is None else [nlp.tokenizer.from_words(w) for w in words]
        return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(docs, batch_size=64)]


def find_entities(text: str, folder: Path | None = None,
                  units: Iterable[tuple[int, int]] | None = None, cut: Sequence[str] | None = None) -> list[Any]:
    """The model's entities of a text as ``Entity`` facts (``rule`` = ``model:ner@1``).

    The model reads ``units`` (start, end) of the text one at a time, by
    default its lines: it was trained on sentences. Offsets are into ``text``;
    ``cut`` is ``segment.words(text)``, if the caller has it.
    """
    from zongjie.extract.facts import Entity
    from zongjie.extract.segment import span_words

    if units is None:
        units, pos = [], 0
        for line in text.split("\n"):
            units.append((pos, pos + len(line)))
            pos += len(line) + 1
    units = [(s, e) for s, e in units if text[s:e].strip()]
    out = []
    predicted = predict_spans([text[s:e] for s, e in units], folder,
                              span_words(text, units, cut) if cut is not None else None)
    for (start, _end), spans in zip(units, predicted, strict=True):
        for s, e, label in spans:
            out.append(Entity(start + s, start + e, text[start + s:start + e], label, TAG))
    return out


# What a label's entity needs in its sentence; the model only reads sentences
# where every label it is used for has its cue outside the rules' entities.
_CUES = {"CAMPAIGN": re.compile(r"[“「‘\"]")}


def add_model_entities(text: str, rule_entities: list[Any], indicator_spans: Iterable[tuple[int, int]] = (),
                       labels: Sequence[str] = ADD_LABELS, folder: Path | None = None,
                       units: Iterable[tuple[int, int]] | None = None,
                       cut: Sequence[str] | None = None) -> list[Any]:
    """The rules' entities, plus the model's of ``labels`` that overlap none of
    them nor an indicator's name (see ``combine``); in text order.

    ``units`` are the stretches (start, end) the model reads (default: the
    lines). When every label has a cue (CAMPAIGN: a quotation mark), the
    model reads only the clauses around the cues outside the rules'
    entities, which keeps its cost small. Nothing is loaded when ``labels``
    is empty.
    """
    if not labels:
        return rule_entities
    rules = [(x.start, x.end, x.label) for x in rule_entities] + [(s, e, "") for s, e in indicator_spans]
    if all(label in _CUES for label in labels):
        taken = bytearray(len(text) + 1)
        for s, e, _ in rules:
            taken[s:e] = b"\x01" * (e - s)
        cues = sorted(m.start() for label in labels for m in _CUES[label].finditer(text) if not taken[m.start()])
        if not cues:
            return rule_entities
        units = _clauses_around(text, cues)
    model = find_entities(text, folder, units, cut)
    kept = set(additions(text, rules, [(m.start, m.end, m.label) for m in model], labels))
    added = [m for m in model if (m.start, m.end, m.label) in kept]
    return sorted(rule_entities + added, key=lambda x: (x.start, x.end))


_CLAUSE_END = re.compile(r"[，,。；;！？!?：:\n]")


def _clauses_around(text: str, cues: Sequence[int]) -> list[tuple[int, int]]:
    """The clauses holding each cue (cut at ，。；：, a quoted name kept whole), merged."""
    out: list[tuple[int, int]] = []
    for cue in cues:
        start = cue
        while start > 0 and not _CLAUSE_END.match(text, start - 1) and cue - start < 40:
            start -= 1
        close = text.find(_CLOSE.get(text[cue], text[cue]), cue + 1, cue + 40)
        end = close + 1 if close > 0 else cue + 1
        m = _CLAUSE_END.search(text, end, end + 40)
        end = m.start() if m else min(len(text), end + 40)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def well_formed(text: str, span: Span) -> bool:
    """Whether a model entity is whole: a CAMPAIGN is a quoted name, closed,
    of two characters or more (a quoted single character is emphasis: “零”的突破)."""
    s, e, label = span
    if label == "CAMPAIGN":
        found = text[s:e]
        return len(found) >= 4 and found[0] in _CLOSE and _CLOSE[found[0]] in found[2:]
    return True


_CLOSE = {"“": "”", "「": "」", "‘": "’", '"': '"'}


# ---------------------------------------------------------------- evaluation


def prf(gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]],
        labels: Sequence[str] = LABELS) -> dict[str, dict[str, float]]:
    """Exact-span precision, recall, F1 per label and over all labels (micro)."""
    counts = {label: [0, 0, 0] for label in (*labels, "all")}  # tp, fp, fn
    for g, p in zip(gold, predicted, strict=True):
        gs, ps = set(map(tuple, g)), set(map(tuple, p))
        for label in labels:
            gl = {x for x in gs if x[2] == label}
            pl = {x for x in ps if x[2] == label}
            tp = len(gl & pl)
            for key in (label, "all"):
                counts[key][0] += tp
                counts[key][1] += len(pl) - tp
                counts[key][2] += len(gl) - tp
    out = {}
    for label, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return out


def additions(text: str, rules: Sequence[Span], model: Sequence[Span], labels: Sequence[str]) -> list[Span]:
    """The model's spans of ``labels`` that are well formed and overlap none of the rules'."""
    taken = bytearray(len(text) + 1)
    for s, e, _ in rules:
        taken[s:e] = b"\x01" * (e - s)
    return [m for m in model if m[2] in labels and well_formed(text, m) and not any(taken[m[0]:m[1]])]


def combine(text: str, rules: Sequence[Span], model: Sequence[Span], labels: Sequence[str]) -> list[Span]:
    """The rules' spans plus the model's additions of ``labels``."""
    return sorted([*rules, *additions(text, rules, model, labels)])


def evaluate(folder: Path | None = None, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Scores on the hand-checked gold sentences, per label: the model alone,
    the rules alone, the rules plus the model's entities of one label (for
    each label), and what ``extract`` uses (the rules plus the model's
    ``ADD_LABELS``, read as the pipeline reads them)."""
    from zongjie.extract.entities import find_entities as rule_entities

    rows = rows if rows is not None else load_gold()
    gold = [[tuple(s) for s in r["spans"]] for r in rows]
    texts = [r["text"] for r in rows]
    model = predict_spans(texts, folder)
    rules = [rule_spans_of_text(t) for t in texts]
    out: dict[str, Any] = {"sentences": len(rows), "model": prf(gold, model), "rules": prf(gold, rules)}
    out["rules+model"] = {
        label: prf(gold, [combine(t, r, m, (label,)) for t, r, m in zip(texts, rules, model, strict=True)])[label]
        for label in LABELS
    }
    used = []
    for text, spans in zip(texts, rules, strict=True):
        names = [(s, e) for s, e, label in spans if label == "INDICATOR"]
        ents = add_model_entities(text, rule_entities(text), names, folder=folder)
        used.append(sorted([(e.start, e.end, e.label) for e in ents] + [(s, e, "INDICATOR") for s, e in names]))
    out["combined"] = prf(gold, used)
    return out


# ---------------------------------------------------------------- where the data came from

# Parts of ``../shared/corpus/real`` read for silver and gold sentences.
CORPUS_PARTS = (
    "provincial-gwr-2025-docx/docs/31省区市政府工作报告",
    "provincial-gwr-2026-csv/output/2026_raw_text",
    "national-gwr-wikisource",
    "national-gwr-2020-transcript",
    "national-gwr-2024-2026-parallel",
    "gov-info-disclosure-annual-pdf",
)
# Documents kept apart for the hand-checked gold sample: no silver sentence comes from them.
GOLD_DOCUMENTS = ("2025年河北", "2025年湖南", "2025年甘肃", "2026年山东", "2026年江西",
                  "2003年中华人民共和国", "2016年中华人民共和国", "2024年")


def document_key(doc: Any) -> str:
    """A document's name in the data files: its title, else its file name."""
    return doc.meta.title or Path(doc.source).name


def is_gold_document(doc: Any) -> bool:
    key = document_key(doc)
    if "2024年" in key and "政府信息公开" not in key:
        return any(key.startswith(g) for g in GOLD_DOCUMENTS[:-1])
    return any(key.startswith(g) for g in GOLD_DOCUMENTS)


def corpus_documents(root: Path) -> Iterator[Any]:
    """The documents of the corpus parts, in a fixed order; unreadable files skipped."""
    from zongjie.corpus.documents import read

    for part in CORPUS_PARTS:
        for doc in read(root / part, on_error="skip"):
            if Path(doc.source).name != "MANIFEST.txt":
                yield doc


def rebuild_silver(root: Path, seed: int = SEED) -> list[dict[str, Any]]:
    """Rebuild ``data/ner-silver.jsonl`` from the real corpora under ``root``
    (the gold documents left out)."""
    rows = build_silver((d for d in corpus_documents(root) if not is_gold_document(d)), seed=seed)
    with open(data_path(SILVER_FILE), "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows
