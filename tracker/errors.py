"""One error hierarchy for reptrack.

Every error a user can cause (bad file, unknown exercise, ...) derives from
:class:`ReptrackError`; the CLI turns it into a one-line message and exit code 2.
"""

from __future__ import annotations

import enum


class ReptrackError(Exception):
    """Root of every error reptrack raises on purpose."""


class RecordingError(ReptrackError):
    """A recording cannot be read or is not usable.

    Parameters
    ----------
    message:
        What is wrong, in words a user can act on.
    path:
        The file, when there is one.
    line:
        1-based line number in the file, when the problem has one.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(f"{where}{message}")


class SampleOrderError(ReptrackError):
    """Samples were fed with a timestamp not after the previous one."""


class ConfigurationError(ReptrackError):
    """An unknown exercise, placement or an invalid parameter."""


class DatasetError(ReptrackError):
    """An evaluation data set is missing or not laid out as expected."""


class CalibrationError(ReptrackError):
    """A calibration cannot be accepted; the message says why and what to do."""


class InvalidNameError(ConfigurationError):
    """A person's or therapist's name that cannot be kept (empty, or not one line of text)."""


class InvalidValueError(ConfigurationError):
    """A value given for a named field is out of its range.

    Parameters
    ----------
    field:
        The field, as the application layer names it (``sets``, ``load_kg``); a front door
        shows it its own way (the command line as ``--sets``, ``--load-kg``).
    message:
        What is wrong and what is allowed.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class StoreError(ReptrackError):
    """The store cannot be opened or does not hold what was asked for."""


class NotFoundError(StoreError):
    """No such person, session, prescription, ..."""


class AmbiguousNameError(StoreError):
    """A name that matches several people (stored apart by an older reptrack): which is meant?"""


class ReadOnlyStoreError(StoreError):
    """The store cannot be written here (a write-protected file, a read-only folder or disk);
    reading commands still work."""


class AccessDeniedError(ReptrackError):
    """The signed-in account may not see or do this (another therapist's patient, another
    person's session, a note written by a patient). Says no more than that: never what is there."""


class SensorError(ReptrackError):
    """A live sensor cannot be found, connected to or read; the message says what to try."""


class SensorNotFoundError(SensorError):
    """No sensor with that name or address answered a scan."""


class SensorLostError(SensorError):
    """The link to a sensor was lost mid-session and did not come back in time."""


class ProfileError(ConfigurationError):
    """A sensor profile (a ``--profile`` TOML file) with a mistake; the message names the key.

    Parameters
    ----------
    message:
        What is wrong and what is allowed.
    path:
        The profile file, when there is one.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class PacketFault(enum.Enum):
    """Why a notification from a sensor was skipped."""

    MALFORMED = "malformed"  # not what the profile sends (wrong header, bad field)
    SHORT = "short"  # fewer bytes than one sample or frame
    DUPLICATE = "duplicate"  # the same packet again (a double subscription after a reconnect)


class PacketError(SensorError):
    """One notification that cannot be used: the transport counts it, skips it and goes on.

    Parameters
    ----------
    fault:
        What kind of fault.
    detail:
        What was seen, for the log.
    """

    def __init__(self, fault: PacketFault, detail: str) -> None:
        self.fault = fault
        self.detail = detail
        super().__init__(f"{fault.value} packet: {detail}")
