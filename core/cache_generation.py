"""A generation: a token in the cache that a change replaces, dropping every entry keyed by it."""

import uuid

from django.core.cache import cache


class Generation:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> str:
        value = cache.get(self.key)
        if value is None:
            # Only the first of two requests that both found none makes it; the other reads it.
            cache.add(self.key, uuid.uuid4().hex, None)
            value = cache.get(self.key) or uuid.uuid4().hex  # the cache down: a generation nothing matches
        return value

    def bump(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, None)
