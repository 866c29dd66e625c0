"""The whole ingest pipeline on a synthetic archive built from the real corpora.

    python benchmarks/pipeline_speed.py --docs 1000            # a 1k-document archive
    python benchmarks/pipeline_speed.py --docs 10000 --no-entities --fts-sentences 1000000

Builds an archive of about ``--docs`` documents in a temporary folder (or
``--archive DIR``, kept), from the real reports in ../shared/corpus (or
``--shared``): .txt (some in GBK), .html pages with web furniture, .docx
written by python-docx, .jsonl dumps of several rows, the real text-layer
PDFs copied, and reposts of earlier documents (other furniture, some with
pseudo-original rewrites: 效劳 for 服务…) that near-duplicate detection should
group. Each synthetic document is a random run of paragraphs of a real report
under a new title, so the documents are distinct but read like the real thing.

Then reports, in one run:

1. **stages**, in one process: documents/s and MB/s of read (bytes of the
   files), clean (read → clean, describe, structure), extract, store (index
   segmentation, MinHash, SQLite writes) and the near-duplicate check;
2. the **whole pipeline against bare ``jieba.lcut``** of the same clean text
   (timed document by document right beside the pipeline, so that a change
   in the machine's load touches both alike), for the text files and for the
   whole archive;
3. **scaling**: ``zongjie ingest --workers 1`` and ``--workers <cores>`` in
   child processes, their documents/s, the parallel efficiency
   ``T1 / (n · Tn)``, and the peak RSS (the sum over the writer and its
   workers, sampled from /proc every 0.1 s, and the largest single process);
4. **FTS latency** (median, p95) of ``Store.search`` on the resulting store
   for frequent and rarer words, and with ``--fts-sentences N`` on a store of
   N real sentences (repeated);
5. **PDF reading**: pages/s of zongjie's reader (pypdfium2 text, pdfplumber
   only on pages with tables) and of pdfplumber's ``extract_text`` on the
   real PDFs.

A measurement script, not a test: absolute figures depend on the machine and
its load; the ratios are what to compare. ``--json FILE`` writes every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REWRITES = {"服务": "效劳", "基本": "根本", "计划": "方案", "安全": "平安", "加强": "增强", "提高": "进步"}
FURNITURE_TOP = [
    "首页 > 总结大全 > 工作总结范文", "当前位置：首页 > 政务公开 > 工作报告", "欢迎光临范文网\n当前位置: > 总结大全",
]
FURNITURE_BOTTOM = [
    "《{title}.doc》\n将本文的Word文档下载,方便收藏和打印\n点击下载文档", "版权所有 某某网 京ICP备12345678号",
    "上一篇：工作计划范文\n下一篇：年度工作总结", "本文由网友投稿，仅供参考。相关范文",
]


# ---------------------------------------------------------------------------
# the synthetic archive


def load_seeds(shared: Path) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of the real reports: national (1954–2025), provincial 2025 and 2026, dev summaries."""
    from zongjie.corpus.documents import read_paths
    from zongjie.corpus.read import ReadFailure

    real = shared / "real"
    paths = [real / "national-gwr-wikisource", real / "provincial-gwr-2025-docx" / "docs",
             real / "provincial-gwr-2026-csv" / "output", shared / "dev"]
    seeds = []
    for doc in read_paths([p for p in paths if p.exists()]):
        if isinstance(doc, ReadFailure):
            continue
        paragraphs = [line for line in doc.text.split("\n") if len(line.strip()) > 8]
        if len(paragraphs) >= 8:
            seeds.append((doc.meta.title or paragraphs[0], paragraphs))
    if not seeds:
        sys.exit(f"no real documents under {shared}: give --shared")
    return seeds


def _places(shared: Path) -> list[str]:
    try:
        data = json.loads((shared / "real" / "provincial-gwr-2026-csv" / "provinces_31.json").read_text("utf-8"))
        return [p["province"] for p in data]
    except (OSError, ValueError, KeyError):
        return ["某省", "某市", "某县"]


