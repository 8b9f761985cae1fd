"""Do two per-step loss curves agree? HF's (hf_loss_curve.py's hf_losses.json: a list, step 1
first) and ours (the log.jsonl of `textclass train --logging-steps 1`: its rows with a "loss").

    python3 bench/loss_curve/compare_loss_curves.py HF_LOSSES_JSON OUR_LOG_JSONL

Prints the steps compared, the mean absolute difference, HF's mean loss, their ratio and the first
and last 5 pairs. Exits 1 when the ratio is 0.02 or more, or the curves' step counts differ.
"""
import json, sys

LIMIT = 0.02


def main():
    hf_path, ours_path = sys.argv[1:3]
    with open(hf_path) as f:
        hf = [float(x) for x in json.load(f)]
    with open(ours_path) as f:
        rows = [r for r in map(json.loads, filter(str.strip, f)) if "loss" in r]
    steps = [r["step"] for r in rows]
    if steps != list(range(1, len(rows) + 1)):
        sys.exit(f"{ours_path}: the loss rows are not steps 1, 2, 3, ... (train with --logging-steps 1)")
    ours = [float(r["loss"]) for r in rows]
    if len(hf) != len(ours):
        print(f"FAIL: HF has {len(hf)} steps, ours {len(ours)}")
        return 1
    if not hf:
        print("FAIL: no steps to compare")
        return 1

    mean_diff = sum(abs(a - b) for a, b in zip(hf, ours)) / len(hf)
    mean_loss = sum(hf) / len(hf)
    ratio = mean_diff / mean_loss
    print(f"steps compared    {len(hf)}")
    print(f"mean |diff|       {mean_diff:.6f}")
    print(f"mean loss (HF)    {mean_loss:.6f}")
    print(f"ratio             {ratio:.6f} (limit {LIMIT})")
    print("step  HF        ours")
    for i in sorted(set(range(5)) | set(range(max(0, len(hf) - 5), len(hf)))):
        print(f"{i + 1:<5} {hf[i]:.6f}  {ours[i]:.6f}")
    passed = ratio < LIMIT
    print("PASS" if passed else "FAIL", f"the curves differ by {100 * ratio:.3f}% of the loss on average")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
