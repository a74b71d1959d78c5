"""Maps the top-level data folders (templates/c, nnacl_subset, boards) into the wheel.

They stay at the repository top level (ARCHITECTURE.md); in an installed wheel they
live under micro_codegen/_data/. ``micro_codegen.resources`` looks in both places.
"""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("templates", "nnacl_subset", "boards")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        here = os.path.dirname(os.path.abspath(__file__))
        for name in DATA_DIRS:
            src = os.path.join(here, name)
            dst = os.path.join(self.build_lib, "micro_codegen", "_data", name)
            if os.path.isdir(src):
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.o"))


setup(cmdclass={"build_py": BuildPyWithData})
