"""Read the next chunk of rows from the database while the caller works on this one.

A feed of a million products spends about a third of its time waiting for PostgreSQL
(running the chunk's queries and sending the rows) and two thirds formatting the rows in
Python. :func:`read_ahead` runs the reading generator in a thread of its own, one chunk
ahead: the wait for the next chunk overlaps the formatting of this one (the driver lets
go of the GIL while it waits on the socket).

The thread has a connection of its own, so it sees committed rows only. It is used only
where that is the same as what the caller sees: outside a transaction (``atomic``), and
on a database that serves several connections at once. Otherwise, and for SQLite, the
chunks are read in the caller's thread, as before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")

_DONE = object()
# How long the reading thread waits for room in the queue before it checks whether the
# caller stopped (a client that went away).
_POLL_SECONDS = 0.5


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc


def can_read_ahead(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether another connection would read what this one sees (see the module's docstring)."""
    connection = connections[using]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def read_ahead(chunks: Iterator[T], *, using: str = DEFAULT_DB_ALIAS) -> Iterator[T]:
    """The items of ``chunks``, each read while the caller works on the one before."""
    if not can_read_ahead(using):
        yield from chunks
        return
    ready: queue.Queue = queue.Queue(maxsize=1)  # one chunk ahead: memory stays at two chunks
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the caller, raised there
            put(_Failed(exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:  # a generator left half-way runs its own clean-up
                close()
            connections.close_all()  # this thread's connections only

    reader = threading.Thread(target=read, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = ready.get()  # the thread's last item is _DONE or _Failed, whatever happens
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        reader.join()
