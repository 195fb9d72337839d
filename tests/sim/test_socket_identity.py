"""Identity: inside ``patched()`` ``socket.socket`` is a class and simulated sockets are its
instances; the standard library's helpers built on it work; no real descriptor is touched."""

from __future__ import annotations

import errno
import io
import os
import socket
import subprocess
import sys
import textwrap
import threading

import pytest

from sockbehave.sim import Network, SimSocket, get_profile, patched

#: What a simulated POSIX socket pair says its family is: AF_UNIX, which CPython on Windows lacks.
AF_UNIX = getattr(socket, "AF_UNIX", 1)


def test_socket_socket_stays_a_class_and_sockets_are_its_instances() -> None:
    real = socket.socket
    with patched("linux"):
        assert isinstance(socket.socket, type) and issubclass(socket.socket, real)
        s = socket.socket()
        assert isinstance(s, socket.socket) and isinstance(s, real) and isinstance(s, SimSocket)
        assert type(s).__name__ == "socket" and repr(s).startswith("<socket.socket fd=")

        class Tagged(socket.socket):
            tag = "mine"

        t = Tagged(socket.AF_INET, socket.SOCK_DGRAM)
        t.bind(("127.0.0.1", 0))
        assert t.tag == "mine" and t.getsockname()[0] == "127.0.0.1"
        s.close()
        t.close()
    assert socket.socket is real


def test_an_accepted_socket_is_a_socket_socket_and_prints_as_cpythons() -> None:
    """Programs print their sockets (a tutorial prints the accepted one): the repr is CPython's
    own, with the simulated addresses, so the transcript matches the real stack's."""
    with patched("linux"):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 5002))
        listener.listen()
        client = socket.create_connection(("127.0.0.1", 5002))
        conn, _ = listener.accept()
        assert type(conn) is socket.socket
        port = client.getsockname()[1]
        assert repr(conn) == (
            f"<socket.socket fd={conn.fileno()}, family={socket.AF_INET!s}, type={socket.SOCK_STREAM!s}, "
            f"proto=0, laddr=('127.0.0.1', 5002), raddr=('127.0.0.1', {port})>"
        )
        for s in (conn, client, listener):
            s.close()
        assert (
            repr(conn)
            == f"<socket.socket [closed] fd=-1, family={socket.AF_INET!s}, type={socket.SOCK_STREAM!s}, proto=0>"
        )


def test_repr_shows_an_address_the_simulation_does_not_know_instead_of_raising() -> None:
    """CPython's repr catches only OSError from getpeername(); warnings and logs print sockets
    (a ResourceWarning for an unclosed one), so repr() must not raise NotImplementedError."""
    with patched("windows"):
        listener = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(listener.getsockname())
        conn, _ = listener.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00")
        conn.close()  # a reset: what getpeername() then gives on Windows is not modelled
        with pytest.raises(NotImplementedError):
            client.getpeername()
        port = client.getsockname()[1]
        assert repr(client) == (
            f"<socket.socket fd={client.fileno()}, family={socket.AF_INET!s}, type={socket.SOCK_STREAM!s}, "
            f"proto={client.proto}, laddr=('127.0.0.1', {port}), raddr=<not modelled on windows>>"
        )
        client.close()
        listener.close()


