"""Fuzz the PDF reader: ``python fuzz/fuzz_pdf.py -max_total_time=60 fuzz/.corpus/pdf``."""

import sys

from _harness import as_file, main

from zongjie.errors import ReadError


def test_one_input(data: bytes) -> None:
    from zongjie.corpus.pdf import read_pdf

    try:
        read_pdf(as_file(data, ".pdf"))
    except ReadError:
        pass


if __name__ == "__main__":
    main(test_one_input, ["zongjie.corpus.pdf", "pdfplumber", "pdfminer"])
    sys.exit(0)
