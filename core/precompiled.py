"""Querysets whose SQL is compiled once, then run with new values.

Django compiles a queryset into SQL every time it is evaluated. For the storefront's
widest queries (the product page joins eight tables and reads a subquery; a card list
reads five subqueries) compiling costs more than running the query on the database.
``Precompiled`` builds and compiles a queryset once per process (and key), with
placeholder values, and on each call binds the real values into the same SQL. What comes
back is an ordinary queryset: the same model instances, ``select_related`` objects and
``prefetch_related`` lookups (those run as usual). Chaining anything onto it (``filter``,
slicing, ``count()`` ...) gives the normal queryset built with the real values, compiled
as usual: a mistake costs speed, never correctness.

    related = Precompiled(
        lambda producer_id, exclude_pk: cards().filter(producer_id=producer_id).exclude(pk=exclude_pk)[:4],
        producer_id=int,
        exclude_pk=int,
    )
    related(producer_id=3, exclude_pk=7, key=today)

Each placeholder must reach the SQL as one parameter of its own (``field=value`` lookups,
or an ``__in`` list of placeholders; not a ``LIKE`` pattern built from one); otherwise the
queryset is simply compiled on every call, which a test can see with ``is_precompiled``.
"""

import copy
import threading
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.query import Query

# Values that no real lookup uses, so each is found exactly once among the parameters.
_INT_SENTINEL = -7_340_117_000_000
_STR_SENTINEL = "\x00precompiled:{}\x00"


class _BoundQuery(Query):
    """A query that hands out a copy of a compiled template instead of compiling itself."""

    _pc_template = None  # the set-up compiler the SQL was compiled with
    _pc_sql = ""
    _pc_params: tuple = ()
    _pc_rebuild = None  # () -> the same queryset, built with the real values

    def clone(self):
        # Any change to the query (filter, slice, count ...) starts from the queryset built
        # with the real values, compiled as usual: the template's placeholders never leak.
        return self._pc_rebuild().query.clone()

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if using:
            connection = connections[using]
        compiler = copy.copy(self._pc_template)
        compiler.connection = connection
        compiler.query = self
        sql, params = self._pc_sql, self._pc_params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler


class Precompiled:
    def __init__(self, build: Callable[..., QuerySet], **placeholders: type):
        for name, kind in placeholders.items():
            if kind not in (int, str):
                raise TypeError(f"placeholder {name!r}: only int and str values can be bound")
        self._build = build
        self._placeholders = placeholders
        self._compiled: dict = {}
        self._lock = threading.Lock()

    def __call__(self, *, key=None, **values) -> QuerySet:
        if values.keys() != self._placeholders.keys():
            raise TypeError(f"expected values for {sorted(self._placeholders)}, got {sorted(values)}")
        entry = self._compiled.get(key)
        if entry is None:
            entry = self._compile(key)
        if entry is _NOT_PRECOMPILABLE:
            return self._build(**values)
        queryset, template, sql, params, positions = entry
        bound_params = list(params)
        for name, index in positions.items():
            bound_params[index] = self._placeholders[name](values[name])
        query = queryset.query.clone()  # a plain Query: below, made a bound one
        query.__class__ = _BoundQuery
        query._pc_template, query._pc_sql, query._pc_params = template, sql, tuple(bound_params)
        query._pc_rebuild = lambda: self._build(**values)
        # QuerySet._clone(), with the bound query instead of a chained copy of the template's.
        bound = queryset.__class__(model=queryset.model, query=query, using=queryset._db, hints=queryset._hints)
        bound._sticky_filter = queryset._sticky_filter
        bound._for_write = queryset._for_write
        bound._prefetch_related_lookups = queryset._prefetch_related_lookups[:]
        bound._known_related_objects = queryset._known_related_objects
        bound._iterable_class = queryset._iterable_class
        bound._fields = queryset._fields
        return bound

    def is_precompiled(self, key=None) -> bool:
        if key not in self._compiled:
            self._compile(key)
        return self._compiled[key] is not _NOT_PRECOMPILABLE

    def _compile(self, key):
        sentinels = {
            name: (_INT_SENTINEL - i if kind is int else _STR_SENTINEL.format(name))
            for i, (name, kind) in enumerate(self._placeholders.items())
        }
        queryset = self._build(**sentinels)
        alias = queryset.db
        template = queryset.query.get_compiler(using=alias)
        try:
            sql, params = template.as_sql()
        except EmptyResultSet:
            sql, params = "", ()
        positions = {}
        for name, sentinel in sentinels.items():
            found = [i for i, p in enumerate(params) if type(p) is type(sentinel) and p == sentinel]
            if len(found) != 1:
                break
            positions[name] = found[0]
        entry = (
            (queryset, template, sql, tuple(params), positions)
            if sql and len(positions) == len(sentinels)
            else _NOT_PRECOMPILABLE
        )
        with self._lock:
            # One entry per key: the newest replaces older ones (keys are days, say).
            if key not in self._compiled:
                self._compiled.clear()
            self._compiled[key] = entry
        return entry

    def reset(self):
        with self._lock:
            self._compiled.clear()


_NOT_PRECOMPILABLE = object()
