"""tcp.sendall-delivers-everything: sendall() keeps sending until every byte is taken.

Look at peer-received: all 4194304 bytes arrive, sent by one sendall call, which returns
None only once all of them are in the kernel's hands.
"""

import socket
import threading

SIZE = 4 * 1024 * 1024
received: list[int] = []

with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()


def read_all() -> None:
    total = 0
    while chunk := server.recv(65536):
        total += len(chunk)
    received.append(total)


with client, server:
    server.settimeout(5.0)
    reader = threading.Thread(target=read_all)
    reader.start()
    client.sendall(bytes(SIZE))
    print("sendall -> None")
    client.shutdown(socket.SHUT_WR)  # end of stream: the reader stops
    reader.join(5.0)
    print("peer-received ->", received[0] if received else "nothing: the reader did not finish")
