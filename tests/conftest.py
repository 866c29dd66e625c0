"""Shared fixtures."""

from __future__ import annotations

import pytest

from zongjie.schema.store import Store


@pytest.fixture
def fresh_db(tmp_path):
    """A new, migrated store in a real SQLite file (``tmp_path / "zongjie.db"``)."""
    store = Store(tmp_path / "zongjie.db")
    yield store
    store.close()


# --- readers (zongjie.corpus): real files, and fixtures made by the real LibreOffice ---

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

DATA = Path(__file__).parent / "data"


def pytest_collection_modifyitems(config, items):
    """Skip ``@pytest.mark.libreoffice`` tests, saying why, where soffice is missing."""
    if shutil.which("soffice"):
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) not on PATH: apt-get install libreoffice-writer-nogui")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def office_files(tmp_path_factory):
    """.doc, .wps and .pdf made from ``provincial-2025-word.docx`` by LibreOffice.

    The .wps is the Word 97 file under a .wps name: Kingsoft WPS Writer files
    are Word 97 compound files too, and that is how they reach us.
    """
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) not on PATH: apt-get install libreoffice-writer-nogui")
    from zongjie.corpus.office import convert

    out = tmp_path_factory.mktemp("office")
    source = DATA / "provincial-2025-word.docx"
    doc = convert(source, "doc", out)
    wps = out / "provincial-2025-word.wps"
    shutil.copyfile(doc, wps)
    pdf = convert(source, "pdf", out)
    return {"docx": source, "doc": doc, "wps": wps, "pdf": pdf}
