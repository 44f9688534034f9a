"""The rows of the bottom layer: throttling counters (core/throttle.py)."""

from django.db import models


class ThrottleCount(models.Model):
    """Attempts of one kind by one client or at one target in one time window.

    Used when the cache cannot count for every process (the embedded default's local
    memory) or is down. ``key`` is a hash: no phone number or address is stored.
    """

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="throttle_one_count_per_window")]
        indexes = [models.Index(fields=["window_start"], name="throttle_window_idx")]

    def __str__(self):
        return f"{self.key[:8]}… {self.window_start:%Y-%m-%d %H:%M} {self.count}"
