"""Run localstripe (a Stripe-compatible test server) on loopback only, from a clean state.

localstripe's own command binds every interface and reloads ``/tmp/localstripe.pickle``
from an earlier run. This launcher serves the same aiohttp app on 127.0.0.1 and starts
empty; the state is kept in memory only (``--state FILE`` to keep it in a file of its own).

    python -m demo.localstripe_server --port 12111
    python -m demo.localstripe_server --port 12111 --webhook http://127.0.0.1:8000/payments/stripe/webhook \\
        --webhook-secret whsec_demo

Test and demo only: localstripe is GPL-3 and never part of the shipped site.
"""

from __future__ import annotations

import argparse
import logging
import pickle
import sys


def _keep_state(store, state_file: str | None) -> None:
    """Redirect localstripe's pickle (written after every change) to ``state_file``, or nowhere."""
    if state_file is None:
        store.dump_to_disk = lambda: None
        return

    def dump():
        with open(state_file, "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)

    store.dump_to_disk = dump


def build_app(*, state_file: str | None = None):
    # localstripe and aiohttp come with the test extra: loaded only when the server runs.
    from localstripe.resources import store

    # localstripe and aiohttp come with the test extra: loaded only when the server runs.
    from localstripe.server import app

    _keep_state(store, state_file)
    dict.clear(store)  # fresh: never the state of an earlier run
    # localstripe keeps registered webhooks until it stops; tests forget them between tests.
    if not any(
        getattr(r, "method", "") == "DELETE" and r.resource.canonical == "/_config/webhooks"
        for r in app.router.routes()
    ):
        app.router.add_delete("/_config/webhooks", _forget_webhooks)
    return app


async def _forget_webhooks(request):
    # localstripe and aiohttp come with the test extra: loaded only when the server runs.
    from aiohttp import web

    # localstripe and aiohttp come with the test extra: loaded only when the server runs.
    from localstripe.webhooks import _webhooks

    _webhooks.clear()
    return web.Response()


def register_webhook(webhook_id: str, url: str, secret: str) -> None:
    """Register a webhook in-process (the same as ``POST /_config/webhooks/<id>``)."""
    # localstripe and aiohttp come with the test extra: loaded only when the server runs.
    from localstripe.webhooks import register_webhook as _register

    _register(webhook_id, url, secret, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--state", default=None, help="keep the state in this file (default: memory only)")
    parser.add_argument("--webhook", default="", help="URL to send events to")
    parser.add_argument("--webhook-secret", default="", help="signing secret of that webhook")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        parser.error("localstripe is a test server: bind it to loopback only")

    # localstripe and aiohttp come with the test extra: loaded only when the server runs.
    from aiohttp import web

    app = build_app(state_file=args.state)
    if args.webhook:
        if not args.webhook_secret:
            parser.error("--webhook needs --webhook-secret")
        register_webhook("ocop", args.webhook, args.webhook_secret)

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, stream=sys.stderr)
    sys.stderr.write(f"localstripe listening on http://{args.host}:{args.port}\n")
    sys.stderr.flush()
    access_log = None if args.quiet else logging.getLogger("aiohttp.access")
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=access_log)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
