"""Anchor for bench_tokenizer: tokens/s of HuggingFace's fast tokenizer (what the notebook's
AutoTokenizer gives for bert-base-cased) over every AG News test row, on ONE thread.

    python3 bench/tokenizer_anchor.py [data/ag_news/test.csv] [data/bert-base-cased]

The `tokenizers` library encodes a batch in parallel on a rayon thread pool, sized from
RAYON_NUM_THREADS once, when the pool is first used. So the variable is set below BEFORE
`transformers` (which imports `tokenizers`) is imported; setting it later has no effect.
Texts get the notebook's preparation: title + " " + description, backslashes made spaces.
Tokens count every id, [CLS] and [SEP] included, as bench_tokenizer counts them.
Prints one JSON line.
"""
import os

os.environ["RAYON_NUM_THREADS"] = "1"

import csv, json, statistics, sys, time

import transformers
from transformers import AutoTokenizer

DATA = sys.argv[1] if len(sys.argv) > 1 else "data/ag_news/test.csv"
TOKDIR = sys.argv[2] if len(sys.argv) > 2 else "data/bert-base-cased"
REPEATS = 5


def read_texts(path):
    with open(path, newline="") as f:
        return [(title + " " + desc).replace("\\", " ") for _, title, desc in csv.reader(f)]


def main():
    texts = read_texts(DATA)
    tok = AutoTokenizer.from_pretrained(TOKDIR)
    tokens = sum(len(ids) for ids in tok(texts, truncation=True)["input_ids"])  # also the warm-up
    seconds = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        tok(texts, truncation=True)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(json.dumps({"anchor": "hf_fast_tokenizer", "tokenizer": type(tok).__name__,
                      "transformers": transformers.__version__, "threads": 1, "rows": len(texts),
                      "median_s": median, "tokens": tokens, "tokens_per_s": tokens / median,
                      "rows_per_s": len(texts) / median}), flush=True)


if __name__ == "__main__":
    main()
