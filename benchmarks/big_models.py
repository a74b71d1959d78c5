"""Write the big models of issue 14 as .ms files with reference cases.

    python3 benchmarks/big_models.py --write DIR [--models NAME,...]

For each model (tests/big_models.py: blazeface_like_int8, mobilenet_v1_224_fp32,
mobilenet_v1_96_fp32): DIR/<name>.ms (the project's writer) and DIR/<name>.ms.npz with
``input_0`` and the reference outputs (``output_0`` / ``output_0_<t>``, micro_codegen.reference),
the layout ``micro-codegen validate DIR/<name>.ms`` reads. Prints the tensor lower bound and
the weight bytes of each.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from big_models import BIG_MODELS, write_big_model  # noqa: E402
from micro_codegen import api  # noqa: E402
from micro_codegen.schedule import plain_lower_bound  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", required=True, metavar="DIR", help="folder to write the .ms and .ms.npz files to")
    ap.add_argument("--models", default=",".join(BIG_MODELS), help="comma-separated names (default: all)")
    args = ap.parse_args(argv)
    for name in [m for m in args.models.split(",") if m]:
        if name not in BIG_MODELS:
            ap.error(f"unknown model {name!r} (known: {', '.join(BIG_MODELS)})")
        path = write_big_model(args.write, name)
        g = api.load(path)
        print(f"{path}: tensor lower bound {plain_lower_bound(g):,} B, weights {g.weight_bytes:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
