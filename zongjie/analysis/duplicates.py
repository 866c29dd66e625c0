"""Near-duplicate documents: reposts and lightly edited copies of one report.

The same 工作总结 is reposted on many sites, with other page furniture and
often a "pseudo-original" rewrite (效劳 for 服务, 根本 for 基本). Counting it
once per copy would skew every comparison and audit, so each group of copies
gets one **canonical** document and the others point to it
(``documents.duplicate_of``, ``documents.duplicate_similarity``).

How:

1. **Shingles.** The clean text (furniture already removed by
   ``corpus.clean``) without whitespace and punctuation, cut into overlapping
   character ``SHINGLE``-grams; each hashed to 32 bits (CRC32 over the
   UTF-32 code points, computed with numpy).
2. **MinHash.** ``PERMUTATIONS`` multiply-shift hash functions
   ``(a·x + b) mod 2⁶⁴ >> 32`` (random odd ``a``, fixed seed); the signature
   is the minimum of each over the shingles. Two signatures agree in a position with probability equal to
   the Jaccard similarity of the shingle sets.
3. **LSH banding.** The signature cut into ``BANDS`` bands of ``ROWS`` rows;
   documents sharing one band's hash are candidates (stored in
   ``document_lsh``, an indexed table: finding candidates is an index lookup,
   not a scan of the store).
4. **Check.** A candidate pair is a near-duplicate when the exact Jaccard
   similarity of the shingle sets is at least ``THRESHOLD`` and the two do
   not report on different years (the NPC's resolutions on the 政府工作报告
   of 2024 and 2025 share all but a few characters: they are not copies).
5. **Groups and canonical copy.** A document joins the group of its most
   similar match if it is a near-duplicate of that group's canonical copy
   too; groups are never merged, so overlapping texts do not chain into one
   group of documents that are not copies of each other. The canonical copy
   is the one published first (a
   ``published`` date beats none), then the longest text, then the first
   ingested. ``duplicate_similarity`` is each copy's Jaccard similarity to
   the canonical one.

Why these numbers: with 5-character shingles the national 政府工作报告 of
consecutive years (same author, same phrases) stay below 0.15, while a
repost with other furniture is above 0.9 and a pseudo-original rewrite of
one word in ten about 0.6. ``THRESHOLD`` 0.5 sits between; 32 bands of 4
rows catch pairs above about 0.4 with probability > 0.99.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

SHINGLE = 5
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.5
MIN_SHINGLES = 50  # shorter texts are not judged: too little to tell a repost from a shared phrase
_rng = np.random.default_rng(20261202)
_A = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
_B = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64)
_CHUNK = 1024  # shingles hashed at once: a (chunk × permutations) matrix of 1 MB stays in cache
# what a rewrite or a reformatting changes freely: spaces, punctuation, digits' width is normalised already
_NOT_TEXT = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65!-/:-@\[-`{-~·…—“”‘’、]+")


@dataclass
class Signature:
    """A document's MinHash signature, its band hashes and its number of shingles."""

    minhash: np.ndarray  # uint32[PERMUTATIONS]
    shingles: int

    def bands(self) -> list[int]:
        """One 63-bit hash per band (fits SQLite's INTEGER)."""
        rows = self.minhash.reshape(BANDS, ROWS)
        return [zlib.crc32(row.tobytes()) | (i << 32) for i, row in enumerate(rows)]

    def to_bytes(self) -> bytes:
        return self.minhash.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Signature:
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), shingles)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct hashes (uint32, sorted) of the text's character shingles."""
    body = _NOT_TEXT.sub("", text)
    if len(body) < SHINGLE:
        return np.zeros(0, dtype=np.uint32)
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # a polynomial rolling hash over SHINGLE code points, mod 2^64, folded to 32 bits
    h = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
    for k in range(SHINGLE):
        h = h * np.uint64(1_000_003) + codes[k : len(codes) - SHINGLE + 1 + k]
    h ^= h >> np.uint64(32)
    return _distinct((h & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: np.sort and a mask (np.unique took 400 times longer on numpy 2.4)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def signature(text: str) -> Signature | None:
    """The MinHash signature of ``text``, or None when it is too short to judge."""
    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return None
    out = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    shift = np.uint64(32)
    for i in range(0, len(hashes), _CHUNK):
        x = hashes[i : i + _CHUNK].astype(np.uint64)[:, None]
        out = np.minimum(out, ((x * _A + _B) >> shift).min(axis=0))  # wraps mod 2^64, as meant
    return Signature(out.astype(np.uint32), len(hashes))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted arrays of distinct shingle hashes."""
    if not len(a) and not len(b):
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def estimated_jaccard(a: Signature, b: Signature) -> float:
    return float(np.mean(a.minhash == b.minhash))


# ---------------------------------------------------------------------------
# in the store


@dataclass
class DuplicateGroup:
    canonical: dict[str, Any]  # id, source, member, title, published, chars
    copies: list[dict[str, Any]]  # the same, with similarity


def save_signature(store: Any, document_id: str, sig: Signature | None) -> None:
    """Store a document's signature and band hashes, to be checked by :func:`find_duplicates`."""
    if sig is None:
        return
    with store.write() as conn:
        store_signature(conn, document_id, sig)


def sign_missing(store: Any) -> int:
    """Sign the documents that have no signature yet (a store made before migration 6); returns how many."""
    ids = [r[0] for r in store.db.execute(
        "SELECT id FROM documents d WHERE NOT EXISTS "
        "(SELECT 1 FROM document_signatures s WHERE s.document_id = d.id) ORDER BY rowid")]
    signed = 0
    for doc_id in ids:
        row = store.db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        sig = signature(row[0]) if row else None
        if sig is not None:
            save_signature(store, doc_id, sig)
            signed += 1
    return signed


def store_signature(conn: Any, document_id: str, sig: Signature | None) -> None:
    """Write a document's signature and band hashes (inside the caller's transaction)."""
    if sig is None:
        return
    conn.execute(
        "INSERT OR REPLACE INTO document_signatures (document_id, shingles, minhash, checked) VALUES (?, ?, ?, 0)",
        (document_id, sig.shingles, sig.to_bytes()),
    )
    conn.execute("DELETE FROM document_lsh WHERE document_id = ?", (document_id,))
    conn.executemany(
        "INSERT INTO document_lsh (band, document_id) VALUES (?, ?)", [(b, document_id) for b in sig.bands()]
    )


def _canonical_key(row: tuple) -> tuple:
    # row: (id, published, chars, rowid) — published first, then longest, then first ingested
    _id, published, chars, rowid = row
    return (published is None, published or "", -chars, rowid)


def find_duplicates(store: Any, *, threshold: float = THRESHOLD) -> tuple[int, int]:
    """Group the documents not checked yet with their near-duplicates.

    Returns (documents checked, how many more documents are now copies of another).

    Each unchecked document's candidates come from the LSH bands; a candidate
    whose exact Jaccard similarity reaches ``threshold`` joins its group. Every
    group touched gets its canonical copy chosen again and its
    ``duplicate_of`` / ``duplicate_similarity`` rewritten; committed every 256
    documents checked (a killed run resumes with what is left).
    """
    conn = store.db.conn
    pending = [r[0] for r in conn.execute("SELECT document_id FROM document_signatures WHERE checked = 0 ORDER BY rowid")]
    shingles: dict[str, np.ndarray] = {}

    def hashes(doc_id: str) -> np.ndarray:
        if doc_id not in shingles:
            if len(shingles) > 256:
                shingles.clear()
            row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            shingles[doc_id] = shingle_hashes(row[0]) if row else np.zeros(0, dtype=np.uint32)
        return shingles[doc_id]

    copies = "SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL"
    before = conn.execute(copies).fetchone()[0]
    with store.batch():
        for i, doc_id in enumerate(pending):
            if i and i % 256 == 0:  # commit now and then: a killed run keeps what was checked
                store.commit_batch()
                store.begin_batch()
            _check(store, conn, doc_id, hashes, threshold)
    return len(pending), conn.execute(copies).fetchone()[0] - before


def _check(store: Any, conn: Any, doc_id: str, hashes: Any, threshold: float) -> None:
    """Check one document against its LSH candidates, and regroup if it has near-duplicates."""
    candidates = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT b.document_id FROM document_lsh a JOIN document_lsh b ON a.band = b.band "
            "WHERE a.document_id = ? AND b.document_id != ?",
            (doc_id, doc_id),
        )
    ]
    mine = hashes(doc_id)
    year = _year(conn, doc_id)
    matches = [
        c for c in candidates
        # formulaic texts of different years (the NPC's resolutions on the report) are not copies
        if (year is None or _year(conn, c) in (None, year)) and jaccard(mine, hashes(c)) >= threshold
    ]
    with store.write() as w:
        if matches:
            _join(w, doc_id, year, matches, hashes, threshold)
        w.execute("UPDATE document_signatures SET checked = 1 WHERE document_id = ?", (doc_id,))


