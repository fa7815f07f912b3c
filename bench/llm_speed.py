"""Speed of the embedded model on this CPU: load (cold/warm), time to first token, decode rate, RSS.

    .venv/bin/python bench/llm_speed.py [--tokens 128] [--runs 3]

Cold load converts the packaged GGUF into safetensors in a fresh data directory; warm load reads
the converted checkpoint. Decode is measured for our streaming loop with int8 weights (the
default), the same loop in fp32, and plain `generate()` in fp32 (the baseline the issue names).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def decode_rate(engine, messages, tokens: int, runs: int) -> tuple[float, float]:
    from agent.models.local import GenerationParams

    ttfts, rates = [], []
    for _ in range(runs):
        start = time.perf_counter()
        first, pieces = None, []
        for piece in engine.stream(messages, GenerationParams(max_new_tokens=tokens, temperature=0.0, repetition_penalty=1.0)):
            if first is None:
                first = time.perf_counter() - start
            pieces.append(piece)
        total = time.perf_counter() - start
        ttfts.append(first or total)
        # Tokens after the first, over the time after the first: the steady decode rate.
        produced = len(engine.tokenizer("".join(pieces), add_special_tokens=False)["input_ids"])
        rates.append(max(produced - 1, 0) / max(total - (first or 0), 1e-9))
    return statistics.median(ttfts), statistics.median(rates)


def generate_rate(engine, messages, tokens: int, runs: int) -> float:
    import torch

    ids = engine.encode_chat(messages)
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        with torch.inference_mode():
            out = engine.model.generate(ids, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False)
        rates.append((out.shape[1] - ids.shape[1]) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from agent.models.factory import load_engine
    from agent.settings import Settings

    import torch

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs")
    home = Path(tempfile.mkdtemp(prefix="scriptroom-bench-"))
    start = time.perf_counter()
    engine = load_engine(Settings(home=home))
    cold = time.perf_counter() - start
    start = time.perf_counter()
    engine = load_engine(Settings(home=home))
    warm = time.perf_counter() - start
    messages = [
        {"role": "system", "content": "You are a screenwriting assistant."},
        {"role": "user", "content": "Write a short scene set in a diner at night."},
    ]
    ttft, int8_rate = decode_rate(engine, messages, args.tokens, args.runs)
    fp32 = load_engine(Settings(home=home, cpu_int8=False))
    ttft32, fp32_rate = decode_rate(fp32, messages, args.tokens, args.runs)
    gen_rate = generate_rate(fp32, messages, args.tokens, args.runs)

    print(f"load cold (GGUF -> safetensors + load): {cold:6.2f} s")
    print(f"load warm (converted checkpoint):       {warm:6.2f} s")
    print(f"time to first token (int8, short):      {ttft * 1000:6.0f} ms   (fp32: {ttft32 * 1000:.0f} ms)")
    print(f"decode, int8 streaming loop (default):  {int8_rate:6.1f} tok/s")
    print(f"decode, fp32 streaming loop:            {fp32_rate:6.1f} tok/s")
    print(f"decode, fp32 plain generate():          {gen_rate:6.1f} tok/s")
    print(f"speed-up over plain generate():         {int8_rate / gen_rate:6.2f}x")
    print(f"ratio to llama.cpp's ~70 tok/s:         {int8_rate / 70:6.2f}")
    print(f"peak RSS:                               {peak_rss_mb():6.0f} MB")


if __name__ == "__main__":
    main()
