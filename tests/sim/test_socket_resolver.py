"""Name resolution per profile, and addresses that are not loopback: modelled, not refused."""

from __future__ import annotations

import dataclasses
import socket
import sys
import threading
import time
from typing import Any

import pytest

from sockbehave.sim import Network, get_profile, patched
from sockbehave.sim.clock import outside as outside_simulation
from sockbehave.sim.resolver import Resolver, inet_aton_form


@pytest.mark.parametrize(
    ("text", "dotted"),
    [("123123231", "7.86.182.31"), ("127.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("010.0.0.1", "8.0.0.1")],
)
def test_inet_aton_forms(text: str, dotted: str) -> None:
    assert inet_aton_form(text) == dotted


@pytest.mark.parametrize("text", ["256.1.1.1", "1.2.3.4.5", "a.b", "", "4294967296"])
def test_not_inet_aton_forms(text: str) -> None:
    assert inet_aton_form(text) is None


@pytest.mark.parametrize(
    ("profile", "hostname", "address", "source"),
    [
        # Linux routes 127.0.1.1 over lo with source 127.0.0.1 (observed here: ip route get 127.0.1.1).
        ("linux", "sim-linux", "127.0.1.1", "127.0.0.1"),
        ("darwin", "sim-darwin", "192.0.2.10", "192.0.2.10"),
        ("windows", "SIM-WINDOWS", "192.0.2.10", "192.0.2.10"),
    ],
)
def test_the_host_name_resolves_per_profile_and_a_tutorial_server_on_it_works(
    profile: str, hostname: str, address: str, source: str
) -> None:
    with patched(profile):
        assert socket.gethostname() == hostname
        assert socket.gethostbyname(socket.gethostname()) == address
        server = socket.socket()
        server.bind((socket.gethostname(), 0))  # as the tutorial's server does
        server.listen(5)
        client = socket.socket()
        client.connect((socket.gethostname(), server.getsockname()[1]))
        conn, _ = server.accept()
        conn.send("欢迎".encode())
        assert client.recv(1024).decode() == "欢迎"
        assert conn.getpeername()[0] == source
        for s in (client, conn, server):
            s.close()


def test_getaddrinfo_shapes() -> None:
    r = Resolver(get_profile("linux"))
    assert r.getaddrinfo("localhost", 80, 0, socket.SOCK_STREAM) == [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 80, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)),
    ]
    assert [e[1] for e in r.getaddrinfo("127.0.0.1", "80")] == [socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW]
    assert r.getaddrinfo(None, 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)[0][4] == ("0.0.0.0", 80)
    assert r.getaddrinfo("localhost", None, socket.AF_INET, socket.SOCK_DGRAM) == [
        (socket.AF_INET, socket.SOCK_DGRAM, 17, "", ("127.0.0.1", 0))
    ]
    with pytest.raises(NotImplementedError, match="service names"):
        Resolver(get_profile("darwin")).getaddrinfo("localhost", "http")


@pytest.mark.parametrize(("profile", "number"), [("linux", -2), ("freebsd", 8), ("windows", 11001)])
def test_a_name_that_does_not_exist_is_that_os_gaierror(profile: str, number: int) -> None:
    with patched(profile), pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("no-such-host.invalid", 80)
    assert info.value.errno == number


@pytest.mark.parametrize(("profile", "number"), [("linux", -2), ("darwin", 8), ("freebsd", 8), ("windows", 11001)])
def test_socket_eai_noname_is_that_oses_number_in_its_threads(profile: str, number: int) -> None:
    """A program compares the error with ``socket.EAI_NONAME`` (tornado's ``is_valid_ip``
    does): in a simulated thread the constant is that OS's, as the error's number is; in any
    other thread it stays the host's."""
    host = socket.EAI_NONAME
    seen: list[int] = []
    with patched(profile):
        outside = threading.Thread(target=lambda: seen.append(socket.EAI_NONAME))  # started outside: real
        with outside_simulation():
            outside.start()
            outside.join()
        in_block = socket.EAI_NONAME
        with pytest.raises(socket.gaierror) as info:
            socket.getaddrinfo("::1q", 80, flags=socket.AI_NUMERICHOST)
    assert in_block == info.value.errno == number
    assert host == socket.EAI_NONAME
    assert seen == [host]


