"""Name resolution on the simulated host: what ``gethostname``, ``getaddrinfo`` and
``gethostbyname`` answer there.

Owns: turning host strings into numeric addresses the kernel understands, per profile. The
names it knows are ``localhost`` (``Profile.localhost_addresses``), the host's own name
(``Profile.hostname`` -> ``Profile.hostname_addresses``) and numeric addresses, including the
numbers-and-dots forms ``inet_aton(3)`` accepts (``"123123231"`` is 7.86.182.31 on every OS).
Names under ``.invalid`` (RFC 6761), and strings that cannot be host names at all
(``"::1q"``, ``"0.1.1.~1"``), do not resolve: ``socket.gaierror`` with the profile's
EAI_NONAME. Any other name needs DNS. The simulated host's nameserver is off the host, where
nothing answers (``offhost_route``): where the profile says how its resolver then gives up
(``Profile.dns_no_answer``; linux: after 10 s, ``gaierror`` EAI_AGAIN, and ``herror``
TRY_AGAIN for a reverse lookup), the lookup waits that long in virtual time and fails so;
elsewhere it raises ``NotImplementedError`` naming the name, rather than claiming the name
does not exist.

It never touches the host's resolver, files or network. Deviation: ``getaddrinfo`` with no
socket type lists SOCK_STREAM, SOCK_DGRAM and SOCK_RAW for each address, in glibc's order,
on every profile; service names (``"http"``) are not modelled, numeric ports are. A port
above 65535, or a negative one, is the profile's (``gai_port_bits``, ``gai_bad_service``:
glibc keeps the low 16 bits and refuses -1 as a service name; not modelled elsewhere).
"""

from __future__ import annotations

import _socket
import contextlib
import functools
import ipaddress
import operator
import re
import socket
from collections.abc import Callable
from typing import Any, Optional, Union

from .kernel import NotModelled
from .profiles import Profile, once_per_profile

__all__ = ["Resolver", "inet_aton_form"]

Port = Union[int, str, bytes, None]
#: What could be a DNS name at all (letters, digits, '-', '_' as glibc allows, dot-separated).
_HOSTNAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
_PROTO: dict[int, int] = {socket.SOCK_STREAM: socket.IPPROTO_TCP, socket.SOCK_DGRAM: socket.IPPROTO_UDP}
_ANY_TYPES = (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW)  # glibc's order for type 0
#: Types some resolver answers with protocols the simulation has not (SCTP, DCCP): not modelled.
_OTHER_KNOWN_TYPES = (5, 6)  # SOCK_SEQPACKET, SOCK_DCCP (Linux's numbers)


