"""Background tasks: one way to run work after a change, with or without Redis.

``enqueue(task, *args, countdown=0, **kwargs)`` is what every app calls (feed pushes,
notifications). Once the surrounding transaction commits (at once outside one):

- with ``REDIS_URL`` the task goes to Celery (a worker process runs it);
- without Redis, or when the broker cannot be reached at that moment, it goes to a
  **bounded in-process worker**: ``TASKS_THREADS`` daemon threads and a queue of at most
  ``TASKS_QUEUE_SIZE`` tasks. A request only puts the task in the queue, so a slow or
  hanging partner never holds an editor's save; a full queue drops the task with an error
  in the log rather than block the request;
- with ``TASKS_INLINE`` (the test settings) it runs at once in the caller's thread.

A task that raises is logged; a feed run it leaves behind is failed by the run's own
code, and a run whose process died is failed by ``feeds.services.runs_fail_abandoned``.
Periodic work without Redis is run by cron through ``manage.py run_task`` (README).
"""

from __future__ import annotations

import atexit
import heapq
import itertools
import logging
import threading
import time
from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connections, transaction

from .notify import Message, send_now

logger = logging.getLogger(__name__)


def enqueue(task, *args, countdown: float = 0, **kwargs) -> None:
    """Run the Celery ``task`` in the background once the current transaction commits."""
    transaction.on_commit(lambda: dispatch(task, args, kwargs, countdown=countdown))


def dispatch(task, args=(), kwargs=None, *, countdown: float = 0) -> str:
    """Send ``task`` now: ``"inline"``, ``"celery"`` or ``"thread"`` (where it went), or ``"dropped"``."""
    kwargs = kwargs or {}
    if getattr(settings, "TASKS_INLINE", False):
        _run(task, args, kwargs)
        return "inline"
    if settings.REDIS_URL:
        try:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown or None, retry=False)
            return "celery"
        except Exception:  # kombu's OperationalError, a refused connection, a timeout
            logger.warning("broker unreachable: %s runs in this process", task.name, exc_info=True)
    return "thread" if worker.submit(task, args, kwargs, countdown=countdown) else "dropped"


def _run(task, args, kwargs) -> None:
    try:
        task(*args, **kwargs)
    except Exception:
        logger.exception("background task %s failed", getattr(task, "name", task))


class Worker:
    """Daemon threads taking tasks from a bounded queue ordered by the time they are due."""

    def __init__(self):
        self._heap: list = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._busy = 0

    def submit(self, task, args, kwargs, *, countdown: float = 0) -> bool:
        with self._cond:
            if len(self._heap) >= settings.TASKS_QUEUE_SIZE:
                logger.error("background queue full (%s tasks): %s dropped", len(self._heap), task.name)
                return False
            heapq.heappush(self._heap, (time.monotonic() + (countdown or 0), next(self._order), task, args, kwargs))
            self._start_threads()
            self._cond.notify()
        return True

    def _start_threads(self) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        while len(self._threads) < settings.TASKS_THREADS:
            thread = threading.Thread(target=self._loop, name=f"ocop-task-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next(self):
        with self._cond:
            while True:
                if self._heap:
                    wait = self._heap[0][0] - time.monotonic()
                    if wait <= 0:
                        self._busy += 1
                        return heapq.heappop(self._heap)
                    self._cond.wait(min(wait, 5))
                else:
                    self._cond.wait(5)

    def _loop(self) -> None:
        while True:
            _due, _n, task, args, kwargs = self._next()
            try:
                close_old_connections()
                _run(task, args, kwargs)
            finally:
                connections.close_all()  # this thread's own connections
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap) + self._busy

    def drain(self, timeout: float = 60, *, include_delayed: bool = True) -> bool:
        """Wait until every task due (or every task, delayed ones included) has run; True if so."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                due = [item for item in self._heap if include_delayed or item[0] <= time.monotonic()]
                if not due and not self._busy:
                    return True
                if include_delayed and self._heap:
                    # Run delayed tasks now: whoever drains (a command about to exit) wants them done.
                    self._heap = [(0, *item[1:]) for item in self._heap]
                    heapq.heapify(self._heap)
                    self._cond.notify_all()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.1))


worker = Worker()


@atexit.register
def _finish_on_exit():
    # A command or a server stopping gives the queued tasks a few seconds to finish.
    if worker.pending():
        worker.drain(timeout=10)


@shared_task(name="core.tasks.send_notification", ignore_result=True)
def send_notification(message: dict) -> bool:
    return send_now(Message(**{**message, "tags": tuple(message.get("tags", ()))}))


def notification_args(message) -> dict:
    return {**asdict(message), "tags": list(message.tags)}
