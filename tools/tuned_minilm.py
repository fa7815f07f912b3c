"""A MiniLM twin with its top layers tuned for one reader (the router, the scene search's queries), and the
torch replica of the forward pass that tunes them.

The scene library's stored vectors depend on the unmodified MiniLM, so a component that wants its own encoder
gets a twin sharing every weight but its tuned layers (``MiniLM.with_layers``). Tuned layers ship as
low-rank int8 differences from the packaged ones, which keeps each file small enough for git; ``unpack``
rebuilds them at start-up. Running needs only numpy; the training helpers below import torch when called.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

MATRICES = ("q", "k", "v", "o", "up", "down")  # (weight as x @ W, bias) pairs; the rest are layer norms
PREFIX = "enc."
Layer = dict[str, tuple[np.ndarray, np.ndarray]]


def pack(base: Mapping[int, Layer], tuned: Mapping[int, Layer], rank: int) -> dict[str, np.ndarray]:
    """Tuned layers as differences from ``base``: a weight matrix's as its top ``rank`` singular directions."""
    out = {}
    for index, layer in tuned.items():
        for part, (weight, bias) in layer.items():
            key = f"{PREFIX}{index}.{part}"
            delta = weight.astype(np.float64) - base[index][part][0]
            if part in MATRICES:
                u, s, vt = np.linalg.svd(delta, full_matrices=False)
                out[key + ".u"], out[key + ".us"] = _int8(u[:, :rank] * s[:rank], axis=0)
                out[key + ".v"], out[key + ".vs"] = _int8(vt[:rank], axis=1)
            else:
                out[key + ".w"] = delta.astype(np.float16)
            out[key + ".b"] = (bias.astype(np.float64) - base[index][part][1]).astype(np.float16)
    return out


def unpack(base: Any, arrays: Mapping[str, np.ndarray]) -> dict[int, Layer]:
    """The tuned layers, rebuilt over ``base`` (a MiniLM) from ``pack``'s arrays."""
    indices = sorted({int(k[len(PREFIX):].split(".")[0]) for k in arrays if k.startswith(PREFIX)})
    layers = {}
    for index in indices:
        layer = {}
        for part, (weight, bias) in base.layer(index).items():
            key = f"{PREFIX}{index}.{part}"
            if part in MATRICES:
                delta = _factor(arrays, key + ".u") @ _factor(arrays, key + ".v")
            else:
                delta = arrays[key + ".w"].astype(np.float32)
            layer[part] = (np.ascontiguousarray(weight + delta), bias + arrays[key + ".b"].astype(np.float32))
        layers[index] = layer
    return layers


def _int8(factor: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """A factor as int8 with one fp16 scale per rank component. Against fp16 factors: half the file, and every
    labelled routing row routed the same, confidences within 0.0014 (route9's notes)."""
    scale = (np.abs(factor).max(axis=axis, keepdims=True) / 127.0).astype(np.float16)
    scale[scale == 0] = 1.0
    return np.round(factor / scale.astype(np.float64)).clip(-127, 127).astype(np.int8), scale


def _factor(arrays: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    factor = arrays[key].astype(np.float32)
    scale = arrays.get(key + "s")  # absent in files packed with fp16 factors
    return factor if scale is None else factor * scale.astype(np.float32)


def save_npz(arrays: Mapping[str, np.ndarray], path: Any) -> None:
    """Written whole or not at all: a killed build leaves the shipped file as it was."""
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)


def tuned_encoder(embedder: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """``embedder`` itself when ``arrays`` hold no tuned layers, else its twin with them."""
    if not any(k.startswith(PREFIX) for k in arrays):
        return embedder
    return embedder.with_layers(unpack(embedder, arrays))


# -- training: a torch replica of tools.minilm's forward pass on the same weights ------------------------------
def trainable(embedder: Any, count: int) -> dict[int, dict[str, tuple[Any, Any]]]:
    """The top ``count`` layers as torch tensors that require grad, starting from the packaged weights."""
    import torch

    return {i: {part: (torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
                for part, (w, b) in embedder.layer(i).items()}
            for i in range(embedder.depth - count, embedder.depth)}


def detached(layers: Mapping[int, Mapping[str, tuple[Any, Any]]]) -> dict[int, Layer]:
    return {i: {part: (w.detach().numpy(), b.detach().numpy()) for part, (w, b) in layer.items()}
            for i, layer in layers.items()}


def frozen_states(embedder: Any, texts: Sequence[str], upto: int, batch: int = 32) -> list[Any]:
    """Each text's token states after the frozen layers below ``upto``, computed once (they never change)."""
    import torch
    import torch.nn.functional as F

    w = {k: torch.tensor(v) for k, v in embedder.embedding_weights().items()}
    layers = [{part: (torch.tensor(a), torch.tensor(b)) for part, (a, b) in embedder.layer(i).items()} for i in range(upto)]
    ids = embedder.tokenizer(list(texts))["input_ids"]
    out = []
    with torch.no_grad():
        for start in range(0, len(ids), batch):
            chunk = ids[start: start + batch]
            tokens, mask = padded([torch.tensor(x) for x in chunk])
            x = w["word"][tokens.long()] + w["position"][:tokens.shape[1]] + w["type0"]
            x = F.layer_norm(x, (x.shape[-1],), w["ln_weight"], w["ln_bias"], embedder.eps)
            for layer in layers:
                x = torch_layer(x, mask, layer, embedder.heads, embedder.eps)
            out += [x[row, : len(seq)] for row, seq in enumerate(chunk)]
    return out


def pooled(x: Any, mask: Any, layers: Mapping[int, Mapping[str, tuple[Any, Any]]], embedder: Any) -> Any:
    """Unit sentence vectors of ``padded`` frozen states run through ``layers`` (the encoder's top layers)."""
    import torch.nn.functional as F

    for layer in layers.values():
        x = torch_layer(x, mask, layer, embedder.heads, embedder.eps)
    return F.normalize((x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True), dim=-1)


def padded(seqs: Sequence[Any]) -> tuple[Any, Any]:
    """Sequences (token ids or token states) stacked with zero padding, and the mask of real tokens."""
    import torch

    longest = max(len(s) for s in seqs)
    out = torch.zeros((len(seqs), longest) + tuple(seqs[0].shape[1:]), dtype=seqs[0].dtype)
    mask = torch.zeros(len(seqs), longest)
    for row, s in enumerate(seqs):
        out[row, : len(s)] = s
        mask[row, : len(s)] = 1.0
    return out, mask


def torch_layer(x: Any, mask: Any, layer: Mapping[str, tuple[Any, Any]], n_heads: int, eps: float) -> Any:
    """One BERT layer as tools.minilm computes it (weights as x @ W, exact GELU, padding masked)."""
    import torch.nn.functional as F

    batch, length, width = x.shape
    size = width // n_heads

    def heads(h: Any) -> Any:
        return h.view(batch, length, n_heads, size).transpose(1, 2)

    q, k, v = (heads(x @ layer[p][0] + layer[p][1]) for p in ("q", "k", "v"))
    scores = q @ k.transpose(-1, -2) / size ** 0.5 + ((1.0 - mask) * -1e9)[:, None, None, :]
    context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, width)
    x = F.layer_norm(x + context @ layer["o"][0] + layer["o"][1], (width,), *layer["ln1"], eps)
    hidden = F.gelu(x @ layer["up"][0] + layer["up"][1])
    return F.layer_norm(x + hidden @ layer["down"][0] + layer["down"][1], (width,), *layer["ln2"], eps)
