"""The exceptions zongjie raises, in one tree.

    ZongjieError
    ├── ReadError                 a file could not be turned into documents
    │   ├── UnsupportedFormat     nothing we know how to read (binary junk, images)
    │   ├── EncryptedFile         password-protected .docx / encrypted PDF
    │   ├── NoTextLayer           a scanned PDF and no OCR installed
    │   ├── CorruptFile           truncated or malformed container (zip, docx, pdf)
    │   ├── UnsafeArchive         zip bombs, members escaping the archive, nesting too deep
    │   ├── UnsafeXml             an XML part declaring a DTD (external entities, billion laughs)
    │   ├── TooLarge              a file or row past the size a document can have (a 200 MB line)
    │   ├── Unreadable            vanished, permission denied, a symlink loop
    │   ├── ConverterMissing      LibreOffice is needed and not installed
    │   ├── ConverterFailed       LibreOffice crashed, hung past its timeout or produced nothing
    │   └── EmptyDocument         a file that holds no text at all
    ├── ExtractError              an extractor failed on a document
    └── StoreError                the SQLite store cannot be opened or written
        ├── StoreBusy             another ingest holds the store
        ├── StoreFull             the disk (or the store's page limit) is full
        └── BadQuery              a search query with nothing to search for (also a ValueError)

Every ReadError carries ``reason``: a short stable code (``encrypted``,
``no_text_layer``…) stored in ``ingest_errors.reason`` so that users can
count and grep failures.
"""


class ZongjieError(Exception):
    """Base class of every error zongjie raises on purpose."""


class ReadError(ZongjieError):
    reason = "read_failed"

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.path = path


class UnsupportedFormat(ReadError):
    reason = "unsupported_format"


class EncryptedFile(ReadError):
    reason = "encrypted"


class NoTextLayer(ReadError):
    reason = "no_text_layer"


class CorruptFile(ReadError):
    reason = "corrupt"


class UnsafeArchive(ReadError):
    reason = "unsafe_archive"


class UnsafeXml(ReadError):
    """Word never writes a DTD into a .docx (ECMA-376 forbids it): one is an attack."""

    reason = "unsafe_xml"


class TooLarge(ReadError):
    reason = "too_large"


class Unreadable(ReadError):
    reason = "unreadable"


class ConverterMissing(ReadError):
    reason = "converter_missing"


class ConverterFailed(ReadError):
    reason = "converter_failed"


class EmptyDocument(ReadError):
    reason = "empty"


class ExtractError(ZongjieError):
    reason = "extract_failed"


class StoreError(ZongjieError):
    reason = "store_failed"


class StoreBusy(StoreError):
    reason = "store_busy"


class StoreFull(StoreError):
    reason = "disk_full"


class BadQuery(StoreError, ValueError):
    reason = "bad_query"


class ClusterError(ZongjieError):
    """The Dask scheduler of ``zongjie ingest --scheduler`` cannot be reached or used."""

    reason = "cluster_unreachable"
