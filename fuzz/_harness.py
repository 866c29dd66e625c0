"""What every zongjie fuzz target shares.

A reader may refuse any input, but only with a ReadError (a reason the
ingest records): any other exception, a hang past libFuzzer's ``-timeout``
or memory past ``-rss_limit_mb`` is a finding. The input is written to a
temporary file, since the readers take paths, as ingest gives them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="zongjie-fuzz-"))


def as_file(data: bytes, suffix: str) -> Path:
    path = _TMP / f"input{suffix}"
    path.write_bytes(data)
    return path


def quiet_libraries() -> None:
    """pdfminer and friends log every oddity of a malformed file; the fuzzer's output is for findings."""
    import logging

    logging.disable(logging.WARNING)


def main(test_one_input, instrumented: list[str]) -> None:
    import atheris

    quiet_libraries()
    with atheris.instrument_imports(include=instrumented):
        for name in instrumented:
            __import__(name)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


def run_corpus_once(test_one_input, folder: str) -> int:
    """Replay every file of ``folder`` through the target without atheris (regression check)."""
    quiet_libraries()
    n = 0
    for path in sorted(Path(folder).iterdir()):
        if path.is_file():
            test_one_input(path.read_bytes())
            n += 1
    return n


if os.environ.get("ZONGJIE_FUZZ_DEBUG"):
    print(f"fuzz temp files in {_TMP}", file=sys.stderr)
