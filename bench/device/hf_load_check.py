"""Does a checkpoint written by `textclass train` load in HuggingFace transformers and give the
same outputs? Runs where transformers is installed (the GPU machine's python3).

    python3 bench/device/hf_load_check.py MODEL_DIR ROWS_CSV PREDICTIONS_JSONL

MODEL_DIR: a `textclass train --head pooler` output folder (config.json, model.safetensors,
tokenizer files). ROWS_CSV: AG News rows. PREDICTIONS_JSONL: `textclass predict --model MODEL_DIR
--data ROWS_CSV` output. Loads the folder with BertForSequenceClassification.from_pretrained and
AutoTokenizer.from_pretrained, computes the logits of every row (CPU, fp32, eval mode), and
compares log_softmax(logits) with the log of textclass's probabilities — the logits up to each
row's constant, which softmax cannot see — and the probabilities themselves. Exits 1 when the
largest difference is over 1e-5 or a label differs.
"""
import csv, json, sys

import torch
import transformers
from transformers import AutoTokenizer, BertForSequenceClassification

model_dir, rows_csv, predictions_jsonl = sys.argv[1:4]
with open(rows_csv, newline="") as f:
    texts = [(title + " " + desc).replace("\\", " ") for _, title, desc in csv.reader(f)]
ours = [json.loads(line) for line in open(predictions_jsonl)]
model = BertForSequenceClassification.from_pretrained(model_dir).eval()
tok = AutoTokenizer.from_pretrained(model_dir)
with torch.no_grad():
    logits = model(**tok(texts, truncation=True, padding=True, return_tensors="pt")).logits.double()
hf_logp = torch.log_softmax(logits, dim=-1)
our_probs = torch.tensor([p["probs"] for p in ours], dtype=torch.float64)
logp_diff = (hf_logp - our_probs.log()).abs().max().item()
prob_diff = (hf_logp.exp() - our_probs).abs().max().item()
labels_equal = [int(i) for i in hf_logp.argmax(-1)] == [p["label_id"] for p in ours]
names_equal = [model.config.id2label[p["label_id"]] for p in ours] == [p["label"] for p in ours]
ok = logp_diff <= 1e-5 and labels_equal and names_equal
print(json.dumps({"transformers": transformers.__version__, "rows": len(texts),
                  "max_abs_diff_log_softmax": logp_diff, "max_abs_diff_probs": prob_diff,
                  "labels_equal": labels_equal, "label_names_equal": names_equal,
                  "logit_spread": (logits.max(-1).values - logits.min(-1).values).mean().item(),
                  "ok": ok}), flush=True)
sys.exit(0 if ok else 1)
