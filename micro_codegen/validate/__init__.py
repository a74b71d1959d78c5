"""Validation on a target: the framed protocol (host side) and running + comparing cases."""
from .protocol import (Hello, InvokeResult, PipeTransport, ProtocolClient, SerialTransport,  # noqa: F401
                       Transport, decode_frames, encode_frame)
