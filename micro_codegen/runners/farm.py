"""The ``labgrid`` runner: a board of a labgrid farm (``--runner labgrid --place NAME
[--coordinator HOST:PORT]``), reached through labgrid's client API (https://labgrid.org,
the gRPC ``labgrid-coordinator`` of labgrid >= 24, no crossbar; ``pip install
'micro-codegen[labgrid]'`` installs labgrid >= 26).

1. Connect to the coordinator (``--coordinator``, else ``$LG_COORDINATOR``, else labgrid's
   default 127.0.0.1:20408) and acquire the place. A place this user already holds on this
   host (``labgrid-client -p NAME acquire`` beforehand) is used and left acquired; a place held
   by anyone else is refused, naming the holder.
2. Build a labgrid ``Target`` from the place's resources (``RemotePlace``). It must have exactly
   one ``NetworkSerialPort`` (an exporter's ``USBSerialPort`` / ``RawSerialPort`` served by
   ser2net over RFC 2217, or a raw TCP port).
3. "Flash", by the board's kind:
   - a real board: labgrid's ``OpenOCDDriver`` on the place's ``USBDebugger`` (J-Link, ST-Link,
     CMSIS-DAP...), with the board's ``[runner_args] openocd`` turned into OpenOCD commands, then
     ``program {image} verify reset exit`` (:func:`openocd_commands`). labgrid copies the image
     to the exporter and runs OpenOCD there over SSH.
   - a QEMU board: QEMU runs here, on the exporter's machine. The place's serial port is an
     exporter ``RawSerialPort`` whose ``port`` path (e.g. ``/dev/shm/micro-codegen/qemu-1``) this
     runner points, as a symlink, at the pseudo-terminal of a fresh ``qemu-system-arm -serial
     pty -kernel IMAGE``; the exporter's ser2net serves that path. Booting QEMU is this place's
     "flash"; the place must be exported from this machine.
4. Open the serial port with labgrid's ``SerialDriver`` (which also handles exporters behind
   an SSH proxy) and hand its pyserial object to the validation protocol as a
   :class:`~micro_codegen.runners.transport.SerialTransport`: the same protocol code as every
   other runner.

``stop()`` (also on errors, Ctrl-C and SIGTERM, which the CLI turns into SystemExit: from
``with runner``) closes the port, stops QEMU, removes the symlink and releases the place; a
failed release is an error of its own. A process killed outright (SIGKILL) cannot release:
``labgrid-client -p NAME release`` does (QEMU dies with it: runners/qemu.py).
labgrid is imported only here, when the runner starts, so micro_codegen works without it.
"""
from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import socket
from pathlib import Path

from ..errors import BoardConfigError, ToolchainError, ValidationError
from .base import Runner, register
from .transport import SerialTransport

DEFAULT_COORDINATOR = "127.0.0.1:20408"         # labgrid's own default
INSTALL_HINT = "pip install 'micro-codegen[labgrid]', or run scripts/setup.sh"
SERIAL_CLASSES = ("NetworkSerialPort",)
PROBE_CLASSES = ("USBDebugger", "NetworkUSBDebugger")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def openocd_commands(board) -> list[str]:
    """The OpenOCD commands that flash ``board``: its ``[runner_args] openocd`` as commands
    (``-f FILE`` -> ``source [find FILE]``, ``-s DIR`` -> ``add_script_search_dir DIR``, ``-c CMD``
    -> CMD), then ``program {IMAGE} verify reset exit`` (``{filename}``: labgrid's placeholder for
    the image's path on the exporter)."""
    args = list((getattr(board, "runner_args", None) or {}).get("openocd") or ())
    if not args:
        raise ToolchainError(f"board '{board.name}' has no [runner_args] openocd = [...] (probe/target "
                             f"arguments): labgrid flashes real boards with OpenOCD")
    as_command = {"-f": "source [find {}]", "--file": "source [find {}]", "-s": "add_script_search_dir {}",
                  "--search": "add_script_search_dir {}", "-c": "{}", "--command": "{}"}
    if len(args) % 2:
        raise BoardConfigError(f"board '{board.name}': [runner_args] openocd must be option/value pairs, "
                               f"got {args}")
    commands = []
    for option, value in zip(args[::2], args[1::2]):
        if option not in as_command:
            raise BoardConfigError(f"board '{board.name}': [runner_args] openocd option {option!r} cannot be "
                                   f"passed through labgrid (use -f, -s or -c)")
        # labgrid fills {filename} with str.format: literal braces are doubled
        commands.append(as_command[option].format(value).replace("{", "{{").replace("}", "}}"))
    return commands + ["program {{{filename}}} verify reset exit"]


