"""TLS through ``ssl.SSLSocket`` (``SSLContext.wrap_socket``) on a simulated socket.

Owns: the object behind a wrapped simulated socket's ``_sslobj``. CPython's ``ssl.SSLSocket``
is Python code over a C ``_ssl._SSLSocket`` that does the TLS *and* the socket I/O on a real
descriptor (``Modules/_ssl.c``). Here every Python method of ``ssl.SSLSocket`` stays CPython's
own (``read``/``recv_into``/``sendall``/``makefile``/``accept``/``connect``/``unwrap``, the
ragged-EOF rule, the checks and their messages): the wrapped socket is a ``SimSSLSocket``,
whose class derives from ``ssl.SSLSocket`` and ``SimSocket`` (so ``isinstance(s,
ssl.SSLSocket)`` holds and ``super()`` calls reach the simulated socket), and its ``_sslobj``
is a ``SimSSLObject``. That one runs OpenSSL's state machine through memory BIOs
(``SSLContext._wrap_bio``, the same C object ``SSLObject`` wraps) and moves the TLS records
through the simulated socket as ``_ssl.c`` does for a real one:

- each operation (handshake, read, write, shutdown) retries while OpenSSL wants to read or
  write; a blocking socket waits (in virtual time, under the scheduler: a wait that can never
  end is the scheduler's ``SimDeadlock``); a socket with a timeout waits at most that long for
  the whole operation, then raises ``socket.timeout`` with ``_ssl.c``'s wording ("The read
  operation timed out"); a non-blocking one raises ``ssl.SSLWantReadError`` (OpenSSL's own,
  raised by the same C function) or ``ssl.SSLWantWriteError``;
- records are read from the socket one at a time, header then body, as OpenSSL does with
  read-ahead off (CPython's default): bytes of the next record stay in the socket, so
  ``select``/``selectors`` on the wrapped socket see what they would on a real one (and a
  program must check ``pending()`` for decrypted bytes OpenSSL holds, as with a real one);
- the peer's EOF reaches OpenSSL as EOF (``MemoryBIO.write_eof``), so a ragged EOF, an EOF in
  the handshake and ``unwrap()``'s wait for the peer's close_notify end as OpenSSL decides.

``patching`` installs it while a block is open: ``ssl.SSLSocket._create`` makes a
``SimSSLSocket`` when it is given a simulated socket, and ``ssl.SSLContext._wrap_socket``
gives a ``SimSSLObject`` for one; real sockets, in any thread, get CPython's own.

Deviations and limits, by design:
- TLS costs no virtual time: OpenSSL's CPU time is not modelled (as every computation in
  the simulation).
- A non-blocking ``write`` that could not send all of its records raises
  ``SSLWantWriteError`` with "The operation did not complete (write)" and no ``_ssl.c`` line
  number (there is no C call site to name); the records are kept and the retry returns the
  whole count once they are sent. A retry may pass more data, as tornado's ``IOStream`` does
  when its buffer grew: OpenSSL sends the pending record, then writes the rest of the longer
  buffer in new records (``ssl3_write_bytes`` in openssl/openssl ssl/record/rec_layer_s3.c),
  and so does the model, where the write that was cut short made one record. A shorter retry
  (OpenSSL's fatal BAD_LENGTH) and a longer one after a write of several records (where
  OpenSSL's split between records sent and pending is not kept) are not modelled.
- Every other method ``_ssl._SSLSocket`` has (``getpeercert``, ``cipher``, ``version``,
  ``verify_client_post_handshake``, ...) is OpenSSL's, through the BIO object.
"""

from __future__ import annotations

import _socket
import contextlib
import functools
import socket
import ssl
import weakref
from collections.abc import Callable
from typing import Any, Optional, TypeVar

from .kernel import NotModelled
from .readiness import POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, poll_events
from .simsocket import SimSocket, simulated_subclass

__all__ = ["SimSSLObject", "SimSSLSocket", "sim_sslsocket_class", "wrap_socket_dispatch"]

T = TypeVar("T")

#: A TLS record's header: content type (1), version (2), length (2).
_HEADER = 5
#: The most plaintext one record carries (RFC 8446 section 5.1; OpenSSL's default max_send_fragment).
_MAX_PLAINTEXT = 16384
#: What the wrapper passes on to OpenSSL's own object: state, never I/O. With the properties and
#: methods of ``SimSSLObject`` these are every attribute ``_ssl._SSLSocket`` has (3.9-3.13).
_DELEGATED = frozenset(
    {
        "getpeercert",
        "cipher",
        "shared_ciphers",
        "compression",
        "version",
        "selected_alpn_protocol",
        "get_channel_binding",
        "verify_client_post_handshake",  # state only: the next operation moves the records
        "get_verified_chain",
        "get_unverified_chain",
        "session_reused",
        "server_side",
        "server_hostname",
    }
)


class SimSSLSocket(ssl.SSLSocket, SimSocket):  # type: ignore[misc]
    """``ssl.SSLSocket`` over a simulated socket: CPython's methods, this module's ``_sslobj``."""

    def _finalizer_repr(self) -> str:
        return super()._finalizer_repr().replace("<socket.socket ", "<ssl.SSLSocket ", 1)


