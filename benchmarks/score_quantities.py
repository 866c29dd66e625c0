"""Score ``find_quantities`` alone against the dev gold with score.py's quantities figure.

Each corpus file becomes one predicted document holding the whole file's
text, with every quantity as an indicator (no names: read only the
``quantities`` line of the output). score.py aligns each gold article to
the predicted document holding most of its quotes, so one document per file
is enough for quantities.

Usage:
    .venv/bin/python benchmarks/score_quantities.py [--verbose] [--gold DIR] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zongjie.extract.quantities import find_quantities

SHARED = Path("/work/shared")


def prediction(text: str) -> dict:
    items = [
        {"start": q.start, "end": q.end, "value": q.value, "unit": q.unit, "masked": q.masked,
         "qualifier": q.qualifier, "suspect": q.suspect, "kind": "actual", "name": "", "rule": q.rule}
        for q in find_quantities(text)
    ]
    return {"documents": [{"text": text, "meta": {}, "indicators": items, "commitments": [], "times": []}]}


def quantity_misses(gold_dir: Path, corpus: Path, pred_dir: Path) -> list[str]:
    """score.py's quantity matching, with the misses it keeps to itself (names not needed)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score", gold_dir / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    misses: list[str] = []
    for gold_path in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        stem = Path(gold["file"]).stem
        pdocs = json.loads((pred_dir / (stem + ".json")).read_text(encoding="utf-8"))["documents"]
        for pdoc in pdocs:
            pdoc["_squeezed"] = score.squeeze(pdoc["text"])
            pdoc["_used"] = set()
        tally = score.Tally()
        for gdoc in gold["documents"]:
            pdoc = score.align(gdoc, pdocs)
            misses.append(f"{stem} {gdoc.get('article') or ''}")
            score.score_section("indicators", gdoc, pdoc, tally, misses, pdoc["_used"], need_name=False)
        for pdoc in pdocs:
            spur: list[str] = []
            score.count_spurious("indicators", pdoc, tally, spur, pdoc["_used"])
            for line, p in zip(spur, [p for i, p in enumerate(pdoc["indicators"]) if i not in pdoc["_used"]], strict=True):
                ctx = pdoc["text"][max(0, p["start"] - 8):p["end"] + 4].replace("\n", " ")
                misses.append(f"{line} value={p['value']} unit={p['unit']} rule={p['rule']} …{ctx}…")
    return misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", default=str(SHARED / "gold"))
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    gold_dir = Path(args.gold)
    with tempfile.TemporaryDirectory() as tmp:
        elapsed = 0.0
        find_quantities("预热: 3个")  # compile the rules outside the timing
        for gold_path in sorted(gold_dir.glob("*.gold.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            source = Path(args.corpus) / gold["file"]
            text = source.read_text(encoding="utf-8")
            t0 = time.perf_counter()
            pred = prediction(text)
            elapsed += time.perf_counter() - t0
            out = Path(tmp) / (source.stem + ".json")
            out.write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        cmd = [sys.executable, str(gold_dir / "score.py"), str(gold_dir), args.corpus, "--pred", tmp]
        if args.verbose:
            cmd.append("--verbose")
        res = subprocess.run(cmd, capture_output=True, text=True)
        lines = res.stdout.splitlines()
        if args.verbose:
            print("\n".join(quantity_misses(gold_dir, Path(args.corpus), Path(tmp))))
        for line in lines:
            if line.startswith("quantities"):
                print(line)
        print(f"find_quantities: {elapsed * 1000:.1f} ms for all dev files")
        if res.returncode:
            print(res.stderr, file=sys.stderr)
        return res.returncode


if __name__ == "__main__":
    sys.exit(main())
