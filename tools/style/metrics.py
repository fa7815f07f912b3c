"""STRAP-style measures of a restyle: style strength (classifier), meaning kept (embedding cosine), fluency
(language-model perplexity), and their product J."""

from __future__ import annotations

import math
from typing import Any, Callable

from tools.style.presets import Preset
from tools.summarizer.facts import plain


def _body_text(fountain_text: str) -> str:
    """The restyled voice only: action and speech, without headings and cues."""
    from screenplay.formats import fountain
    from tools.style.structure import RESTYLED

    script = fountain.parse(fountain_text)
    parts = [e.text for els in [script.preamble] + [s.elements for s in script.scenes] for e in els if e.type in RESTYLED]
    return plain(" ".join(parts))


def strap(source: str, output: str, preset: Preset, *, embedder: Any = None, classifier: Any = None,
          perplexity: Callable[[list[str]], list[float]] | None = None) -> dict[str, Any]:
    """Measures for one restyled passage; a measure whose tool was not given is None (and so is J)."""
    src, out = _body_text(source), _body_text(output)
    m: dict[str, Any] = {"style_label": None, "predicted": None, "target_probability": None, "accuracy": None,
                         "similarity": None, "perplexity_source": None, "perplexity_output": None,
                         "fluency": None, "j": None}
    if classifier is not None and preset.genre in classifier.labels:
        probs = classifier.probabilities([out])[0]
        target = classifier.labels.index(preset.genre)
        m.update(style_label=preset.genre, predicted=classifier.labels[int(probs.argmax())],
                 target_probability=round(float(probs[target]), 4), accuracy=float(int(probs.argmax()) == target))
    if embedder is not None:
        vecs = embedder.embed([src, out])
        m["similarity"] = round(max(0.0, float(vecs[0] @ vecs[1])), 4)
    if perplexity is not None:
        p_src, p_out = perplexity([src, out])
        m.update(perplexity_source=round(p_src, 2), perplexity_output=round(p_out, 2),
                 fluency=round(min(1.0, p_src / p_out) if p_out > 0 and math.isfinite(p_out) else 0.0, 4))
    if None not in (m["accuracy"], m["similarity"], m["fluency"]):
        m["j"] = round(m["accuracy"] * m["similarity"] * m["fluency"], 4)
    return m


def transformers_perplexity(model: Any, tokenizer: Any, max_tokens: int = 512) -> Callable[[list[str]], list[float]]:
    """Perplexity per text under a causal LM (e.g. LocalChatModel.engine.model / .tokenizer)."""

    def perplexity(texts: list[str]) -> list[float]:
        import torch

        out = []
        with torch.inference_mode():
            for text in texts:
                ids = tokenizer(text or ".", return_tensors="pt")["input_ids"][:, :max_tokens]
                if ids.shape[1] < 2:
                    out.append(float("inf"))
                    continue
                logits = model(input_ids=ids).logits[:, :-1, :].float()
                loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
                out.append(float(torch.exp(loss)))
        return out

    return perplexity
