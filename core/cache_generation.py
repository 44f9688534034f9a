"""A generation: a token in the cache that a change replaces, dropping every entry keyed by it."""

import uuid

from django.core.cache import cache


class Generation:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> str:
        value = cache.get(self.key)
        if value is None:
            value = uuid.uuid4().hex
            cache.set(self.key, value, None)
        return value

    def bump(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, None)
