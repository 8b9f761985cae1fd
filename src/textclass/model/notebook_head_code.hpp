#pragma once
// How a model with the notebook's head (Head::cls_linear) is written so that transformers loads it.
// transformers has no class for that head, so the folder carries one as custom code, the way
// transformers saves custom architectures: config.json's auto_map points AutoConfig and
// AutoModelForSequenceClassification at classes in a Python file written beside the weights, and
// AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True) builds it.
// The model_type is one transformers does not know, so that loading without trust_remote_code
// raises instead of building BertForSequenceClassification (pooler + tanh) over these weights.

namespace textclass::model {

// config.json's model_type for the notebook's head; load_config reads it as BERT with that head.
inline constexpr const char* kNotebookHeadModelType = "textclass_bert_cls_linear";
// The Python module written into the folder (as <module>.py), and the classes of it that
// config.json names.
inline constexpr const char* kNotebookHeadCodeModule = "modeling_textclass";
inline constexpr const char* kNotebookHeadCodeFile = "modeling_textclass.py";
inline constexpr const char* kNotebookHeadConfigClass = "BertClsLinearConfig";
inline constexpr const char* kNotebookHeadModelClass = "BertForClsLinearClassification";

// The text of kNotebookHeadCodeFile.
const char* notebook_head_code();

}  // namespace textclass::model
