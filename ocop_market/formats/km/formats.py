# Khmer households here live in Vietnam: the same numeric dates and đồng grouping as the
# Vietnamese pages (Django's own km formats spell months out, which is harder to read).
from ocop_market.formats.vi.formats import *  # noqa: F403
