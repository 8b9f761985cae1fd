#!/usr/bin/python3
"""Build the BERT-base-shaped classifier (bert_model.py, random weights, eval mode) and write, under
WORK (default /tmp/ortwork):

  model/bert_base.onnx        torch.onnx.export, opset 14, dynamic batch and sequence axes;
                              inputs input_ids, attention_mask, token_type_ids (int64), output logits
  model/torch_state.pt        the same weights for torch_bench.py
  tcmodel/                    the same weights for textclass: model.safetensors (HF names, F32,
                              written by hand), config.json (bert, BertForSequenceClassification,
                              4 labels, textclass_head cls_linear) and bert-base-cased's tokenizer files
  texts640.txt, texts1.txt,   texts that bert-base-cased tokenizes to exactly 64 tokens
  texts64.txt                 (62 single-piece words + [CLS] + [SEP]), checked with `textclass tokenize --ids`
  ids640.txt                  textclass's token ids for texts640.txt, one row per line (every engine is fed these)
  torch_logits640.json        torch's logits for those 640 rows (the reference for ORT and textclass)

Usage: python3 export_model.py [--work /tmp/ortwork] [--textclass build/textclass]
"""
import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_model  # noqa: E402

# bert-base-cased's tokenizer files, from shared/data (this folder is shared/bench/ort_anchor)
TOKENIZER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "bert-base-cased")
TOKENIZER_FILES = ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"]
LABELS = ["World", "Sports", "Business", "Sci/Tech"]


def write_safetensors(path, tensors):
    """tensors: {name: float32 tensor}. 8-byte little-endian header length, JSON header, raw data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # data start 8-byte aligned (padding with spaces is allowed by the format)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[b:end]), dtype=torch.float32).reshape(e["shape"])
    return out


def config_json():
    return {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": bert_model.V, "hidden_size": bert_model.H, "num_hidden_layers": bert_model.L,
        "num_attention_heads": bert_model.A, "intermediate_size": bert_model.F, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": bert_model.P, "type_vocab_size": bert_model.TYPES, "pad_token_id": 0,
        "layer_norm_eps": bert_model.EPS, "initializer_range": 0.02, "position_embedding_type": "absolute",
        "classifier_dropout": None,
        "id2label": {str(i): l for i, l in enumerate(LABELS)}, "label2id": {l: i for i, l in enumerate(LABELS)},
        "textclass_head": "cls_linear",
    }


def make_texts(n, words_per_text, seed):
    """Texts of `words_per_text` words, each a whole ASCII-letter word of bert-base-cased's vocab
    (so one word piece each)."""
    with open(os.path.join(TOKENIZER_DIR, "vocab.txt"), encoding="utf-8") as f:
        vocab = [w.rstrip("\n") for w in f]
    words = [w for w in vocab if re.fullmatch(r"[A-Za-z]{3,}", w)]
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(words_per_text)) for _ in range(n)]


def tokenize(textclass, texts):
    out = subprocess.run([textclass, "tokenize", "--ids", "--model", TOKENIZER_DIR], input="\n".join(texts) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return [[int(x) for x in line.split()] for line in out.splitlines()]


AG_NEWS_TEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "ag_news", "test.csv")


def write_agnews(textclass, work):
    """agnews640.txt: the first 640 AG News test rows as the notebook builds its texts (title + " " +
    description, every backslash a space), one per line, and agnews_ids640.txt: their token ids (real
    lengths, truncated to 512), for the engines' timings on real lengths."""
    import csv
    with open(AG_NEWS_TEST, newline="") as f:
        texts = [(r[1] + " " + r[2]).replace("\\", " ").replace("\n", " ") for _, r in zip(range(640), csv.reader(f))]
    ids = tokenize(textclass, texts)
    assert len(ids) == 640
    with open(os.path.join(work, "agnews640.txt"), "w") as f:
        f.write("\n".join(texts) + "\n")
    with open(os.path.join(work, "agnews_ids640.txt"), "w") as f:
        f.write("\n".join(" ".join(map(str, r[:512])) for r in ids) + "\n")
    lengths = sorted(len(r) for r in ids)
    print(f"AG News: 640 rows, tokens min {lengths[0]}, median {lengths[320]}, max {lengths[-1]}", flush=True)


