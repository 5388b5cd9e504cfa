"""Raw samples <-> chunk blobs (pure numpy).

Times are kept as float64 (exact), accelerometer and gyro values as float32: 28 bytes
per sample with a gyro, 16 without. float32 holds 7 significant digits, far below any
sensor's noise (a 16-bit accelerometer at +-16 g resolves 0.0005 g).

A live session analyses the samples at this precision from the start, so running the
analysis again on what the store holds gives identical results.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_T = np.dtype("<f8")
_V = np.dtype("<f4")


def at_storage_precision(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """The values as the store will give them back."""
    return np.asarray(values, dtype=_V).astype(np.float64)


def encode(t_s: NDArray[np.float64], values: NDArray[np.float64] | None) -> tuple[bytes, bytes | None]:
    tb = np.ascontiguousarray(t_s, dtype=_T).tobytes()
    vb = None if values is None else np.ascontiguousarray(values, dtype=_V).tobytes()
    return tb, vb


def decode_times(blob: bytes) -> NDArray[np.float64]:
    return np.frombuffer(blob, dtype=_T).astype(np.float64)


def decode_values(blob: bytes) -> NDArray[np.float64]:
    return np.frombuffer(blob, dtype=_V).astype(np.float64).reshape(-1, 3)