# What programs see: type(s).__name__, repr(s) and the ResourceWarning name ssl.SSLSocket.
SimSSLSocket.__module__ = "ssl"
SimSSLSocket.__name__ = SimSSLSocket.__qualname__ = "SSLSocket"

_CLASSES: dict[type, type] = {ssl.SSLSocket: SimSSLSocket}


def sim_sslsocket_class(cls: type) -> type:
    """The class ``SSLContext.wrap_socket`` makes for a simulated socket when it would make
    ``cls`` (``ssl.SSLSocket``, or a program's subclass set as ``context.sslsocket_class``)."""
    if issubclass(cls, SimSSLSocket):
        return cls
    return simulated_subclass(_CLASSES, cls, SimSSLSocket)


def wrap_socket_dispatch(real: Callable[..., Any]) -> Callable[..., Any]:
    """``SSLContext._wrap_socket``: a ``SimSSLObject`` for a simulated socket, else ``real``."""

    def _wrap_socket(
        context: ssl.SSLContext,
        sock: Any,
        server_side: bool,
        server_hostname: Optional[str] = None,
        *,
        owner: Any = None,
        session: Any = None,
    ) -> Any:
        if isinstance(sock, SimSocket):
            return SimSSLObject(context, sock, server_side, server_hostname, owner, session)
        return real(context, sock, server_side, server_hostname, owner=owner, session=session)

    return _wrap_socket


class _Probe(_socket.socket):
    """A real socket ``_ssl.c`` can take (it keeps a weak reference to it)."""


@functools.cache
def _timeout_message(operation: str) -> str:
    """``_ssl.c``'s words for an operation that timed out. The handshake's message names its
    own source line ("_ssl.c:1003: The handshake operation timed out" on 3.13.0), which moves
    between CPython releases, so it is read from this interpreter, once: a client handshake
    on a real socket pair, with a timeout of 1 ns (nothing leaves the process)."""
    words = f"The {operation} operation timed out"
    if operation != "handshake" or not hasattr(_socket, "socketpair"):
        return words
    pair = _socket.socketpair()
    ours, theirs = _Probe(fileno=pair[0].detach()), pair[1]
    try:
        ours.settimeout(1e-9)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        probe = ssl._ssl._SSLContext._wrap_socket(context, ours, False, None)  # type: ignore[attr-defined]
        probe.do_handshake()
    except socket.timeout as exc:
        return str(exc)
    finally:
        ours.close()
        theirs.close()
    return words  # pragma: no cover (a handshake with nobody cannot succeed)


def _want_write() -> ssl.SSLWantWriteError:
    exc = ssl.SSLWantWriteError(ssl.SSL_ERROR_WANT_WRITE, "The operation did not complete (write)")
    exc.library = exc.reason = None  # type: ignore[assignment]  # as _ssl.c's for this error
    return exc


