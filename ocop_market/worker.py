"""A web worker made ready before its first request: everything loaded, then kept out of
the garbage collector's way.

CPython's cycle collector walks every tracked object of the generation it collects. A
worker of this project holds about 230,000 of them once Django, Wagtail and the URLconf are
loaded, 270,000 after its first requests; on the 2-core bench machine a full collection of
those took 430–710 ms. The request that happens to trigger one waits that long, and so do
the requests queued behind that worker: in the mixed load the slowest requests were these
pauses, not slow pages. ``gc.freeze()`` moves every object alive now into a permanent
generation that collections skip (they are freed by reference counting as usual; only a
cycle among them would never be), so later collections walk what requests create.

Called by ``ocop_market.wsgi`` (with gunicorn's ``--preload``, in the master before it forks:
the frozen objects' pages then also stay shared between the workers).
"""

import gc

from django.core.signals import request_finished

# After this many requests the worker has compiled its templates and filled its
# per-process caches: what survives is frozen too.
WARM_REQUESTS = 200

_served = 0


def prepare() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every app's URLs and views now)
    gc.collect()
    gc.freeze()
    request_finished.connect(_count_request, dispatch_uid="ocop_market_worker_warm")


def _count_request(**kwargs) -> None:
    global _served
    _served += 1
    if _served >= WARM_REQUESTS:
        request_finished.disconnect(dispatch_uid="ocop_market_worker_warm")
        # The young generations only (milliseconds): the old one's full walk is the pause
        # this avoids. Garbage already in the old generation is frozen with the rest, once.
        gc.collect(1)
        gc.freeze()