def inet_aton_form(text: str) -> Optional[str]:
    """The dotted quad for an ``inet_aton(3)`` numbers-and-dots string (``a``, ``a.b``,
    ``a.b.c``, ``a.b.c.d``; each part decimal, ``0x`` hex or ``0`` octal), else None."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                values.append(int(part[2:], 16) if part[2:] else 0)
            elif len(part) > 1 and part.startswith("0"):
                values.append(int(part[1:], 8))
            else:
                values.append(int(part, 10) if part.isdigit() else -1)
        except ValueError:
            return None
    if any(v < 0 for v in values) or any(v > 255 for v in values[:-1]):
        return None
    last_bytes = 4 - (len(values) - 1)
    if values[-1] >= 1 << (8 * last_bytes):
        return None
    number = values[-1]
    for i, v in enumerate(values[:-1]):
        number |= v << (8 * (3 - i))
    return str(ipaddress.IPv4Address(number))


#: id(profile) -> (that profile, its ``Resolver.address`` answers); the profile is kept, so an
#: id is never reused while its entry lives (the same scheme as ``network._errno_names``).
_FIRST: dict[int, tuple[Profile, dict[tuple[str, int], str]]] = {}
_FIRST_LIMIT = 4096


class Resolver:
    """The simulated host's resolver for one profile."""

    def __init__(self, profile: Profile, wait: Optional[Callable[[float, str], None]] = None) -> None:
        self.profile = profile
        #: Waits in the calling thread for (seconds, what): ``Network`` gives its scheduler's
        #: virtual wait; without one, a lookup that would wait is not modelled.
        self._wait = wait
        # address()'s answers: a profile's never change, so every network of it shares them
        # (parsing them again for each new network was a tenth of a small scenario's cost).
        self._first: dict[tuple[str, int], str] = once_per_profile(_FIRST, profile, dict)

    def _gaierror(self, host: str) -> socket.gaierror:
        number, message = self.profile.gai_noname
        del host  # CPython's message does not name the host either
        return socket.gaierror(number, message)

    def _unknown_type(self, type: int) -> None:
        """A socket type ``getaddrinfo`` answers otherwise (SOCK_SEQPACKET with SCTP, DCCP) is not
        modelled; one the resolver knows nothing of fails (``Profile.gai_bad_socktype``)."""
        if type in _OTHER_KNOWN_TYPES or self.profile.gai_bad_socktype is None:
            raise NotModelled(f"getaddrinfo of socket type {type} on {self.profile.name}")
        raise socket.gaierror(*self.profile.gai_bad_socktype)

    def bytes_host(self, host: bytes) -> str:
        """A host name given as bytes: CPython hands it to the C resolver as it is (only a str
        is IDNA-encoded first), and no name with a byte past ASCII resolves."""
        try:
            return host.decode("ascii")
        except UnicodeDecodeError:
            raise self._gaierror(repr(host)) from None

    def _port(self, port: Port) -> int:
        """The port number of ``getaddrinfo``'s service: CPython passes an int as its decimal text."""
        if port is None:
            return 0
        if isinstance(port, int):
            if not -(2**63) <= port < 2**63:  # CPython's PyLong_AsLong on a 64-bit C long
                raise OverflowError("Python int too large to convert to C long")
            text = str(port)
        else:
            text = port.decode() if isinstance(port, bytes) else port
        if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
            if self.profile.gai_bad_service is None:
                raise NotModelled(f"getaddrinfo of the negative port {text} on {self.profile.name}")
            raise socket.gaierror(*self.profile.gai_bad_service)
        if not (text.isascii() and text.isdigit()):
            raise NotModelled(f"service names in getaddrinfo ({text!r}); give the port number")
        number = int(text)
        if number > 65535:
            bits = self.profile.gai_port_bits
            if bits is None:
                raise NotModelled(f"getaddrinfo of port {number}, above 65535, on {self.profile.name}")
            number &= (1 << bits) - 1
        return number

    def gethostname(self) -> str:
        return self.profile.hostname

    def addresses(self, host: str, family: int = 0) -> list[str]:
        """Numeric addresses for ``host`` (of ``family``, or any), in the order the OS gives."""
        found = self._lookup(host)
        wanted = [a for a in found if _family_of(a) == family or family == 0]
        if not wanted:
            raise self._gaierror(host)
        return wanted

    def address(self, host: str, family: int) -> str:
        """The first of ``addresses(host, family)``: what a socket call connects or binds to,
        remembered (every socket call resolves its address; a failed lookup is not remembered)."""
        found = self._first.get((host, family))
        if found is None:
            found = self.addresses(host, family)[0]
            if len(self._first) >= _FIRST_LIMIT:  # a scanner's thousands of addresses: start again
                self._first.clear()
            self._first[(host, family)] = found
        return found

    def _lookup(self, host: str) -> list[str]:
        p = self.profile
        numeric = _numeric(host)
        if numeric is not None:
            return [numeric]
        dotted = inet_aton_form(host)
        if dotted is not None:
            return [dotted]
        name = host.rstrip(".").lower()
        if name == "localhost":
            return list(p.localhost_addresses)
        if name == p.hostname.lower():
            return list(p.hostname_addresses)
        if name.endswith(".invalid") or name == "invalid" or not _HOSTNAME.match(name):
            raise self._gaierror(host)  # no resolver anywhere answers these
        _, forward, _ = self._unanswered(f"resolving {host!r}")
        raise socket.gaierror(*forward)

    def _unanswered(self, what: str) -> tuple[float, tuple[int, str], tuple[int, str]]:
        """A query only DNS could answer: wait, as the OS's resolver does, for the nameserver
        off the host that never answers (``Profile.dns_no_answer``); its facts."""
        no_answer = self.profile.dns_no_answer
        if no_answer is None or self._wait is None:
            raise NotModelled(
                f"{what} on {self.profile.name} (the simulated host's nameserver never answers; use an address)"
            )
        self._wait(no_answer[0], f"{what} (DNS: the nameserver does not answer)")
        return no_answer

    def gethostbyname(self, host: str) -> str:
        if host == "":
            return "0.0.0.0"  # noqa: S104 - CPython's setipaddr: "" is INADDR_ANY
        return self.addresses(host, socket.AF_INET)[0]

    def gethostbyname_ex(self, host: str) -> tuple[str, list[str], list[str]]:
        addresses = self.addresses(host, socket.AF_INET)
        return host, [], addresses

    def gethostbyaddr(self, address: str) -> tuple[str, list[str], list[str]]:
        numeric = self.addresses(address)[0]
        if numeric in self.profile.hostname_addresses or numeric == self.profile.lan_address:
            return self.profile.hostname, [], [numeric]
        if ipaddress.ip_address(numeric).is_loopback:
            return "localhost", [], [numeric]
        _, _, reverse = self._unanswered(f"reverse lookup of {numeric}")
        raise socket.herror(*reverse)

    def getaddrinfo(
        self, host: Any, port: Port, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> list[tuple[socket.AddressFamily, socket.SocketKind, int, str, tuple[Any, ...]]]:
        """As ``socket.getaddrinfo``, answered by this profile's resolver."""
        # CPython's "iiii" arguments: any object with __index__ (a C int), else TypeError
        family, type, proto, flags = map(operator.index, (family, type, proto, flags))
        if flags & _AI_NUMERICSERV and isinstance(port, (str, bytes)) and not _numeric_service(port):
            if self.profile.gai_numericserv_name is None:
                raise NotModelled(f"a service name with AI_NUMERICSERV in getaddrinfo on {self.profile.name}")
            raise socket.gaierror(*self.profile.gai_numericserv_name)
        if type not in (0, *_ANY_TYPES):
            self._unknown_type(type)
        named = isinstance(port, (str, bytes)) and bool(port) and not _numeric_service(port)
        ports = self._service_ports(port) if named else None  # type: ignore[arg-type]
        number = 0 if named else self._port(port)
        if type == socket.SOCK_RAW and port is not None:  # a raw socket has no service, not even "0"
            if self.profile.gai_bad_service is None:
                raise NotModelled(f"getaddrinfo of SOCK_RAW with a port on {self.profile.name}")
            raise socket.gaierror(*self.profile.gai_bad_service)
        if isinstance(host, (bytes, bytearray)):
            host = self.bytes_host(bytes(host))
        if host is None:
            passive = flags & socket.AI_PASSIVE
            hosts = ["0.0.0.0", "::"] if passive else ["::1", "127.0.0.1"]  # noqa: S104 - simulated
            addresses = [h for h in hosts if family in (0, _family_of(h))]
        elif flags & socket.AI_NUMERICHOST and inet_aton_form(host) is None and not _is_ip(host):
            raise self._gaierror(host)
        elif family == socket.AF_INET6 and flags & _AI_V4MAPPED:
            addresses = self._v4mapped(str(host), bool(flags & _AI_ALL))
        else:
            addresses = self.addresses(str(host), family)
        types = [type] if type else list(_ANY_TYPES)
        if ports is not None:  # only the types the service has a port for
            types = [kind for kind in types if kind in ports]
            if not types:
                assert self.profile.gai_bad_service is not None  # _service_ports refused it otherwise
                raise socket.gaierror(*self.profile.gai_bad_service)
        out = []
        for address in addresses:
            fam = socket.AddressFamily(_family_of(address))
            for kind in types:
                n = number if ports is None else ports[kind]
                sockaddr: tuple[Any, ...] = (address, n) if fam == socket.AF_INET else (address, n, 0, 0)
                out.append((fam, socket.SocketKind(kind), proto or _PROTO.get(kind, 0), "", sockaddr))
        return out

    def _v4mapped(self, host: str, every: bool) -> list[str]:
        """``AF_INET6`` addresses with ``AI_V4MAPPED`` (``Profile.gai_v4mapped``): the IPv6 ones,
        else (and with ``every``, AI_ALL, after them) the IPv4 ones as v4-mapped IPv6 addresses."""
        if self.profile.gai_v4mapped is None:
            raise NotModelled(f"AI_V4MAPPED in getaddrinfo on {self.profile.name}")
        found = self._lookup(host)
        v6 = [a for a in found if _family_of(a) == socket.AF_INET6]
        mapped = [f"::ffff:{a}" for a in found if _family_of(a) == socket.AF_INET]
        addresses = v6 + mapped if every else (v6 or mapped)
        if not addresses:
            raise self._gaierror(host)
        return addresses

    def _service_ports(self, service: str | bytes) -> dict[int, int]:
        """A service name's port for each socket type it has one for (``Profile.gai_service_names``:
        the host's services database, as ``getservbyname`` reads it)."""
        text = service.decode("ascii", "replace") if isinstance(service, bytes) else service
        if not self.profile.gai_service_names or self.profile.gai_bad_service is None:
            raise NotModelled(f"service names in getaddrinfo ({text!r}) on {self.profile.name}; give the port number")
        ports = {}
        for kind, protocol in ((socket.SOCK_STREAM, "tcp"), (socket.SOCK_DGRAM, "udp")):
            with contextlib.suppress(OSError, UnicodeError):
                ports[int(kind)] = _socket.getservbyname(text, protocol)
        return ports


_AI_NUMERICSERV: int = int(getattr(socket, "AI_NUMERICSERV", 0))
_AI_V4MAPPED: int = int(getattr(socket, "AI_V4MAPPED", 0))
_AI_ALL: int = int(getattr(socket, "AI_ALL", 0))


def _numeric_service(port: str | bytes) -> bool:
    """Whether a service is a number (perhaps negative: ``_port``'s own rule), not a name."""
    text = port.decode("ascii", "replace") if isinstance(port, bytes) else port
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdigit()


def _family_of(address: str) -> int:
    return int(socket.AF_INET6 if ":" in address else socket.AF_INET)


@functools.lru_cache(maxsize=1024)
def _numeric(host: str) -> Optional[str]:
    """``host`` as a canonical numeric address, or None if it is not one."""
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


def _is_ip(host: str) -> bool:
    return _numeric(host) is not None
