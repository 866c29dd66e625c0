"""Bad inputs, end to end: each gets a recorded reason and the batch goes on.

Each test puts one kind of bad file in a folder beside two good documents
(``tests/_robust.py``), ingests the folder into a real SQLite store, and
asserts the reason in ``ingest_errors`` and that the good documents were
stored. Every bad file is generated here through the real tools.
"""

from __future__ import annotations

import http.server
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest
from _robust import (
    GOOD_DOCX_PARAGRAPHS,
    GOOD_TXT,
    NOBODY,
    ingest_folder,
    make_docx,
    processes_mentioning,
    rewrite_docx_part,
    shared_tmp_dir,
    unprivileged,
    write_good,
    zip_bytes,
)

DATA = Path(__file__).parent / "data"
REPORT = "\n".join(GOOD_DOCX_PARAGRAPHS)


def _batch(tmp_path: Path, bad: dict[str, bytes], **options):
    folder = tmp_path / "batch"
    write_good(folder)
    for name, body in bad.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    outcome = ingest_folder(folder, tmp_path / "zongjie.db", **options)
    outcome.assert_good_ingested()
    return outcome


def _docx() -> bytes:
    return make_docx(["2024年工作总结", "全年完成投资12.5亿元，同比增长8.3%。"])


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _damaged(data: bytes, seed: int) -> bytes:
    """``data`` with 64 random bytes overwritten in its second half (where the zip directory is)."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(64):
        out[rng.randrange(len(out) // 2, len(out))] = rng.randrange(256)
    return bytes(out)


def _text_pdf() -> bytes:
    return (DATA / "gov-info-disclosure-2024-wps.pdf").read_bytes()


def _scan_pdf() -> bytes:
    """A page that is only a picture (a grey box, no text): what a scanner makes."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).rectangle((200, 300, 1000, 900), fill=(90, 90, 90))
    buf = io.BytesIO()
    page.save(buf, format="PDF", resolution=150)
    return buf.getvalue()


def _docx_with_negative_offsets() -> bytes:
    """Found by fuzz/fuzz_docx.py: a central directory said to start past its real place,
    so zipfile seeks to negative offsets (OSError EINVAL) -- once misreported as unreadable."""
    data = bytearray(_docx())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 16, struct.unpack_from("<I", data, end + 16)[0] + 9000)
    return bytes(data)


# Found by fuzz/fuzz_pdf.py: pdfium opens it, then fails to load its one page
# (a PdfiumError that escaped the reader as read_failed).
FUZZ_PDF_BROKEN_PAGE = b"\r\n".join([
    b"%PDF-1.7", b"%\xa1\xb3\xc5\xd7", b"1 0 obj", b"<</Pages 2 0 R /Type/Catalog>>", b"end?obj", b"2 0 obj",
    b"<</Count 1/K", b"/Info ids[ 4 0 R ]/Type/Pages>>", b"endobj", b"3 0 obj",
    b"<</CreationDate(D:20261122030446+00'00')/Creator(PDFium)>>", b"endobj", b"4 0 obj",
    b"<</MediaBox[ 0 0 200 200]/Pare000 n", b"trailer", b"<<", b"/Root 1 0 R", b"/Info 3) 0 R",
    b"/Size 5/ID[<BE8170307C2B51384D14EB998B928DB3><BE8170307C2B51384D14EB998B928DB3>]>>",
    b"startxref", b"292", b"%%EOF", b"",
])


# --- one bad file beside good ones: the reason recorded --------------------

