"""micro_codegen: MindSpore Lite .ms models to standalone C for microcontrollers."""

__version__ = "0.1.0"
