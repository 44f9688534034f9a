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
