"""Fuzz format detection and text decoding: ``python fuzz/fuzz_text.py -max_total_time=60 fuzz/.corpus/text``.

Bytes go through what a ``.txt`` goes through: detect_format (magic bytes,
the binary check), then the text reader (BOMs, UTF-8, mixed UTF-8/GBK,
UTF-16 without BOM, charset guessing, the mojibake check).
"""

import sys

from _harness import as_file, main

from zongjie.errors import ReadError


def test_one_input(data: bytes) -> None:
    from zongjie.corpus.detect import detect_format
    from zongjie.corpus.text import decode_bytes, read_text

    path = as_file(data, ".txt")
    try:
        fmt = detect_format(path)
    except ReadError:
        return
    try:
        text, encoding = decode_bytes(data)
        assert isinstance(text, str) and encoding
        if fmt == "txt":
            read_text(path)
    except ReadError:
        pass


if __name__ == "__main__":
    main(test_one_input, ["zongjie.corpus.detect", "zongjie.corpus.text", "charset_normalizer"])
    sys.exit(0)
