"""The real-stack half of the comparison: run one case's programs on this machine's kernel.

Run only inside a private network namespace (the tutorials use fixed ports): the ``netns``
fixture starts it there with ``lo`` up. argv[1] is the case as JSON, ``[port, proto, together,
[[server, [client, ...]], ...]]`` with each program as ``[source, loops, inputs, stop]`` (the
server may be null); it prints every transcript as JSON, as ``run_phases`` orders them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

sys.path.insert(0, str(Path(__file__).parent))

from harness import Program, run_phases


def listening(port: int, proto: str) -> Callable[[], None]:
    """Wait (bounded) until the kernel's table shows ``port`` listening (TCP) or bound (UDP)."""
    table = Path(f"/proc/net/{proto}")
    want = f":{port:04X}"

    def ready() -> None:
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            for row in table.read_text().splitlines()[1:]:
                fields = row.split()
                if fields[1].endswith(want) and (proto == "udp" or fields[3] == "0A"):
                    return
            time.sleep(0.005)  # polling a condition, bounded by the deadline
        raise SystemExit(f"nothing listens on {proto} port {port} after 10 s")

    return ready


def program(spec: Optional[list[Any]]) -> Optional[Program]:
    return None if spec is None else Program(*spec)


def main() -> None:
    port, proto, together, phases = json.loads(sys.argv[1])
    made = [(program(server), [Program(*c) for c in clients]) for server, clients in phases]
    transcripts = run_phases(made, listening(port, proto), together=together)
    print(json.dumps(transcripts))


if __name__ == "__main__":
    main()
