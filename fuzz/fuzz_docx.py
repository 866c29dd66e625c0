"""Fuzz the .docx reader: ``python fuzz/fuzz_docx.py -max_total_time=60 fuzz/.corpus/docx``."""

import sys

from _harness import as_file, main

from zongjie.errors import ReadError


def test_one_input(data: bytes) -> None:
    from zongjie.corpus.docx import read_docx

    try:
        read_docx(as_file(data, ".docx"))
    except ReadError:
        pass


if __name__ == "__main__":
    main(test_one_input, ["zongjie.corpus.docx", "docx", "zipfile"])
    sys.exit(0)
