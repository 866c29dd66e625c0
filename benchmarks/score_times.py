"""Score the time rules alone on the dev gold, before the full pipeline exists.

For each dev file this builds a prediction in score.py's format (times only)
and runs the gold scorer on it::

    .venv/bin/python benchmarks/score_times.py [--verbose] [--keep-furniture]

This is a development harness, not the pipeline: a file is split into
articles at lines starting with 第N篇 (the text before the first one is the
page's header and is dropped), and each article's year and period come from
a simple look at its title line (20xx年 → year, xx年 → unknown, 上半年 → H1,
阶段 → other), or, where the title names no year, from the body's most
frequent explicit year. Times on obvious web-furniture lines (发布时间, GMT,
Copyright, the portal's 摘要, related-article excerpts cut off with ...) are
dropped unless --keep-furniture, as the real cleaner will remove those lines.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zongjie.extract.times import find_times

GOLD = Path("/work/shared/gold")
CORPUS = Path("/work/shared/corpus")

ARTICLE = re.compile(r"^第\d+篇.*$", re.M)
# page furniture, and the related-article excerpts a portal appends (lines cut off with ...)
FURNITURE = re.compile(r"发布时间|发布者|GMT[+-]|Copyright|©|ICP备|^\s*摘要[:：]|查看人数|热度[:：]|Powered by"
                       r"|\.\.\.\s*$")
TITLE_HINT = re.compile(r"总结|计划|打算|要点|报告|汇报")
YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年")
MASKED_YEAR = re.compile(r"[xX×*＊]{2,4}年")


def articles(text: str) -> list[tuple[int, int]]:
    """(start, end) of each article: the 第N篇 sections, or the whole file."""
    starts = [m.start() for m in ARTICLE.finditer(text)]
    if not starts:
        return [(0, len(text))]
    return list(zip(starts, starts[1:] + [len(text)], strict=True))


def title_line(body: str) -> str:
    for line in body.splitlines():
        line = line.strip()
        if line and ">" not in line and not FURNITURE.search(line) and TITLE_HINT.search(line):
            return line
    return ""


def guess_meta(body: str) -> dict:
    title = title_line(body)
    if MASKED_YEAR.search(title):
        year = None
    elif m := YEAR.search(title):
        year = int(m.group(1))
    else:
        clean = "\n".join(line for line in body.splitlines() if not FURNITURE.search(line))
        counts = collections.Counter(int(y) for y in YEAR.findall(clean))
        year = counts.most_common(1)[0][0] if counts else None
    if "阶段" in title:
        period = "other"
    elif "上半年" in title:
        period = "H1"
    elif "下半年" in title:
        period = "H2"
    else:
        period = "FY"
    return {"title": title, "year": year, "period": period}


def furniture_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        if FURNITURE.search(line):
            spans.append((pos, pos + len(line)))
        pos += len(line)
    return spans


def predict(path: Path, keep_furniture: bool) -> tuple[dict, float]:
    text = path.read_text(encoding="utf-8")
    docs, elapsed = [], 0.0
    for a, b in articles(text):
        body = text[a:b]
        meta = guess_meta(body)
        t0 = time.perf_counter()
        found = find_times(body, meta["year"], meta["period"])
        elapsed += time.perf_counter() - t0
        skip = [] if keep_furniture else furniture_spans(body)
        times = [
            {"start": t.start, "end": t.end, "from": t.from_, "to": t.to, "masked": t.masked,
             "kind": t.kind, "rule": t.rule}
            for t in found
            if not any(s <= t.start < e for s, e in skip)
        ]
        docs.append({"text": body, "meta": meta, "times": times})
    return {"documents": docs}, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--keep-furniture", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as pred_dir:
        total = 0.0
        for gold in sorted(GOLD.glob("*.gold.json")):
            source = CORPUS / json.loads(gold.read_text(encoding="utf-8"))["file"]
            pred, elapsed = predict(source, args.keep_furniture)
            total += elapsed
            out = Path(pred_dir) / f"{source.stem}.json"
            out.write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        cmd = [sys.executable, str(GOLD / "score.py"), str(GOLD), str(CORPUS), "--pred", pred_dir]
        cmd += ["--verbose"] if args.verbose else []
        cmd += ["--json"] if args.json else []
        done = subprocess.run(cmd, capture_output=True, text=True)
    lines = done.stdout.splitlines()
    if args.verbose:
        lines = [ln for ln in lines if "time" in ln or not ln.startswith("  ")]
    print("\n".join(ln for ln in lines if not ln.startswith(("quantities", "indicators", "commitments"))))
    print(f"find_times: {total * 1000:.1f} ms for the dev corpus", file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
