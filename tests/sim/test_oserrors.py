"""The exceptions the simulated OSes raise: class, errno, winerror and arguments, as CPython
makes them there (``sockbehave/sim/oserrors.py``)."""

from __future__ import annotations

import socket

from sockbehave.outcome import from_exception
from sockbehave.sim import Network, patched

_REFUSED = "No connection could be made because the target machine actively refused it"


def _refused(net: Network) -> ConnectionRefusedError:
    with net.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()
    client = net.socket()
    try:
        client.connect(closed)
    except ConnectionRefusedError as exc:
        return exc
    finally:
        client.close()
    raise AssertionError("the connect to a closed port succeeded")


def test_a_windows_error_carries_the_winsock_code_and_windows_arguments() -> None:
    """CPython on Windows builds a socket error from the Winsock code: OSError(0, message, None,
    code, None), whose errno becomes the code itself for most codes, so repr reads
    ``ConnectionRefusedError(10061, '...', None, 10061, None)``; the class is the builtin's."""
    net = Network("windows")
    try:
        exc = _refused(net)
        assert type(exc) is ConnectionRefusedError
        assert (exc.errno, exc.winerror, exc.strerror) == (10061, 10061, _REFUSED)  # type: ignore[attr-defined]
        assert exc.args == (10061, _REFUSED, None, 10061, None)
        assert repr(exc) == f"ConnectionRefusedError(10061, '{_REFUSED}', None, 10061, None)"
    finally:
        net.close()


def test_six_winsock_codes_carry_the_c_runtimes_errno_on_windows() -> None:
    """WSAEINVAL (10022) is errno 22 with winerror 10022, WSAEACCES (10013) errno 13: CPython's
    winerror_to_errno. The Winsock code stays what connect_ex and SO_ERROR give, and errno 22
    is named EINVAL in a report."""
    with patched("windows") as net:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        address = listener.getsockname()
        try:
            listener.connect(address)  # a listening socket cannot connect: WSAEINVAL
        except OSError as exc:
            invalid = exc
        assert type(invalid) is OSError
        assert (invalid.errno, getattr(invalid, "winerror", None)) == (22, 10022)
        assert invalid.args[0] == 22 and invalid.args[3] == 10022
        assert listener.connect_ex(address) == 10022  # CPython's connect_ex returns the Winsock code
        assert from_exception(invalid, net.errno_name).text == "OSError(EINVAL)"
        listener.close()


def test_a_posix_error_has_no_winerror_and_two_arguments() -> None:
    net = Network("linux")
    try:
        exc = _refused(net)
        assert type(exc) is ConnectionRefusedError and exc.args == (111, "Connection refused")
        assert not hasattr(exc, "winerror")
    finally:
        net.close()
