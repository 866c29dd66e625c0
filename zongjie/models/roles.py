"""Sentence roles: achievement, target, commitment, problem or other.

A character n-gram TF-IDF (1–3 characters, sublinear tf) and a multinomial
logistic regression, trained from hand-labelled sentences: of the real
government work reports (``zongjie/models/data/roles.jsonl``), and written
for the project in the genre of bureau work summaries, where the same
imperative-looking words report work done (``roles-authored.jsonl``); how
both were made is in ``zongjie/models/data/README.md``. Characters rather than
words: no segmenter decides what the model sees, and the markers that matter
(了, 已, 将, 力争, 左右, 问题) are one or two characters.

The model is stored as plain arrays (vocabulary, idf, coefficients), not a
pickle: it loads with any scikit-learn, and loading runs no code.

    >>> model = load()
    >>> model.predict(["今年力争地区生产总值增长6%左右", "全年新增城镇就业5.2万人"])
    ['target', 'achievement']
"""

from __future__ import annotations

import functools
import json
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zongjie.models import SEED, VERSIONS, data_path, model_dir, model_tag

LABELS = ("achievement", "target", "commitment", "problem", "other")
NGRAMS = (1, 3)
# share of each label kept apart for ``zongjie evaluate roles``
HELD_APART = 0.2


@dataclass
class Example:
    text: str
    label: str
    source: str = ""


# the labelled sentences: of the real government work reports, and written in
# the genre of bureau work summaries (zongjie/models/data/README.md)
DATA_FILES = ("roles.jsonl", "roles-authored.jsonl")


def load_examples(path: Path | None = None) -> list[Example]:
    """The labelled sentences (JSON lines: text, label, source): of ``path``, or of all ``DATA_FILES``."""
    out = []
    for one in [path] if path else [data_path(name) for name in DATA_FILES]:
        with open(one, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    if row["label"] not in LABELS:
                        raise ValueError(f"{one}: unknown label {row['label']!r} for {row['text'][:30]!r}")
                    out.append(Example(row["text"], row["label"], row.get("source", "")))
    return out


def split(examples: Sequence[Example], seed: int = SEED) -> tuple[list[Example], list[Example]]:
    """(train, held apart): the same stratified split for a given seed."""
    rng = random.Random(seed)
    train, test = [], []
    for label in LABELS:
        group = [e for e in examples if e.label == label]
        rng.shuffle(group)
        cut = round(len(group) * HELD_APART)
        test += group[:cut]
        train += group[cut:]
    return train, test


class RolesModel:
    """A fitted TF-IDF + logistic regression, as arrays."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 labels: Sequence[str], version: int = VERSIONS["roles"]):
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.labels = list(labels)
        self.version = version

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: Counter[int] = Counter()
        lo, hi = NGRAMS
        for n in range(lo, hi + 1):
            for i in range(len(text) - n + 1):
                index = self.vocabulary.get(text[i:i + n])
                if index is not None:
                    counts[index] += 1
        if not counts:
            return np.zeros(0, dtype=int), np.zeros(0)
        indexes = np.fromiter(counts.keys(), dtype=int)
        tf = 1 + np.log(np.fromiter(counts.values(), dtype=float))  # sublinear tf, as in training
        weights = tf * self.idf[indexes]
        return indexes, weights / np.linalg.norm(weights)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label (``self.labels``)."""
        out = np.empty((len(texts), len(self.labels)))
        for row, text in enumerate(texts):
            indexes, weights = self._features(text)
            scores = self.coef[:, indexes] @ weights + self.intercept
            scores = np.exp(scores - scores.max())
            out[row] = scores / scores.sum()
        return out

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.labels[i] for i in self.predict_proba(texts).argmax(axis=1)]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        terms = sorted(self.vocabulary, key=self.vocabulary.get)
        meta = {"name": "roles", "version": self.version, "labels": self.labels, "ngrams": list(NGRAMS),
                "features": len(terms), "seed": SEED}
        (folder / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (folder / "vocabulary.txt").write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in terms) + "\n",
                                               encoding="utf-8")
        np.savez_compressed(folder / "weights.npz", idf=self.idf.astype(np.float32),
                            coef=self.coef.astype(np.float32), intercept=self.intercept.astype(np.float32))

    @classmethod
    def from_folder(cls, folder: Path) -> RolesModel:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        lines = (folder / "vocabulary.txt").read_text(encoding="utf-8").splitlines()
        vocabulary = {json.loads(t): i for i, t in enumerate(lines)}
        with np.load(folder / "weights.npz") as w:
            idf, coef, intercept = (w[k].astype(np.float64) for k in ("idf", "coef", "intercept"))
        return cls(vocabulary, idf, coef, intercept, meta["labels"], meta["version"])