def test_a_name_that_needs_dns_waits_for_a_nameserver_that_never_answers_on_linux() -> None:
    """The simulated host's nameserver is off the host, where nothing answers. glibc gives up
    after 10 s (observed in a namespace whose default route answers nothing), whatever the
    socket's timeout, with EAI_AGAIN; a reverse lookup with TRY_AGAIN. Meanwhile the other
    threads run, in virtual time."""
    ticks: list[float] = []

    def tick() -> None:
        for _ in range(3):
            time.sleep(1)
            ticks.append(net.clock())

    with patched("linux") as net:
        ticker = threading.Thread(target=tick)
        ticker.start()
        with pytest.raises(socket.gaierror) as info:
            socket.create_connection(("doesnotexist.example", 80), timeout=1)
        assert (info.value.errno, info.value.strerror) == (-3, "Temporary failure in name resolution")
        assert net.clock() == pytest.approx(10.0, abs=1e-3)
        with pytest.raises(socket.herror) as reverse:
            socket.gethostbyaddr("198.51.100.7")
        assert reverse.value.args == (2, "Host name lookup failure")
        assert net.clock() == pytest.approx(20.0, abs=1e-3)
        ticker.join()
    assert ticks == [pytest.approx(t, abs=1e-3) for t in (1.0, 2.0, 3.0)]


@pytest.mark.parametrize("profile", ["darwin", "freebsd", "windows"])
def test_a_name_that_needs_dns_is_not_pretended_where_the_resolver_is_not_modelled(profile: str) -> None:
    with patched(profile), pytest.raises(NotImplementedError, match=r"resolving 'example\.com' on " + profile):
        socket.create_connection(("example.com", 80))


@pytest.mark.parametrize("profile", ["linux", "darwin", "freebsd", "windows"])
def test_the_tutorials_timeout_example_times_out(profile: str) -> None:
    with patched(profile) as net:
        socket.setdefaulttimeout(0.01)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with pytest.raises(socket.timeout):
            sock.connect(("123123231", 12345))
        assert net.clock() == pytest.approx(0.01)
        sock.close()


@pytest.mark.parametrize(("profile", "after"), [("linux", 127.0), ("darwin", 75.0), ("windows", 21.0)])
def test_a_blocking_connect_into_the_black_hole_gives_up_after_the_syn_retries(profile: str, after: float) -> None:
    net = Network(profile)
    s = net.socket()
    with pytest.raises(TimeoutError) as info:
        s.connect(("198.51.100.7", 80))
    assert info.value.errno == net.profile.errnos["ETIMEDOUT"][0]
    assert net.clock() == pytest.approx(after)
    u = net.socket(socket.AF_INET, socket.SOCK_DGRAM)
    assert u.sendto(b"gone", ("198.51.100.7", 53)) == 4  # vanishes, nothing answers
    assert u.getsockname()[0] == "192.0.2.10"  # it left through the LAN interface


def test_an_unreachable_network_profile_fails_at_once() -> None:
    profile = dataclasses.replace(get_profile("linux"), offhost_route="unreachable")
    net = Network(profile)
    with pytest.raises(OSError) as info:
        net.socket().connect(("198.51.100.7", 80))
    assert info.value.errno == 101 and net.clock() == 0.0
    with pytest.raises(OSError) as info:
        net.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("198.51.100.7", 53))
    assert info.value.errno == 101


def test_binding_an_address_the_host_does_not_have() -> None:
    with pytest.raises(OSError) as info:
        Network("windows").socket().bind(("198.51.100.7", 0))
    assert info.value.errno == 10049


