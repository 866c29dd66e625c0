"""What the sentence-role classifier changes: the dev gold before and after, and the real corpus.

``extract`` does not call ``zongjie.models.roles.revise`` (README, Learned
models: it raises the commitment score of the dev gold but not the kind
score). This script measures it, as issue 8 asks:

- ``gold``: runs ``extract`` over the dev corpus twice, the rules alone and
  the rules followed by ``revise``, writes both in the shape ``score.py``
  reads and prints ``../shared/gold/score.py``'s figures for each;
- ``real``: runs both over the real corpus and prints, one JSON object a
  line, every commitment ``revise`` drops and every target it makes actual,
  with its sentence, for reading by hand (the counts go to stderr).

A measurement script, not a test: it needs ../shared.

    python benchmarks/roles_revise.py gold [--shared ../shared]
    python benchmarks/roles_revise.py real [--shared ../shared] > changes.jsonl
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from zongjie.cli import extract_json
from zongjie.corpus.documents import read_path
from zongjie.corpus.read import ReadFailure
from zongjie.extract.commitments import RULE_MARKER
from zongjie.extract.pipeline import extract
from zongjie.models import roles

REAL = ["provincial-gwr-2025-docx", "provincial-gwr-2026-csv", "national-gwr-wikisource",
        "national-gwr-2020-transcript", "national-gwr-2024-2026-parallel", "gov-info-disclosure-annual-pdf",
        "dept-final-accounts-pdf"]
SUFFIXES = {".txt", ".docx", ".csv", ".jsonl", ".pdf"}


def documents(path: Path):
    for item in read_path(path):
        if not isinstance(item, ReadFailure):
            yield item


def gold(shared: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, revised in (("rules alone", False), ("rules + roles.revise", True)):
            out = Path(tmp) / name.replace(" ", "_")
            out.mkdir()
            for path in sorted((shared / "corpus" / "dev").glob("*.txt")):
                docs = []
                for doc in documents(path):
                    facts = extract(doc)
                    if revised:
                        facts.indicators, facts.commitments = roles.revise(doc, facts.indicators, facts.commitments)
                    docs.append(extract_json(doc, facts))
                (out / f"{path.stem}.json").write_text(json.dumps({"documents": docs}, ensure_ascii=False),
                                                       encoding="utf-8")
            result = subprocess.run([sys.executable, str(shared / "gold" / "score.py"), str(shared / "gold"),
                                     str(shared / "corpus"), "--pred", str(out)],
                                    capture_output=True, text=True, check=True)
            print(f"== {name}")
            print(result.stdout.rstrip())


def _row(doc, source: str, change: str, sentence: int, **fields) -> None:
    s = doc.sentences[sentence]
    role = doc.sections[s.section].role if s.section is not None and doc.sections else None
    print(json.dumps({"change": change, "source": source, "title": doc.meta.title, "role": role, **fields,
                      "sentence": s.text}, ensure_ascii=False))


def real(shared: Path) -> None:
    counts = {"documents": 0, "commitments": 0, "weak_marker": 0, "targets": 0, "dropped": 0, "made_actual": 0}
    for folder in REAL:
        for path in sorted((shared / "corpus" / "real" / folder).rglob("*")):
            if path.suffix.lower() not in SUFFIXES or path.name == "MANIFEST.txt":
                continue
            try:
                docs = list(documents(path))
            except Exception as e:  # noqa: BLE001 - a file the readers refuse is not what is measured here
                print(f"{path}: {e}", file=sys.stderr)
                continue
            for doc in docs:
                facts = extract(doc, entities=False)
                kinds = [i.kind for i in facts.indicators]
                counts["documents"] += 1
                counts["commitments"] += len(facts.commitments)
                counts["weak_marker"] += sum(c.rule == RULE_MARKER and roles.weak_only(c.text)
                                             for c in facts.commitments)
                counts["targets"] += kinds.count("target")
                indicators, kept = roles.revise(doc, facts.indicators, list(facts.commitments))
                kept_ids = {id(c) for c in kept}

                source = str(path.relative_to(shared))
                for c in facts.commitments:
                    if id(c) not in kept_ids:
                        counts["dropped"] += 1
                        _row(doc, source, "commitment dropped", c.sentence, clause=c.text)
                for i, kind in zip(indicators, kinds, strict=True):
                    if i.kind != kind:
                        counts["made_actual"] += 1
                        _row(doc, source, "target made actual", i.sentence, figure=doc.text[i.start:i.end],
                             name=i.name)
    print(json.dumps(counts), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("gold", "real"))
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    args = parser.parse_args()
    (gold if args.what == "gold" else real)(args.shared)


if __name__ == "__main__":
    main()
