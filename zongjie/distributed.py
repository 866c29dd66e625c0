"""Read and extract on a Dask cluster; the writer stays here (``zongjie ingest --scheduler``).

Each file is one Dask task (:func:`zongjie.ingest.process_file` run on a
worker); its results come back to this process as the task finishes
(``as_completed``) and are handed to the single writer in file order. At most
``in_flight`` files (two per worker thread by default) are submitted or held
at a time, so neither the cluster nor this process holds the whole archive.

Requirements on the cluster: zongjie (``pip install 'zongjie[dask]'``) on
every worker, of the same version, and the files visible at the same absolute
path on every worker (a shared or network file system): workers are sent the
absolute path, the store records the path as given (:attr:`Task.where`), as a
local run does. The store is written only here.

A worker that dies while reading a file is retried by Dask elsewhere; a file
that kills workers repeatedly (``KilledWorker``) is recorded as
``worker_crashed`` and the batch goes on. A scheduler that goes away mid-run
is a :class:`ClusterError`; what was written before stays, and the next run
continues from there.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError
from dataclasses import replace
from typing import Any

from zongjie.errors import ClusterError
from zongjie.ingest import DONE, Message, Task, process_file

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler


def run_task(task: Task, entities: bool, options: dict[str, Any]) -> list[Message]:
    """What a Dask worker runs: every message of one file, as a list."""
    return list(process_file(task, entities=entities, options=options))


def connect(scheduler: str, *, timeout: float = CONNECT_TIMEOUT) -> Any:
    """A ``distributed.Client`` on ``scheduler``, or ClusterError with what to do."""
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise ClusterError(
            "--scheduler needs Dask's distributed scheduler: pip install 'zongjie[dask]'"
        ) from exc
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s ({type(exc).__name__}: {exc}); "
            "is `dask scheduler` running there, and is the address (tcp://HOST:PORT) right?"
        ) from exc


def dask_stream(
    tasks: Iterable[Task],
    scheduler: str,
    *,
    entities: bool,
    options: dict[str, Any],
    in_flight: int | None = None,
    timeout: float = CONNECT_TIMEOUT,
) -> Iterator[tuple[Task, Message]]:
    """The work done on the cluster at ``scheduler``; results given back in file order."""
    from dask.distributed import as_completed

    try:
        from distributed.scheduler import KilledWorker
    except ImportError:  # older layouts
        from distributed import KilledWorker  # type: ignore[no-redef]

    client = connect(scheduler, timeout=timeout)
    try:
        threads = sum(client.nthreads().values())
        if threads == 0:
            raise ClusterError(f"the Dask scheduler at {scheduler} has no workers: start some with `dask worker {scheduler}`")
        limit = in_flight or 2 * threads
        tasks = iter(tasks)
        order: deque[Task] = deque()
        results: dict[int, list[Message]] = {}
        futures = as_completed(loop=client.loop)
        exhausted = False

        def fill() -> None:
            nonlocal exhausted
            while not exhausted and len(order) < limit:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    return
                order.append(task)
                if task.skip:
                    results[task.index] = [("skipped", None), DONE]
                else:
                    # the worker opens the absolute path; what is stored is the path as given (see Task.where)
                    sent = task if os.path.isabs(task.path) else replace(task, where=os.path.abspath(task.path))
                    future = client.submit(run_task, sent, entities, options, pure=False,
                                           key=f"zongjie-ingest-{os.getpid()}-{id(order)}-{task.index}")
                    future.zongjie_task = task  # type: ignore[attr-defined]
                    futures.add(future)

        fill()
        while order:
            head = order[0]
            if head.index in results:
                order.popleft()
                for message in results.pop(head.index):
                    yield head, message
                fill()
                continue
            future = next(futures)
            task = future.zongjie_task
            try:
                results[task.index] = future.result()
            except KilledWorker as exc:
                # every worker that ran it died (a parser's segfault, the OOM killer): Dask gave up on it
                allowed = getattr(exc, "allowed_failures", None)
                last = getattr(getattr(exc, "last_worker", None), "address", "?")
                tries = f"{allowed + 1} Dask worker processes" if isinstance(allowed, int) else "the Dask workers"
                results[task.index] = [("crashed", f"{tries} died reading this file, the last one {last} "
                                        "(its log says why: a crash in a parser, the OOM killer?)"), DONE]
            except CancelledError as exc:  # the scheduler went away (or someone cancelled our tasks there)
                why = getattr(exc, "reason", None) or exc
                raise ClusterError(
                    f"the Dask cluster at {scheduler} dropped the work mid-run ({why}); the files before "
                    f"{head.path} are stored: run the same command again once the cluster is back to continue"
                ) from exc
            except Exception as exc:
                raise ClusterError(
                    f"reading {task.path} on the cluster failed: {type(exc).__name__}: {exc} "
                    "(is zongjie installed on every worker, and the file visible there at the same path?)"
                ) from exc
            finally:
                future.release()
    finally:
        client.close()
