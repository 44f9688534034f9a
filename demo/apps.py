from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top layer: the demo site's seed (``seed_demo``), the scale seeds of the benchmarks
    (``seed_scale``, ``bench_catalog``), the drawn demo images and the localstripe runner of
    ``make demo``. It may import every app; no app imports it, and nothing in it runs unless a
    developer asks for it."""

    name = "demo"
    verbose_name = "OCOP Market demo"
