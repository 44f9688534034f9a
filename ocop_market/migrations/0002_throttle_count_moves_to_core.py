from django.db import migrations


class Migration(migrations.Migration):
    """The throttling counters moved to the ``core`` app (core/0001 creates them again).

    Counts only live for a throttling window of minutes, so none is carried over."""

    dependencies = [("ocop_market", "0001_add_throttle_count")]

    operations = [migrations.DeleteModel(name="ThrottleCount")]