def test_a_first_import_of_ssl_inside_the_block_works() -> None:
    program = textwrap.dedent(
        """
        import sys, socket
        from sockbehave.sim import patched
        assert "ssl" not in sys.modules
        with patched("windows"):
            import ssl
            s = socket.socket()
            assert isinstance(s, socket.socket)
            s.close()
        print(issubclass(ssl.SSLSocket, socket.socket))
        """
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_no_real_descriptor_is_opened_or_closed() -> None:
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd")
    before = sorted(os.listdir("/proc/self/fd"))
    read_end, write_end = os.pipe()  # real descriptors that the simulated numbers may equal
    try:
        net = Network("linux")
        socks = [net.socket() for _ in range(20)]
        for s in socks:
            s.bind(("127.0.0.1", 0))
            s.close()
        os.write(write_end, b"still open")
        assert os.read(read_end, 100) == b"still open"
    finally:
        os.close(read_end)
        os.close(write_end)
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_makefile_reads_and_writes_text_and_binary() -> None:
    with patched("linux"):
        srv = socket.create_server(("127.0.0.1", 0))

        def serve() -> None:
            conn, _ = srv.accept()
            with conn, conn.makefile("rb") as rfile, conn.makefile("wb") as wfile:
                for line in rfile:
                    wfile.write(line.upper())
                    wfile.flush()

        thread = threading.Thread(target=serve)
        thread.start()
        cli = socket.create_connection(srv.getsockname())
        with cli.makefile("rw", encoding="utf-8", newline="\n") as f:
            f.write("hello\n")
            f.flush()
            first = f.readline()
            f.write("wörld\n")
            f.flush()
            second = f.readline()
        cli.close()
        thread.join()
        srv.close()
    assert (first, second) == ("HELLO\n", "WöRLD\n")  # bytes.upper leaves the UTF-8 ö alone


def test_a_buffered_writer_may_reuse_its_buffer_after_send() -> None:
    """io.BufferedWriter gives send() a read-only view of a buffer it then reuses and frees:
    the kernel must copy what it takes (CPython's FileObjectClassTestCase read garbage)."""
    with patched("linux"):
        a, b = socket.socketpair()
        with a.makefile("wb") as w:
            w.write(b"first line\n")
            w.flush()
            w.write(b"second\n")
        a.close()
        assert b.makefile("rb").read() == b"first line\nsecond\n"


def test_sock_nonblock_and_the_into_and_msg_calls() -> None:
    net = Network("linux")
    flag = getattr(socket, "SOCK_NONBLOCK", 0)
    u = net.socket(socket.AF_INET, socket.SOCK_DGRAM | flag)
    assert u.type == socket.SOCK_DGRAM and u.gettimeout() == (0.0 if flag else None)
    u.bind(("127.0.0.1", 0))
    v = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    assert v.sendmsg([b"he", b"llo"], [], 0, u.getsockname()) == 5
    buf = bytearray(10)
    assert u.recvfrom_into(buf) == (5, v.getsockname()) and buf[:5] == b"hello"
    v.sendto(b"again", u.getsockname())
    assert u.recv_into(buf, 3) == 3 and buf[:3] == b"aga"
    v.sendto(b"third", u.getsockname())
    first, second = bytearray(2), bytearray(2)
    assert u.recvmsg_into([first, second]) == (4, [], socket.MSG_TRUNC, v.getsockname())
    assert (first, second) == (b"th", b"ir")
    with pytest.raises(NotImplementedError, match="ancillary data"):
        v.sendmsg([b"x"], [(socket.SOL_SOCKET, 1, b"")], 0, u.getsockname())


def test_sendfile_uses_the_send_fallback() -> None:
    with patched("darwin"):
        a, b = socket.socketpair()
        assert a.sendfile(io.BytesIO(b"file contents" * 1000), 4, 100) == 100
        assert b.recv(1000) == (b"file contents" * 1000)[4:104]
        a.close()
        b.close()


def test_dup_detach_and_fromfd_share_one_kernel_socket() -> None:
    with patched("linux"):
        a, b = socket.socketpair()
        assert (a.family, a.getsockname()) == (AF_UNIX, "")  # the POSIX default
        c = a.dup()
        assert c.fileno() != a.fileno()
        a.close()
        c.sendall(b"via dup")  # the connection lives while a descriptor does
        assert b.recv(100) == b"via dup"
        fd = c.detach()
        assert c.fileno() == -1
        d = socket.fromfd(fd, AF_UNIX, socket.SOCK_STREAM)  # dup(fd) + socket(fileno=)
        e = socket.socket(fileno=fd)
        d.sendall(b"1")
        e.sendall(b"2")
        assert b.recv(100) == b"12"
        d.close()
        e.close()
        assert b.recv(100) == b""  # the last descriptor closed the connection
        with pytest.raises(OSError) as info:
            socket.socket(fileno=fd)
        assert info.value.errno == errno.EBADF
        b.close()


def test_create_connection_and_create_server() -> None:
    with patched("freebsd"):
        srv = socket.create_server(("127.0.0.1", 0), backlog=2)
        cli = socket.create_connection(srv.getsockname(), timeout=3)
        conn, addr = srv.accept()
        assert addr == cli.getsockname() and cli.gettimeout() == 3
        for s in (cli, conn, srv):
            s.close()


def test_windows_errno_module_carries_wsa_numbers_inside_the_block_only() -> None:
    host = errno.ECONNREFUSED
    with patched("windows"):
        assert errno.ECONNREFUSED == 10061 and errno.EWOULDBLOCK == 10035
        assert errno.EINVAL == 22 and errno.EAGAIN == 11  # the C runtime keeps these
        assert errno.errorcode[10061] == "ECONNREFUSED"
        s = socket.socket()
        s.settimeout(5)
        with pytest.raises(ConnectionRefusedError) as info:
            s.connect(("127.0.0.1", 9))
        assert info.value.errno == errno.ECONNREFUSED
        s.close()
    assert host == errno.ECONNREFUSED


def test_platform_view_is_opt_in() -> None:
    real = (sys.platform, os.name)
    with patched("windows"):
        assert (sys.platform, os.name) == real
    with patched("windows", platform=True):
        assert (sys.platform, os.name) == ("win32", "nt")
    assert (sys.platform, os.name) == real


def test_setdefaulttimeout_inside_the_block_does_not_leak() -> None:
    before = socket.getdefaulttimeout()
    with patched("linux"):
        socket.setdefaulttimeout(0.5)
        assert socket.socket().gettimeout() == 0.5
    assert socket.getdefaulttimeout() == before


def test_a_non_blocking_makefile_read_returns_none_on_windows_too() -> None:
    with patched("windows"):
        a, b = socket.socketpair()
        b.setblocking(False)
        with b.makefile("rb", buffering=0) as raw:
            assert raw.read(10) is None  # WSAEWOULDBLOCK (10035) is a would-block errno there
        a.close()
        b.close()


def test_descriptor_functions_of_the_module_stay_in_the_simulation() -> None:
    """Found by running CPython's own test_socket.GeneralModuleTests under patched("linux")."""
    with patched("linux"):
        s = socket.socket()
        fd = s.detach()
        socket.close(fd)  # the real socket.close(fd) would close a real descriptor of that number
        with pytest.raises(OSError) as info:
            socket.close(fd)
        assert info.value.errno == errno.EBADF
        with pytest.raises(ValueError, match="negative file descriptor"):
            socket.socket(fileno=-1)
        t = socket.socket()
        socket.socket(fileno=t.fileno()).close()
        with pytest.raises(OSError) as info:
            t.close()  # its descriptor was closed through the other object
        assert info.value.errno == errno.EBADF
        if hasattr(socket, "sethostname"):
            with pytest.raises(NotImplementedError, match="sethostname"):
                socket.sethostname("new")
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with pytest.raises(TypeError, match=r"^a bytes-like object is required, not 'str'$"):
            u.sendto("text", ("127.0.0.1", 9))
        u.close()


def test_a_socketpair_function_taken_before_the_block_makes_simulated_pairs_inside_it() -> None:
    """CPython's test_selectors takes ``socketpair = socket.socketpair`` at import; on POSIX hosts
    that function calls ``_socket.socketpair`` and re-wraps the result as AF_UNIX. Before, the
    real pair's descriptor reached the simulated class and failed with EBADF."""
    taken = socket.socketpair
    with patched("linux"):
        a, b = taken()
        assert isinstance(a, SimSocket) and a.family == AF_UNIX
        a.sendall(b"x")
        assert b.recv(1) == b"x"
        a.close()
        b.close()
    real_a, real_b = taken()  # outside the block: the host's pair, untouched
    with real_a, real_b:
        assert not isinstance(real_a, SimSocket)


@pytest.mark.skipif(not hasattr(os, "pipe"), reason="needs os.pipe")
def test_socket_of_a_real_socket_is_not_modelled_of_a_file_enotsock_and_of_a_closed_one_ebadf() -> None:
    """anyio's ``from_socket`` tells a file's descriptor from a socket's by ENOTSOCK."""
    r, w = os.pipe()
    try:
        with pytest.raises(OSError) as real:
            socket.socket(fileno=r)
        with patched("linux"), pytest.raises(OSError) as simulated:
            socket.socket(fileno=r)
    finally:
        os.close(r)
        os.close(w)
    assert simulated.value.errno == get_profile("linux").errnos["ENOTSOCK"][0]
    if sys.platform == "linux":
        assert real.value.errno == simulated.value.errno
    refused = pytest.raises(NotImplementedError, match=r"socket\(fileno=\) of a real socket")
    with socket.socket() as host_socket, patched("linux"), refused:
        socket.socket(fileno=host_socket.fileno())
    with patched("linux"), pytest.raises(OSError) as info:
        socket.socket(fileno=1_000_003)  # no descriptor of this process, real or simulated
    assert info.value.errno == errno.EBADF


def _accept_by_descriptor() -> tuple[bytes, bool]:
    """What socket.socket.accept does inside, and trio does itself: ``_accept()`` gives the new
    descriptor's number, ``socket(fileno=)`` makes its socket."""
    srv = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(srv.getsockname())
    fd, addr = srv._accept()  # type: ignore[attr-defined]
    conn = socket.socket(srv.family, srv.type, srv.proto, fileno=fd)
    try:
        client.sendall(b"via _accept")
        return conn.recv(100), addr == client.getsockname()
    finally:
        for s in (conn, client, srv):
            s.close()


def test_the_c_level_accept_gives_a_descriptor_socket_fileno_wraps() -> None:
    real = _accept_by_descriptor()
    with patched("linux"):
        simulated = _accept_by_descriptor()
    assert real == simulated == (b"via _accept", True)
