"""HF's side of the loss-curve check (bench/device/loss_curve.sh): fp32 training of a random
bert-base-sized classifier on the GPU, with the notebook's recipe written out as a plain torch loop,
on the first STEPS x 16 rows of an AG News CSV in file order, without dropout.

    python3 bench/loss_curve/hf_loss_curve.py DATA_CSV TOKENIZER_DIR OUT_DIR [STEPS=300]

Writes OUT_DIR/init (the initial weights, config and tokenizer: `textclass train --model
OUT_DIR/init` starts from the same weights), OUT_DIR/rows.csv (the rows trained on, in DATA_CSV's
format) and OUT_DIR/hf_losses.json (the loss of every step, in order).
"""
import csv, json, os, sys, time

import torch
from torch import nn
from transformers import AutoTokenizer, BertConfig, BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

BATCH = 16


class SeedClassifier(BertPreTrainedModel):
    """The notebook's head: dropout + linear on the [CLS] hidden state, no pooler (as in
    tests/fixtures/hf/make_fixtures.py; its weights have BertForSequenceClassification's names)."""

    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None):
        out = self.bert(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        logits = self.classifier(self.dropout(out.last_hidden_state[:, 0, :]))
        loss = nn.CrossEntropyLoss()(logits, labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)


def main():
    data_csv, tokenizer_dir, out_dir = sys.argv[1:4]
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    with open(data_csv, newline="", encoding="utf-8") as f:
        records = [r for _, r in zip(range(steps * BATCH), csv.reader(f))]
    if len(records) < steps * BATCH:
        sys.exit(f"{data_csv}: {len(records)} rows, {steps * BATCH} needed for {steps} steps")
    os.makedirs(out_dir, exist_ok=True)
    with open(f"{out_dir}/rows.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(records)
    # the notebook's preparation: label - 1, title + " " + description, backslashes to spaces
    rows = [(int(label) - 1, (title + " " + desc).replace("\\", " ")) for label, title, desc in records]

    tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = BertConfig(vocab_size=len(tok), num_labels=4, hidden_dropout_prob=0.0,
                        attention_probs_dropout_prob=0.0, classifier_dropout=0.0)
    torch.manual_seed(1122)
    model = SeedClassifier(config)
    model.save_pretrained(f"{out_dir}/init", safe_serialization=True)
    tok.save_pretrained(f"{out_dir}/init")

    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 as the Trainer runs it: no TF32 matmuls
    torch.backends.cudnn.allow_tf32 = False
    model = model.to("cuda").train()  # train mode; every dropout is 0
    # the Trainer's AdamW groups: no weight decay on biases and LayerNorm weights
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=5e-5, betas=(0.9, 0.999), eps=1e-8)
    # linear decay to 0 over `steps`, no warmup (get_linear_schedule_with_warmup with 0 warmup steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: max(0.0, (steps - step) / steps))

    losses = []
    torch.cuda.reset_peak_memory_stats()
    start = time.time()
    for step in range(steps):
        chunk = rows[step * BATCH:(step + 1) * BATCH]
        batch = tok([text for _, text in chunk], truncation=True, padding=True, return_tensors="pt").to("cuda")
        labels = torch.tensor([label for label, _ in chunk], device="cuda")
        loss = model(**batch, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        opt.zero_grad(set_to_none=True)
        losses.append(loss.item())
    seconds = time.time() - start

    with open(f"{out_dir}/hf_losses.json", "w") as f:
        json.dump(losses, f)
    print(json.dumps({"steps": steps, "rows": len(rows), "seconds": round(seconds, 1), "first_loss": losses[0],
                      "last_loss": losses[-1], "mean_last_10": sum(losses[-10:]) / len(losses[-10:]),
                      "peak_mem_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
                      "device": torch.cuda.get_device_name(0)}))


if __name__ == "__main__":
    main()
