"""The requested page of a listing, forgiving a page number that is no page."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.translation import gettext as _


def requested_page(request, queryset, per_page=None, paginator_class=Paginator):
    """The requested page and "", or the first page and why when the number is no page."""
    paginator = paginator_class(queryset, per_page or settings.PAGE_SIZE)
    number = request.GET.get("page", "")
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        error = _("“%(page)s” is not a page number: showing the first page.")
    except EmptyPage:
        error = _("There is no page %(page)s: showing the first page.")
    return paginator.page(1), error % {"page": number}
