"""Fuzz the HTML reader: ``python fuzz/fuzz_html.py -max_total_time=60 fuzz/.corpus/html``."""

import sys

from _harness import as_file, main

from zongjie.errors import ReadError


def test_one_input(data: bytes) -> None:
    from zongjie.corpus.html import read_html

    try:
        read_html(as_file(data, ".html"))
    except ReadError:
        pass


if __name__ == "__main__":
    main(test_one_input, ["zongjie.corpus.html"])
    sys.exit(0)
