"""The demo's localstripe: loopback only, fresh, stopped with the demo; the demo runs without it."""

import socket

import pytest
import requests

from demo import localstripe_server
from demo import runner as demo_runner
from tests.orders.localstripe import PORTS, _port_is_free


def free_port():
    return next(p for p in reversed(PORTS) if _port_is_free(p))


def test_the_launcher_refuses_to_bind_anything_but_loopback():
    with pytest.raises(SystemExit):
        localstripe_server.main(["--host", "0.0.0.0", "--port", "1"])


def test_demo_runner_starts_localstripe_on_loopback_and_stops_it():
    port = free_port()
    process = demo_runner.start_localstripe(port, "sk_test_demo")
    assert process is not None
    try:
        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/v1/balance", auth=("sk_test_demo", ""), timeout=5).status_code == 200
        # Fresh: nothing from an earlier run.
        assert requests.get(f"{base}/v1/payment_intents", auth=("sk_test_demo", ""), timeout=5).json()["data"] == []
    finally:
        demo_runner.stop(process)
    assert process.poll() is not None
    assert _port_is_free(port)


def test_a_taken_port_means_no_card_payments_not_a_broken_demo():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert demo_runner.start_localstripe(port, "sk_test_demo") is None
