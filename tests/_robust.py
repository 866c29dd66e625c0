"""Helpers shared by the robustness tests (test_bad_inputs, test_faults).

Every bad input is generated here or in the tests through real tools
(python-docx, zipfile, LibreOffice, msoffcrypto, Pillow): nothing binary is
committed.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Two small, honest documents that every batch holds beside its bad file:
# the test asserts they were ingested, i.e. the bad file did not stop the batch.
GOOD_TXT = (
    "2024年卫生健康工作总结\n"
    "一年来，全县新建村卫生室12个，家庭医生签约服务覆盖率达到75.3%。\n"
    "二、2025年工作计划\n"
    "力争到2025年底，基层医疗卫生机构诊疗量占比提高到65%以上。\n"
)
GOOD_DOCX_PARAGRAPHS = [
    "2024年教育工作总结",
    "全年新建幼儿园8所，新增学位2400个，义务教育巩固率达到99.2%。",
    "2025年，计划投入资金1.5亿元，改扩建中小学校5所。",
]
GOOD_NAMES = ("good-summary.txt", "good-report.docx")


def make_docx(paragraphs: list[str]) -> bytes:
    """A real .docx written by python-docx."""
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rewrite_docx_part(data: bytes, part: str, edit) -> bytes:
    """The .docx ``data`` with ``part`` (e.g. ``word/document.xml``) replaced by ``edit(text)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item)
            if item.filename == part:
                body = edit(body.decode("utf-8")).encode("utf-8")
            zout.writestr(item, body)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def write_good(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / GOOD_NAMES[0]).write_text(GOOD_TXT, encoding="utf-8")
    (folder / GOOD_NAMES[1]).write_bytes(make_docx(GOOD_DOCX_PARAGRAPHS))


@dataclass
class Outcome:
    report: object
    errors: list[dict]  # rows of ingest_errors
    documents: list[dict]  # source, member, text of every stored document

    def reasons(self, name: str) -> list[str]:
        """Reasons recorded for the file or member whose path ends with ``name``."""
        return [
            e["reason"]
            for e in self.errors
            if (e["member"] or e["path"]).endswith(name) or e["path"].endswith(name)
        ]

    def messages(self, name: str) -> list[str]:
        return [e["message"] for e in self.errors if (e["member"] or e["path"]).endswith(name)]

    def stored(self, name: str) -> list[dict]:
        return [d for d in self.documents if (d["member"] or d["source"]).endswith(name)]

    def assert_good_ingested(self) -> None:
        for name in GOOD_NAMES:
            assert len(self.stored(name)) == 1, f"{name} was not ingested: {self.errors}"


def ingest_folder(folder: Path, db: Path, *, progress=None, **options) -> Outcome:
    """Ingest ``folder`` into the store at ``db`` the way ``zongjie ingest`` does."""
    from zongjie.ingest import ingest
    from zongjie.schema.store import Store

    with Store(db) as store:
        report = ingest([folder], store, progress=progress, entities=False, **options)
        errors = store.errors()
    return Outcome(report, errors, stored_documents(db))


def stored_documents(db: Path) -> list[dict]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT id, source, member, text FROM documents ORDER BY source, member")]
    finally:
        conn.close()


NOBODY = 65534


@contextmanager
def unprivileged():
    """Run the body without root's power to read anything.

    As root, ``chmod 000`` stops nothing; the effective uid is dropped to
    ``nobody`` for the body (the real uid stays root, so it can be restored).
    As any other user this does nothing.
    """
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@contextmanager
def shared_tmp_dir():
    """A temporary folder that ``nobody`` may write to (pytest's tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="zongjie-robust-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text``."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[-1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != b"Z":
            pids.append(int(entry.name))
    return pids
