"""The simulator's packet trace: off by default, the modelled segments and calls in order when on."""

from __future__ import annotations

import socket

import pytest

from sockbehave.kit import closed_port, tcp_pair
from sockbehave.sim import Network
from sockbehave.sim.trace import Call, Segment, Trace


def _exchange(net: Network) -> None:
    client, server = tcp_pair(net)
    client.sendall(b"hello")
    assert server.recv(10) == b"hello"
    client.close()
    assert server.recv(10) == b""
    server.send(b"x")  # to a socket that is gone: answered by RST
    server.close()


def _kinds(trace: Trace) -> list[str]:
    return [s.label for s in trace.segments]


def test_off_by_default_and_nothing_is_recorded() -> None:
    with Network("linux") as net:
        _exchange(net)
        assert net.trace is None
        assert net.kernel.trace is None
        assert type(net.socket()).__name__ == "SimSocket"


def test_handshake_data_fin_and_rst_in_order() -> None:
    with Network("linux", trace=True) as net:
        _exchange(net)
        trace = net.trace
        assert trace is not None
    assert _kinds(trace) == ["SYN", "SYN-ACK", "ACK", "data 5", "FIN", "data 1", "RST"]
    client_addr = trace.segments[0].src
    server_addr = trace.segments[0].dst
    assert [(s.src, s.dst) for s in trace.segments[:3]] == [
        (client_addr, server_addr),
        (server_addr, client_addr),
        (client_addr, server_addr),
    ]
    assert trace.segments[-1].src == client_addr  # the closed client resets
    calls = [(c.name, c.result) for c in trace.calls]
    assert calls == [
        ("bind", "ok"),
        ("listen", "ok"),
        ("connect", "ok"),
        ("accept", "new connection"),
        ("close", "ok"),
        ("sendall", "ok"),
        ("recv", "5 bytes"),
        ("close", "ok"),
        ("recv", "b''"),
        ("send", "1"),
        ("close", "ok"),
    ]
    # a call is recorded after the segments it caused
    events = trace.events
    assert events.index(trace.calls[2]) > events.index(trace.segments[2])


def test_deterministic_across_runs() -> None:
    def one() -> list[object]:
        with Network("windows", trace=True) as net:
            _exchange(net)
            assert net.trace is not None
            return list(net.trace.events)

    assert one() == one()


def test_exceptions_are_recorded_with_the_errno_name() -> None:
    with Network("windows", trace=True) as net:
        address = closed_port(net)
        s = net.socket()
        s.settimeout(5.0)
        with pytest.raises(ConnectionRefusedError):
            s.connect(address)
        s.close()
        assert net.trace is not None
        trace = net.trace
    assert _kinds(trace) == ["SYN", "RST"]
    assert "connect fails after" in trace.segments[1].note  # Windows retries before it reports
    connect = next(c for c in trace.calls if c.name == "connect")
    assert connect.raised and connect.result == "ConnectionRefusedError ECONNREFUSED"
    assert connect.time > 0.0  # reported later, in virtual time


def test_udp_datagram_and_port_unreachable() -> None:
    with Network("linux", trace=True) as net:
        address = closed_port(net, type=socket.SOCK_DGRAM)
        s = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(address)
        s.send(b"abc")
        with pytest.raises(ConnectionRefusedError):
            s.recv(10)
        s.close()
        assert net.trace is not None
        segs = net.trace.segments
    assert [x.label for x in segs] == ["UDP 3", "ICMP port unreachable"]
    assert segs[1].note == "reported to the socket"
    assert segs[1].src == segs[0].dst


def test_the_trace_is_bounded_and_says_how_much_it_dropped() -> None:
    with Network("linux", trace=True) as net:
        assert net.trace is not None
        net.trace.limit = 5
        _exchange(net)
        assert len(net.trace.events) == 5
        assert net.trace.dropped > 0
        assert all(isinstance(e, (Segment, Call)) for e in net.trace.events)
