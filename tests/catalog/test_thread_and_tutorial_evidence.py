"""The cross-thread and tutorial-claims tables (issues 10 and 11): which non-Linux cells are still
only inferred or unknown, so that a cell cannot silently fall back to weaker evidence and a
cell that gains a source leaves this list."""

from __future__ import annotations

from sockbehave.catalog import default_root
from sockbehave.tables import OSES, load_table

TOPICS = ("cross-thread", "tutorial-claims")

#: (scenario, step, OS) of every non-Linux cell in TOPICS still without a tested or documented
#: source, each with what would settle it in its note.
STILL_WEAK = {
    ("tcp.close-while-accept-blocked", "connect-after-close", "windows"),
    ("tcp.shutdown-rd-listener-wakes-accept", "accept-after-shutdown", "windows"),
    ("tcp.shutdown-rd-listener-wakes-accept", "accept-finally", "windows"),
    ("tcp.shutdown-rd-listener-wakes-accept", "connect-after-shutdown", "windows"),
    ("tcp.shutdown-while-recv-blocked", "recv-finally", "windows"),
    ("tcp.bind-gethostname", "resolves-to", "darwin"),
    ("tcp.bind-gethostname", "connect-127-0-0-1", "darwin"),
    ("tcp.bind-gethostname", "connect-host-name-address", "darwin"),
    ("tcp.time-wait-duration", "bind-succeeds", "windows"),
    ("tcp.tw-reuse-outgoing-connect", "rebind-plain", "windows"),
    ("tcp.tw-reuse-outgoing-connect", "connect-same-peer", "windows"),
    ("tcp.accept-from-nonblocking-listener", "recv-before-data-arrives", "windows"),
    # a recvfrom waiting when SD_BOTH shuts its UDP socket: no upstream source (a Windows run settles it)
    ("udp.shutdown-wakes-recvfrom", "recvfrom-after-shutdown", "windows"),
    ("udp.shutdown-wakes-recvfrom", "recvfrom-finally", "windows"),
}


def _weak_cells() -> set[tuple[str, str, str]]:
    weak = set()
    for topic in TOPICS:
        for sid, steps in load_table(default_root() / topic / "expected.toml").items():
            for step, cells in steps.items():
                for os_name in OSES[1:]:
                    if cells[os_name].evidence in ("inferred", "unknown"):
                        weak.add((sid, step, os_name))
    return weak


def test_only_the_listed_cells_are_still_inferred_or_unknown() -> None:
    assert _weak_cells() == STILL_WEAK
