"""Fuzz the zip walker: ``python fuzz/fuzz_zip.py -max_total_time=60 fuzz/.corpus/zip``.

Every member must come out as a path inside the private temporary folder or
as a refusal with a ReadError; nothing may be written elsewhere.
"""

import sys
import tempfile
from pathlib import Path

from _harness import as_file, main

from zongjie.errors import ReadError

LIMITS = None


def test_one_input(data: bytes) -> None:
    from zongjie.corpus.archive import Limits, iter_members

    limits = Limits(max_total_size=8 * 1024**2, max_member_size=4 * 1024**2)
    tmp = Path(tempfile.gettempdir()).resolve()
    try:
        for member in iter_members(as_file(data, ".zip"), limits):
            if member.path is not None:
                assert member.path.resolve().is_relative_to(tmp), member
                assert member.path.stat().st_size <= limits.max_member_size
            else:
                assert isinstance(member.error, ReadError), member
    except ReadError:
        pass


if __name__ == "__main__":
    main(test_one_input, ["zongjie.corpus.archive", "zipfile"])
    sys.exit(0)
