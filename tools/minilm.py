"""all-MiniLM-L6-v2 in numpy: the sentence embedder without torch.

The room needs one small BERT (6 layers, 384 wide) for routing, the scene library and the critic's scorer;
loading it through sentence-transformers brought torch, transformers, peft and bitsandbytes into every
process (about half of the app's memory, and most of its start). This is the same forward pass on the same
packaged weights and tokenizer (WordPiece, truncated at the model's 256 tokens, mean pooling), so its vectors
match sentence-transformers' to float32 rounding and the library's Chroma index stays valid
(tests/test_minilm.py holds them side by side).

The object speaks the slice of SentenceTransformer's interface Scriptroom uses: ``encode``, ``tokenizer``
and ``max_seq_length``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

FORWARD_BATCH = 16
# A BERT layer's weight names, below encoder.layer.N.
_LAYER = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "o": "attention.output.dense", "ln1": "attention.output.LayerNorm",
    "up": "intermediate.dense", "down": "output.dense", "ln2": "output.LayerNorm",
}


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to about 1e-7 (Numerical Recipes' erfc Chebyshev fit): BERT's GELU is the exact one, not tanh's."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    return np.sign(x) * (1.0 - t * np.exp(poly))


# Elementwise steps run over slices this size: a slice's temporaries stay in the CPU cache, where a whole
# (16, 256, 1536) activation's two dozen temporaries went through memory (GELU 2.8x faster, same bits).
_SLICE = 1 << 15


def _gelu(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    flat, into = x.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, _SLICE):
        part = flat[start: start + _SLICE]
        into[start: start + _SLICE] = 0.5 * part * (1.0 + _erf(part / np.float32(np.sqrt(2.0))).astype(np.float32))
    return out


def _softmax_masked(scores: np.ndarray, blocked: np.ndarray) -> np.ndarray:
    """Softmax over the last axis of (batch, heads, length, length) scores plus the padding mask, one batch row
    at a time for the same cache reason as _gelu."""
    out = np.empty_like(scores)
    for row in range(scores.shape[0]):
        s = scores[row] + blocked[row]
        s = np.exp(s - s.max(-1, keepdims=True))
        out[row] = s / s.sum(-1, keepdims=True)
    return out


def _linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """x @ W + b over (batch, length, width) as one 2-D product: one large BLAS call instead of one per row."""
    flat = x.reshape(-1, x.shape[-1]) @ weight
    flat += bias
    return flat.reshape(*x.shape[:-1], weight.shape[1])


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class WordPiece:
    """The model's own fast tokenizer (tokenizer.json), called the way a transformers tokenizer is."""

    def __init__(self, path: Path, max_length: int):
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(path))
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=max_length)
        self._plain = Tokenizer.from_file(str(path))
        self._plain.no_padding()
        self._plain.no_truncation()

    def __call__(self, texts: str | Sequence[str], add_special_tokens: bool = True, **_: Any) -> dict[str, Any]:
        one = isinstance(texts, str)
        batch = [texts] if one else list(texts)
        tok = self._tok if add_special_tokens else self._plain
        ids = [e.ids for e in tok.encode_batch(batch, add_special_tokens=add_special_tokens)]
        return {"input_ids": ids[0] if one else ids}