def test_ipv4_mapped_addresses_are_not_pretended() -> None:
    s = Network("linux").socket(socket.AF_INET6, socket.SOCK_STREAM)
    with pytest.raises(NotImplementedError, match="IPv4-mapped"):
        s.connect(("::ffff:127.0.0.1", 80))


def test_gethostbyname_of_the_empty_string_is_any() -> None:
    assert Resolver(get_profile("linux")).gethostbyname("") == "0.0.0.0"


@pytest.mark.parametrize("text", ["0.1.1.~1", "1+.1.1.1", "::1q", "::1::2", "1:1:1:1:1:1:1:1:1"])
def test_strings_that_cannot_be_names_do_not_resolve(text: str) -> None:
    """From CPython's test_socket (test_host_resolution_bad_address), run under patched()."""
    r = Resolver(get_profile("linux"))
    with pytest.raises(socket.gaierror):
        r.gethostbyname(text)
    with pytest.raises(socket.gaierror):
        r.gethostbyaddr(text)


def test_a_remembered_address_is_the_first_one_and_a_failed_lookup_fails_again() -> None:
    """``Resolver.address`` remembers what socket calls resolved; a failure is never remembered."""
    resolver = Resolver(get_profile("linux"))
    for _ in range(2):
        assert resolver.address("localhost", socket.AF_INET6) == resolver.addresses("localhost", socket.AF_INET6)[0]
        assert resolver.address("127.1", socket.AF_INET) == "127.0.0.1"
        with pytest.raises(socket.gaierror):
            resolver.address("nothing.invalid", socket.AF_INET)
        with pytest.raises(socket.gaierror):
            resolver.address("::1", socket.AF_INET)  # an address of the other family
        with pytest.raises(NotImplementedError, match=r"example\.com"):
            resolver.address("example.com", socket.AF_INET)
    s = Network("linux").socket()
    for _ in range(2):
        with pytest.raises(socket.gaierror):
            s.connect(("nothing.invalid", 80))


