"""The outcome normaliser: canonical text for values, exceptions, timeouts and time classes."""

from __future__ import annotations

import errno
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sockbehave import outcome


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (None, "None"),
        (True, "True"),
        (b"", "b''"),
        (b"abc", "b'abc'"),
        (b"x" * 32, repr(b"x" * 32)),
        (b"x" * 33, "<33 bytes>"),
        (bytearray(b"hi"), "b'hi'"),
        (("127.0.0.1", 5000), "<addr>"),
        (("::1", 5000, 0, 0), "<addr>"),
        ((b"", ("127.0.0.1", 1)), "(b'', <addr>)"),
        ([1, 2], "[1, 2]"),
        ((1,), "(1,)"),
        (object(), "<object>"),
    ],
)
def test_values_render_canonically(value: object, text: str) -> None:
    assert outcome.from_value(value).text == text


def test_bytes_keep_their_length_in_the_detail() -> None:
    assert outcome.from_value(b"x" * 100).detail["length"] == 100


def test_socket_objects_render_as_a_placeholder() -> None:
    with socket.socket() as s:
        assert outcome.from_value((s, ("127.0.0.1", 1))).text == "(<socket>, <addr>)"


def test_exception_uses_class_and_symbolic_errno_and_keeps_the_number() -> None:
    result = outcome.from_exception(ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"))
    assert result.text == "ConnectionResetError(ECONNRESET)"
    assert result.detail["errno"] == errno.ECONNRESET
    assert result.detail["message"] == "Connection reset by peer"


def test_plain_oserror_keeps_its_class() -> None:
    assert outcome.from_exception(OSError(errno.EMSGSIZE, "too long")).text == "OSError(EMSGSIZE)"


def test_socket_timeout_is_timeout() -> None:
    assert outcome.from_exception(socket.timeout("timed out")).text == "timeout"


def test_timeout_error_with_an_errno_is_not_a_harness_timeout() -> None:
    assert outcome.from_exception(TimeoutError(errno.ETIMEDOUT, "x")).text == "TimeoutError(ETIMEDOUT)"


def test_non_os_errors_render_as_their_class() -> None:
    assert outcome.from_exception(ValueError("bad")).text == "ValueError"


def test_unknown_errno_numbers_are_still_named() -> None:
    assert outcome.errno_name(99999) == "E?99999"


def test_windows_wsa_names_lose_their_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(errno.errorcode, 10054, "WSAECONNRESET")
    assert outcome.errno_name(10054) == "ECONNRESET"


@pytest.mark.parametrize(
    ("seconds", "cls"),
    [(0.0, "immediate"), (0.2, "immediate"), (0.26, "~0.5s"), (1.9, "~2s"), (2.1, "~2s"), (2.3, "~2.5s")],
)
def test_time_classes(seconds: float, cls: str) -> None:
    assert outcome.time_class(seconds) == cls


@given(st.binary(max_size=200))
def test_every_bytes_value_renders_to_one_line(data: bytes) -> None:
    text = outcome.render_value(data)
    assert "\n" not in text
    expected = repr(data) if len(data) <= outcome.MAX_LITERAL_BYTES else f"<{len(data)} bytes>"
    assert text == expected
