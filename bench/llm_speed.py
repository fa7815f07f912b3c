"""Speed of the embedded model on this CPU, llama.cpp engine beside transformers: load, first token, decode, RSS.

    .venv/bin/python bench/llm_speed.py [--tokens 128] [--runs 3] [--no-transformers]

"ours" is what a writer gets: tokens per second of text streamed through Scriptroom's LangChain chat model
(the llama.cpp engine by default). "llama.cpp's own" is llama.cpp's internal timing of the same decode in the
same run (llama_perf_context: its eval time and token count, no Python), so the ratio is the cost of our
layers. The transformers int8 loop (the engine before llama.cpp, still used for training) is timed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

MESSAGES = [
    {"role": "system", "content": "You are a screenwriting assistant."},
    {"role": "user", "content": "Write a short scene set in a diner at night."},
]


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def chat_rate(chat, count_tokens, tokens: int, runs: int, own=None) -> dict[str, float]:
    """Median first-token time and decode rate of text streamed through the chat model; with ``own`` (a
    function returning llama.cpp's (eval ms, eval tokens) since the last reset), llama.cpp's figure too."""
    from langchain_core.messages import HumanMessage, SystemMessage

    messages = [SystemMessage(MESSAGES[0]["content"]), HumanMessage(MESSAGES[1]["content"])]
    ttfts, rates, owns = [], [], []
    for _ in range(runs):
        if own is not None:
            own(reset=True)
        start = time.perf_counter()
        first, pieces = None, []
        for chunk in chat.stream(messages, temperature=0.0, repetition_penalty=1.0, max_tokens=tokens):
            if first is None:
                first = time.perf_counter() - start
            pieces.append(chunk.content)
        total = time.perf_counter() - start
        ttfts.append(first or total)
        produced = count_tokens("".join(pieces))
        # Tokens after the first, over the time after the first: the steady decode rate.
        rates.append(max(produced - 1, 0) / max(total - (first or 0), 1e-9))
        if own is not None:
            eval_ms, n_eval = own(reset=False)
            owns.append(n_eval / (eval_ms / 1000) if eval_ms else 0.0)
    out = {"ttft_ms": statistics.median(ttfts) * 1000, "tok_s": statistics.median(rates)}
    if owns:
        out["own_tok_s"] = statistics.median(owns)
    return out


def llama_perf(engine):
    import llama_cpp

    def own(reset: bool):
        ctx = engine.llama.ctx
        if reset:
            llama_cpp.llama_perf_context_reset(ctx)
            return None
        data = llama_cpp.llama_perf_context(ctx)
        return data.t_eval_ms, data.n_eval

    return own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-transformers", dest="transformers", action="store_false",
                        help="skip the transformers engine (its cold load converts the GGUF, ~40 s)")
    args = parser.parse_args()

    from agent.models.factory import build_chat_model, load_engine
    from agent.models.llamacpp import cpu_threads
    from agent.settings import SHIPPED_ADAPTER, Settings

    home = Path(tempfile.mkdtemp(prefix="scriptroom-bench-"))
    print(f"{os.cpu_count()} CPUs, llama.cpp threads {cpu_threads()}, {args.tokens} tokens, median of {args.runs}")
    rows = []

    settings = Settings(home=home, engine="llama.cpp")
    start = time.perf_counter()
    engine = load_engine(settings)
    load = time.perf_counter() - start
    chat = build_chat_model(settings, engine=engine)
    count = lambda text: len(engine.llama.tokenize(text.encode(), add_bos=False))  # noqa: E731
    res = chat_rate(chat, count, args.tokens, args.runs, own=llama_perf(engine))
    rows.append(("llama.cpp engine (default)", load, None, res))
    own_base = res["own_tok_s"]
    # The scene adapter: a GGUF LoRA applied at run time on llama.cpp (its conversion is the cold figure).
    adapted = settings.with_(adapter=str(SHIPPED_ADAPTER))
    start = time.perf_counter()
    lora = load_engine(adapted)
    load = time.perf_counter() - start
    res = chat_rate(build_chat_model(adapted, engine=lora), count, args.tokens, args.runs, own=llama_perf(lora))
    rows.append(("llama.cpp + scene adapter (GGUF LoRA)", load, None, res))
    llama_rss = peak_rss_mb()

    if args.transformers:
        import torch

        # As many torch threads as llama.cpp threads: on a shared 2-core box both engines crawl with more.
        torch.set_num_threads(cpu_threads())
        tsettings = Settings(home=home, engine="transformers")
        start = time.perf_counter()
        hf = load_engine(tsettings)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        hf = load_engine(tsettings)
        warm = time.perf_counter() - start
        hcount = lambda text: len(hf.tokenizer(text, add_special_tokens=False)["input_ids"])  # noqa: E731
        res = chat_rate(build_chat_model(tsettings, engine=hf), hcount, args.tokens, args.runs)
        rows.append((f"transformers int8 loop ({torch.get_num_threads()} torch threads)", warm, cold, res))
        tadapted = tsettings.with_(adapter=str(SHIPPED_ADAPTER))
        start = time.perf_counter()
        hf_lora = load_engine(tadapted)
        load = time.perf_counter() - start
        res = chat_rate(build_chat_model(tadapted, engine=hf_lora), hcount, args.tokens, args.runs)
        rows.append(("transformers int8 + scene adapter (merged)", load, None, res))

    print(f"{'engine':44} {'load s':>7} {'cold s':>7} {'1st tok ms':>10} {'ours tok/s':>10} {'llama.cpp own':>13} {'ratio':>6}")
    for name, load, cold, res in rows:
        own = res.get("own_tok_s", own_base)  # llama.cpp's figure for this row, else for the plain GGUF
        print(f"{name:44} {load:7.2f} {cold if cold is not None else float('nan'):7.2f} {res['ttft_ms']:10.0f} "
              f"{res['tok_s']:10.1f} {own:13.1f} {res['tok_s'] / own:6.2f}")
    print(f"peak RSS: {llama_rss:.0f} MB with llama.cpp only; {peak_rss_mb():.0f} MB at the end")


if __name__ == "__main__":
    main()
