"""What cached storefront pages depend on, and how a change replaces them.

Domain apps call these when their rows change (catalog's and orders' services, the signal
receivers in :mod:`core.page_tags`); the page cache itself (``ocop_market.page_cache``, at the
top, since it knows every app's pages) reads :func:`storefront_generation` to tell a stored
page from a stale one.
"""

from django.core.cache import cache
from django.db import transaction

from .cache_generation import Generation
from .page_tags import counts, invalidate, products_changed

GENERATION_KEY = "pages:generation"


# --- the generation ------------------------------------------------------------------------


_generation = Generation(GENERATION_KEY)
_counts = Generation("pages:counts")


def current_generation() -> str:
    """The pages' generation in this process when the cache does not answer."""
    return _generation.current()


def bump_generation() -> None:
    _generation.bump()


def counts_changed() -> None:
    _counts.bump()


def storefront_generation() -> str:
    """Key other storefront caches by it (listing counts): replaced by every change to what a
    listing holds (a product published, sold out, repriced, recategorised …) and by
    :func:`storefront_changed`."""
    pages, counts = _generation.remembered(), _counts.remembered()
    if pages is None or counts is None:  # one round trip for both, then kept for the request
        found = cache.get_many([GENERATION_KEY, _counts.key])
        pages = _generation.remember(found[GENERATION_KEY]) if found.get(GENERATION_KEY) else _generation.current()
        counts = _counts.remember(found[_counts.key]) if found.get(_counts.key) else _counts.current()
    return f"{pages}.{counts}"


def storefront_changed(*args, **kwargs) -> None:
    """Drop every cached page (also a signal receiver: it accepts any arguments).

    Now, so this very transaction's later reads do not find an old page, and again after
    the commit, so a page another request rendered from the old rows meanwhile is dropped.
    """
    _bump_all()
    transaction.on_commit(_bump_all)
    counts["everything"] = counts.get("everything", 0) + 1


def _bump_all() -> None:
    _generation.bump()
    _counts.bump()


def product_stock_changed(product_id: int, *, sold_out_changed: bool) -> None:
    """Stock reserved or released by an order (a conditional UPDATE, no signal): the pages
    showing the product, and the "in stock" listings it enters or leaves."""
    if sold_out_changed:  # every card of it says whether it is sold out
        products_changed([product_id], kinds=("s",), kind="stock")
    else:  # the number left shows on its own page only
        invalidate({f"stock:{product_id}"}, kind="stock")
