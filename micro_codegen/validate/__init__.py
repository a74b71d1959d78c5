"""Validation on a target: the framed protocol (host side, ``protocol.py``) and running + comparing
cases (``run.py``). The byte-stream transports the protocol talks over live in ``runners/transport.py``."""
