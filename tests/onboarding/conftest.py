"""Shared fixtures of the onboarding tests (both engineers' test modules use them)."""

import pytest

from core import roles
from tests.factories.onboarding import complete_application
from tests.factories.producers import CommuneFactory, OfficerFactory, UserFactory


@pytest.fixture
def household(db):
    """A Farmer account (the household that owns ``application``)."""
    return UserFactory(groups=[roles.FARMER], first_name="An", last_name="Nguyễn Văn")


@pytest.fixture
def application(db, household, commune, officer):
    """A draft NEW_STALL application of ``household`` in ``commune`` with a complete checklist,
    assigned to ``officer`` (who serves ``commune``)."""
    return complete_application(household=household, created_by=household, commune=commune, officer=officer)


@pytest.fixture
def officer2(db, commune):
    """A second officer serving the same commune (the four-eyes rule's other reviewer)."""
    return OfficerFactory(communes=[commune]).user


@pytest.fixture
def other_commune(db):
    return CommuneFactory()


@pytest.fixture
def other_officer(other_commune):
    """An officer of another commune: sees none of ``commune``'s applications."""
    return OfficerFactory(communes=[other_commune]).user


@pytest.fixture
def other_household(db):
    return UserFactory(groups=[roles.FARMER])