BAD_FILES = [
    # empty files: nothing to read, said so
    pytest.param("empty.txt", lambda: b"", "empty", id="empty-txt"),
    pytest.param("empty.html", lambda: b"", "empty", id="empty-html"),
    pytest.param("empty.docx", lambda: b"", "corrupt", id="empty-docx"),
    pytest.param("empty.pdf", lambda: b"", "corrupt", id="empty-pdf"),
    pytest.param("empty.zip", lambda: b"", "corrupt", id="empty-zip"),
    pytest.param("blank-lines.txt", lambda: b"\r\n \n\t\n", "empty", id="blank-lines-txt"),
    # truncated in transfer
    pytest.param("truncated.docx", lambda: _half(_docx()), "corrupt", id="truncated-docx"),
    pytest.param("truncated.pdf", lambda: _text_pdf()[:3000], "corrupt", id="truncated-pdf"),
    pytest.param(
        "truncated.zip", lambda: _half(zip_bytes({"a.txt": GOOD_TXT.encode(), "b.docx": _docx()})), "corrupt",
        id="truncated-zip",
    ),
    # damaged in place
    pytest.param("damaged.docx", lambda: _damaged(_docx(), 1), "corrupt", id="damaged-docx"),
    pytest.param("junk-after-header.pdf", lambda: b"%PDF-1.7\n" + random.Random(2).randbytes(20000), "corrupt",
                 id="damaged-pdf"),
    pytest.param("not-a-zip.zip", lambda: b"PK\x03\x04" + random.Random(3).randbytes(5000), "corrupt",
                 id="damaged-zip"),
    # not documents at all
    pytest.param("junk.txt", lambda: random.Random(4).randbytes(20000), "unsupported_format", id="binary-junk-txt"),
    pytest.param("photo.txt", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "unsupported_format", id="png-named-txt"),
    pytest.param("sheet.docx", lambda: zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
                 "unsupported_format", id="xlsx-named-docx"),
    # found by the fuzzers (fuzz/), kept as regressions
    pytest.param("negative-offsets.docx", _docx_with_negative_offsets, "corrupt", id="fuzz-docx-negative-offsets"),
    pytest.param("broken-page.pdf", lambda: FUZZ_PDF_BROKEN_PAGE, "corrupt", id="fuzz-pdf-page-fails-to-load"),
    # a damaged Word 97 file: LibreOffice reads it as mojibake, which is refused
    pytest.param(
        "damaged.doc",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(5).randbytes(3000),
        "corrupt",
        id="damaged-doc",
        marks=pytest.mark.libreoffice,
    ),
]


@pytest.mark.parametrize("name, make, reason", BAD_FILES)
def test_bad_file_gets_its_reason_and_the_batch_goes_on(tmp_path, name, make, reason):
    outcome = _batch(tmp_path, {name: make()})
    assert outcome.reasons(name) == [reason]
    assert outcome.stored(name) == []


def test_a_batch_of_every_bad_file_loses_no_good_one(tmp_path):
    """All the bad files above in one folder: each recorded once, the good ones stored."""
    bad = {p.values[0]: p.values[1]() for p in BAD_FILES if not p.marks}
    outcome = _batch(tmp_path, bad)
    for p in BAD_FILES:
        if not p.marks:
            assert outcome.reasons(p.values[0]) == [p.values[2]], p.id
    assert outcome.report.files == len(bad) + 2
    assert outcome.report.error_count == len(bad)


# --- XML attacks: nothing fetched, nothing expanded ------------------------


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY leaked 'FETCHED'>")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A real HTTP server on 127.0.0.1 that counts what is fetched from it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    _CountingHandler.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.hits
    server.shutdown()
    server.server_close()


def _with_doctype(dtd: str, reference: str):
    def edit(xml: str) -> str:
        root = xml.index("<w:document") if "<w:document" in xml else xml.index("<cp:coreProperties")
        xml = xml[:root] + dtd + xml[root:]
        return xml.replace("2024年工作总结", reference + "2024年工作总结", 1)

    return edit


