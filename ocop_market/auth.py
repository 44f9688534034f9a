"""Authentication backends."""

from axes.backends import AxesStandaloneBackend


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request (every login form does).

    Axes refuses ``authenticate()`` without a request; a call without one (the test client's
    ``login()``, a shell) has no client address to throttle, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
