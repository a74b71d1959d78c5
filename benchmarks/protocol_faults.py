"""How fast the validation protocol recovers a lost INVOKE (the real firmware, in QEMU).

    python3 benchmarks/protocol_faults.py [--shared ../shared] [--model ad01_int8] [--repeat 5]
                                          [--board qemu-mps2-an386] [--json]

For each repetition: a fresh QEMU runs the model's validation firmware; the host (default
retry policy) says HELLO, sends the first case's inputs and INVOKEs, on a clean link and with
one frame lost on the way (``tests/fault_proxy.LoseFrames``):

* clean: INVOKE -> ACCEPTED + run + answer;
* lost INVOKE: the first INVOKE frame is lost; it is resent after the wait for ACCEPTED
  (``protocol.ACK_TIMEOUT``, 0.3 s) -- with protocol version 1 (no ACCEPTED) the host waited
  the whole invoke timeout (120 s by default) before resending the first INVOKE;
* lost answer: the first INVOKE's answer is lost after ACCEPTED; the host polls with the same
  INVOKE after 0.5 s and gets the answer from the firmware's cache (version 1: 120 s).

Each figure is from the first INVOKE sent to its answer arriving. The outputs are checked
against the cases file; a wrong output fails the run. Target: a lost first INVOKE recovered
within 1 s.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402

from fault_proxy import LoseFrames  # noqa: E402
from micro_codegen import api  # noqa: E402
from micro_codegen.boards import load_board  # noqa: E402
from micro_codegen.cases import load_cases  # noqa: E402
from micro_codegen.manifest import read_manifest  # noqa: E402
from micro_codegen.runners.qemu import QemuRunner  # noqa: E402
from micro_codegen.validate.protocol import Msg, ProtocolClient  # noqa: E402
from micro_codegen.validate.run import run_cases  # noqa: E402

TARGET_S = 1.0


def one_run(board, proj: Path, image: Path, case, lose: str | None) -> dict:
    """One QEMU session: HELLO, one case; ``lose``: None, "invoke" (the first INVOKE frame) or
    "answer" (the first INVOKE answer)."""
    answer = Msg.INVOKE | 0x80
    with QemuRunner(board, proj, image) as upstream:
        link = LoseFrames(upstream, lose=lambda t, n: lose == "invoke" and t == Msg.INVOKE and n == 0,
                          lose_answer=lambda t, n: lose == "answer" and t == answer and n == 0)
        client = ProtocolClient(link)                     # the default retry policy
        hello = client.hello()
        runs, _, _ = run_cases(client, hello, [case], timing=False)
    if not all(np.array_equal(o, e) for o, e in zip(runs[0].outputs, case.expected)):
        raise SystemExit("a wrong output came back")
    sent = next(t for msg_type, t, _ in link.written if msg_type == Msg.INVOKE)
    answered = next(t for msg_type, t, lost in link.arrived if msg_type == answer and not lost)
    return {"seconds": answered - sent, "retries": client.stats.retries, "polls": client.stats.polls}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--model", default="ad01_int8", help="an MLPerf Tiny model of SHARED/models/mlperf_tiny")
    ap.add_argument("--board", default="qemu-mps2-an386")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    model = args.shared / "models" / "mlperf_tiny" / f"{args.model}.ms"
    board = load_board(args.board)
    with tempfile.TemporaryDirectory(prefix="protocol-faults-") as tmp:
        proj = Path(tmp) / "proj"
        api.generate(model, args.board, proj)
        api.build(proj)
        image = proj / read_manifest(proj)["executable"]
        case = load_cases(str(model) + ".npz", api.load(model))[0]
        runs = {lose: [one_run(board, proj, image, case, lose) for _ in range(args.repeat)]
                for lose in (None, "invoke", "answer")}

    def stats(rows: list[dict]) -> dict:
        values = [r["seconds"] for r in rows]
        return {"min": min(values), "median": statistics.median(values), "max": max(values)}

    doc = {"model": args.model, "board": args.board, "repeat": args.repeat,
           "clean_invoke_s": stats(runs[None]), "lost_invoke_s": stats(runs["invoke"]),
           "lost_answer_s": stats(runs["answer"]), "target_s": TARGET_S}
    if args.json:
        print(json.dumps(doc, indent=2))
        return
    print(f"{args.model} on {args.board}: first INVOKE sent -> its answer, {args.repeat} runs each "
          f"(seconds: min / median / max)")
    for label, key in (("clean link", "clean_invoke_s"), ("first INVOKE lost", "lost_invoke_s"),
                       ("its answer lost", "lost_answer_s")):
        s = doc[key]
        print(f"  {label:18s} {s['min']:.3f} / {s['median']:.3f} / {s['max']:.3f}")
    worst = max(doc["lost_invoke_s"]["max"], doc["lost_answer_s"]["max"])
    print(f"  worst recovery {worst:.3f} s: {'within' if worst <= TARGET_S else 'OVER'} the {TARGET_S:g} s target "
          f"(protocol version 1 waited the 120 s invoke timeout for both)")


if __name__ == "__main__":
    main()
