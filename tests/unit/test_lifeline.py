"""A child that asked for it dies with its parent, so no orphan keeps a partition or a port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

CHILD = textwrap.dedent(
    """
    import subprocess, sys
    from service.runtime.lifeline import die_with_parent
    grandchild = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], preexec_fn=die_with_parent
    )
    print(grandchild.pid, flush=True)
    sys.stdin.read()  # until the test kills us
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_grandchild_gets_sigterm_when_its_parent_dies() -> None:
    """Killing the parent (-9) ends the process that called die_with_parent in preexec."""
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    grandchild = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 30  # a safety net: the kernel signals at once
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            return
        # A zombie reparented to us (as subreaper) would linger: reap it if it is ours.
        time.sleep(0.05)
    os.kill(grandchild, signal.SIGKILL)
    pytest.fail("the grandchild outlived its parent")
