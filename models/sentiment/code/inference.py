"""The sample model of ai-infra: sentiment by a word lexicon, served by the default image.

The default image is the AWS PyTorch inference Deep Learning Container with the SageMaker
inference toolkit. It extracts model.tar.gz to /opt/ml/model, imports code/inference.py and
calls model_fn(model_dir) once per worker, then input_fn, predict_fn and output_fn for each
request (https://sagemaker.readthedocs.io/en/stable/frameworks/pytorch/using_pytorch.html).

It needs no PyTorch. Where PyTorch sees CUDA, model_fn caps this process's share of each GPU's
memory at GPU_MEMORY_FRACTION, which the fleet and the SageMaker endpoint set
(https://pytorch.org/docs/stable/generated/torch.cuda.set_per_process_memory_fraction.html).

Requests are JSON objects: {"text": "..."} scores one text, {"texts": ["...", ...]} several, and
an object with neither (the smoke check's) scores none. text/plain bodies are one text.
"""
import json
import os
import re

LEXICON_FILE = "lexicon.json"
JSON_TYPE = "application/json"
WORD = re.compile(r"[a-z']+")


def apply_gpu_memory_fraction():
    """Caps each visible GPU at GPU_MEMORY_FRACTION of its memory; returns the fraction applied, or None."""
    value = os.environ.get("GPU_MEMORY_FRACTION")
    if value is None:
        return None
    fraction = float(value)
    if not 0 < fraction <= 1:
        raise ValueError(f"GPU_MEMORY_FRACTION ({value}) must be > 0 and <= 1")
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    for device in range(torch.cuda.device_count()):
        torch.cuda.set_per_process_memory_fraction(fraction, device)
    return fraction


def model_fn(model_dir):
    """Loads the lexicon from the model directory."""
    apply_gpu_memory_fraction()
    with open(os.path.join(model_dir, LEXICON_FILE), encoding="utf-8") as lexicon_file:
        lexicon = json.load(lexicon_file)
    return {
        "name": lexicon["name"],
        "version": lexicon["version"],
        "weights": {word: float(weight) for word, weight in lexicon["weights"].items()},
        "negations": frozenset(lexicon["negations"]),
    }


def _media_type(header):
    return (header or JSON_TYPE).split(";")[0].strip().lower()


def input_fn(request_body, request_content_type):
    """The texts of a request: a JSON object's "text" and "texts", or a text/plain body."""
    body = request_body.decode("utf-8") if isinstance(request_body, (bytes, bytearray)) else request_body
    media_type = _media_type(request_content_type)
    if media_type == "text/plain":
        return [body]
    if media_type != JSON_TYPE:
        raise ValueError(f"content type {request_content_type} is not supported: send application/json or text/plain")
    request = json.loads(body)
    if not isinstance(request, dict):
        raise ValueError('the request must be a JSON object: {"text": "..."} or {"texts": ["...", ...]}')
    texts = ([request["text"]] if "text" in request else []) + list(request.get("texts", []))
    if not all(isinstance(text, str) for text in texts):
        raise ValueError('"text" must be a string and "texts" a list of strings')
    return texts


def _score(text, model):
    total = 0.0
    matched = 0
    negated = False
    for word in WORD.findall(text.lower()):
        if word in model["negations"]:
            negated = True
            continue
        weight = model["weights"].get(word)
        if weight is None:
            continue
        total += -weight if negated else weight
        matched += 1
        negated = False
    score = round(total / matched, 4) if matched else 0.0
    label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
    return {"label": label, "score": score, "matchedWords": matched}


def predict_fn(texts, model):
    """One prediction per text (a label, a score in [-1, 1], the lexicon words found), with the model's name and version."""
    return {"model": f'{model["name"]}@{model["version"]}', "predictions": [_score(text, model) for text in texts]}


def output_fn(prediction, accept):
    """The prediction as JSON; the toolkit answers with the content type returned beside it."""
    if _media_type(accept) not in (JSON_TYPE, "*/*"):
        raise ValueError(f"accept {accept} is not supported: ask for application/json")
    return json.dumps(prediction), JSON_TYPE
