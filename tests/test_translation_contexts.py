"""The project's catalogue wins over every app's: a short word it translates for one screen
must carry a context, or it renames the same word in Wagtail's admin and in other apps."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext


def test_storefront_words_keep_their_own_meaning_and_leave_the_others_alone():
    with translation.override("vi"):
        assert pgettext("sort order", "Name") == "Tên: A đến Z"
        assert gettext("Name") == "Tên"  # a product's name on the review page, a column in the admin
        assert pgettext("filters", "Clear") == "Xóa bộ lọc"
        assert gettext("Clear") != "Xóa bộ lọc"  # Wagtail's own "clear" buttons
        assert gettext("owner") == "chủ sở hữu"  # a producer's owner and a page's owner alike


@pytest.mark.django_db
def test_the_listing_still_offers_sorting_by_name_and_clearing_its_filters(client):
    page = client.get("/products/").content.decode()
    assert "Tên: A đến Z" in page and "Xóa bộ lọc" in page