class MiniLM:
    """The packaged all-MiniLM-L6-v2 as a numpy forward pass."""

    def __init__(self, model_dir: str | Path):
        from safetensors.numpy import load_file

        model_dir = Path(model_dir)
        config = json.loads((model_dir / "config.json").read_text())
        self.max_seq_length = int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        w = {k: v.astype(np.float32) for k, v in load_file(str(model_dir / "model.safetensors")).items()
             if not k.startswith("pooler.") and not k.endswith("position_ids")}
        self._word = w["embeddings.word_embeddings.weight"]
        self._position = w["embeddings.position_embeddings.weight"]
        self._type0 = w["embeddings.token_type_embeddings.weight"][0]
        self._ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = []
        for i in range(int(config["num_hidden_layers"])):
            get = lambda part, what: w[f"encoder.layer.{i}.{_LAYER[part]}.{what}"]  # noqa: E731
            # Linear weights stored transposed once, so the forward pass is x @ W.
            layer = {p: (np.ascontiguousarray(get(p, "weight").T), get(p, "bias")) for p in ("q", "k", "v", "o", "up", "down")}
            layer.update({p: (get(p, "weight"), get(p, "bias")) for p in ("ln1", "ln2")})
            self._layers.append(layer)
        self.tokenizer = WordPiece(model_dir / "tokenizer.json", self.max_seq_length)

    def layer(self, index: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Layer ``index``'s weights ({part: (weight as x @ W, bias)}), to build a tuned layer from."""
        return dict(self._layers[index])

    def with_layers(self, layers: dict[int, dict[str, tuple[np.ndarray, np.ndarray]]]) -> "MiniLM":
        """A twin sharing every weight but the given layers': the router's tuned encoder costs only those."""
        twin = copy.copy(self)
        twin._layers = [layers.get(i, layer) for i, layer in enumerate(self._layers)]
        return twin

    @property
    def depth(self) -> int:
        return len(self._layers)

    def embedding_weights(self) -> dict[str, np.ndarray]:
        """The embedding layer's weights (word, position, token type 0, LayerNorm), for a replica of the forward
        pass that trains the top layers (tools/tuned_minilm.py)."""
        return {"word": self._word, "position": self._position, "type0": self._type0,
                "ln_weight": self._ln0[0], "ln_bias": self._ln0[1]}

    def get_sentence_embedding_dimension(self) -> int:
        return int(self._word.shape[1])

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        """Mean-pooled embeddings of one batch of token ids (padded here, masked in attention and pooling)."""
        batch, length = len(ids), max(len(x) for x in ids)
        tokens = np.zeros((batch, length), dtype=np.int64)
        mask = np.zeros((batch, length), dtype=np.float32)
        for row, x in enumerate(ids):
            tokens[row, : len(x)] = x
            mask[row, : len(x)] = 1.0
        x = self._word[tokens] + self._position[:length] + self._type0
        x = _layer_norm(x, *self._ln0, self.eps)
        width = x.shape[-1]
        size = width // self.heads
        # Padding gets the most negative float32, as BERT's extended attention mask does.
        blocked = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(size))

        def heads(h: np.ndarray) -> np.ndarray:
            return h.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        for layer in self._layers:
            q, k, v = (heads(_linear(x, *layer[p])) for p in ("q", "k", "v"))
            attention = _softmax_masked((q @ k.transpose(0, 1, 3, 2)) * scale, blocked)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
            x = _layer_norm(x + _linear(context, *layer["o"]), *layer["ln1"], self.eps)
            hidden = _gelu(_linear(x, *layer["up"]))
            x = _layer_norm(x + _linear(hidden, *layer["down"]), *layer["ln2"], self.eps)
        summed = (x * mask[:, :, None]).sum(1)
        return summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)

    def encode(self, sentences: str | Sequence[str], batch_size: int = 32, normalize_embeddings: bool = False,
               convert_to_numpy: bool = True, show_progress_bar: bool | None = None, **_: Any) -> np.ndarray:
        """SentenceTransformer.encode's contract: one vector for a string, a (n, 384) float32 array for a list."""
        one = isinstance(sentences, str)
        texts = [sentences] if one else list(sentences)
        out = np.zeros((len(texts), self.get_sentence_embedding_dimension()), dtype=np.float32)
        if texts:
            ids = self.tokenizer(texts)["input_ids"]
            # Longest first, as sentence-transformers batches, so each batch pads little.
            order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))
            # At most FORWARD_BATCH sequences per pass whatever batch_size says: attention scores of 64 full
            # windows alone take 200 MB.
            step = max(1, min(batch_size, FORWARD_BATCH))
            for start in range(0, len(order), step):
                chunk = order[start: start + step]
                out[chunk] = self._forward([ids[i] for i in chunk])
        # The model ends in a Normalize module: its vectors are unit length whatever normalize_embeddings says.
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out[0] if one else out
