"""Names a simulated OS's CPython lacks are gone from the shared modules for that simulation's
threads (``patching._module_view``): ``hasattr`` takes the other branch, ``from m import *``
leaves them out, as on that OS; every other thread, and every other profile that has them,
still sees them, and the modules are whole again after the block."""

from __future__ import annotations

import os
import select
import signal
import socket
import socketserver
import sys
import types

import pytest

from sockbehave.sim import patched

#: (module, name) that Windows' CPython lacks and this host has (profile data with sources).
WINDOWS_LACKS = [
    (socket, "SO_REUSEPORT"),
    (os, "fork"),
    (select, "poll"),
    (signal, "alarm"),
    (socketserver, "ForkingMixIn"),
    (socketserver, "ForkingTCPServer"),
    *[(socket, "AF_UNIX"), (socketserver, "UnixStreamServer"), (socketserver, "ThreadingUnixDatagramServer")]
    * (sys.version_info < (3, 14)),  # (a later CPython may have AF_UNIX on Windows: not listed there)
    (socket, "CMSG_LEN"),
    (socket, "CMSG_SPACE"),
    (socket, "send_fds"),
    (socket, "recv_fds"),
]
#: Methods of ``socket.socket`` that Windows' CPython lacks (no CMSG_LEN there).
WINDOWS_LACKS_METHODS = ["sendmsg", "recvmsg", "recvmsg_into"]


def _star(module: types.ModuleType) -> set[str]:
    namespace: dict[str, object] = {}
    exec(f"from {module.__name__} import *", namespace)
    return set(namespace)


@pytest.mark.parametrize(("module", "name"), [pair for pair in WINDOWS_LACKS if hasattr(*pair)])
def test_windows_lacks_them_and_the_module_is_whole_after(module: types.ModuleType, name: str) -> None:
    before = getattr(module, name)
    with patched("windows"):
        assert not hasattr(module, name)
        with pytest.raises(AttributeError, match=f"has no attribute '{name}'"):
            getattr(module, name)
        assert name not in _star(module)  # ``import *`` reads ``__all__``: without it too
    assert getattr(module, name) is before and name in vars(module) and type(module) is types.ModuleType


@pytest.mark.parametrize("name", [n for n in WINDOWS_LACKS_METHODS if hasattr(socket.socket, n)])
def test_windows_sockets_lack_the_msg_methods(name: str) -> None:
    with patched("windows"):
        assert not hasattr(socket.socket, name)
        with socket.socket() as sock:
            assert not hasattr(sock, name)
            with pytest.raises(AttributeError, match=f"'socket' object has no attribute '{name}'"):
                getattr(sock, name)
    with patched("linux"), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        assert callable(getattr(sock, name))


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="this host has no SO_REUSEPORT")
def test_create_server_refuses_reuse_port_where_the_os_has_none() -> None:
    """Lib/socket.py asks ``_socket`` whether SO_REUSEPORT exists: on Windows it does not."""
    with patched("windows"), pytest.raises(ValueError, match="SO_REUSEPORT not supported on this platform"):
        socket.create_server(("127.0.0.1", 0), reuse_port=True)
    with patched("linux"), socket.create_server(("127.0.0.1", 0), reuse_port=True) as srv:
        assert srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)


def test_a_thread_outside_the_simulation_keeps_every_name_while_the_block_is_open() -> None:
    import _thread

    results: list[bool] = []
    done = _thread.allocate_lock()
    done.acquire()

    def outside() -> None:  # a real thread, started with the real _thread before the block
        gate.acquire()
        results.extend(hasattr(m, n) for m, n in WINDOWS_LACKS)
        done.release()

    gate = _thread.allocate_lock()
    gate.acquire()
    _thread.start_new_thread(outside, ())
    with patched("windows"):
        assert not hasattr(os, "fork")
        gate.release()
        done.acquire()  # a real lock taken before the block: waits for the real thread for real
    host = [hasattr(m, n) for m, n in WINDOWS_LACKS]
    assert results == host


@pytest.mark.parametrize(("profile", "has_epoll", "has_reuseport"), [("darwin", False, True), ("linux", True, True)])
def test_the_other_profiles_lack_only_what_their_cpython_lacks(
    profile: str, has_epoll: bool, has_reuseport: bool
) -> None:
    with patched(profile):
        assert hasattr(select, "epoll") is (has_epoll and hasattr(select, "epoll"))
        assert hasattr(socket, "SO_REUSEPORT") is (has_reuseport and "SO_REUSEPORT" in _star(socket))
        assert hasattr(os, "fork") and hasattr(socketserver, "ForkingMixIn")


def test_a_first_block_of_an_os_that_lacks_names_leaves_every_module_whole() -> None:
    """In a fresh interpreter whose first block is windows: the swaps are built and saved from
    the modules as they are (not as that block shows them), so nothing is missing afterwards
    (os.fork was deleted for good, and linux blocks got the real select.epoll)."""
    import subprocess
    import sys

    program = (
        "import os, select, signal, socket, types\n"
        "from sockbehave.sim import patched\n"
        "with patched('windows'):\n"
        "    assert not hasattr(os, 'fork')\n"
        "assert all(type(m) is types.ModuleType for m in (os, select, signal, socket))\n"
        "assert 'fork' in vars(os) and 'poll' in vars(select) and 'alarm' in vars(signal)\n"
        "with patched('linux'):\n"
        "    ep = select.epoll()\n"
        "    assert type(ep).__module__.startswith('sockbehave'), type(ep)\n"
        "    ep.close()\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr
