from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    # After the old table of the same indexes is gone (ocop_market/0002).
    dependencies = [("ocop_market", "0002_throttle_count_moves_to_core")]

    operations = [
        migrations.CreateModel(
            name='ThrottleCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64)),
                ('window_start', models.DateTimeField()),
                ('count', models.PositiveIntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['window_start'], name='throttle_window_idx')],
                'constraints': [models.UniqueConstraint(fields=('key', 'window_start'), name='throttle_one_count_per_window')],
            },
        ),
    ]
