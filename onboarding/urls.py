"""Onboarding URLs: the officer side (urls_officer.py) and the household side (urls_household.py)."""

from .urls_household import urlpatterns as household_urlpatterns
from .urls_officer import urlpatterns as officer_urlpatterns

app_name = "onboarding"

urlpatterns = officer_urlpatterns + household_urlpatterns