def _docx(paragraphs: list[str]) -> bytes:
    import io

    import docx

    document = docx.Document()
    for i, p in enumerate(paragraphs):
        if i == 0:
            document.add_heading(p, level=1)
        else:
            document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _html(title: str, paragraphs: list[str], rng: random.Random) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs[1:])
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_某某网</title></head><body>"
        f"<div class='nav'><a href='/'>首页</a> &gt; <a href='/zj'>工作总结</a></div>"
        f"<h1>{title}</h1><div class='info'>发布时间：{rng.randint(2012, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        f"　来源：网络　点击：{rng.randint(10, 9999)}</div><div class='content'>{body}</div>"
        f"<div class='footer'>{rng.choice(FURNITURE_BOTTOM).format(title=title)}</div></body></html>"
    )


def generate(out: Path, n_docs: int, shared: Path, *, seed: int = 6) -> dict:
    """Write an archive of about ``n_docs`` documents under ``out``; returns what was written."""
    rng = random.Random(seed)
    seeds = load_seeds(shared)
    places = _places(shared)
    # the text-layer PDFs; the final-accounts PDF has a scanned page (OCR: seconds and 700 MB), timed apart
    pdfs = sorted((shared / "real").glob("gov-info-disclosure-annual-pdf/**/*.pdf"))
    made: list[tuple[str, list[str]]] = []
    counts: Counter[str] = Counter()
    out.mkdir(parents=True, exist_ok=True)
    docs = 0
    i = 0
    while docs < n_docs:
        i += 1
        folder = out / f"{i // 500:03d}"  # 500 files a folder, as archives come
        folder.mkdir(exist_ok=True)
        kind = rng.choices(["txt", "gbk", "html", "docx", "jsonl", "pdf", "repost"],
                           weights=[30, 8, 15, 15, 8, 4, 20])[0]
        if kind == "repost" and not made:
            kind = "txt"
        if kind == "pdf" and pdfs:
            src = pdfs[i % len(pdfs)]
            shutil.copy(src, folder / f"{i:06d}-{src.name}")
            counts["pdf"] += 1
            docs += 1
            continue
        if kind == "repost":
            title, paragraphs = rng.choice(made[-200:])
            paragraphs = list(paragraphs)
            if rng.random() < 0.5:  # a pseudo-original rewrite
                subs = dict(rng.sample(sorted(REWRITES.items()), 4))
                paragraphs = [_rewrite(p, subs) for p in paragraphs]
            if rng.random() < 0.5:
                (folder / f"{i:06d}-转载.html").write_text(_html(paragraphs[0], paragraphs, rng), encoding="utf-8")
            else:
                text = "\n".join([rng.choice(FURNITURE_TOP), *paragraphs, rng.choice(FURNITURE_BOTTOM).format(title=title)])
                (folder / f"{i:06d}-转载.txt").write_text(text, encoding="utf-8")
            counts["repost"] += 1
            docs += 1
            continue
        rows = 5 if kind == "jsonl" else 1
        batch = []
        for _ in range(rows):
            src_title, src = rng.choice(seeds)
            start = rng.randrange(0, max(1, len(src) - 8))
            length = rng.randint(min(8, len(src) - start), min(len(src) - start, 120))
            year = rng.randint(2008, 2025)
            place = rng.choice(places)
            what = rng.choice(["政府工作报告", "卫生健康工作总结", "上半年工作总结", "工作计划", "情况汇报"])
            title = f"{year}年{place}{what}"
            paragraphs = [title, *src[start : start + length]]
            made.append((title, paragraphs))
            batch.append((title, paragraphs))
        name = f"{i:06d}-{batch[0][0]}"
        if kind == "txt":
            (folder / f"{name}.txt").write_text("\n".join(batch[0][1]), encoding="utf-8")
        elif kind == "gbk":
            (folder / f"{name}.txt").write_bytes("\n".join(batch[0][1]).encode("gb18030"))
        elif kind == "html":
            (folder / f"{name}.html").write_text(_html(batch[0][0], batch[0][1], rng), encoding="utf-8")
        elif kind == "docx":
            (folder / f"{name}.docx").write_bytes(_docx(batch[0][1]))
        else:
            with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as f:
                for title, paragraphs in batch:
                    f.write(json.dumps({"title": title, "content": "\n".join(paragraphs[1:])}, ensure_ascii=False) + "\n")
        counts[kind] += 1
        docs += rows
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"files": sum(counts.values()), "documents": docs, "bytes": size, "by_kind": dict(counts)}