class SimSSLObject:
    """The C ``_ssl._SSLSocket`` interface (what ``ssl.SSLSocket`` calls on ``_sslobj``) over
    memory BIOs and a simulated socket. See the module docstring."""

    def __init__(
        self,
        context: ssl.SSLContext,
        sock: SimSocket,
        server_side: bool,
        server_hostname: Optional[str],
        owner: Any,
        session: Any,
    ) -> None:
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        wrap_bio: Callable[..., Any] = context._wrap_bio  # type: ignore[attr-defined]
        self._tls = wrap_bio(self._incoming, self._outgoing, server_side, server_hostname, owner=owner, session=session)
        self._sock = weakref.ref(sock)  # as _ssl.c: the socket owns this object, not the reverse
        self._unsent = bytearray()  # records OpenSSL wrote that the socket has not taken yet
        self._header = bytearray()  # the part of the next record's header read so far
        self._body_left = 0  # bytes of the current record's body still in the socket
        #: a non-blocking write sent in part: the length it was given in all, and in its last call
        self._write_retry: Optional[tuple[int, int]] = None

    # -- attributes ssl.SSLSocket reads or sets ---------------------------------------------
    @property
    def context(self) -> ssl.SSLContext:
        context: ssl.SSLContext = self._tls.context
        return context

    @context.setter
    def context(self, context: ssl.SSLContext) -> None:
        self._tls.context = context

    @property
    def session(self) -> Any:
        return self._tls.session

    @session.setter
    def session(self, session: Any) -> None:
        self._tls.session = session

    @property
    def owner(self) -> Any:
        return self._tls.owner

    @owner.setter
    def owner(self, owner: Any) -> None:
        self._tls.owner = owner

    def __getattr__(self, name: str) -> Any:
        if name in _DELEGATED:
            return getattr(self._tls, name)
        raise AttributeError(f"'_ssl._SSLSocket' object has no attribute '{name}'")

    # -- operations ------------------------------------------------------------------------
    def do_handshake(self) -> None:
        self._run(self._tls.do_handshake, "handshake", "handshake")

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        if buffer is None:
            return self._run(lambda: self._tls.read(len), "read", "read", keep_unsent=True)
        return self._run(lambda: self._tls.read(len, buffer), "read", "read", keep_unsent=True)

    def write(self, data: Any) -> int:
        done = 0
        if self._write_retry is not None:  # OpenSSL's retry of a write that wanted to write
            done, last = self._write_retry
            size = memoryview(data).nbytes
            if size < done or (size > done and last > _MAX_PLAINTEXT):
                raise NotModelled(
                    f"a retried non-blocking SSLSocket write of {size} bytes after one of {done}"
                    + (" (OpenSSL refuses a shorter one: BAD_LENGTH)" if size < done else " in several records")
                )
            if not self._flush(self._deadline(), "write"):
                raise _want_write()
            self._write_retry = None
            if size == done:
                return size
            with memoryview(data) as view, view.cast("B") as octets:
                rest = bytes(octets[done:])
        else:
            rest = data
        last = memoryview(rest).nbytes
        written: int = done + self._run(lambda: self._tls.write(rest), "write", "write", keep_unsent=True)
        if not self._flush(self._deadline(), "write"):
            self._write_retry = (written, last)
            raise _want_write()
        return written

    def pending(self) -> int:
        pending: int = self._tls.pending()
        return pending

    def shutdown(self) -> Any:
        """``_ssl.c``'s shutdown: close_notify sent, then the peer's awaited; returns the socket."""
        self._run(self._tls.shutdown, "read", "write")
        return self._sock()

    # -- the pump ----------------------------------------------------------------------------
    def _socket(self) -> SimSocket:
        sock = self._sock()
        if sock is None:  # _ssl.c's PY_SSL_ERROR_NO_SOCKET
            raise ssl.SSLError(ssl.SSL_ERROR_SYSCALL, "Underlying socket connection gone")
        return sock

    def _deadline(self) -> Optional[float]:
        """The operation's end, if its socket has a timeout (0: non-blocking, no waits)."""
        sock = self._socket()
        timeout = sock.gettimeout()
        return None if timeout is None else sock._net.clock() + timeout

    def _run(self, op: Callable[[], T], reading: str, writing: str, keep_unsent: bool = False) -> T:
        """Run ``op`` until OpenSSL stops wanting to read, moving records through the socket;
        then send what it wrote (with ``keep_unsent``, a non-blocking socket may keep some for
        the next operation). ``reading``/``writing`` name the operation in a timeout's message,
        as ``_ssl.c`` does."""
        deadline = self._deadline()
        while True:
            try:
                result = op()
            except ssl.SSLWantReadError:
                if not self._flush(deadline, writing):
                    raise _want_write() from None
                if self._incoming.eof:  # nothing more will come: OpenSSL has had its EOF
                    raise NotModelled(f"OpenSSL wanting to read after the peer's EOF ({reading})") from None
                if not self._receive(deadline, reading):
                    raise
                continue
            except ssl.SSLError:
                with contextlib.suppress(OSError):  # OpenSSL sends its alert before the error is seen
                    self._flush(deadline, writing)
                raise
            if not self._flush(deadline, writing) and not keep_unsent:
                raise _want_write()
            return result

    def _wait(self, events: int, deadline: Optional[float], operation: str) -> bool:
        """``_ssl.c``'s ``PySSL_select``: False on a non-blocking socket that is not ready,
        ``socket.timeout`` when the deadline passes, else True once ready (or in error)."""
        sock = self._socket()
        net = sock._net
        ks = sock._ks()  # EBADF (the profile's) on a closed socket
        ready = events | POLLERR | POLLHUP | POLLNVAL

        def is_ready() -> bool:
            return bool(poll_events(net.kernel, ks) & ready)

        if sock.gettimeout() == 0.0:
            if is_ready():
                return True
            net.scheduler.poll_point(f"SSLSocket {operation} that would block")  # (as SimSocket._wait)
            return False
        what = f"SSLSocket {operation} (TLS records) on {sock._described()}"
        if not net.scheduler.wait_until(is_ready, deadline, what):
            raise socket.timeout(_timeout_message(operation))
        return True

    def _flush(self, deadline: Optional[float], operation: str) -> bool:
        """Send the records OpenSSL wrote; False if a non-blocking socket took only part."""
        self._unsent += self._outgoing.read()
        sock = self._socket()
        while self._unsent:
            if not self._wait(POLLOUT, deadline, operation):
                return False
            sent = SimSocket.send(sock, self._unsent)
            del self._unsent[:sent]
        return True

    def _receive(self, deadline: Optional[float], operation: str) -> bool:
        """Pass OpenSSL the next bytes of the current record (at most to its end, as OpenSSL
        reads with read-ahead off); False if a non-blocking socket has none."""
        if not self._wait(POLLIN, deadline, operation):
            return False
        want = self._body_left or _HEADER - len(self._header)
        data = SimSocket.recv(self._socket(), want)
        if not data:
            self._incoming.write_eof()
            return True
        if self._body_left:
            self._body_left -= len(data)
        else:
            self._header += data
            if len(self._header) == _HEADER:
                self._body_left = int.from_bytes(self._header[3:5], "big")
                self._header.clear()
        self._incoming.write(data)
        return True
