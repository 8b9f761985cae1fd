"""Do checkpoints written by `textclass train` load in HuggingFace transformers as they are, and give
the same logits? One folder of each head. Runs where transformers (5.17) and torch are installed.

    python3 bench/device/hf_load_check.py ROWS_CSV HF_HEAD_DIR HF_HEAD_SCORES NOTEBOOK_DIR NOTEBOOK_SCORES

ROWS_CSV: AG News rows (64). HF_HEAD_DIR: a `textclass train` output with the default head
(transformers' BertForSequenceClassification); NOTEBOOK_DIR: one trained with --head cls_linear
(custom code: config.json's auto_map and modeling_textclass.py). *_SCORES: `textclass predict
--model DIR --data ROWS_CSV --raw-scores` of each (JSON Lines with "logits").

Checks, each printed as one JSON line, exit 1 when any fails:
  - the default head's folder loads with AutoModelForSequenceClassification as
    BertForSequenceClassification, without trust_remote_code, and its logits (CPU, fp32, eval
    mode) are textclass's within 1e-5;
  - the notebook head's folder is refused without trust_remote_code (an exception, not a
    BertForSequenceClassification built over its weights);
  - with trust_remote_code=True it loads as BertForClsLinearClassification, with no weights newly
    initialised, and its logits are textclass's within 1e-5.
"""
import csv, json, sys

import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer

rows_csv, hf_dir, hf_scores, notebook_dir, notebook_scores = sys.argv[1:6]
with open(rows_csv, newline="") as f:
    texts = [(title + " " + desc).replace("\\", " ") for _, title, desc in csv.reader(f)]
results = []


def report(check, ok, **details):
    results.append(ok)
    print(json.dumps({"check": check, "ok": ok, **details}), flush=True)


def compare_logits(check, model_dir, scores_jsonl, trust_remote_code):
    model, info = AutoModelForSequenceClassification.from_pretrained(
        model_dir, trust_remote_code=trust_remote_code, output_loading_info=True)
    model.eval()
    tok = AutoTokenizer.from_pretrained(model_dir, trust_remote_code=trust_remote_code)
    with torch.no_grad():
        logits = model(**tok(texts, truncation=True, padding=True, return_tensors="pt")).logits.double()
    ours = [json.loads(line) for line in open(scores_jsonl)]
    our_logits = torch.tensor([p["logits"] for p in ours], dtype=torch.float64)
    diff = (logits - our_logits).abs().max().item() if our_logits.shape == logits.shape else float("inf")
    labels_equal = [int(i) for i in logits.argmax(-1)] == [p["label_id"] for p in ours]
    names_equal = [model.config.id2label[p["label_id"]] for p in ours] == [p["label"] for p in ours]
    report(check, diff <= 1e-5 and labels_equal and names_equal and not info["missing_keys"],
           model_class=type(model).__name__, rows=len(texts), max_abs_diff_logits=diff, labels_equal=labels_equal,
           label_names_equal=names_equal, missing_keys=info["missing_keys"], unexpected_keys=info["unexpected_keys"])
    return model


print(json.dumps({"transformers": transformers.__version__, "torch": torch.__version__}), flush=True)
hf_model = compare_logits("default head: BertForSequenceClassification, logits", hf_dir, hf_scores, False)
if type(hf_model).__name__ != "BertForSequenceClassification":
    report("default head: class", False, model_class=type(hf_model).__name__)

try:
    refused = AutoModelForSequenceClassification.from_pretrained(notebook_dir, trust_remote_code=False)
    report("notebook head: refused without trust_remote_code", False, built=type(refused).__name__)
except Exception as e:  # transformers raises ValueError asking for trust_remote_code=True
    report("notebook head: refused without trust_remote_code", "trust_remote_code" in str(e),
           error=type(e).__name__, message=str(e)[:300])

notebook_model = compare_logits("notebook head: custom code, logits", notebook_dir, notebook_scores, True)
if type(notebook_model).__name__ != "BertForClsLinearClassification":
    report("notebook head: class", False, model_class=type(notebook_model).__name__)
sys.exit(0 if all(results) else 1)
