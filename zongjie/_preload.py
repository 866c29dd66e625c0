"""Imported once by the ingest workers' forkserver (``zongjie.ingest.pool_stream``).

Loads jieba's dictionary and our lexicons (seconds, a hundred MB) in the
forkserver, so that every worker process, and every worker started in place
of one that crashed, forks with them already in memory (shared, copy on
write) instead of loading them again.
"""

from zongjie.extract.segment import tokenizer

tokenizer()