def train(examples: Sequence[Example], seed: int = SEED) -> RolesModel:
    """Fit the vectoriser and the classifier; deterministic for a given seed."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, min_df=2,
                                 lowercase=False)
    x = vectorizer.fit_transform([e.text for e in examples])
    # balanced: targets and problems are rare in reports, and are what matter most
    classifier = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000, random_state=seed)
    classifier.fit(x, [e.label for e in examples])
    vocabulary = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
    return RolesModel(vocabulary, vectorizer.idf_, classifier.coef_, classifier.intercept_,
                      list(classifier.classes_))


def scores(model: RolesModel, examples: Sequence[Example]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label, and their macro average."""
    predicted = model.predict([e.text for e in examples])
    out: dict[str, dict[str, float]] = {}
    for label in LABELS:
        tp = sum(1 for e, p in zip(examples, predicted, strict=True) if p == label and e.label == label)
        fp = sum(1 for e, p in zip(examples, predicted, strict=True) if p == label and e.label != label)
        fn = sum(1 for e, p in zip(examples, predicted, strict=True) if p != label and e.label == label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    out["macro"] = {k: sum(out[label][k] for label in LABELS) / len(LABELS) for k in ("precision", "recall", "f1")}
    out["macro"]["support"] = len(examples)
    out["accuracy"] = {"accuracy": sum(1 for e, p in zip(examples, predicted, strict=True) if e.label == p)
                       / max(1, len(examples))}
    return out


@functools.cache
def load() -> RolesModel:
    """The shipped model (``zongjie/models/roles-v2``)."""
    folder = model_dir("roles")
    if not (folder / "model.json").exists():
        raise FileNotFoundError(f"no roles model in {folder}: run `zongjie train roles`")
    return RolesModel.from_folder(folder)


TAG = model_tag("roles")


# ---------------------------------------------------------------- combined with the rules

# Where the rules are unsure, the classifier decides, when it is this sure.
# Both thresholds were chosen by ``choose_thresholds`` (5-fold cross-validation
# on the labelled sentences), never on the dev gold:
# - a clause that only a future marker made a commitment, and only a marker of
#   ``WEAK_MARKERS``, is dropped when P(achievement + problem + other) of the
#   clause is at least NOT_FORWARD;
# - a figure that only a goal word made a target outside a plan part becomes
#   actual when P(achievement) of its sentence is at least ACHIEVED.
NOT_FORWARD = 0.80
ACHIEVED = 0.95
THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
_FORWARD = ("commitment", "target")

# Future markers that work summaries also use for work done: 积极争取 + a
# programme, 计划 (a noun as often as a verb: 完成年度计划的103%), 预计, and
# the time words that frame a past stretch as well as a coming one (年内共举办…,
# 截至年底…, 近期…组织, 今后). A marker outside this list says the future in
# its grammar (将, 即将, 力争, 拟, 要进一步…, 明年, 下半年, 下一步, 到2025年,
# 年底前, 利用三年时间, 正在抓紧): a clause with one stays with the rules.
WEAK_MARKERS = re.compile(r"(?:积极)?争取|计划|预计|年内|年底|近期|今后")


GENRES = ("report", "summary")

# a figure named as a goal (县局下达的任务, 完成年度目标任务（40万人）) is one whatever its sentence reports
_GOAL_NOUN = re.compile(r"任务|目标|计划|指标")
# markers that say the future in their grammar (WEAK_MARKERS aside): a clause with one stays a target
# (确保 and 要 are left to the classifier: summaries report 确保…达到100% as done)
_STRONG_FUTURE = re.compile(r"力争|力求|将|拟|明年|下半年|年底前|到20\d{2}年")


# the result reported right after a figure: 实际完成, 实际新增… (what the plan figure before it is measured by)
_PLAN_THEN_ACTUAL = re.compile(r"^[^，,]{0,6}[，,]\s*实际")


def _goal_however_reported(doc, indicator) -> bool:
    """Whether a target stays one whatever its sentence reports: its name is a goal
    (年度目标任务数（9.5万人次）), its own clause says the future in its grammar
    (…建成率82.6%,力争年底达到100%), or the next clause gives the result beside it
    (全年计划完成…4.2万人，实际完成3.96万人)."""
    from zongjie.extract import indicators as indicator_rules

    name = indicator.name or ""
    if name and (indicator_rules._rules().target_words.search(name) or _GOAL_NOUN.search(name)):
        return True
    if indicator.sentence is None:
        return False
    sentence = doc.sentences[indicator.sentence]
    lead = doc.text[sentence.start:indicator.start]
    # 计划完成…4.2万人，实际完成3.96万人: the result set beside it says this one is the plan
    follow = re.split(r"[；;。]", doc.text[indicator.end:sentence.end])[0]
    return bool(_STRONG_FUTURE.search(re.split(r"[，,；;。]", lead)[-1])) or bool(_PLAN_THEN_ACTUAL.search(follow))


def genre_of(example: Example) -> str:
    """``summary`` for the sentences written in the genre of work summaries, ``report`` for the others."""
    return "summary" if example.source == "authored" else "report"


def weak_only(text: str) -> bool:
    """Whether every future marker of ``text`` (the commitment rule's) is a weak one, and there is one."""
    from zongjie.extract import commitments

    found = [m.group(0) for m in commitments._rules().future.finditer(text)]
    return bool(found) and all(WEAK_MARKERS.fullmatch(word) for word in found)


def out_of_fold(examples: Sequence[Example], folds: int = 5, seed: int = SEED) -> np.ndarray:
    """Probabilities of every labelled sentence from a model that did not see it
    (stratified ``folds``-fold); columns in ``LABELS`` order."""
    rng = random.Random(seed)
    fold_of = [0] * len(examples)
    for label in LABELS:
        indexes = [i for i, e in enumerate(examples) if e.label == label]
        rng.shuffle(indexes)
        for k, i in enumerate(indexes):
            fold_of[i] = k % folds
    out = np.zeros((len(examples), len(LABELS)))
    for k in range(folds):
        model = train([e for i, e in enumerate(examples) if fold_of[i] != k], seed=seed)
        held = [i for i in range(len(examples)) if fold_of[i] == k]
        columns = [model.labels.index(label) for label in LABELS]
        out[held] = model.predict_proba([examples[i].text for i in held])[:, columns]
    return out


def choose_thresholds(examples: Sequence[Example] | None = None) -> dict[str, dict[str, object]]:
    """Cross-validate the two overrules on the labelled sentences the rules are unsure of.

    - ``not_forward``: sentences with a future marker, only weak ones
      (``WEAK_MARKERS``), and no past word (what the marker rule takes for a
      commitment and the classifier may overrule); right when the label is
      commitment or target. The rules say "forward" for all of them.
    - ``achieved``: sentences with a figure under a goal word not undone by a past
      tense (what the rules make a target); right when the label is not
      achievement. The rules say "target" for all of them.

    The labelled sentences come in two genres (``GENRES``: the government
    reports, and the work summaries written for the project), and an overrule
    must not do worse than the rules in either: the threshold chosen is the one
    whose smaller gain over the rules, of the two genres, is the largest (ties:
    the higher, which overrules less). Returns, for each case, that threshold,
    the accuracy with it and the rules' accuracy, overall and per genre, and the
    count of sentences.
    """
    # the rules' own patterns (extract/rules/commitments.yaml and indicators.yaml)
    from zongjie.extract import commitments, indicators

    retrospective = commitments._rules().retrospective
    target_words, retro = indicators._rules().target_words, indicators._rules().retro

    examples = list(examples if examples is not None else load_examples())
    p = out_of_fold(examples)
    column = {label: i for i, label in enumerate(LABELS)}
    forward = [column[label] for label in _FORWARD]

    def marked(text: str) -> bool:
        return weak_only(text) and not retrospective.search(text)

    def goal(text: str) -> bool:
        last = next(reversed(list(target_words.finditer(text))), None)
        return bool(re.search(r"\d", text)) and last is not None and not retro.search(text, last.end())

    cases = {
        # name: (subset, whether the rules are right, P that overrules the rules)
        "not_forward": (marked, lambda e: e.label in _FORWARD, lambda i: 1 - p[i, forward].sum()),
        "achieved": (goal, lambda e: e.label != "achievement", lambda i: p[i, column["achievement"]]),
    }
    out: dict[str, dict[str, object]] = {}
    for name, (chosen, rules_right, overrule) in cases.items():
        subset = [i for i, e in enumerate(examples) if chosen(e.text)]
        right = np.array([rules_right(examples[i]) for i in subset])
        q = np.array([overrule(i) for i in subset])
        genre = np.array([genre_of(examples[i]) for i in subset])
        groups = [genre == g for g in GENRES if (genre == g).any()]

        def smallest_gain(t: float, right=right, q=q, groups=groups) -> float:
            return min(((q[g] < t) == right[g]).mean() - right[g].mean() for g in groups)

        best = max(THRESHOLDS, key=lambda t: smallest_gain(t) + t * 1e-9)
        out[name] = {"threshold": best, "accuracy": float(((q < best) == right).mean()),
                     "rules_accuracy": float(right.mean()), "sentences": len(subset),
                     "genres": {g: {"sentences": int((genre == g).sum()),
                                    "accuracy": float(((q[genre == g] < best) == right[genre == g]).mean()),
                                    "rules_accuracy": float(right[genre == g].mean())}
                                for g in GENRES if (genre == g).any()}}
    return out


def revise(doc, indicators: list, commitments: list, model: RolesModel | None = None) -> tuple[list, list]:
    """Where the rules are unsure and the classifier is sure, the classifier decides.

    - A clause taken as a commitment for a future marker alone, and only weak
      ones (``WEAK_MARKERS``: 争取, 计划, 年内… outside a plan part), is
      dropped when the clause reads as an achievement, a problem or neither
      (P ≥ ``NOT_FORWARD``).
    - An indicator made a target by a goal word outside a plan part becomes
      actual when its sentence reads as an achievement (P ≥ ``ACHIEVED``).

    Plan parts stay with the rules, and so do clauses whose marker says the
    future in its grammar (将, 力争, 明年…). Changed indicators record the
    model in ``rule`` (``…+model:roles@2``); the commitments kept are the rules'.
    Only the clauses and sentences the rules are unsure of are classified.
    """
    from zongjie.extract.commitments import RULE_MARKER

    unsure = [c for c in commitments if c.rule == RULE_MARKER and weak_only(c.text)]
    sentences = sorted({i.sentence for i in indicators if i.kind == "target" and i.sentence is not None})
    if not unsure and not sentences:
        return indicators, commitments
    model = model or load()
    texts = [c.text for c in unsure] + [doc.sentences[s].text for s in sentences]
    probabilities = model.predict_proba(texts)
    column = {label: i for i, label in enumerate(model.labels)}
    not_forward = [column[label] for label in LABELS if label not in _FORWARD]

    dropped = {id(c) for c, row in zip(unsure, probabilities, strict=False) if row[not_forward].sum() >= NOT_FORWARD}
    kept = [c for c in commitments if id(c) not in dropped]
    achieved = {s: float(row[column["achievement"]])
                for s, row in zip(sentences, probabilities[len(unsure):], strict=True)}
    for indicator in indicators:
        section = doc.sentences[indicator.sentence].section if indicator.sentence is not None else None
        in_plan = section is not None and doc.sections and doc.sections[section].role == "plan"
        if indicator.kind == "target" and not in_plan and achieved.get(indicator.sentence, 0.0) >= ACHIEVED \
                and not _goal_however_reported(doc, indicator):
            indicator.kind = "actual"
            indicator.rule = f"{indicator.rule}+{TAG}"
    return indicators, kept
