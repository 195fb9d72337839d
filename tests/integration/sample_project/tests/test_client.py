"""The sample project's own tests, run on the simulated Linux, macOS, FreeBSD and Windows stacks."""

import socket
import threading
import time

import pytest
from greeter import fetch_greeting, serve_once


def test_greeting_round_trip(sim_patched):
    server = socket.create_server(("127.0.0.1", 0))
    worker = threading.Thread(target=serve_once, args=(server, b"hello"))
    worker.start()
    assert fetch_greeting(server.getsockname()) == b"hello"
    worker.join()
    server.close()


@pytest.mark.sockbehave_os("linux", "windows")
def test_a_refused_connect_takes_two_seconds_on_windows(sim_patched):
    start = time.monotonic()  # virtual time inside the block
    with pytest.raises(ConnectionRefusedError):
        fetch_greeting(("127.0.0.1", 9))
    took = time.monotonic() - start
    assert (took > 1.5) == (sim_patched.os == "windows")