def test_address_answers_are_shared_by_a_profiles_networks_and_bounded() -> None:
    """Every network of one profile shares the answers (a profile's never change), and a
    program that resolves thousands of addresses (a port scanner) cannot grow them for ever."""
    from sockbehave.sim.resolver import _FIRST_LIMIT

    first, second = Network("freebsd"), Network("freebsd")
    try:
        assert first.resolver.address("localhost", socket.AF_INET) == "127.0.0.1"
        assert ("localhost", socket.AF_INET) in second.resolver._first
        for i in range(_FIRST_LIMIT + 10):
            second.resolver.address(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", socket.AF_INET)
        assert len(first.resolver._first) <= _FIRST_LIMIT
    finally:
        first.close()
        second.close()


_PORTS = (123456, "123456", 65536, 70000, 2**32 + 5, -1, 80)


def _resolve_ports() -> list[object]:
    seen: list[object] = []
    for port in _PORTS:
        try:
            seen.append(socket.getaddrinfo("127.0.0.1", port, type=socket.SOCK_STREAM)[0][4])
        except socket.gaierror as exc:
            seen.append(("gaierror", exc.errno, exc.strerror))
    return seen


def test_a_port_out_of_range_is_what_glibc_makes_of_it_on_linux() -> None:
    """httpx's test of a port above 65535 found this: the simulator passed 123456 on to
    connect(), whose OverflowError the real run never gives. glibc keeps the low 16 bits, and
    refuses -1 as a service name (observed; the same calls on this host where it is Linux)."""
    with patched("linux"):
        simulated = _resolve_ports()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", 65536 + 9), timeout=5)  # port 9, nobody there
    assert simulated == [
        ("127.0.0.1", 57920),
        ("127.0.0.1", 57920),
        ("127.0.0.1", 0),
        ("127.0.0.1", 4464),
        ("127.0.0.1", 5),
        ("gaierror", -8, "Servname not supported for ai_socktype"),
        ("127.0.0.1", 80),
    ]
    if get_profile("linux").sys_platform == __import__("sys").platform:  # numeric: no packet leaves
        assert _resolve_ports() == simulated


@pytest.mark.parametrize("profile", ["darwin", "freebsd", "windows"])
@pytest.mark.parametrize("port", [123456, -1])
def test_a_port_out_of_range_is_not_pretended_elsewhere(profile: str, port: int) -> None:
    with patched(profile), pytest.raises(NotImplementedError, match=f"getaddrinfo of .*{abs(port)}.* on {profile}"):
        socket.getaddrinfo("127.0.0.1", port)


class _Flag:
    """An argument that is an int only through ``__index__``, as CPython's C ints accept."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


def test_getaddrinfo_reads_its_numbers_and_bytes_hosts_as_cpython_does() -> None:
    def answers() -> list[object]:
        got: list[object] = [
            sorted({a[4][0] for a in socket.getaddrinfo("127.0.0.1", 80, _Flag(0), _Flag(1), 0, _Flag(0))}),
            sorted({a[4][0] for a in socket.getaddrinfo(b"127.0.0.1", 80, type=socket.SOCK_STREAM)}),
        ]
        try:
            socket.getaddrinfo("127.0.0.1", 80, flags="1")  # type: ignore[arg-type]
        except TypeError as exc:
            got.append(type(exc).__name__)
        return got

    real = answers()  # numeric hosts only: nothing is looked up off the machine
    assert real == [["127.0.0.1"], ["127.0.0.1"], "TypeError"]
    with patched("linux"):
        assert answers() == real
        # a bytes name is what the C resolver gets, not a string to decode as IDNA 2003 (UnicodeError)
        for name in (b"xn--fa-hia.invalid", b"\xff.invalid"):
            with pytest.raises(socket.gaierror):
                socket.getaddrinfo(name, 80)


def _edge_answers() -> list[object]:
    """getaddrinfo's refusals that take no lookup (numeric hosts, or numeric-only flags)."""
    calls = [
        ("::1", "12345", 0, -1, 0),  # trio's test: an unknown socket type
        ("::1", "12345", 0, 99, 0),
        ("::1", "12345", 0, socket.SOCK_STREAM | getattr(socket, "SOCK_NONBLOCK", 0o4000), 0),
        ("::1", "12345", 0, socket.SOCK_RAW, 0),  # a raw socket has no service
        ("::1", 0, 0, socket.SOCK_RAW, 0),
        ("::1", None, 0, socket.SOCK_RAW, 0),
        ("127.0.0.1", "port", 0, socket.SOCK_STREAM, socket.AI_NUMERICSERV),  # trio's numeric-only try
        ("host", "port", 0, socket.SOCK_STREAM, socket.AI_NUMERICHOST | socket.AI_NUMERICSERV),
    ]
    got: list[object] = []
    for host, port, family, kind, flags in calls:
        try:
            got.append([(a[1], a[4][:2]) for a in socket.getaddrinfo(host, port, family, kind, 0, flags)])
        except socket.gaierror as exc:
            got.append(("gaierror", exc.errno, exc.strerror))
    return got


def test_getaddrinfo_refuses_unknown_types_raw_services_and_names_with_numeric_flags_as_glibc() -> None:
    """trio's test_socket.py found these: an unknown type gave ValueError (SocketKind(-1)), and a
    service name with AI_NUMERICSERV NotImplementedError, where glibc answers with gaierrors."""
    with patched("linux"):
        simulated = _edge_answers()
    assert simulated == [
        ("gaierror", -7, "ai_socktype not supported"),
        ("gaierror", -7, "ai_socktype not supported"),
        ("gaierror", -7, "ai_socktype not supported"),
        ("gaierror", -8, "Servname not supported for ai_socktype"),
        ("gaierror", -8, "Servname not supported for ai_socktype"),
        [(socket.SOCK_RAW, ("::1", 0))],
        ("gaierror", -2, "Name or service not known"),
        ("gaierror", -2, "Name or service not known"),
    ]
    if get_profile("linux").sys_platform == __import__("sys").platform:  # numeric or numeric-only: no lookup
        assert _edge_answers() == simulated
    with patched("darwin"), pytest.raises(NotImplementedError, match="AI_NUMERICSERV in getaddrinfo on darwin"):
        socket.getaddrinfo("127.0.0.1", "port", 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICSERV)


def test_a_swapped_module_function_has_the_real_ones_signature() -> None:
    """trio's tests bind getaddrinfo's arguments by inspect.signature(socket.getaddrinfo)."""
    import inspect

    real = inspect.signature(socket.getaddrinfo)
    with patched("linux"):
        assert inspect.signature(socket.getaddrinfo) == real


def _service_answers() -> list[object]:
    got: list[object] = []
    cases: list[tuple[object, int]] = [
        ("http", 0), ("domain", 0), ("ntp", 0), ("http", socket.SOCK_DGRAM), ("ntp", socket.SOCK_STREAM),
        (b"http", 0), ("HTTP", 0), ("nosuchservice", 0), ("http", socket.SOCK_RAW),
    ]  # fmt: skip
    for service, kind in cases:
        try:
            got.append([(a[1], a[4][1]) for a in socket.getaddrinfo("127.0.0.1", service, 0, kind)])  # type: ignore[arg-type]
        except socket.gaierror as exc:
            got.append((exc.errno, exc.strerror))
    return got


@pytest.mark.skipif(__import__("sys").platform != "linux", reason="glibc's answers, compared with this machine's")
def test_a_service_name_is_looked_up_per_socket_type_as_glibc_does() -> None:
    """trio's tests resolve 'http': the name's port for each type the services database has it
    for (the host's, as getservbyname reads it); none: EAI_SERVICE."""
    real = _service_answers()  # numeric host: nothing leaves the machine
    with patched("linux"):
        assert _service_answers() == real


def _v4mapped_answers() -> list[object]:
    v6, stream = socket.AF_INET6, socket.SOCK_STREAM
    mapped = socket.AI_V4MAPPED
    asked: list[tuple[Any, ...]] = [
        ("1.2.3.4", 80, v6, stream, 0, mapped),
        ("1.2.3.4", "http", v6, stream, 0, mapped),
        ("1.2.3.4", 80, v6, stream, 0, mapped | socket.AI_ALL),
        ("::1", 80, v6, stream, 0, mapped),
        ("1.2.3.4", 80, v6, stream, 0, mapped | socket.AI_NUMERICHOST),
        ("1.2.3.4", 80, socket.AF_INET, stream, 0, mapped),
        (None, 80, v6, stream, 0, mapped),
    ]
    return [[info[4] for info in socket.getaddrinfo(*args)] for args in asked]


@pytest.mark.skipif(not hasattr(socket, "AI_V4MAPPED"), reason="the host's CPython has no AI_V4MAPPED")
def test_getaddrinfo_maps_ipv4_addresses_with_ai_v4mapped_as_glibc() -> None:
    """trio resolves an AF_INET6 socket's IPv4 address so while IPV6_V6ONLY is off
    (``Profile.gai_v4mapped``); not modelled elsewhere."""
    with patched("linux"):
        simulated = _v4mapped_answers()
    as_mapped = [("::ffff:1.2.3.4", 80, 0, 0)]
    assert simulated == [
        as_mapped,
        as_mapped,
        as_mapped,
        [("::1", 80, 0, 0)],
        as_mapped,
        [("1.2.3.4", 80)],
        [("::1", 80, 0, 0)],
    ]
    if sys.platform == "linux":
        assert _v4mapped_answers() == simulated
    with patched("darwin"), pytest.raises(NotImplementedError, match="AI_V4MAPPED"):
        socket.getaddrinfo("1.2.3.4", 80, socket.AF_INET6, 0, 0, socket.AI_V4MAPPED)
