import json

from feeds import services
from feeds.models import FeedRun

G = "{http://base.google.com/ns/1.0}"


def generate(partner, fmt, *, since=None, trigger=FeedRun.Trigger.COMMAND, chunk_size=1000):
    run = services.run_start(partner=partner, fmt=fmt, trigger=trigger, since=since)
    body = b"".join(services.feed_generate(partner=partner, fmt=fmt, since=since, run=run, chunk_size=chunk_size))
    run.refresh_from_db()
    return body, run


def google_items(body: bytes) -> dict[str, dict]:
    from lxml import etree

    root = etree.fromstring(body)
    items = {}
    for item in root.iter("item"):
        values = {}
        for child in item:
            key = etree.QName(child).localname
            if key == "additional_image_link":
                values.setdefault(key, []).append(child.text)
            else:
                values[key] = child.text
        items[values["id"]] = values
    return items


def json_doc(body: bytes) -> dict:
    return json.loads(body.decode())
