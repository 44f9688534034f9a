from wagtail.models import Page, Site

from cms.models import HomePage


def home_page(**fields) -> HomePage:
    """A HomePage under Wagtail's root, made the default site's root (served at "/")."""
    root = Page.get_first_root_node()
    fields.setdefault("title", "OCOP Market")
    fields.setdefault("slug", "ocop-home")
    fields.setdefault("hero_title", "Đặc sản OCOP từ nông hộ")
    page = root.add_child(instance=HomePage(**fields))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=page, is_default_site=True)
    else:
        site.root_page = page
        site.save()
    Site.clear_site_root_paths_cache()
    return page


# --- Promotions (pricing) ---------------------------------------------------------


def promotion_index(home=None, **fields):
    """A PromotionIndexPage under ``home`` (a new home page when not given)."""
    from cms.models import PromotionIndexPage

    home = home or home_page()
    fields.setdefault("title", "Khuyến mãi")
    fields.setdefault("slug", "khuyen-mai")
    return home.add_child(instance=PromotionIndexPage(**fields))


import itertools  # noqa: E402 - appended section, the top of the file is shared

_promotion_numbers = itertools.count(1)


def promotion(
    index=None,
    *,
    products=(),
    categories=(),
    producers=(),
    provinces=(),
    starts_in=None,
    ends_in=None,
    live=True,
    **fields,
):
    """A PromotionPage, on sale now by default (started a day ago, ends in a week).

    ``starts_in`` / ``ends_in`` are timedeltas from now (negative for the past).
    """
    import datetime

    from django.utils import timezone

    from cms.models import PromotionPage, PromotionProduct

    index = index or promotion_index()
    now = timezone.now()
    number = next(_promotion_numbers)
    fields.setdefault("title", f"Giảm giá mùa hè {number}")
    fields.setdefault("slug", f"giam-gia-{number}")
    fields.setdefault("discount_kind", PromotionPage.DiscountKind.PERCENT)
    fields.setdefault("discount_value", 10)
    fields.setdefault("starts_at", now + (starts_in if starts_in is not None else -datetime.timedelta(days=1)))
    fields.setdefault("ends_at", now + (ends_in if ends_in is not None else datetime.timedelta(days=7)))
    page = PromotionPage(live=live, **fields)
    page.promoted_products = [PromotionProduct(product=p, sort_order=i) for i, p in enumerate(products)]
    page.categories = list(categories)
    page.producers = list(producers)
    page.provinces = list(provinces)
    page = index.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return page
