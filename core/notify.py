"""Outgoing notifications (e-mail or SMS) through one pluggable sender.

``NOTIFY_SENDER`` picks the sender: ``"console"`` logs that a message was sent (development),
``"email"`` sends it with Django's mail (EMAIL_BACKEND), and a dotted path names any class
with a ``send(message: Message)`` method (an SMS gateway, say). An SMS sender sends
``message.sms_text``: the message's short text, at most 160 characters.

``notify_on_commit`` is what the apps call: the message leaves only after the current
transaction commits, and a failing sender is logged, never raised, so a notification can
neither block nor undo the change it reports.
"""

import itertools
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core.log_redaction import mask_recipient

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    email: str = ""  # at least one of email or phone
    phone: str = ""  # E.164
    tags: tuple[str, ...] = field(default_factory=tuple)
    # The SMS version: one message of at most SMS_MAX characters (an SMS sender sends it
    # instead of the body); empty when the sender should shorten the subject itself.
    short: str = ""

    @property
    def sms_text(self) -> str:
        return self.short or fit_sms(self.subject)


SMS_MAX = 160


def fit_sms(template: str, values: dict | None = None, *, shrink: str = "name") -> str:
    """``template % values`` in at most ``SMS_MAX`` characters: the ``shrink`` value (a stall or
    product name) is cut short with "…" first, then the whole text if it is still too long."""
    if values is None:
        return template if len(template) <= SMS_MAX else template[: SMS_MAX - 1].rstrip() + "…"
    values = dict(values)
    text = template % values
    if len(text) <= SMS_MAX:
        return text
    long_value = str(values.get(shrink, ""))
    if long_value:
        keep = max(len(long_value) - (len(text) - SMS_MAX) - 1, 1)
        values[shrink] = long_value[:keep].rstrip() + "…"
        text = template % values
    return text if len(text) <= SMS_MAX else text[: SMS_MAX - 1].rstrip() + "…"


class ConsoleSender:
    """Logs that a message was sent, and to whom, masked; what development and the demo use.

    Never the subject or the body: they carry private links (an order's page, a set-password
    link) and one-time codes. In development the in-process ``outbox`` keeps the messages.
    The line names the message's tags and its number in this process, so that two messages to
    the same person (an order of two stalls shipped twice, one message per stall) read as two
    messages, not as one logged twice. No digest of the text: one of a sign-in code's message
    would give the code away to whoever tries the million codes.
    """

    def send(self, message: Message) -> None:
        channel = "email" if message.email else "sms"
        logger.warning(
            "notification sent channel=%s to=%s tags=%s n=%s",
            channel,
            mask_recipient(message.email or message.phone),
            ",".join(message.tags) or "-",
            next(_console_numbers),
        )


_console_numbers = itertools.count(1)


class EmailSender:
    """Sends e-mail through Django's mail backend; messages without an address are logged."""

    def send(self, message: Message) -> None:
        if not message.email:
            ConsoleSender().send(message)
            return
        send_mail(message.subject, message.body, None, [message.email])


# The last messages sent in this process, newest last: tests read it (tests/conftest.py
# clears it). Bounded, so that a long-running worker does not keep every message it sent.
OUTBOX_SIZE = 500
outbox: list[Message] = []

_ALIASES = {"console": ConsoleSender, "email": EmailSender}


@lru_cache(maxsize=8)
def _sender_class(name: str):
    return _ALIASES.get(name) or import_string(name)


def get_sender():
    return _sender_class(settings.NOTIFY_SENDER)()


def send_now(message: Message) -> bool:
    """Send at once; True when the sender accepted it. Errors are logged, not raised."""
    outbox.append(message)
    del outbox[:-OUTBOX_SIZE]
    try:
        get_sender().send(message)
    except Exception:
        logger.exception("notification failed to=%s", mask_recipient(message.email or message.phone))
        return False
    return True


def notify_on_commit(message: Message) -> None:
    """Send ``message`` in the background once the surrounding transaction commits
    (core.tasks: Celery with Redis, else the in-process worker), never in the request."""
    # A cycle: core.tasks imports this module.
    from .tasks import enqueue, notification_args, send_notification

    enqueue(send_notification, notification_args(message))
