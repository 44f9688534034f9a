"""Answers of costly storefront queries, kept in the cache until the catalog changes.

A listing's count, a search's ranked first pages, whether a search's words find a page of
products and the suggestions for what a shopper types are functions of the query and of the
rows: each is kept under a digest of what identifies it (a query's SQL and parameters, the
database's name included) and the storefront's generation,
which every change to what a listing holds replaces (core.page_invalidation), so an answer
is never stale. These are fragment caches: they stay on with the page cache off. Rows
written without signals (bulk loads) show after ``TIMEOUT`` at most.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet

from core.page_invalidation import storefront_generation

TIMEOUT = 600


def kept(kind: str, queryset, compute):
    """``compute(queryset)``, from the cache when this query was answered since the last change."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can meet (an empty IN list): no SQL to run
        return compute(queryset)
    return remembered(kind, f"{queryset.db}\n{sql}\n{params!r}", lambda: compute(queryset))


def remembered(kind: str, identity: str, compute, timeout: int = TIMEOUT):
    """``compute()``, from the cache when the answer for ``identity`` (what it depends on
    besides the catalog's rows) was kept since the last change."""
    digest = hashlib.sha256(identity.encode()).hexdigest()
    key = f"catalog:{kind}:{storefront_generation()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout)
    return found
