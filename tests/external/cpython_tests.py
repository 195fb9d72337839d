"""Opt-in: CPython's own loopback TCP/UDP tests inside ``patched("linux")`` (or ``--os``).

Owns: running another project's socket tests against the simulator and counting what happens.
Not part of the suite (pytest does not collect this file) and nothing of CPython's is copied:
the test modules come from the interpreter's own ``test`` package (install it where a distro
splits it out). The suites: ``test_socket`` (its loopback TCP/UDP classes),
``test_socketserver``, ``test_selectors``, five of ``test_asyncio``'s, the HTTP and
XML-RPC servers and clients of ``test_httpservers``, ``test_urllib2_localnet``,
``test_httplib``, ``test_xmlrpc``, ``test_docxmlrpc`` and ``test_wsgiref``, the FTP, POP3,
SMTP, IMAP and telnet clients against their suites' loopback servers, and ``test_logging``'s
socket handlers (``SUITES``; a suite the interpreter lacks is skipped). Each test runs in its own ``patched("linux")``
block; each class runs in a child process with a wall-clock limit, and a test that hangs for
real is recorded as ``hang`` and the child is restarted after it, so nothing can hang the run
(``harness.py``, shared with ``tornado_tests.py``).
``--os`` names another profile: the suites expect the host they were imported on, so there a
failed assertion may be that OS's difference, and only an error other than
``NotImplementedError``, a deadlock or a hang points at the simulator.

The one adaptation (``LATE_BOUND``): a module-level alias the suite takes of a function the
simulation swaps (``from time import monotonic as time``, ``_real_select = select.select``,
``socketpair = socket.socketpair``) is the real function for ever, and would read the real
clock or wait on real descriptors from inside the block. The child points each such alias at the module attribute, looked up when
called, which is what the suite's code would get had it written ``time.monotonic()``.

    python tests/external/cpython_tests.py [--os NAME] [--timeout S] [--json FILE] [--suite NAME] [Class ...]

Prints one line per class (pass / fail / error / not-modelled / deadlock / skip / hang) and a
total; ``--json`` writes every test's outcome. Exit status 0 unless a child could not run.
"""

from __future__ import annotations

import sys

from harness import Project, main  # tests/external/harness.py, beside this script

SOCKET_CLASSES = (
    "BasicTCPTest",
    "BasicTCPTest2",
    "BasicUDPTest",
    "NonBlockingTCPTests",
    "FileObjectClassTestCase",
    "UnbufferedFileObjectClassTestCase",
    "LineBufferedFileObjectClassTestCase",
    "SmallBufferedFileObjectClassTestCase",
    "NetworkConnectionNoServer",
    "NetworkConnectionAttributesTest",
    "NetworkConnectionBehaviourTest",
    "BasicSocketPairTest",
    "TCPTimeoutTest",
    "UDPTimeoutTest",
    "TestSocketSharing",
    "ContextManagersTest",
    "InheritanceTest",
    "SendfileUsingSendTest",
    "CreateServerTest",
    "CreateServerFunctionalTest",
    "TCPCloserTest",
    "UnicodeReadFileObjectClassTestCase",
    "UnicodeWriteFileObjectClassTestCase",
    "UnicodeReadWriteFileObjectClassTestCase",
    "SendmsgTCPTest",
    "SendmsgUDPTest",
    "SendmsgUDP6Test",
    "RecvmsgTCPTest",
    "RecvmsgUDPTest",
    "RecvmsgUDP6Test",
    "RecvmsgIntoTCPTest",
    "RecvmsgIntoUDPTest",
    "InterruptedRecvTimeoutTest",
    "InterruptedSendTimeoutTest",
)


#: The classes run per suite (module of the ``test`` package).
SUITES: dict[str, tuple[str, ...]] = {
    "test_socket": SOCKET_CLASSES,
    "test_socketserver": ("SocketServerTest", "ErrorHandlerTest", "SocketWriterTest", "MiscTestCase"),
    "test_selectors": (
        "DefaultSelectorTestCase",
        "SelectSelectorTestCase",
        "PollSelectorTestCase",
        "EpollSelectorTestCase",
    ),
    "test_asyncio.test_sock_lowlevel": ("EPollEventLoopTests", "PollEventLoopTests", "SelectEventLoopTests"),
    "test_asyncio.test_sendfile": ("EPollEventLoopTests", "PollEventLoopTests", "SelectEventLoopTests"),
    "test_asyncio.test_streams": ("StreamTests",),
    "test_asyncio.test_server": ("SelectorStartServerTests",),
    "test_asyncio.test_events": ("EPollEventLoopTests", "PollEventLoopTests", "SelectEventLoopTests"),
    "test_httpservers": ("BaseHTTPServerTestCase", "SimpleHTTPServerTestCase", "RequestHandlerLoggingTestCase"),
    "test_urllib2_localnet": ("TestUrlopen", "BasicAuthTests", "ProxyAuthTests"),
    "test_httplib": ("SourceAddressTest", "TimeoutTest"),
    "test_xmlrpc": (
        "SimpleServerTestCase",
        "SimpleServerEncodingTestCase",
        "KeepaliveServerTestCase1",
        "KeepaliveServerTestCase2",
        "GzipServerTestCase",
        "HeadersServerTestCase",
        "MultiPathServerTestCase",
        "FailingServerTestCase",
        "ServerProxyTestCase",
    ),
    # clients and servers of other protocols, over loopback (asyncore or socketserver servers)
    "test_ftplib": ("TestFTPClass", "TestIPv6Environment", "TestTLS_FTPClassMixin", "TestTimeouts"),
    "test_poplib": ("TestPOP3Class", "TestPOP3_SSLClass", "TestPOP3_TLSClass", "TestTimeouts"),
    "test_smtplib": (
        "DebuggingServerTests",
        "SMTPSimTests",
        "SMTPUTF8SimTests",
        "SMTPAUTHInitialResponseSimTests",
    ),
    "test_imaplib": ("NewIMAPTests", "NewIMAPSSLTests", "ThreadedNetworkedTests"),
    "test_logging": (
        "SocketHandlerTest",
        "DatagramHandlerTest",
        "SysLogHandlerTest",
        "IPv6SysLogHandlerTest",
        "HTTPHandlerTest",
        "UnixSocketHandlerTest",
        "UnixDatagramHandlerTest",
        "UnixSysLogHandlerTest",
    ),
    "test_telnetlib": ("GeneralTests",),  # (removed in 3.13)
    "test_wsgiref": ("IntegrationTests",),
    "test_docxmlrpc": ("DocXMLRPCHTTPGETServer",),
}

#: Per suite: module-level aliases of swapped functions, and the ``module.attribute`` each
#: names (see the module docstring).
LATE_BOUND: dict[str, dict[str, str]] = {
    "test_socketserver": {"_real_select": "select.select"},
    "test_selectors": {"time": "time.monotonic", "sleep": "time.sleep", "socketpair": "socket.socketpair"},
}


PROJECT = Project(
    name="CPython's test package",
    script=__file__,
    package="test",
    suites=SUITES,
    late_bound=LATE_BOUND,
)


if __name__ == "__main__":
    sys.exit(main(PROJECT, __doc__.splitlines()[0]))
