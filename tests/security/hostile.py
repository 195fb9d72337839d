"""Hostile scenario bodies, run only inside a private network namespace by ``test_guard_netns.py``.

Usage: ``python hostile.py NAME [NAME...]`` runs the named scenarios concurrently on the real
backend (through ``sockbehave.runner.run_many``, as ``sockbehave run`` does) and prints one JSON
object: ``{name: {"error": ..., "steps": {step: outcome}}}``. It refuses to start unless the
only network interface it can see is loopback, so a bypass attempt can never leave the machine
even when the guard regresses. Not a test module: pytest never imports it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading
from typing import Any, Callable

from sockbehave.backends.real import RealNet
from sockbehave.runner import run_many
from sockbehave.scenario import Scenario, Steps

Body = Callable[[Any, Steps], None]


def is_loopback_host(host: str) -> bool:
    return ipaddress.ip_address(host).is_loopback


BODIES: dict[str, Body] = {}


def hostile(fn: Body) -> Body:
    BODIES[fn.__name__.replace("_", "-")] = fn
    return fn


@hostile
def net_sendmsg(net: Any, step: Steps) -> None:
    """The issue's reproducer, with the refusal swallowed as careless code would."""
    with contextlib.suppress(OSError):
        net.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b"x"], [], 0, ("8.8.8.8", 53))


@hostile
def net_listen_autobind(net: Any, step: Steps) -> None:
    s = net.socket()
    s.listen()
    step.observe("listening-on-loopback", is_loopback_host(s.getsockname()[0]))


@hostile
def raw_connect_ex(net: Any, step: Steps) -> None:
    s = socket.socket()
    with contextlib.suppress(OSError):
        step.observe("connect-ex", s.connect_ex(("8.8.8.8", 53)))
    s.close()


@hostile
def raw_udp_sendto(net: Any, step: Steps) -> None:
    with contextlib.suppress(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))


@hostile
def raw_wildcard_listener(net: Any, step: Steps) -> None:
    s = socket.socket()
    try:
        s.bind(("0.0.0.0", 0))
        s.listen()
    except OSError:
        pass


@hostile
def raw_listen_autobind(net: Any, step: Steps) -> None:
    s = socket.socket()
    s.listen()
    step.observe("listening-on-loopback", is_loopback_host(s.getsockname()[0]))


@hostile
def raw_udp_autobind(net: Any, step: Steps) -> None:
    receiver = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", receiver.getsockname())
    step.observe("bound-to-loopback", is_loopback_host(s.getsockname()[0]))


@hostile
def name_lookup(net: Any, step: Steps) -> None:
    with contextlib.suppress(OSError):
        socket.getaddrinfo("example.com", 80)


@hostile
def popen_sleep(net: Any, step: Steps) -> None:
    subprocess.Popen(["sleep", "61"])


@hostile
def popen_shell_grandchild(net: Any, step: Steps) -> None:
    """A shell whose own child would outlive it if only the shell were killed."""
    proc = subprocess.Popen(["sh", "-c", "sleep 62 & echo $!; wait"], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    step.observe("grandchild", int(proc.stdout.readline()))


@hostile
def popen_new_session(net: Any, step: Steps) -> None:
    subprocess.Popen(["sleep", "63"], start_new_session=True)


@hostile
def os_system(net: Any, step: Steps) -> None:
    with contextlib.suppress(OSError):
        os.system("sleep 64 &")


@hostile
def os_fork(net: Any, step: Steps) -> None:
    try:
        pid = os.fork()
    except OSError:
        return
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def _hold_2000(step: Steps, make: Callable[[], socket.socket]) -> None:
    held = []
    try:
        for _ in range(2000):
            held.append(make())
    except Exception:
        pass
    step.observe("held", len(held))


@hostile
def raw_socket_hog(net: Any, step: Steps) -> None:
    _hold_2000(step, socket.socket)


@hostile
def net_socket_hog(net: Any, step: Steps) -> None:
    _hold_2000(step, net.socket)


@hostile
def thread_sendto(net: Any, step: Steps) -> None:
    """A thread the scenario starts itself, bypassing ``net.spawn``."""

    def send() -> None:
        with contextlib.suppress(OSError):
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))

    t = threading.Thread(target=send)
    t.start()
    t.join()


@hostile
def bare_thread_sendto(net: Any, step: Steps) -> None:
    """A thread started with ``_thread`` directly: the guard cannot attribute it."""
    import _thread

    done = threading.Event()

    def send() -> None:
        with contextlib.suppress(OSError):
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))
        done.set()

    _thread.start_new_thread(send, ())
    done.wait(10)


@hostile
def tcp_echo(net: Any, step: Steps) -> None:
    """An ordinary, well-behaved scenario: the bystander."""
    from sockbehave.kit import tcp_pair

    client, server = tcp_pair(net)
    step("send", client.send, b"abc")
    step("recv", server.recv, 10)


def main(names: list[str]) -> None:
    interfaces = [name for _, name in socket.if_nameindex()]
    if interfaces != ["lo"]:
        raise SystemExit(f"hostile.py: refusing to run outside a private network namespace (sees {interfaces})")
    scenarios = [Scenario(f"hostile.{n}", n, "c", "e", (), BODIES[n]) for n in names]
    runs = run_many(scenarios, RealNet, jobs=len(scenarios), deadline=20.0)
    out = {
        r.scenario_id.split(".", 1)[1]: {"error": r.error, "steps": {s.name: s.outcome.text for s in r.steps}}
        for r in runs
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
