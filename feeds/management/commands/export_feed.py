from django.core.management.base import BaseCommand, CommandError

from feeds import services
from feeds.models import FeedRun, Format, Partner
from feeds.views import parse_since


class Command(BaseCommand):
    help = "Write a partner's feed to a file or standard output (for cron where there is no Celery)."

    def add_arguments(self, parser):
        parser.add_argument("partner", help="The partner's slug.")
        parser.add_argument("--format", dest="fmt", choices=Format.values, default=Format.GOOGLE)
        parser.add_argument("--output", help="File to write; standard output when omitted or '-'.")
        parser.add_argument("--since", help="Only what changed since this ISO-8601 time (with deletions).")
        parser.add_argument("--chunk-size", type=int, default=1000, help="Products read per query.")

    def handle(self, *args, partner, fmt, output=None, since=None, chunk_size=1000, **options):
        try:
            partner_obj = Partner.objects.get(slug=partner)
        except Partner.DoesNotExist:
            raise CommandError(f"No partner with the slug {partner!r}.") from None
        if since:
            try:
                since = parse_since(since)
            except ValueError:
                raise CommandError("--since must be an ISO-8601 date or time.") from None
        run = services.run_start(partner=partner_obj, fmt=fmt, trigger=FeedRun.Trigger.COMMAND, since=since)
        chunks = services.feed_generate(partner=partner_obj, fmt=fmt, since=since, run=run, chunk_size=chunk_size)
        if output and output != "-":
            with open(output, "wb") as sink:
                for chunk in chunks:
                    sink.write(chunk)
        else:
            out = self.stdout._out
            binary = getattr(out, "buffer", None)
            for chunk in chunks:
                # Each chunk is whole UTF-8 text: it decodes on its own.
                if binary is not None:
                    binary.write(chunk)
                else:
                    out.write(chunk.decode())
            (binary or out).flush()
        run.refresh_from_db()
        self.stderr.write(
            f"{run.items} items, {run.deleted} deleted, {run.excluded} excluded, {run.bytes} bytes "
            f"in {run.duration.total_seconds():.2f} s (run {run.uuid})."
        )
