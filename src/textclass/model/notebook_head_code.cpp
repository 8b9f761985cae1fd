#include "textclass/model/notebook_head_code.hpp"

namespace textclass::model {

// The class and model-type names below must stay those of notebook_head_code.hpp's constants
// (checkpoint_test checks that they appear here). The forward pass mirrors transformers'
// BertForSequenceClassification with the pooler left out: the loss follows config.problem_type,
// as transformers chooses it.
const char* notebook_head_code() {
  return R"py("""The notebook's classifier head, written by textclass beside a model trained with it
(`--head cls_linear`): BERT without its pooler, dropout, and a linear layer on the [CLS] token's
last hidden state. transformers has no class for this head, so it loads as custom code:

    AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True)
"""
import torch
from torch import nn
from transformers import BertConfig, BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput


class BertClsLinearConfig(BertConfig):
    # A model type transformers does not know: without trust_remote_code, loading this folder
    # fails instead of building BertForSequenceClassification, whose pooler would change the logits.
    model_type = "textclass_bert_cls_linear"


class BertForClsLinearClassification(BertPreTrainedModel):
    config_class = BertClsLinearConfig
    # textclass keeps the pooler of the checkpoint it started from, untrained; this head never uses it.
    _keys_to_ignore_on_load_unexpected = [r"pooler"]

    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        dropout = config.classifier_dropout if config.classifier_dropout is not None else config.hidden_dropout_prob
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None,
                inputs_embeds=None, labels=None, **kwargs):
        outputs = self.bert(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                            position_ids=position_ids, inputs_embeds=inputs_embeds, **kwargs)
        logits = self.classifier(self.dropout(outputs[0][:, 0]))
        loss = None
        if labels is not None:
            if self.config.problem_type is None:
                if self.num_labels == 1:
                    self.config.problem_type = "regression"
                elif labels.dtype in (torch.long, torch.int):
                    self.config.problem_type = "single_label_classification"
                else:
                    self.config.problem_type = "multi_label_classification"
            if self.config.problem_type == "regression":
                loss = nn.MSELoss()(logits.squeeze(), labels.squeeze()) if self.num_labels == 1 else nn.MSELoss()(logits, labels)
            elif self.config.problem_type == "single_label_classification":
                loss = nn.CrossEntropyLoss()(logits.view(-1, self.num_labels), labels.view(-1))
            else:
                loss = nn.BCEWithLogitsLoss()(logits, labels)
        return SequenceClassifierOutput(loss=loss, logits=logits, hidden_states=getattr(outputs, "hidden_states", None),
                                        attentions=getattr(outputs, "attentions", None))
)py";
}

}  // namespace textclass::model
