"""Extraction speed as a ratio to bare jieba segmentation of the same text.

Reads the dev corpus and the real reports (../shared/corpus, or paths given
as arguments), cleans them once, then times, in the same process and run:

- ``jieba.lcut`` (the default tokenizer, dictionary already loaded) over every document's text;
- ``zongjie.extract`` over the same documents (without entities, with the
  entities of the rules alone, and with the NER model's additions).

Prints characters per second for each and the ratio extract / lcut. The goal
(issue 3) is a ratio of at most 4. This is a measurement script, not a test:
absolute times depend on the machine; the ratio is what to compare.

    python benchmarks/extract_speed.py [PATH ...]
"""

from __future__ import annotations

import sys
import time

import jieba

from zongjie.corpus.documents import read_paths
from zongjie.corpus.read import ReadFailure
from zongjie.extract.pipeline import extract

DEFAULT = ["../shared/corpus/dev", "../shared/corpus/real/provincial-gwr-2025-docx",
           "../shared/corpus/real/national-gwr-wikisource"]


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(paths: list[str]) -> None:
    docs = [d for d in read_paths(paths) if not isinstance(d, ReadFailure)]
    chars = sum(len(d.text) for d in docs)
    jieba.lcut("预热")  # load the dictionary outside the timing
    extract(docs[0])  # and our lexicons, rules and spaCy pipeline
    t_jieba = best_of(lambda: [jieba.lcut(d.text) for d in docs])
    t_plain = best_of(lambda: [extract(d, entities=False) for d in docs])
    try:
        t_rules = best_of(lambda: [extract(d, models=False) for d in docs])
        t_full = best_of(lambda: [extract(d) for d in docs])
    except ImportError:
        t_rules = t_full = float("nan")
    print(f"documents: {len(docs)}, characters: {chars:,}")
    print(f"jieba.lcut:                {chars / t_jieba:12,.0f} chars/s")
    print(f"extract (no entities):     {chars / t_plain:12,.0f} chars/s   ratio to lcut {t_plain / t_jieba:.2f}")
    print(f"extract (entities, rules): {chars / t_rules:12,.0f} chars/s   ratio to lcut {t_rules / t_jieba:.2f}")
    print(f"extract (with entities):   {chars / t_full:12,.0f} chars/s   ratio to lcut {t_full / t_jieba:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT)
