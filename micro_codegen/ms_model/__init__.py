"""MindSpore Lite ``.ms`` reader and writer (the only package that imports flatbuffers)."""
from .reader import read_bytes, read_model
from .writer import write_bytes, write_model

__all__ = ["read_model", "read_bytes", "write_model", "write_bytes"]
