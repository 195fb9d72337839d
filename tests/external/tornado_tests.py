"""Opt-in: tornado's own loopback tests inside ``patched("linux")`` (or ``--os``).

Owns: which of tornado's test modules run against the simulator, and the set-up tornado's own
runner makes first. tornado (https://www.tornadoweb.org) ships its tests in the package
(``tornado.test``), so ``pip install tornado`` is all it takes; nothing of tornado's is copied.
Its tests drive real programs over loopback TCP, TLS, pipes and threads: ``IOStream`` and
``PipeIOStream``, ``TCPServer``/``TCPClient``, the HTTP server and clients, websockets, the
``IOLoop`` on asyncio, its thread-pool resolver. Every class of each module in ``SUITES``
runs, each test in its own ``patched()`` block and each class in a child process with a
wall-clock limit (``harness.py``, shared with ``cpython_tests.py``).

The one set-up (``prepare``): tornado's ``runtests`` sets the ``tornado.access`` logger to
CRITICAL, and several tests fail on their log checks without it (on the real stack too).

    pip install tornado
    python tests/external/tornado_tests.py [--os NAME] [--timeout S] [--json FILE] [--suite NAME] [Class ...]
"""

from __future__ import annotations

import logging
import sys

from harness import Project, main  # tests/external/harness.py, beside this script

#: tornado's test modules with sockets, pipes, threads or the loop in them; every class of each.
SUITES: dict[str, tuple[str, ...]] = {
    name: ()
    for name in (
        "iostream_test",
        "tcpserver_test",
        "tcpclient_test",
        "netutil_test",
        "httpserver_test",
        "http1connection_test",
        "simple_httpclient_test",
        "httpclient_test",
        "websocket_test",
        "web_test",
        "wsgi_test",
        "routing_test",
        "auth_test",
        "gen_test",
        "testing_test",
        "asyncio_test",
        "ioloop_test",
        "locks_test",
        "queues_test",
        "concurrent_test",
        "circlerefs_test",
        "process_test",
    )
}


def prepare() -> None:
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # as tornado/test/runtests.py


PROJECT = Project(name="tornado", script=__file__, package="tornado.test", suites=SUITES, prepare=prepare)


if __name__ == "__main__":
    sys.exit(main(PROJECT, __doc__.splitlines()[0]))