def test_xxe_fetches_nothing_and_reads_no_local_file(tmp_path, listener):
    url, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("绝密：不应出现在库中", encoding="utf-8")
    local = _with_doctype(f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;")
    remote = _with_doctype(
        f'<!DOCTYPE w:document [<!ENTITY % dtd SYSTEM "{url}/evil.dtd"> %dtd; '
        f'<!ENTITY web SYSTEM "{url}/page">]>',
        "&web;&leaked;",
    )
    in_core = _with_doctype(f'<!DOCTYPE cp:coreProperties [<!ENTITY c SYSTEM "{url}/core">]>', "")
    outcome = _batch(
        tmp_path,
        {
            "xxe-local-file.docx": rewrite_docx_part(_docx(), "word/document.xml", local),
            "xxe-remote.docx": rewrite_docx_part(_docx(), "word/document.xml", remote),
            "xxe-core-properties.docx": rewrite_docx_part(_docx(), "docProps/core.xml", in_core),
        },
    )
    for name in ("xxe-local-file.docx", "xxe-remote.docx", "xxe-core-properties.docx"):
        assert outcome.reasons(name) == ["unsafe_xml"], name
    assert hits == []  # nothing was fetched
    assert not any("绝密" in d["text"] or "FETCHED" in d["text"] for d in outcome.documents)


def test_billion_laughs_is_not_expanded(tmp_path):
    levels = ['<!ENTITY lol0 "哈哈哈哈哈哈哈哈哈哈">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    bomb = _with_doctype("<!DOCTYPE w:document [" + "".join(levels) + "]>", "&lol9;")
    outcome = _batch(tmp_path, {"billion-laughs.docx": rewrite_docx_part(_docx(), "word/document.xml", bomb)})
    assert outcome.reasons("billion-laughs.docx") == ["unsafe_xml"]
    assert not any("哈哈" in d["text"] for d in outcome.documents)


def test_zip_bomb_dressed_as_docx(tmp_path):
    """document.xml that would inflate to 300 MB from a few hundred KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx())) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        with zout.open("word/bomb.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(300):
                part.write(chunk)
    outcome = _batch(tmp_path, {"bomb.docx": buf.getvalue()})
    assert outcome.reasons("bomb.docx") == ["unsafe_archive"]


# --- encrypted and scanned -------------------------------------------------


def test_password_protected_docx(tmp_path):
    """A real encrypted OOXML package (OLE2 with EncryptionInfo + EncryptedPackage), as Word writes it."""
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="pip install msoffcrypto-tool (make dev installs it)")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tmp_path / "plain.docx"
    plain.write_bytes(_docx())
    out = io.BytesIO()
    with open(plain, "rb") as f:
        OOXMLFile(f).encrypt("密码123", out)
    encrypted = out.getvalue()
    # it really is encrypted: the password opens it, and it is not a zip
    assert encrypted.startswith(b"\xd0\xcf\x11\xe0")
    check = msoffcrypto.OfficeFile(io.BytesIO(encrypted))
    assert check.is_encrypted()
    outcome = _batch(tmp_path, {"加密报告.docx": encrypted})
    assert outcome.reasons("加密报告.docx") == ["encrypted"]


@pytest.mark.libreoffice
def test_encrypted_pdf(tmp_path):
    """A PDF with an open password, written by LibreOffice's PDF export."""
    src = tmp_path / "in.docx"
    src.write_bytes(_docx())
    options = (
        '{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    )
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", f"pdf:writer_pdf_Export:{options}", "--outdir", str(tmp_path / "out"), str(src)],
        check=True, capture_output=True, timeout=120,
    )
    outcome = _batch(tmp_path, {"加密.pdf": (tmp_path / "out" / "in.pdf").read_bytes()})
    assert outcome.reasons("加密.pdf") == ["encrypted"]


def test_pdf_without_text_layer(tmp_path):
    """A scanned page holding no text: no_text_layer (OCR, where installed, finds nothing on it either)."""
    outcome = _batch(tmp_path, {"扫描件.pdf": _scan_pdf()})
    assert outcome.reasons("扫描件.pdf") == ["no_text_layer"]


# --- archives --------------------------------------------------------------


def test_zip_bomb_by_ratio(tmp_path):
    bomb = zip_bytes({"bomb.txt": b"0" * (64 * 1024**2), "inside.txt": "各位代表：现在报告工作。".encode()})
    assert len(bomb) < 200_000
    outcome = _batch(tmp_path, {"bomb.zip": bomb})
    assert outcome.reasons("bomb.txt") == ["unsafe_archive"]
    assert "compressed" in outcome.messages("bomb.txt")[0]
    assert len(outcome.stored("inside.txt")) == 1


def test_zip_bomb_that_lies_about_its_size(tmp_path):
    """Headers that claim 1 KB for a member that inflates to 64 MB: extraction stops at the claim."""
    honest = zip_bytes({"liar.txt": b"1" * (64 * 1024**2), "ok.txt": "各位代表：现在报告工作。".encode()})
    data = bytearray(honest)
    with zipfile.ZipFile(io.BytesIO(honest)) as zf:
        info = zf.getinfo("liar.txt")
        local = info.header_offset
    struct.pack_into("<I", data, local + 22, 1024)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1024)  # central directory: uncompressed size
    outcome = _batch(tmp_path, {"liar.zip": bytes(data)})
    # zipfile stops at the claimed size, then the CRC check fails: never 64 MB on disk
    assert outcome.reasons("liar.txt") in (["unsafe_archive"], ["corrupt"])
    assert len(outcome.stored("ok.txt")) == 1


def test_zip_total_size_limit(tmp_path):
    members = {f"part-{i}.txt": (f"第{i}部分：" + "各位代表，全年完成投资12亿元。" * 2000).encode() for i in range(4)}
    outcome = _batch(tmp_path, {"parts.zip": zip_bytes(members)}, max_total_size=250_000)
    refused = [e for e in outcome.errors if e["reason"] == "unsafe_archive"]
    assert len(outcome.stored(".txt")) - 1 + len(refused) == 4  # minus good-summary.txt
    assert refused and all("in all" in e["message"] for e in refused)


def test_members_escaping_the_archive_are_refused(tmp_path):
    evil = zip_bytes(
        {
            "../../escaped-up.txt": b"x",
            "/tmp/escaped-absolute.txt": b"x",
            "C:\\Windows\\escaped-drive.txt": b"x",
            "ok/../../escaped-middle.txt": b"x",
            "ok/inside.txt": "各位代表：现在我代表政府报告工作。".encode(),
        }
    )
    outcome = _batch(tmp_path, {"evil.zip": evil})
    for name in ("escaped-up.txt", "escaped-absolute.txt", "escaped-drive.txt", "escaped-middle.txt"):
        assert outcome.reasons(name) == ["unsafe_archive"], name
    assert len(outcome.stored("ok/inside.txt")) == 1
    for where in (tmp_path, tmp_path.parent, Path("/tmp"), Path(tempfile.gettempdir())):
        assert not list(where.glob("escaped-*"))


def test_deeply_nested_zips_stop_at_the_depth_limit(tmp_path):
    from zongjie.corpus.archive import MAX_DEPTH

    inner = zip_bytes({"level-12.txt": "第12层：各位代表。".encode()})
    for level in range(11, 0, -1):
        inner = zip_bytes({f"level-{level}.txt": f"第{level}层：各位代表，全年完成投资{level}亿元。".encode(),
                           f"level-{level + 1}.zip": inner})
    outcome = _batch(tmp_path, {"nested.zip": inner})
    read = sorted(int(d["member"].rsplit("level-", 1)[1].split(".")[0]) for d in outcome.stored(".txt") if d["member"])
    assert read == list(range(1, MAX_DEPTH + 1))
    refused = [e for e in outcome.errors if e["reason"] == "unsafe_archive"]
    assert len(refused) == 1 and "nested deeper" in refused[0]["message"]


# --- huge and strangely encoded text ---------------------------------------


def test_a_single_200_mb_line_is_refused_in_bounded_memory(tmp_path):
    """Ingested in a child process whose peak memory is measured by the kernel (wait4)."""
    folder = tmp_path / "batch"
    write_good(folder)
    line = "各位代表，全年完成投资12亿元。".encode() * 8
    with open(folder / "one-line.txt", "wb") as f:
        for _ in range(200 * 1024**2 // len(line)):
            f.write(line)
    assert (folder / "one-line.txt").stat().st_size > 199 * 1024**2
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "from _robust import ingest_folder\n"
        "warm = Path(sys.argv[1]) / 'warm'\n"
        "from _robust import write_good\n"
        "write_good(warm)\n"
        "ingest_folder(warm, Path(sys.argv[2]) / 'warm.db')\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "o = ingest_folder(Path(sys.argv[1]) / 'batch', Path(sys.argv[2]) / 'z.db')\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "o.assert_good_ingested()\n"
        "print(o.reasons('one-line.txt')[0], before, after)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), str(tmp_path), str(Path(__file__).parent)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    reason, before, after = proc.stdout.split()
    assert reason == "too_large"
    assert int(after) - int(before) < 50 * 1024  # KB: the 200 MB were never read into memory


@pytest.mark.parametrize(
    "name, data, expected, encoding",
    [
        pytest.param("big5.txt", "各位代表：現在我代表市人民政府向大會報告工作，請予審議。".encode("big5"),
                     "現在我代表市人民政府向大會報告工作", "big5", id="big5-traditional"),
        pytest.param("gbk.txt", "各位代表：现在我代表市人民政府向大会报告工作，请予审议。".encode("gbk"),
                     "现在我代表市人民政府向大会报告工作", "gb18030", id="gbk"),
        pytest.param("utf16.txt", "各位代表：现在我代表政府报告工作。".encode("utf-16-le"),
                     "现在我代表政府报告工作", "utf-16-le", id="utf16-without-bom"),
        pytest.param(
            "pasted-together.txt",
            "一、2024年工作回顾\n全年完成投资12亿元。\n".encode()
            + "二、2025年工作安排\n力争新增就业3000人。\n".encode("gbk"),
            "力争新增就业3000人", "utf-8+gb18030", id="utf8-then-gbk",
        ),
        pytest.param(
            "wrong-charset.html",
            '<html><head><meta charset="utf-8"></head><body><p>各位代表：现在我代表市人民政府向大会报告工作，请予审议。'
            "</p></body></html>".encode("gbk"),
            "现在我代表市人民政府向大会报告工作", None, id="html-declares-utf8-is-gbk",
        ),
    ],
)
def test_wrong_and_mixed_encodings_are_read_right(tmp_path, name, data, expected, encoding):
    outcome = _batch(tmp_path, {name: data})
    assert outcome.reasons(name) == []
    [doc] = outcome.stored(name)
    assert expected in doc["text"]
    assert "\ufffd" not in doc["text"]
    if name == "pasted-together.txt":
        assert "全年完成投资12亿元" in doc["text"]


def test_text_that_is_no_encoding_is_refused(tmp_path):
    """Bytes that decode to mojibake in every encoding tried (random high bytes, no NULs)."""
    rng = random.Random(7)
    data = bytes(rng.choice(range(0x80, 0x100)) for _ in range(4000)) + b"\n" * 3
    outcome = _batch(tmp_path, {"mojibake.txt": data})
    assert outcome.reasons("mojibake.txt") == ["unsupported_format"]


# --- files that change under the run ---------------------------------------


def test_html_with_control_characters_is_read(tmp_path):
    """Found by fuzz/fuzz_html.py: control characters in text after dropped furniture crashed lxml."""
    page = ("<html><body><div><script>x</script>\x1a尾注<p>各位代表：现在我代表市人民政府\x07向大会报告工作。"
            + "<p>一年来，全市卫生健康工作稳步推进，家庭医生签约服务覆盖率达到85%。</p>" * 10 + "</div></body></html>")
    outcome = _batch(tmp_path, {"control.html": page.encode()})
    assert outcome.reasons("control.html") == []
    assert any("现在我代表市人民政府向大会报告工作" in d["text"] for d in outcome.stored("control.html"))


def test_file_vanishing_mid_run(tmp_path):
    folder = tmp_path / "batch"
    write_good(folder)
    (folder / "h-vanishes.txt").write_text(GOOD_TXT + "（将被删除）", encoding="utf-8")

    def delete_next(path, report):
        if path.name == "good-summary.txt":  # listed in sorted order: good-report, good-summary, h-vanishes
            (folder / "h-vanishes.txt").unlink()

    outcome = ingest_folder(folder, tmp_path / "zongjie.db", progress=delete_next)
    outcome.assert_good_ingested()
    assert outcome.reasons("h-vanishes.txt") == ["unreadable"]


def test_file_losing_read_permission_mid_run():
    """chmod 000 on a file after the run listed it. As root the run drops to ``nobody`` to make that bite."""
    with shared_tmp_dir() as tmp:
        folder = tmp / "batch"
        write_good(folder)
        (folder / "h-locked.txt").write_text(GOOD_TXT + "（权限将被收回）", encoding="utf-8")
        for p in [folder, *folder.iterdir()]:
            if os.geteuid() == 0:
                os.chown(p, NOBODY, NOBODY)  # so that nobody may chmod it mid-run
        # warm up as the current user: jieba's dictionary and the models load once per process
        ingest_folder(folder, tmp / "warm.db")

        def lock_next(path, report):
            if path.name == "good-summary.txt":
                (folder / "h-locked.txt").chmod(0)

        with unprivileged():
            outcome = ingest_folder(folder, tmp / "zongjie.db", progress=lock_next)
            with pytest.raises(PermissionError):
                (folder / "h-locked.txt").read_bytes()  # the lock is real for this user
        outcome.assert_good_ingested()
        assert outcome.reasons("h-locked.txt") == ["unreadable"]
        assert any("permission denied" in m.lower() for m in outcome.messages("h-locked.txt"))


def test_symlink_loops_and_dangling_links(tmp_path):
    folder = tmp_path / "batch"
    write_good(folder)
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # a folder containing itself
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "self.txt").symlink_to(folder / "self.txt")  # ELOOP
    (folder / "ping.txt").symlink_to(folder / "pong.txt")
    (folder / "pong.txt").symlink_to(folder / "ping.txt")
    (folder / "dangling.docx").symlink_to(folder / "nowhere.docx")
    outcome = ingest_folder(folder, tmp_path / "zongjie.db")
    outcome.assert_good_ingested()
    for name in ("self.txt", "ping.txt", "pong.txt", "dangling.docx"):
        assert outcome.reasons(name) == ["unreadable"], name
    assert outcome.report.files == 6  # each good file listed once, not once per loop turn
    assert not any("/loop/" in d["source"] or "/up/" in d["source"] for d in outcome.documents)


# --- LibreOffice hanging or crashing ---------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_past_its_timeout_is_killed_and_recorded(tmp_path, office_files, monkeypatch):
    # every temporary folder of this run under tmp_path, so its soffice processes can be found
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    outcome = _batch(tmp_path, {"旧格式报告.doc": office_files["doc"].read_bytes()}, timeout=0.3)
    assert outcome.reasons("旧格式报告.doc") == ["converter_failed"]
    assert "killed" in outcome.messages("旧格式报告.doc")[0]
    assert processes_mentioning(str(own_tmp)) == []  # no LibreOffice left running
    assert list(own_tmp.iterdir()) == []  # and its private profile is gone


@pytest.mark.libreoffice
def test_libreoffice_gets_a_private_profile_without_macros_or_network(tmp_path, monkeypatch):
    """The command line and profile a conversion really runs with."""
    from zongjie.corpus import office

    seen = {}
    real_run = office._run

    def spy(cmd, timeout, path):
        profile = Path(next(a for a in cmd if a.startswith("-env:UserInstallation=")).split("=", 1)[1][7:])
        seen["cmd"] = cmd
        seen["settings"] = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
        return real_run(cmd, timeout, path)

    monkeypatch.setattr(office, "_run", spy)
    src = tmp_path / "in.docx"
    src.write_bytes(_docx())
    office.convert(src, "doc", tmp_path / "out")
    assert (tmp_path / "out" / "in.doc").stat().st_size > 0
    assert "--headless" in seen["cmd"]
    assert '"DisableMacrosExecution" oor:op="fuse"><value>true' in seen["settings"]
    assert '"MacroSecurityLevel" oor:op="fuse"><value>3' in seen["settings"]
    if shutil.which("unshare") and subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0:
        assert seen["cmd"][:2] == [shutil.which("unshare"), "--net"]


def test_unshare_really_cuts_the_network():
    """What the LibreOffice prefix does: inside, not even loopback is up."""
    from zongjie.corpus.office import _no_network_prefix

    prefix = _no_network_prefix()
    if not prefix:
        pytest.skip("no network namespaces here (not root, no user namespaces)")
    code = "import socket; s=socket.socket(); s.settimeout(2); s.connect(('127.0.0.1', 9))"
    proc = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0
    assert "Network is unreachable" in proc.stderr or "Connection refused" in proc.stderr


def test_terminal_output_strips_control_characters(tmp_path):
    """A file name and message carrying ANSI escapes reach the terminal without them."""
    from click.testing import CliRunner

    from zongjie.cli import cli

    folder = tmp_path / "batch"
    write_good(folder)
    (folder / "\x1b[2J\x1b]0;pwned\x07evil.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "z.db"), "-q", "--no-entities"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert "evil.txt" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert os.path.exists(tmp_path / "z.db")
