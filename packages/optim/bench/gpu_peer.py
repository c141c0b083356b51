"""PyTorch peer of bench/gpu.ts: the same rows (ids and sizes) timed with CUDA events on the same card.

optim_adamw_step_clip_*: torch.nn.utils.clip_grad_norm_(params, 1.0, foreach=True) then
torch.optim.AdamW(fused=True).step(); optim_adamw_step_100M: the fused AdamW step alone. One flat float32
parameter, a fixed gradient, weight decay 0.01 on it. Prints one JSON document on stdout (run.sh saves it as
$OUT/optim.torch.json). Flags: --quick (sizes / 8), --smoke (sizes / 512). Run: python3 bench/gpu_peer.py [--quick]
"""
import json
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "gpu-bench"))  # peer_timing.py: beside this file in the pack's peers/, else in scripts/gpu-bench
import torch
from peer_timing import time_ms

quick = "--quick" in sys.argv
smoke = "--smoke" in sys.argv
scale = 512 if smoke else 8 if quick else 1
iters = 5 if smoke else 20


def size_label(tensors: int, each: int) -> str:
    """Same label as sizeLabel in bench/gpu.ts: <tensors>x<millions to 4 significant digits>M params."""
    millions = float(f"{each / 1e6:.4g}")
    text = f"{millions:.4g}" if millions != int(millions) else str(int(millions))
    return f"{tensors}x{text}M params"


def row(row_id: str, each: int, clip: bool) -> dict:
    gen = torch.Generator(device="cuda").manual_seed(1)
    p = torch.nn.Parameter(torch.randn(each, device="cuda", generator=gen))
    p.grad = torch.randn(each, device="cuda", generator=gen) * 1e-2
    params = [p]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01, fused=True)

    def step():
        if clip:
            torch.nn.utils.clip_grad_norm_(params, 1.0, foreach=True)
        opt.step()

    ms = time_ms(step, iters, warmup=2, rounds=3)  # median over 3 rounds of (2 warm-up steps, `iters` timed steps)
    r = {"id": row_id, "size": size_label(1, each), "ms": round(ms, 4)}
    print(f"{row_id} {r['size']}: {ms:.3f} ms", file=sys.stderr)
    del opt, p
    torch.cuda.empty_cache()
    return r


big = round(1e8 / scale)
small = round(1e7 / scale)
results = [
    row("optim_adamw_step_clip_100M", big, True),
    row("optim_adamw_step_clip_10M", small, True),
    row("optim_adamw_step_100M", big, False),
]
# The tuning variants of ours compare with the same clipped peer step.
for parts in (512, 8192):
    results.append({**results[0], "id": f"optim_adamw_step_clip_100M_parts{parts}"})
for suffix in ("interleaved", "interleaved_deviceinit", "deviceinit", "hostcopy", "last"):
    results.append({**results[0], "id": f"optim_adamw_step_clip_100M_{suffix}"})
results.append({**results[2], "id": "optim_adamw_step_100M_deviceinit"})
# The bare rule and rule + grad-scale rows compare with the fused AdamW step alone / with clipping.
for sfx in ("", "_deviceinit"):
    results.append({**results[2], "id": f"optim_rule_adamw_bare_100M{sfx}"})
    results.append({**results[0], "id": f"optim_rule_adamw_gradscale_100M{sfx}"})
doc = {"package": "@lemma/optim", "impl": f"torch {torch.__version__} fused AdamW + clip_grad_norm_(foreach)",
       "card": torch.cuda.get_device_name(0), "date": __import__("datetime").datetime.utcnow().isoformat() + "Z", "results": results}
print(json.dumps(doc, indent=2))
