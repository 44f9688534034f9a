"""The Wagtail site of a request, looked up once per CMS generation instead of per request."""

import copy

from wagtail.models import Site
from wagtail.views import serve

from .cache import DEFAULT_TIMEOUT, cached


class CachedSiteMiddleware:
    """Hand Wagtail the request's ``Site`` before it routes a page.

    Wagtail finds it with a query that matches the host and port against every site
    (``Site.find_for_request``), about 1 ms of each CMS page, though sites change about never.
    Here the answer is kept by host and port under the CMS generation, which saving or
    deleting a site replaces (``CmsConfig.ready``). Each request gets its own copy: Wagtail
    caches the root page on the object.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not serve or hasattr(request, "_wagtail_site"):
            return None
        host, port = request._get_raw_host(), request.get_port()
        site = cached(f"site:{host}:{port}", lambda: (Site._find_for_request(request), DEFAULT_TIMEOUT))
        request._wagtail_site = copy.copy(site)
        return None
