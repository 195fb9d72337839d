"""A tiny greeting service and its client: the code under test of the sample project."""

from __future__ import annotations

import socket


def serve_once(server: socket.socket, greeting: bytes) -> None:
    """Accept one client, send it the greeting, close the connection."""
    conn, _ = server.accept()
    with conn:
        conn.sendall(greeting)


def fetch_greeting(address: tuple[str, int], timeout: float = 5.0) -> bytes:
    """Connect, read until the server closes, return what it sent."""
    with socket.create_connection(address, timeout=timeout) as sock:
        chunks = []
        while True:
            data = sock.recv(1024)
            if not data:
                return b"".join(chunks)
            chunks.append(data)
