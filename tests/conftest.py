import os
import shutil

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from core import roles

# The suite (make test, CI) replays the same examples on every run, so a red build is
# always reproducible; `make fuzz` explores new random examples, many more of them, to
# find what the fixed ones miss.
hypothesis_settings.register_profile("suite", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("fuzz", max_examples=1000, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Each test writes its uploads and renditions to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    breaker = getattr(cache, "breaker", None)
    if breaker is not None:  # a Redis stall during an earlier test is not this test's outage
        breaker.reset()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vi(client):
    """The storefront in its default language."""
    return client


__all__ = ["settings"]


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /en/ leaves English active in the thread: each test starts in Vietnamese."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Roles shared by the admin tests; a module may define its own fixture of the same name.
@pytest.fixture
def commune():
    from tests.factories.producers import CommuneFactory

    return CommuneFactory()


@pytest.fixture
def officer(commune):
    """An officer (a user) serving ``commune`` only."""
    from tests.factories.producers import OfficerFactory

    return OfficerFactory(communes=[commune]).user


@pytest.fixture
def editor():
    from tests.factories.producers import UserFactory

    return UserFactory(groups=[roles.EDITOR])


@pytest.fixture(autouse=True)
def notify_outbox():
    """Notifications sent during the test (core.notify), emptied before and after."""
    from core import notify

    notify.outbox.clear()
    yield notify.outbox
    notify.outbox.clear()


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated data it flushes (serialized rollback).

    A transactional test without it flushes the tables at its end and lets post_migrate
    recreate the content types; a later test with serialized rollback (the browser tests)
    then restores its copy on top of them and fails on a duplicate. With it everywhere,
    each transactional test finds the same data as the first one: groups, categories, pages.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"):
            continue
        kwargs = {**marker.kwargs, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