def _year(conn: Any, doc_id: str) -> int | None:
    row = conn.execute("SELECT year FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def _root(conn: Any, doc_id: str) -> str:
    row = conn.execute("SELECT coalesce(duplicate_of, id) FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else doc_id


def _join(conn: Any, doc_id: str, year: int | None, matches: list[str], hashes: Any, threshold: float) -> None:
    """``doc_id`` joins the group of its most similar match whose canonical
    copy it is a near-duplicate of too, and whose dated members are of its
    year; it becomes the canonical copy only if it is a near-duplicate of
    every member (it is published first, or longer), so that every copy
    stays a near-duplicate of its canonical one.

    Groups are never merged, and a document like a copy but not like the
    canonical one joins nothing: runs of overlapping texts (A like B, B like
    C, C like D…) would otherwise chain into one group of documents that
    are not copies of each other, across years through the undated ones.
    """
    if conn.execute("SELECT 1 FROM documents WHERE id = ? AND duplicate_of IS NOT NULL UNION ALL "
                    "SELECT 1 FROM documents WHERE duplicate_of = ? LIMIT 1", (doc_id, doc_id)).fetchone():
        return  # a document checked before it, like it, has already grouped it: groups stay as they are
    mine = hashes(doc_id)
    root = None
    for match in sorted(matches, key=lambda m: (-jaccard(mine, hashes(m)), m)):
        candidate = _root(conn, match)
        if candidate == doc_id:
            continue
        years = {r[0] for r in conn.execute(
            "SELECT DISTINCT year FROM documents WHERE (id = ? OR duplicate_of = ?) AND year IS NOT NULL",
            (candidate, candidate))}
        if year is not None and years - {year}:
            continue
        if year is None and len(years) > 1:
            continue
        if candidate == match or jaccard(mine, hashes(candidate)) >= threshold:
            root = candidate
            break
    if root is None:
        return
    members = [r[0] for r in conn.execute("SELECT id FROM documents WHERE duplicate_of = ?", (root,))]
    key = {m: _canonical_key(conn.execute("SELECT id, published, chars, rowid FROM documents WHERE id = ?",
                                          (m,)).fetchone()) for m in (root, doc_id)}
    canonical = root
    if key[doc_id] < key[root] and all(jaccard(mine, hashes(m)) >= threshold for m in [root, *members]):
        canonical = doc_id
    base = hashes(canonical)
    for member_id in {root, doc_id, *members}:
        if member_id == canonical:
            conn.execute("UPDATE documents SET duplicate_of = NULL, duplicate_similarity = NULL WHERE id = ?",
                         (member_id,))
        else:
            conn.execute("UPDATE documents SET duplicate_of = ?, duplicate_similarity = ? WHERE id = ?",
                         (canonical, round(jaccard(base, hashes(member_id)), 4), member_id))


def duplicate_groups(store: Any) -> list[DuplicateGroup]:
    """Every group of near-duplicates: its canonical document and the copies, most similar first."""
    conn = store.db.conn
    columns = "id, source, member, title, published, chars"
    groups: dict[str, DuplicateGroup] = {}
    for row in conn.execute(
        f"SELECT {columns}, duplicate_of, duplicate_similarity FROM documents WHERE duplicate_of IS NOT NULL "
        "ORDER BY duplicate_of, duplicate_similarity DESC, rowid"
    ):
        copy = dict(zip(columns.split(", "), row[:6], strict=True)) | {"similarity": row[7]}
        root = row[6]
        if root not in groups:
            canon = conn.execute(f"SELECT {columns} FROM documents WHERE id = ?", (root,)).fetchone()
            groups[root] = DuplicateGroup(dict(zip(columns.split(", "), canon, strict=True)), [])
        groups[root].copies.append(copy)
    return sorted(groups.values(), key=lambda g: (-len(g.copies), g.canonical["source"], g.canonical["id"]))


