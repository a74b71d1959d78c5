"""The wheel carries templates, kernels and boards, and `micro-codegen` works from a
non-editable install in a fresh virtual environment."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import MLPERF, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(REPO)], check=True, capture_output=True)
    (whl,) = out.glob("micro_codegen-*.whl")
    return whl


def test_wheel_contains_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("templates", "nnacl_subset", "boards"):
        src = [p for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        for p in src:
            assert f"micro_codegen/_data/{p.relative_to(REPO).as_posix()}" in names
    assert "micro_codegen/ms_model/schema/Conv2DFusion.py" in names
    assert "micro_codegen/qemu_plugin/mc_insn_count.c" in names          # `bench` builds it on first use


def test_non_editable_install_runs(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True,
                   capture_output=True)
    # dependencies (numpy, click, ...) come from this interpreter's site-packages, without
    # processing its .pth files, so an editable install of the checkout cannot leak in
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps_from_test_runner.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = ("import micro_codegen, micro_codegen.resources as r; print(micro_codegen.__file__); "
             "print(r.data_dir('templates')); print(r.data_dir('nnacl_subset')); print(r.data_dir('boards'))")
    out = subprocess.run([str(py), "-c", probe], check=True, capture_output=True, text=True,
                         cwd=tmp_path).stdout.split()
    assert all(str(env_dir) in line for line in out), out
    exe = env_dir / "bin" / "micro-codegen"
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and "inspect" in r.stdout
    if MLPERF.is_dir():
        r = subprocess.run([str(exe), "inspect", str(MLPERF / "kws_ref_model.ms"), "--json"],
                           capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode == 0 and '"Conv2DFusion": 9' in r.stdout
        r = subprocess.run([str(exe), "convert", str(MLPERF / "kws_ref_model.tflite"), "-o", "kws.ms"],
                           capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode == 0 and (tmp_path / "kws.ms").read_bytes()[4:8] == b"MSL2", r.stderr
