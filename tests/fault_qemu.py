"""A ``qemu-system-arm`` stand-in that puts the fault proxy (``tests/fault_proxy.py``) between
QEMU's UART and the host, so the real ``micro-codegen validate`` -- its QEMU runner unchanged --
runs over a faulty link (``tests/validate/test_cli_faults.py``).

The QEMU runner starts ``qemu-system-arm ... -serial tcp:127.0.0.1:PORT,server=on,...`` and
connects to PORT. Found first on PATH, this script listens on PORT itself, starts the real QEMU
(same arguments, its UART on another free port), connects to that and serves PORT through a
:class:`~fault_proxy.FaultProxy`. QEMU inherits stdout/stderr and the process group (the runner
stops both as a group; SIGTERM to this script alone, e.g. its parent-death signal, stops QEMU
too); the exit code is QEMU's. ``-serial pty`` runs the real QEMU directly.

``$FAULT_QEMU`` names a JSON file::

    {"qemu": "/usr/bin/qemu-system-arm",            the real one
     "to_target": {"drop": 0.001, "seed": 1},       Faults(...) of each direction
     "to_host": {"seed": 2},
     "stale": 0.5, "stale_seed": 3,                 StaleAnswers(rate, seed)
     "report": "/tmp/.../report.json"}

The report, written when the proxy has stopped: ``{"to_target": counts, "to_host": counts,
"stale": stale answers sent, "error": the proxy thread's error or null}``.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_proxy import FaultProxy, Faults, StaleAnswers  # noqa: E402

from micro_codegen.runners.qemu import free_tcp_port  # noqa: E402
from micro_codegen.runners.transport import SerialTransport  # noqa: E402

SERIAL = re.compile(r"tcp:127\.0\.0\.1:(\d+)(,.*)")
CONNECT_TIMEOUT = 10.0


def _connect(qemu: subprocess.Popen, port: int) -> SerialTransport:
    """The real QEMU's UART (it listens once started; a QEMU that exits first fails here)."""
    import serial
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        if qemu.poll() is not None:
            sys.exit(qemu.returncode)              # its error is on the shared stderr already
        try:
            return SerialTransport(serial.serial_for_url(f"socket://127.0.0.1:{port}", timeout=1.0),
                                   "real QEMU UART")
        except (serial.SerialException, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def main(argv: list[str]) -> int:
    cfg = json.loads(Path(os.environ["FAULT_QEMU"]).read_text())
    k = argv.index("-serial") if "-serial" in argv else -1
    m = SERIAL.fullmatch(argv[k + 1]) if 0 <= k < len(argv) - 1 else None
    if m is None:
        os.execv(cfg["qemu"], [cfg["qemu"]] + argv)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        server.bind(("127.0.0.1", int(m.group(1))))
    except OSError as e:                          # the runner retries with another port on "in use"
        print(f"qemu-system-arm: -serial {argv[k + 1]}: Failed to bind socket: {e.strerror}", file=sys.stderr)
        return 1
    server.listen(1)
    inner = free_tcp_port()
    qemu_argv = argv[:k + 1] + [f"tcp:127.0.0.1:{inner}{m.group(2)}"] + argv[k + 2:]
    qemu = subprocess.Popen([cfg["qemu"]] + qemu_argv, stdin=subprocess.DEVNULL)   # in our process group
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    proxy = None
    try:
        proxy = FaultProxy(_connect(qemu, inner), Faults(**cfg.get("to_target", {})),
                           Faults(**cfg.get("to_host", {})),
                           StaleAnswers(cfg.get("stale", 0.0), cfg.get("stale_seed", 0)), server=server)
        proxy.start()
        while qemu.poll() is None:
            time.sleep(0.05)
        return qemu.returncode
    finally:
        if proxy is not None:
            proxy.stop()
            Path(cfg["report"]).write_text(json.dumps({
                "to_target": proxy.to_target.counts, "to_host": proxy.to_host.counts,
                "stale": len(proxy.stale.injected), "error": proxy.error}))
        if qemu.poll() is None:
            qemu.terminate()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
