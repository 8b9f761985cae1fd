#!/usr/bin/env python3
"""Our throughput against HuggingFace's, as a Markdown table for bench/RESULTS.md.

Usage: bench/compare_throughput.py OURS.jsonl HF.jsonl
  OURS.jsonl: the output of build/bench/throughput (one or more runs, e.g. fp32 then bf16)
  HF.jsonl:   the output of bench/hf_anchor.py from the same machine

Each of our configurations ("train": "fp32_b16", "predict": "bf16_b256", ...) is paired with
HF's of the same name, and also with HF's fp32 of the same kind and batch size (the notebook's
precision, which issue 5's targets name; for predict, of any batch size); failing both, with HF's
of the same kind and batch size in another precision (the table names both, so the difference
shows).  Ratios are ours / HF's: above 1 we are faster, and for memory, below 1 we use less.
HF's configurations nobody paired are listed after ours.
"""
import json
import sys

KINDS = ("train", "predict")


def read_jsonl(path):
    """The JSON objects of a file, one per line; other lines are passed over (hf_anchor.py's
    stdout also carries the Trainer's own log, Python dicts printed with single quotes)."""
    rows = []
    with open(path) as f:
        for line in f:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict):
                rows.append(row)
    return rows


def split(lines):
    """(description lines, {(kind, name): line}) of one file."""
    described, results = [], {}
    for line in lines:
        kind = next((k for k in KINDS if k in line), None)
        if kind is None:
            described.append(line)
        else:
            results[(kind, line[kind])] = line
    return described, results


def batch_size(name):
    return int(name.rsplit("_b", 1)[1])


def partners(kind, name, hf):
    """HF's configurations to set beside ours: see the module's docstring."""
    same_batch = sorted(key for key in hf if key[0] == kind and batch_size(key[1]) == batch_size(name))
    # a prediction's rate is rows/s whatever the batch: HF's fp32 predict is set beside each of ours
    fp32 = sorted(key for key in hf if key[0] == kind and key[1].startswith("fp32_") and
                  (key in same_batch or kind == "predict"))
    same_name = [(kind, name)] if (kind, name) in hf else []
    chosen = same_name + [key for key in fp32 if key not in same_name]
    return chosen or same_batch[:1]


def number(line, field):
    return line.get(field) if line else None


def cell(value):
    return "–" if value is None else f"{value:g}"


def ratio(ours, theirs):
    if ours is None or theirs is None or theirs == 0:
        return "–"
    return f"{ours / theirs:.2f}x"


def table(ours, hf):
    rows = ["| kind | ours | HF | steps/s ours | HF | ratio | samples/s ours | HF | ratio "
            "| peak GiB ours | HF | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    paired = set()

    def row(kind, our_line, hf_line):
        columns = [kind, our_line[kind] if our_line else "–", hf_line[kind] if hf_line else "–"]
        for field in ("steps_per_s", "samples_per_s", "peak_mem_gb"):
            a, b = number(our_line, field), number(hf_line, field)
            columns += [cell(a), cell(b), ratio(a, b)]
        rows.append("| " + " | ".join(columns) + " |")

    for (kind, name), line in ours.items():
        keys = partners(kind, name, hf)
        paired.update(keys)
        for key in keys or [None]:
            row(kind, line, hf.get(key))
    for key, line in hf.items():
        if key not in paired:
            row(key[0], None, line)
    return "\n".join(rows)


def describe(ours_described, hf_described):
    text = []
    for line in ours_described:
        text.append("ours: " + ", ".join(f"{k} {line[k]}" for k in
                                         ("device", "precision", "threads", "rows", "tokens_mean", "date") if k in line))
    hf_fields = {k: v for line in hf_described for k, v in line.items()}
    text.append("HF: " + ", ".join(f"{k} {v}" for k, v in hf_fields.items()
                                   if k in ("gpu", "torch", "transformers", "rows", "tokens_mean")))
    hf_rows = hf_fields.get("rows")
    for line in ours_described:
        if hf_rows is not None and line.get("rows") != hf_rows:
            text.append(f"**warning**: our run read {line.get('rows')} rows, HF's {hf_rows}: not the same data")
    return "\n".join(f"- {t}" for t in text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_throughput.py OURS.jsonl HF.jsonl")
    ours_described, ours = split(read_jsonl(sys.argv[1]))
    hf_described, hf = split(read_jsonl(sys.argv[2]))
    print(describe(ours_described, hf_described))
    print()
    print(table(ours, hf))


if __name__ == "__main__":
    main()