@contextlib.contextmanager
def _logged_errors():
    """The messages labgrid logs at ERROR level meanwhile (on the root logger), kept for our error
    message instead of printed by logging's last-resort handler."""
    said: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            said.append(record.getMessage())

    handler = Keep(logging.ERROR)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield said
    finally:
        root.removeHandler(handler)


def _check_rfc2217_client() -> None:
    """ToolchainError unless the ``serial`` package is labgrid's fork (pyserial-labgrid). Upstream
    pyserial 3.5 re-sends every RFC 2217 port setting whenever ``timeout`` changes, which the
    transport does on every read (runners/transport.py): the frames arrive damaged. Both packages
    install ``serial``; whichever pip installed last owns it."""
    import serial.rfc2217

    if "timeout" not in vars(serial.rfc2217.Serial):       # the fork's setter skips the re-negotiation
        raise ToolchainError("the installed 'serial' package is upstream pyserial, whose RFC 2217 client "
                             "re-negotiates the port at every read: labgrid's serial ports need its fork",
                             hint="pip install --force-reinstall --no-deps pyserial-labgrid "
                                  "(scripts/setup.sh does)")


def _is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.") or host in (socket.gethostname(), socket.getfqdn())


@register
class LabgridRunner(Runner):
    """A QEMU or real board on a labgrid place; ``start()`` returns its serial link."""

    name = "labgrid"
    session = None           # labgrid.remote.client.ClientSession
    target = None            # labgrid.Target of the place
    link: SerialTransport | None = None

    def __init__(self, board, project_dir, image, port: str | None = None, *, place: str | None = None,
                 coordinator: str | None = None):
        super().__init__(board, project_dir, image, port)
        if not place:
            raise BoardConfigError("--runner labgrid needs --place NAME (a place of the labgrid coordinator)")
        self.place = place
        self.coordinator = coordinator or os.environ.get("LG_COORDINATOR") or DEFAULT_COORDINATOR
        self.where = f"labgrid place '{place}' (coordinator {self.coordinator})"
        self.qemu = None         # runners.qemu.QemuRunner of a QEMU place
        self.cleanup_error = ""
        self._cleanup = contextlib.ExitStack()

    # ------------------------------------------------------------ lifecycle
    def check_programs(self) -> None:
        if importlib.util.find_spec("labgrid") is None:
            raise ToolchainError("labgrid is not installed: --runner labgrid needs it", hint=INSTALL_HINT)
        if self.board.is_simulated:
            from .qemu import qemu_program
            qemu_program()

    def start(self) -> SerialTransport:
        self.check_programs()
        self._acquire()
        self.target = self._target()
        serial_port = self._one(SERIAL_CLASSES, "serial port", "a USBSerialPort or RawSerialPort")
        if self.board.is_simulated:
            self._boot_qemu(serial_port)
        else:
            self._check_speed(serial_port)
            self._flash_openocd()
        self.link = self._open_serial(serial_port)
        return self.link

    def stop(self) -> None:
        """Close the port, stop QEMU, release the place (each step even if another failed)."""
        try:
            self._cleanup.close()
        except Exception as e:     # a cleanup step failed; the others have run
            self.cleanup_error = self.cleanup_error or f"{self.where}: cleanup failed ({e})"
        finally:
            self._cleanup = contextlib.ExitStack()
            self.link = None

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop()
        if self.cleanup_error and exc_type is None:
            raise ValidationError(self.cleanup_error, hint=f"labgrid-client -x {self.coordinator} -p {self.place} "
                                                           f"release")

    def diagnostics(self) -> str:
        parts = []
        if self.qemu is not None and self.qemu.diagnostics():
            parts.append(self.qemu.diagnostics())
        if self.cleanup_error:
            parts.append(self.cleanup_error)
        return "; ".join(parts)

    # ------------------------------------------------------------ the place
    def _run(self, coro):
        return self.session.loop.run_until_complete(coro)

    def _acquire(self) -> None:
        """Connect to the coordinator and acquire the place (or reuse it when this user on this
        host already holds it); the release is queued on the cleanup stack."""
        from labgrid.remote.client import Error, start_session

        with _logged_errors() as said:
            try:
                self.session = start_session(self.coordinator)
            except (Error, OSError) as e:
                raise ValidationError(f"labgrid coordinator {self.coordinator} is unreachable "
                                      f"({said[-1] if said else e})",
                                      hint="start labgrid-coordinator there, or pass --coordinator HOST:PORT "
                                           "(or set LG_COORDINATOR)") from None
        self._cleanup.callback(self._close_session)
        place = self.session.places.get(self.place)
        if place is None:
            known = ", ".join(sorted(self.session.places)) or "none"
            raise ValidationError(f"labgrid coordinator {self.coordinator} has no place '{self.place}' "
                                  f"(its places: {known})", hint=f"labgrid-client -p {self.place} create")
        me = f"{self.session.gethostname()}/{self.session.getuser()}"
        if place.acquired == me:
            return                  # acquired beforehand by this user: leave it acquired
        if place.acquired:
            raise ValidationError(f"{self.where} is acquired by {place.acquired}",
                                  hint="wait until it is released, or use another place")
        self._request("AcquirePlace", "acquire")
        self._cleanup.callback(self._release)

    def _request(self, rpc: str, what: str) -> None:
        import grpc
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

        request = getattr(pb, f"{rpc}Request")(placename=self.place)
        try:
            self._run(getattr(self.session.stub, rpc)(request))
            self._run(self.session.sync_with_coordinator())
        except grpc.aio.AioRpcError as e:
            raise ValidationError(f"cannot {what} {self.where}: {e.details()}") from None

    def _release(self) -> None:
        try:
            self._request("ReleasePlace", "release")
        except ValidationError as e:
            self.cleanup_error = str(e)

    def _close_session(self) -> None:
        session, self.session = self.session, None
        with contextlib.suppress(Exception):
            session.loop.run_until_complete(session.stop())
            session.loop.run_until_complete(session.close())

    def _target(self):
        """A labgrid Target holding the place's resources (as ``labgrid-client`` builds it)."""
        from labgrid import Target
        from labgrid.remote.client import Error
        from labgrid.resource.remote import RemotePlace, RemotePlaceManager

        manager = RemotePlaceManager.get()
        manager.session, manager.loop = self.session, self.session.loop
        target = Target(self.place)
        try:
            RemotePlace(target, name=self.place)
        except Error as e:
            raise ValidationError(f"{self.where}: {e}") from None
        self._cleanup.callback(self._forget_target, manager, target)
        return target

    @staticmethod
    def _forget_target(manager, target) -> None:
        """Deactivate the target's drivers and drop its resources from labgrid's (process-wide)
        place manager, so that runs in one process do not pile up."""
        try:
            target.cleanup()
        finally:
            manager.resources = [r for r in manager.resources if r.target is not target]
            manager.unmanaged_resources = [r for r in manager.unmanaged_resources if r.target is not target]

    def _resources(self, classes) -> list:
        return [r for r in self.target.resources if type(r).__name__ in classes]

    def _one(self, classes, what: str, example: str):
        found = self._resources(classes)
        if not found:
            raise ValidationError(f"{self.where} has no {what} resource ({' / '.join(classes)}); add {example} to "
                                  f"its exporter's config and match it to the place")
        if len(found) > 1:
            raise ValidationError(f"{self.where} has {len(found)} {what} resources "
                                  f"({', '.join(r.name for r in found)}); keep one in the place")
        return found[0]

    # ------------------------------------------------------------ flash
    def dry_run(self) -> list[str]:
        """The OpenOCD command line labgrid's OpenOCDDriver runs on the exporter (plus ``adapter
        usb location`` of the place's probe), with the image's local path."""
        commands = [c.format(filename=self.image) for c in openocd_commands(self.board)]
        return ["openocd"] + [a for c in commands for a in ("--command", c)]

    def flash(self, dry_run: bool = False) -> list[str]:
        """Flash the image onto the place's board (acquire, flash, release); return the command."""
        argv = self.dry_run()
        if dry_run:
            return argv
        self.check_programs()
        try:
            self._acquire()
            self.target = self._target()
            self._flash_openocd()
        finally:
            self.stop()
        if self.cleanup_error:
            raise ValidationError(self.cleanup_error)
        return argv

    def _flash_openocd(self) -> None:
        from labgrid.driver import OpenOCDDriver
        from labgrid.driver.exception import ExecutionError

        if not Path(self.image).is_file():
            raise ToolchainError(f"{self.image}: no such firmware image; run `micro-codegen build {self.project_dir}`")
        self._one(PROBE_CLASSES, "debug probe", "a USBDebugger (the board's J-Link / ST-Link / CMSIS-DAP)")
        driver = OpenOCDDriver(self.target, "flash", load_commands=openocd_commands(self.board))
        try:
            self.target.activate(driver)
            driver.load(str(self.image))
        except ExecutionError as e:
            out = " | ".join(line for line in (e.stdout or [])[-5:] if line)
            raise ToolchainError(f"{self.where}: OpenOCD failed to flash {self.image} onto board "
                                 f"'{self.board.name}' ({e.msg}){': ' + out if out else ''}") from None
        except Exception as e:    # labgrid: NoResourceFoundError, BindingError, SSH errors
            raise ValidationError(f"{self.where}: cannot flash board '{self.board.name}': {e}") from None
        self.target.deactivate(driver)

    def _boot_qemu(self, serial_port) -> None:
        """The QEMU board's "flash": boot the image in QEMU with its UART on a pty and point the
        exporter's serial device path at it."""
        from .qemu import QemuRunner

        path = (getattr(serial_port, "extra", None) or {}).get("path")
        if not path or not _is_local(serial_port.host):
            raise ValidationError(f"{self.where}: board '{self.board.name}' runs in QEMU on this machine, so the "
                                  f"place's serial port must be a RawSerialPort exported from here (it is "
                                  f"{serial_port.host}:{serial_port.port}{', ' + path if path else ''})")
        link = Path(path)
        if link.exists() and not link.is_symlink():
            raise ValidationError(f"{self.where}: {path} exists and is not a symlink; a QEMU place's RawSerialPort "
                                  f"needs a free path (e.g. /dev/shm/micro-codegen/{self.place})")
        self.qemu = QemuRunner(self.board, self.project_dir, self.image)
        self._cleanup.push(self.qemu)                  # its __exit__ stops QEMU, keeps its diagnostics
        pty = self.qemu.launch_pty()
        link.parent.mkdir(parents=True, exist_ok=True)
        tmp = link.with_name(f".{link.name}.{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(pty)
        os.replace(tmp, link)
        self._cleanup.callback(self._unlink, link, pty)

    @staticmethod
    def _unlink(link: Path, pty: str) -> None:
        """Remove the symlink if it still points at our pty (not at another run's)."""
        with contextlib.suppress(OSError):
            if os.readlink(link) == pty:
                link.unlink()

    # ------------------------------------------------------------ serial port
    def _check_speed(self, serial_port) -> None:
        """A real board's UART runs at the board's ``uart.baud``; the exporter sets the port's."""
        baud = (getattr(self.board, "uart", None) or {}).get("baud", 115200)
        if serial_port.speed != baud:
            raise ValidationError(f"{self.where}: serial port '{serial_port.name}' runs at {serial_port.speed} "
                                  f"baud, board '{self.board.name}' at {baud}; set speed: {baud} in the "
                                  f"exporter's config")

    def _open_serial(self, serial_port) -> SerialTransport:
        from labgrid.driver import SerialDriver

        if serial_port.port is None:
            raise ValidationError(f"{self.where}: the exporter gives no TCP port for serial port "
                                  f"'{serial_port.name}' (its ser2net did not start?)")
        url = f"{serial_port.protocol}://{serial_port.host}:{serial_port.port}"
        if serial_port.protocol == "rfc2217":
            _check_rfc2217_client()
        driver = SerialDriver(self.target, "serial")
        try:
            self.target.activate(driver)
        except Exception as e:    # pyserial SerialException, labgrid NoResourceFoundError
            raise ValidationError(f"{self.where}: cannot open serial port {url} ({e})") from None
        self._cleanup.callback(self.target.deactivate, driver)     # first of the cleanups
        return SerialTransport(driver.serial, f"{self.where} serial port {url}")