def _rewrite(text: str, subs: dict[str, str]) -> str:
    for a, b in subs.items():
        text = text.replace(a, b)
    return text


# ---------------------------------------------------------------------------
# stages, in one process


def run_stages(archive: Path, db: Path, *, entities: bool) -> dict:
    """Time each stage of the pipeline over the archive, in this process, writing a real store."""
    import jieba

    from zongjie.analysis.duplicates import find_duplicates, save_signature, signature
    from zongjie.corpus.documents import documents_of
    from zongjie.corpus.read import ReadFailure, iter_files, read_file
    from zongjie.extract.pipeline import PIPELINE_VERSION, extract
    from zongjie.schema.store import FileInfo, Store, prepare_document

    jieba.lcut("预热")
    from zongjie.extract.segment import tokenizer

    tokenizer()
    t = defaultdict(float)
    by_format: dict[str, float] = defaultdict(float)  # whole-pipeline seconds per file format
    lcut: dict[str, float] = defaultdict(float)  # bare jieba.lcut of the same text, timed right beside it
    n = Counter()
    size = Counter()
    with Store(db) as store:
        store.begin_batch()
        batch_start = time.perf_counter()
        for path in iter_files([archive]):
            fmt = path.suffix.lstrip(".")
            file_start = time.perf_counter()
            t0 = time.perf_counter()
            info = FileInfo.of(path)
            raws = list(read_file(path))
            t["read"] += time.perf_counter() - t0
            size["read"] += info.size
            n["files"] += 1
            for raw in raws:
                if isinstance(raw, ReadFailure):
                    n["errors"] += 1
                    continue
                t0 = time.perf_counter()
                docs = documents_of(raw)
                t["clean"] += time.perf_counter() - t0
                for doc in docs:
                    chars = len(doc.text.encode("utf-8"))
                    n["documents"] += 1
                    size["text"] += chars
                    t0 = time.perf_counter()
                    jieba.lcut(doc.text)
                    lcut[fmt] += time.perf_counter() - t0
                    file_start += time.perf_counter() - t0  # not part of the pipeline's time
                    t0 = time.perf_counter()
                    facts = extract(doc, entities=entities)
                    t["extract"] += time.perf_counter() - t0
                    t0 = time.perf_counter()
                    prepared = prepare_document(doc, facts.as_dict(), cut=facts.cut)
                    sig = signature(doc.text)
                    if store.add_document(doc, file_info=info, pipeline_version=PIPELINE_VERSION, prepared=prepared):
                        save_signature(store, doc.id, sig)
                    if time.perf_counter() - batch_start > 1.0:
                        store.commit_batch()
                        store.begin_batch()
                        batch_start = time.perf_counter()
                    t["store"] += time.perf_counter() - t0
            store.record_file(info, status="ok", documents=len(raws))
            by_format[fmt] += time.perf_counter() - file_start
        store.commit_batch()
        t0 = time.perf_counter()
        checked, copies = find_duplicates(store)
        t["duplicates"] = time.perf_counter() - t0
    n["duplicates"] = copies
    stages = {}
    for stage in ("read", "clean", "extract", "store", "duplicates"):
        mb = (size["read"] if stage == "read" else size["text"]) / 1e6
        stages[stage] = {"seconds": round(t[stage], 2), "docs_per_s": round(n["documents"] / t[stage], 1) if t[stage] else None,
                         "mb_per_s": round(mb / t[stage], 2) if t[stage] else None}
    text_formats = [f for f in ("txt", "md") if f in lcut]
    whole = sum(by_format.values()) + t["duplicates"]
    return {
        "entities": entities,
        "files": n["files"],
        "documents": n["documents"],
        "errors": n["errors"],
        "near_duplicates": n["duplicates"],
        "input_mb": round(size["read"] / 1e6, 1),
        "text_mb": round(size["text"] / 1e6, 1),
        "stages": stages,
        "total_seconds": round(whole, 1),
        "lcut_seconds": round(sum(lcut.values()), 2),
        "ratio_to_lcut_all": round(whole / sum(lcut.values()), 2),
        "ratio_to_lcut_text_files": (round(sum(by_format[f] for f in text_formats) / sum(lcut[f] for f in text_formats), 2)
                                     if text_formats else None),
    }


