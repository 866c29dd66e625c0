"""Legacy Word (.doc), Kingsoft WPS Writer (.wps) and .odt via LibreOffice.

LibreOffice converts the file to .docx in a private temporary directory,
then :func:`zongjie.corpus.docx.read_docx` reads it. Each conversion runs
with its own LibreOffice profile (``-env:UserInstallation``), so parallel
conversions do not fight over a lock, and in its own process group, so a
hung conversion is killed with all its children.

The files are untrusted, so the private profile is seeded with settings
that turn macros off (``DisableMacrosExecution``, security level "very
high") and never update links or fetch linked images; and where the system
allows it (root, or unprivileged user namespaces), LibreOffice runs in a
network namespace of its own (``unshare --net``), with no network at all.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from zongjie.corpus.document import RawDocument
from zongjie.errors import ConverterFailed, ConverterMissing, CorruptFile

DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = "apt-get install libreoffice-writer-nogui"

_FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "doc": "doc:MS Word 97",
    "pdf": "pdf:writer_pdf_Export",
    "odt": "odt",
}


# Written into each private profile before LibreOffice starts: the registry
# paths and types are those of LibreOffice's own schema (share/registry/main.xcd).
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Field" oor:op="fuse">\
<value>false</value></prop></item>
</oor:items>
"""


def read_office(
    path: Path,
    *,
    format: str = "doc",
    source: str | None = None,
    member: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> RawDocument:
    """Read a .doc, .wps or .odt file by converting it to .docx.

    Args:
        path: the file on disk.
        format: the format to record (``doc``, ``wps``, ``odt``).
        source: the path to record (the archive's, for a member); ``path`` by default.
        member: the path inside an archive, if any.
        timeout: seconds LibreOffice may take before it is killed.

    Raises:
        ConverterMissing: ``soffice`` is not on PATH.
        ConverterFailed: LibreOffice failed, hung or produced nothing.
    """
    from zongjie.corpus.docx import read_docx
    from zongjie.corpus.text import looks_like_text

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="zongjie-office-") as tmp:
        converted = convert(path, to="docx", outdir=Path(tmp), timeout=timeout)
        doc = read_docx(converted, source=source or str(path), member=member, format=format)
    # LibreOffice opens a damaged Word file it cannot parse as plain text,
    # and its bytes come out as mojibake (탏ᇠꆱ᫡…): refuse that, never store it
    if not looks_like_text("\n".join(b.text for b in doc.blocks)):
        raise CorruptFile(
            f"LibreOffice could not parse {path.name}: what it read is not text (a damaged file?)",
            path=str(path),
        )
    return doc


def convert(
    path: Path, to: str = "docx", outdir: Path | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> Path:
    """Convert a document with LibreOffice and return the new file's path.

    Args:
        path: the document (.doc, .docx, .wps, .odt, .rtf…).
        to: ``docx``, ``doc``, ``pdf`` or ``odt``.
        outdir: where to write; the input's folder by default. The output is
            named after the input: ``报告.docx`` → ``outdir/报告.pdf``.
        timeout: seconds before the conversion is killed.

    Example: ``convert(Path("provincial-2025-word.docx"), "doc", tmp)`` →
    ``tmp/provincial-2025-word.doc``.
    """
    if to not in _FILTERS:
        raise ValueError(f"cannot convert to {to!r}; choose one of {sorted(_FILTERS)}")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConverterMissing(
            f"LibreOffice (soffice) is needed to read {Path(path).suffix or 'this'} files: {INSTALL_HINT}",
            path=str(path),
        )
    path = Path(path)
    outdir = Path(outdir) if outdir is not None else path.parent
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zongjie-soffice-") as work:
        work_dir = Path(work)
        # A plain ASCII name sidesteps LibreOffice's handling of odd file
        # names (leading dashes, spaces, non-UTF-8 bytes); the .doc suffix
        # makes it sniff .wps files as the Word 97 files they are.
        suffix = ".doc" if path.suffix.lower() in (".wps", ".doc", ".dot", "") else path.suffix.lower()
        staged = work_dir / ("input" + suffix)
        shutil.copyfile(path, staged)
        out = work_dir / "out"
        profile = work_dir / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        cmd = [
            *_no_network_prefix(),
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _FILTERS[to],
            "--outdir",
            str(out),
            str(staged),
        ]
        _run(cmd, timeout, path)
        produced = out / ("input." + to)
        if not produced.exists() or produced.stat().st_size == 0:
            raise ConverterFailed(
                f"LibreOffice produced no .{to} for {path.name} (unreadable or password-protected?)",
                path=str(path),
            )
        target = outdir / (path.stem + "." + to)
        shutil.move(str(produced), target)
        return target


@functools.cache
def _no_network_prefix() -> tuple[str, ...]:
    """``unshare --net`` (as root) or ``unshare -rn`` (user namespaces) if it works here, else nothing."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "--net"), (unshare, "--map-root-user", "--net")):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return prefix
    return ()


def _run(cmd: list[str], timeout: float, path: Path) -> None:
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, killed as one on timeout
        env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")},
    )
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise ConverterFailed(
            f"LibreOffice took more than {timeout:g} s on {path.name} and was killed", path=str(path)
        ) from None
    if proc.returncode != 0:
        tail = stderr.decode("utf-8", "replace").strip()[-300:]
        raise ConverterFailed(
            f"LibreOffice exited with {proc.returncode} on {path.name}: {tail}", path=str(path)
        )
