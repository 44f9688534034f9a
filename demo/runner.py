"""``make demo``'s server: localstripe on loopback (fresh, port 12111) next to ``runserver``.

``make demo PORT=8123 STRIPE_PORT=12112`` (``--port``, ``--stripe-port``) moves both. The
runner exports ``SITE_URL`` (unless it is set already) as the address it serves, so that
``seed_demo`` (``--seed``: run first, in the same environment) prints that address and the
links in notifications point at it rather than at the default port 8000.

The card step of the demo needs a Stripe-compatible server. This runner starts localstripe
(``demo/localstripe_server.py``, bound to 127.0.0.1, empty state), registers the site's
webhook with it, points the site at it through the environment (``STRIPE_API_BASE``, a
``sk_test_`` key, the webhook secret), runs ``manage.py runserver`` in the foreground, and
stops localstripe when the server stops. When localstripe cannot start (port taken, package
missing) the demo runs anyway: the card option says it is unavailable; VietQR and cash work.

A deployment that sets ``STRIPE_API_BASE`` to another server is left alone.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PORT = 12111
DEMO_KEY = "sk_test_ocop_demo"
DEMO_WEBHOOK_SECRET = "whsec_ocop_demo"


def site_url(host: str, port: int | str) -> str:
    """The address a browser on this machine opens for ``runserver host:port``."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 (listening everywhere: loopback is one of them)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def demo_environment(base: dict[str, str], *, host: str, port: int | str, stripe_port: int) -> dict[str, str]:
    """The environment of ``seed_demo`` and ``runserver``: the served address, and localstripe's."""
    env = dict(base)
    if not env.get("SITE_URL", "").strip():
        env["SITE_URL"] = site_url(host, port)
    stripe_base = f"http://127.0.0.1:{stripe_port}"
    configured = env.get("STRIPE_API_BASE", "").rstrip("/")
    if configured and configured not in (stripe_base, f"http://localhost:{stripe_port}"):
        return env
    env["STRIPE_API_BASE"] = stripe_base
    if not env.get("STRIPE_SECRET_KEY"):
        env["STRIPE_SECRET_KEY"] = DEMO_KEY
    if not env.get("STRIPE_WEBHOOK_SECRET"):
        env["STRIPE_WEBHOOK_SECRET"] = DEMO_WEBHOOK_SECRET
    # The card element: localstripe's Stripe.js stand-in, from the same server.
    env.setdefault("STRIPE_PUBLISHABLE_KEY", "pk_test_ocop_demo")
    env.setdefault("STRIPE_JS_URL", f"{stripe_base}/js.stripe.com/v3/")
    return env


def _say(text: str) -> None:
    sys.stderr.write(f"[demo] {text}\n")
    sys.stderr.flush()


def start_localstripe(port: int, key: str) -> subprocess.Popen | None:
    """Start it and wait (bounded) until it answers; None when it cannot run here."""
    base = f"http://127.0.0.1:{port}"
    log = open(Path(tempfile.gettempdir()) / f"ocop-demo-localstripe-{port}.log", "wb")  # noqa: SIM115
    try:
        process = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
            [sys.executable, "-m", "demo.localstripe_server", "--port", str(port), "--quiet"],
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,  # stopped by the runner, after runserver
        )
    except OSError as exc:
        _say(f"localstripe could not start ({exc}); card payments are off.")
        return None
    finally:
        log.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{base}/v1/balance", auth=(key, ""), timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop(process)
    _say(f"localstripe did not start on 127.0.0.1:{port} (port in use?); card payments are off.")
    return None


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the demo site with localstripe on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--stripe-port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--seed", action="store_true", help="Run manage.py seed_demo first, in the same environment.")
    args = parser.parse_args(argv)

    env = demo_environment(os.environ, host=args.host, port=args.port, stripe_port=args.stripe_port)
    if args.seed:
        seeded = subprocess.run([sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=False)
        if seeded.returncode:
            return seeded.returncode
    base = f"http://127.0.0.1:{args.stripe_port}"
    process = None
    if env["STRIPE_API_BASE"].rstrip("/") != base:
        _say(f"STRIPE_API_BASE is {env['STRIPE_API_BASE']}: not starting localstripe.")
    else:
        process = start_localstripe(args.stripe_port, env["STRIPE_SECRET_KEY"])
        if process is not None:
            webhook = f"{site_url(args.host, args.port)}/payments/stripe/webhook"
            try:
                requests.post(
                    f"{base}/_config/webhooks/ocop",
                    data={"url": webhook, "secret": env["STRIPE_WEBHOOK_SECRET"]},
                    timeout=5,
                ).raise_for_status()
                _say(f"localstripe on {base} (test cards), webhook → {webhook}")
            except requests.RequestException as exc:
                _say(f"webhook not registered ({exc}); the card page still reads the result directly.")

    command = [sys.executable, "manage.py", "runserver", f"{args.host}:{args.port}"]
    # Its own process group: the runner stops runserver and its autoreloader child together.
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 (manage.py)

    def shutdown(signum, _frame):
        _signal_group(server, signal.SIGTERM)

    # Ctrl-C or a kill: stop runserver and its reloader (SIGTERM: a background job ignores SIGINT),
    # then localstripe.
    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    try:
        return server.wait()
    finally:
        _signal_group(server, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(server, signal.SIGKILL)
            server.wait()
        stop(process)
        _say("localstripe stopped.")


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


if __name__ == "__main__":
    raise SystemExit(main())
