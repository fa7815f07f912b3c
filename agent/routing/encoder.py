"""The router's own sentence encoder: the packaged MiniLM with its top layers tuned on the labelled routing rows.

A linear head over the frozen embedding stalled near 85% on each new author's requests (leave-one-split-out);
tuning the top two layers with the head moved it to about 88% (route8's notes). The scene library keeps the
unmodified MiniLM (its stored vectors depend on it), so the router gets a twin sharing every weight but
those two layers. The tuned layers ship inside ``head.npz`` as low-rank fp16 differences from the packaged
ones, which keeps the file small enough for git; they are rebuilt here at start-up.
"""

from __future__ import annotations

from typing import Any, Mapping

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
                out[key + ".u"] = (u[:, :rank] * s[:rank]).astype(np.float16)
                out[key + ".v"] = vt[:rank].astype(np.float16)
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
                delta = arrays[key + ".u"].astype(np.float32) @ arrays[key + ".v"].astype(np.float32)
            else:
                delta = arrays[key + ".w"].astype(np.float32)
            layer[part] = (np.ascontiguousarray(weight + delta), bias + arrays[key + ".b"].astype(np.float32))
        layers[index] = layer
    return layers


def tuned_encoder(embedder: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """The router's encoder: ``embedder`` itself when the head has no tuned layers, else its twin with them."""
    if not any(k.startswith(PREFIX) for k in arrays):
        return embedder
    return embedder.with_layers(unpack(embedder, arrays))
