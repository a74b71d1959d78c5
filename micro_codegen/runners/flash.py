"""``openocd`` and ``pyocd`` runners: flash a real board, then talk to it over its UART.

The flash command comes from board data only: the probe/target arguments are the board's
``[runner_args]`` entry for the runner (``openocd = ["-f", "board/stm32f746g-disco.cfg"]``,
``pyocd = ["-t", "nrf52840"]``), then the image::

    openocd -f board/stm32f746g-disco.cfg -c "program {/abs/fw.elf} verify reset exit"
    pyocd flash -t nrf52840 /abs/fw.elf            (a .bin also gets --base-address <flash origin>)

:meth:`FlashRunner.dry_run` returns that argv without running anything (``micro-codegen flash
--dry-run`` prints it). :meth:`FlashRunner.start` flashes (the board resets into the new image)
and opens the serial port given with ``--port`` at the board's baud rate; the validation
protocol then runs over it. A missing program raises ToolchainError with the install hint.
:meth:`FlashRunner.diagnostics` carries what the firmware printed on the UART besides the protocol
(its fault report, ``*** HardFault ... pc=... lr=... cfsr=... ***``), as the QEMU runner does.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import ToolchainError, ValidationError
from ..toolchain import _tail, require, run_tool
from .base import Runner, register
from .transport import SerialTransport


class FlashRunner(Runner):
    """Common part of the flash-tool runners (subclasses define ``flash_command``)."""

    program = ""
    uses_port = True
    flash_timeout = 120.0     # seconds for one flash operation
    settle_time = 0.3         # seconds after the reset before the UART is used

    serial = None
    link: SerialTransport | None = None
    log = ""                  # output of the last flash
    uart_text = ""            # what the firmware printed on the UART (SerialTransport.printed), kept by stop()

    def runner_args(self) -> list[str]:
        args = (getattr(self.board, "runner_args", None) or {}).get(self.name)
        if not args:
            raise ToolchainError(f"board '{self.board.name}' has no [runner_args] {self.name} = [...] "
                                 f"(probe/target arguments): it cannot be flashed with {self.name}")
        return list(args)

    def image_path(self) -> str:
        return os.path.abspath(self.image)

    def flash_command(self) -> list[str]:
        raise NotImplementedError

    def dry_run(self) -> list[str]:
        """The exact argv :meth:`flash` would run (nothing is run; the program need not exist)."""
        return self.flash_command()

    def flash(self, dry_run: bool = False) -> list[str]:
        """Flash the image (the board then resets into it); return the argv that was run."""
        argv = self.flash_command()
        if dry_run:
            return argv
        exe = require(self.program)
        if not Path(self.image).is_file():
            raise ToolchainError(f"{self.image}: no such firmware image; run `micro-codegen build {self.project_dir}`")
        p = run_tool([exe] + argv[1:], self.flash_timeout, what=f"{self.program} flashing {self.image}",
                     merge_stderr=True, hint="probe connected? board powered?")
        if p.returncode != 0:
            raise ToolchainError(f"{self.program} failed to flash {self.image} onto board '{self.board.name}' "
                                 f"(exit {p.returncode}):\n{_tail(p.stdout, 15)}")
        self.log = p.stdout
        return argv

    def _need_port(self) -> None:
        if not self.port:
            raise ValidationError(f"board '{self.board.name}': pass --port with its UART "
                                  f"(e.g. /dev/ttyACM0) to run on the hardware")

    def check_programs(self) -> None:
        self._need_port()                 # the missing port first: it is the user's next step
        require(self.program)

    def start(self) -> SerialTransport:
        self._need_port()
        self.flash()
        import serial  # pyserial

        baud = (getattr(self.board, "uart", None) or {}).get("baud", 115200)
        try:
            self.serial = serial.serial_for_url(self.port, baudrate=baud, timeout=1.0)
        except (serial.SerialException, OSError, ValueError) as e:
            raise ValidationError(f"cannot open {self.port} for board '{self.board.name}': {e}") from None
        time.sleep(self.settle_time)
        self.serial.reset_input_buffer()
        self.link = SerialTransport(self.serial, f"{self.board.name} UART ({self.port}, {baud} baud)")
        return self.link

    def stop(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            link.drain()
            self.uart_text = link.printed()
            link.close()
        self.serial = None

    def diagnostics(self) -> str:
        if not self.port:
            return ""
        text = f" said: {self.uart_text}" if self.uart_text else ""
        return f"flashed with {self.program}; UART {self.port}{text}"


@register
class OpenOcdRunner(FlashRunner):
    name = "openocd"
    program = "openocd"
    programs = ("openocd",)

    def flash_command(self) -> list[str]:
        image = self.image_path()
        if any(c in image for c in "{}"):
            raise ToolchainError(f"{image}: openocd cannot take a path with braces; move the project")
        return [self.program, *self.runner_args(), "-c", f"program {{{image}}} verify reset exit"]


@register
class PyOcdRunner(FlashRunner):
    name = "pyocd"
    program = "pyocd"
    programs = ("pyocd",)

    def flash_command(self) -> list[str]:
        argv = [self.program, "flash", *self.runner_args()]
        image = self.image_path()
        if image.endswith(".bin"):
            flash = self.board.region("flash") if hasattr(self.board, "region") else None
            if flash is None:
                raise ToolchainError(f"board '{self.board.name}': a .bin image needs a flash memory region "
                                     f"for --base-address; flash the ELF or hex instead")
            argv += ["--base-address", f"0x{flash.origin:08X}"]
        return argv + [image]