# ---------------------------------------------------------------------------
# scaling and memory: the real CLI in a child process


def _tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) of VmRSS in KB over ``pid`` and its descendants."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
                children[ppid].append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    total = biggest = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        kb = int(line.split()[1])
                        total += kb
                        biggest = max(biggest, kb)
        except OSError:
            pass
    return total, biggest


def run_cli(archive: Path, db: Path, workers: int, *, entities: bool) -> dict:
    cmd = [sys.executable, "-m", "zongjie", "ingest", str(archive), "--db", str(db), "-q", "--workers", str(workers)]
    if not entities:
        cmd.append("--no-entities")
    peak = [0, 0]
    samples: list[tuple[float, int, int]] = []  # (seconds, total, largest), to see whether memory keeps growing
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while proc.poll() is None:
            total, biggest = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], biggest)
            samples.append((time.perf_counter() - t0, total, biggest))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"ingest failed: {err[-2000:]}")
    docs = int(re.search(r"documents: (\d+) read", out).group(1))
    # the peak within each tenth of the run: flat once warm means memory is bounded
    tenths = [[s for s in samples if k * elapsed / 10 <= s[0] < (k + 1) * elapsed / 10] for k in range(10)]
    return {"workers": workers, "seconds": round(elapsed, 1), "documents": docs, "docs_per_s": round(docs / elapsed, 2),
            "peak_rss_mb_total": round(peak[0] / 1024), "peak_rss_mb_largest_process": round(peak[1] / 1024),
            "rss_mb_total_by_tenth": [round(max(s[1] for s in t) / 1024) if t else None for t in tenths]}


# ---------------------------------------------------------------------------
# full-text search latency


def _queries(store, k: int = 200, seed: int = 6) -> list[str]:
    rng = random.Random(seed)
    words = Counter()
    for (w,) in store.db.execute("SELECT words FROM sentences WHERE id % 7 = 0 LIMIT 30000"):
        words.update(x for x in w.split() if len(x) >= 2 and not re.search(r"[\d\W]", x))
    ranked = [w for w, _ in words.most_common()]
    if not ranked:
        return []
    frequent = ranked[:50]
    rarer = rng.sample(ranked[50:], min(len(ranked) - 50, 100)) if len(ranked) > 50 else []
    pairs = [f"{rng.choice(frequent)} {rng.choice(ranked[: min(len(ranked), 500)])}" for _ in range(50)]
    return (frequent + rarer + pairs)[:k]