def write_references(model, ids, work):
    """torch_logits640.json: torch's logits for the 640 rows (batches of 64), plus two cases for
    the ONNX graph's mask and dynamic axes: row 0 with its last 10 keys masked, and rows 0-2 cut to
    their first 20 tokens with token types 1 on tokens 10-19."""
    x = torch.tensor(ids, dtype=torch.int64)
    with torch.inference_mode():
        logits = torch.cat([model(x[i:i + 64], torch.ones_like(x[i:i + 64]), torch.zeros_like(x[i:i + 64]))
                            for i in range(0, 640, 64)])
        m = torch.ones_like(x[:1]); m[:, -10:] = 0
        masked = model(x[:1], m, torch.zeros_like(x[:1]))
        s = x[:3, :20].clone(); st = torch.zeros_like(s); st[:, 10:] = 1
        short = model(s, torch.ones_like(s), st)
    print(f"torch logits row 0 {logits[0].tolist()}, with 10 keys masked {masked[0].tolist()}", flush=True)
    with open(os.path.join(work, "torch_logits640.json"), "w") as f:
        json.dump({"logits640": logits.tolist(), "masked_row0_last10": masked.tolist(),
                   "rows0to2_first20_types1from10": short.tolist()}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/ortwork")
    ap.add_argument("--textclass", default="build/textclass")
    ap.add_argument("--opset", type=int, default=14)
    ap.add_argument("--references-only", action="store_true",
                    help="only rewrite torch_logits640.json from model/torch_state.pt and ids640.txt")
    ap.add_argument("--agnews-only", action="store_true", help="only write agnews640.txt and agnews_ids640.txt")
    ap.add_argument("--onnx-only", action="store_true",
                    help="only rewrite model/bert_base.onnx from model/torch_state.pt and ids640.txt")
    args = ap.parse_args()
    work = args.work
    if args.agnews_only:
        write_agnews(args.textclass, work)
        return
    if args.references_only or args.onnx_only:
        torch.set_num_threads(2)
        model = bert_model.BertClassifier().eval()
        model.load_state_dict(torch.load(os.path.join(work, "model", "torch_state.pt")))
        with open(os.path.join(work, "ids640.txt")) as f:
            ids = [[int(t) for t in line.split()] for line in f]
        if args.references_only:
            write_references(model, ids, work)
        else:
            export_onnx(model, ids, work, args.opset)
        return
    os.makedirs(os.path.join(work, "model"), exist_ok=True)
    os.makedirs(os.path.join(work, "tcmodel"), exist_ok=True)
    torch.set_num_threads(2)

    model = bert_model.random_init(bert_model.BertClassifier())
    state = {k: v for k, v in model.state_dict().items()}
    n_params = sum(v.numel() for v in state.values())
    print(f"parameters: {len(state)} tensors, {n_params} floats", flush=True)
    torch.save(state, os.path.join(work, "model", "torch_state.pt"))

    # textclass's copy: HF names exactly as state_dict() has them.
    st_path = os.path.join(work, "tcmodel", "model.safetensors")
    write_safetensors(st_path, state)
    back = read_safetensors(st_path)
    assert back.keys() == state.keys() and all(torch.equal(back[k], state[k]) for k in state), "safetensors round trip"
    with open(os.path.join(work, "tcmodel", "config.json"), "w") as f:
        json.dump(config_json(), f, indent=2)
        f.write("\n")
    for name in TOKENIZER_FILES:
        shutil.copy(os.path.join(TOKENIZER_DIR, name), os.path.join(work, "tcmodel", name))
    print(f"wrote {st_path} ({os.path.getsize(st_path)} bytes), config.json, tokenizer files", flush=True)

    # Texts of exactly 64 tokens, checked with textclass's tokenizer (identical to HF's).
    texts = make_texts(640, 62, seed=1122)
    ids = tokenize(args.textclass, texts)
    lengths = sorted({len(r) for r in ids})
    assert len(ids) == 640 and lengths == [64], f"token counts {lengths}"
    assert all(r[0] == 101 and r[-1] == 102 for r in ids)
    for name, rows in [("texts640.txt", texts), ("texts64.txt", texts[:64]), ("texts1.txt", texts[:1])]:
        with open(os.path.join(work, name), "w") as f:
            f.write("\n".join(rows) + "\n")
    with open(os.path.join(work, "ids640.txt"), "w") as f:
        f.write("\n".join(" ".join(map(str, r)) for r in ids) + "\n")
    print("texts: 640 rows, every one 64 tokens by `textclass tokenize --ids`", flush=True)

    write_agnews(args.textclass, work)
    write_references(model, ids, work)
    export_onnx(model, ids, work, args.opset)


def export_onnx(model, ids, work, opset):
    """ONNX: traced at batch 2 x 16 tokens (any shape runs: both axes are dynamic)."""
    onnx_path = os.path.join(work, "model", "bert_base.onnx")
    x = torch.tensor(ids, dtype=torch.int64)
    ex = (x[:2, :16].clone(), torch.ones(2, 16, dtype=torch.int64), torch.zeros(2, 16, dtype=torch.int64))
    with torch.no_grad():
        torch.onnx.export(model, ex, onnx_path, opset_version=opset, do_constant_folding=True,
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "attention_mask": {0: "batch", 1: "sequence"},
                                        "token_type_ids": {0: "batch", 1: "sequence"},
                                        "logits": {0: "batch"}})
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes), opset {opset}", flush=True)


if __name__ == "__main__":
    main()