def fts_latency(db: Path) -> dict:
    from zongjie.errors import BadQuery
    from zongjie.schema.store import Store

    with Store(db, readonly=True) as store:
        queries = _queries(store)
        sentences = store.db.execute("SELECT count(*) FROM sentences").fetchone()[0]
        for q in queries[:10]:
            try:
                store.search(q, limit=20)  # warm the page cache
            except BadQuery:
                pass
        times = []
        failed = []
        for q in queries:
            t0 = time.perf_counter()
            try:
                store.search(q, limit=20)
            except BadQuery:
                failed.append(q)
                continue
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"sentences": sentences, "queries": len(times), "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2), "max_ms": round(times[-1], 2),
            "queries_refused": len(failed), "refused_example": failed[:3]}


def build_fts_store(source_db: Path, db: Path, n: int) -> None:
    """A store of ``n`` sentences: the real sentences of ``source_db`` repeated, under many documents."""
    import sqlite3

    from zongjie.schema.store import Store

    Store(db).close()  # created and migrated
    src = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
    rows = src.execute("SELECT text, words FROM sentences").fetchall()
    src.close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous = OFF")
    per_doc = 500
    made = 0
    d = 0
    while made < n:
        d += 1
        doc_id = f"{d:032x}"
        conn.execute(
            "INSERT INTO documents (id, source, format, text, raw_text, chars, ingested_at, title, year) "
            "VALUES (?, ?, 'txt', '', '', 0, '', ?, ?)", (doc_id, f"synthetic-{d}.txt", f"文档{d}", 2000 + d % 26))
        batch = []
        for k in range(min(per_doc, n - made)):
            text, words = rows[(made + k) % len(rows)]
            batch.append((doc_id, k, 0, len(text), text, words))
        conn.executemany('INSERT INTO sentences (document_id, idx, start, "end", text, words) VALUES (?, ?, ?, ?, ?, ?)',
                         batch)
        made += len(batch)
        if d % 100 == 0:
            conn.commit()
    conn.commit()
    conn.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('optimize')")
    conn.commit()
    conn.close()


# ---------------------------------------------------------------------------
# PDF reading


def pdf_speed(shared: Path) -> dict:
    import pdfplumber
    import pypdfium2

    from zongjie.corpus.pdf import read_pdf

    pdfs = sorted((shared / "real").glob("gov-info-disclosure-annual-pdf/**/*.pdf"))
    pdfs += sorted((shared / "real").glob("dept-final-accounts-pdf/samples/good/**/*.pdf"))
    pages = sum(len(pypdfium2.PdfDocument(str(p))) for p in pdfs)
    per_file = {}
    t0 = time.perf_counter()
    for p in pdfs:
        t1 = time.perf_counter()
        read_pdf(p)
        n = len(pypdfium2.PdfDocument(str(p)))
        per_file[p.name] = {"pages": n, "pages_per_s": round(n / (time.perf_counter() - t1), 1)}
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in pdfs:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()
    plumber = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in pdfs:
        doc = pypdfium2.PdfDocument(str(p))
        for page in doc:
            page.get_textpage().get_text_range()
    fast = time.perf_counter() - t0
    plain = _plain_pdf(shared)
    if plain is not None:  # a text-only PDF (no tables): what the pypdfium2 path gives alone
        n = len(pypdfium2.PdfDocument(str(plain)))
        t1 = time.perf_counter()
        read_pdf(plain)
        per_file[f"{n}-page report without tables (LibreOffice)"] = {
            "pages": n, "pages_per_s": round(n / (time.perf_counter() - t1), 1)}
        shutil.rmtree(plain.parent, ignore_errors=True)
    return {"files": len(pdfs), "pages": pages, "zongjie_read_pdf_pages_per_s": round(pages / ours, 1),
            "pypdfium2_text_pages_per_s": round(pages / fast, 1),
            "pdfplumber_extract_text_pages_per_s": round(pages / plumber, 1), "zongjie_per_file": per_file}


def _plain_pdf(shared: Path) -> Path | None:
    """The 2019 national report as a PDF without tables, made by LibreOffice (None without it)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    out = Path(tempfile.mkdtemp(prefix="zongjie-bench-pdf-"))
    rows = [json.loads(line) for line in
            (shared / "real" / "national-gwr-wikisource" / "government_work_reports.jsonl").open(encoding="utf-8")]
    text = next((r["content"] for r in rows if str(r.get("year")) == "2019"), rows[-1]["content"])
    (out / "report.txt").write_text(text, encoding="utf-8")
    subprocess.run([soffice, f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(out / "report.txt")], capture_output=True, timeout=180)
    pdf = out / "report.pdf"
    return pdf if pdf.exists() else None


# ---------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="documents in the synthetic archive (1000, 10000, 100000)")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--archive", type=Path, help="build (or reuse) the archive here instead of a temporary folder")
    ap.add_argument("--no-entities", action="store_true", help="skip entity recognition, in every run")
    ap.add_argument("--workers", type=int, default=None, help="workers of the parallel run (default: one per core)")
    ap.add_argument("--skip-stages", action="store_true", help="only the CLI runs (scaling, memory, FTS)")
    ap.add_argument("--memory-only", action="store_true",
                    help="only the parallel ingest (memory over the run) and FTS: for 100k-document archives")
    ap.add_argument("--fts-sentences", type=int, default=0, help="also time FTS on a store of this many sentences")
    ap.add_argument("--json", type=Path, help="write every figure here")
    args = ap.parse_args()

    from zongjie.ingest import default_workers

    entities = not args.no_entities
    cores = args.workers or default_workers()
    tmp = Path(tempfile.mkdtemp(prefix="zongjie-bench-"))
    archive = args.archive or tmp / "archive"
    result: dict = {"machine": {"cores": os.cpu_count(), "usable_cores": default_workers(),
                                "load_avg_at_start": os.getloadavg()}, "entities": entities}
    try:
        if not archive.exists() or not any(archive.iterdir()):
            t0 = time.perf_counter()
            result["archive"] = generate(archive, args.docs, args.shared)
            result["archive"]["generated_in_s"] = round(time.perf_counter() - t0, 1)
        print("archive:", json.dumps(result.get("archive", {"reused": str(archive)}), ensure_ascii=False), flush=True)
        if not (args.skip_stages or args.memory_only):
            result["stages"] = run_stages(archive, tmp / "stages.db", entities=entities)
            print("stages:", json.dumps(result["stages"], ensure_ascii=False, indent=1), flush=True)
        if args.memory_only:
            many = run_cli(archive, tmp / "wn.db", cores, entities=entities)
            print(f"workers={cores}:", many, flush=True)
            result["memory"] = many
        else:
            one = run_cli(archive, tmp / "w1.db", 1, entities=entities)
            print("workers=1:", one, flush=True)
            many = run_cli(archive, tmp / "wn.db", cores, entities=entities)
            print(f"workers={cores}:", many, flush=True)
            result["scaling"] = {"one": one, "many": many, "speedup": round(one["seconds"] / many["seconds"], 2),
                                 "efficiency": round(one["seconds"] / (cores * many["seconds"]), 2)}
            print("speedup", result["scaling"]["speedup"], "efficiency", result["scaling"]["efficiency"], flush=True)
        result["fts"] = fts_latency(tmp / "wn.db")
        print("fts:", result["fts"], flush=True)
        if args.fts_sentences:
            big = tmp / "fts.db"
            t0 = time.perf_counter()
            build_fts_store(tmp / "wn.db", big, args.fts_sentences)
            result["fts_big"] = fts_latency(big) | {"built_in_s": round(time.perf_counter() - t0, 1)}
            print("fts (big):", result["fts_big"], flush=True)
        if (args.shared / "real").exists() and not args.memory_only:
            result["pdf"] = pdf_speed(args.shared)
            print("pdf:", result["pdf"], flush=True)
        result["machine"]["load_avg_at_end"] = os.getloadavg()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
