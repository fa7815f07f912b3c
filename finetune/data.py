"""Build the chat-format fine-tuning dataset from the starter library and any folder of scripts.

    .venv/bin/python -m finetune.data --output runs/data        # or: scriptroom finetune data

Tasks: write a scene from a beat and context, continue a scene, rewrite a scene in another genre,
reformat a NAME: words draft into Fountain, summarize (extractive), critique (notes from checks), and
exchange: the scene generator's own prompt (tools/generator/prompts, rendered by its renderer, so training
and use see the same words) answered with action and ``NAME: words`` lines, the shape the generator asks for.
The train/validation split is by source (a starter file, or a whole script), so no scene text is
on both sides; pairs whose two scenes fall on different sides are dropped.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from finetune.config import DataConfig
from finetune.errors import FinetuneError
from screenplay.formats.fountain import parse, render
from screenplay.model import ElementType, Scene, Script
from screenplay.record import Record

ET = ElementType
STARTER = Path(__file__).resolve().parents[1] / "tools" / "library" / "starter"
TEMPLATES = Path(__file__).resolve().parent / "prompts" / "instructions.yaml"
TASKS = ("write", "continue", "rewrite", "reformat", "summarize", "critique", "exchange")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")
_WORD_RE = re.compile(r"[A-Za-z']+")


@dataclass
class SceneUnit:
    """One scene and where it came from; `source` is the split key."""

    source: str
    index: int
    text: str  # canonical Fountain of the scene alone
    scene: Scene
    genre: str = ""
    tone: str = ""
    beat: str = ""
    title: str = ""

    @property
    def id(self) -> str:
        return f"{self.source}#{self.index}"


@dataclass
class Example(Record):
    task: str
    sources: list[str]  # every source whose text the example contains
    messages: list[dict[str, str]]
    id: str = ""


@dataclass
class DatasetReport(Record):
    output: str
    train: int
    validation: int
    per_task: dict[str, dict[str, int]]
    sources: dict[str, int]  # origin -> number of sources
    scenes: int
    duplicates_dropped: int
    cross_split_dropped: int
    files: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    """The instruction templates (read-only, cached: package data, not per-writer state)."""
    import yaml

    return yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))


def fill(template: str, **values: str) -> str:
    # str.format raises KeyError on a field the template uses but the builder did not give.
    return template.format(**values).strip()


# ---------------------------------------------------------------------------- loading scenes


def scene_fountain(scene: Scene) -> str:
    return render(Script(scenes=[scene])).strip()


def _meta(title_page: dict[str, str], key: str) -> str:
    for k, v in title_page.items():
        if k.strip().lower() == key:
            return v.strip()
    return ""


def starter_units(root: Path = STARTER) -> list[SceneUnit]:
    units = []
    for path in sorted(root.glob("*/*.fountain")):
        script = parse(path.read_text(encoding="utf-8"))
        tp = script.title_page
        for i, scene in enumerate(script.scenes):
            units.append(SceneUnit(
                source=f"starter/{path.parent.name}/{path.name}", index=i, text=scene_fountain(scene), scene=scene,
                genre=_meta(tp, "genre") or path.parent.name, tone=_meta(tp, "tone"), beat=_meta(tp, "beat"),
                title=script.title,
            ))
    return units


def script_units(paths: Iterable[str | Path]) -> list[SceneUnit]:
    """Scenes of the writer's scripts (any format screenplay.io reads); each script is one source."""
    from screenplay.errors import ScriptImportError
    from screenplay.io import load
    from tools.library.errors import LibraryError
    from tools.library.sources import find_sources

    try:
        found = find_sources(paths)
    except LibraryError as exc:
        raise FinetuneError(str(exc)) from None
    units = []
    for src in found:
        try:
            script = load(src.path)
        except ScriptImportError as exc:
            raise FinetuneError(f"cannot read {src.path}: {exc}") from None
        for i, scene in enumerate(script.scenes):
            if any(e.type is ET.CHARACTER for e in scene.elements):
                units.append(SceneUnit(source=f"script/{src.source}", index=i, text=scene_fountain(scene),
                                       scene=scene, title=script.title))
    return units


def dedupe_units(units: list[SceneUnit]) -> tuple[list[SceneUnit], int]:
    seen: set[str] = set()
    out = []
    for u in units:
        key = re.sub(r"\s+", " ", u.text.lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(u)
    return out, len(units) - len(out)


# ---------------------------------------------------------------------------- task builders


def _first_sentence(text: str) -> str:
    return _SENTENCE_RE.split(text.strip().replace("\n", " "), maxsplit=1)[0]


def _actions(scene: Scene) -> list[str]:
    return [e.text.strip() for e in scene.elements if e.type is ET.ACTION and e.text.strip()]


def _speeches(scene: Scene) -> list[tuple[str, str]]:
    """(speaker, words) for every cue followed by dialogue."""
    out = []
    for i, el in enumerate(scene.elements):
        if el.type is ET.CHARACTER:
            for nxt in scene.elements[i + 1:]:
                if nxt.type is ET.PARENTHETICAL:
                    continue
                if nxt.type is ET.DIALOGUE:
                    out.append((el.cue_name, nxt.text.strip()))
                break
    return out


def _context(u: SceneUnit) -> str:
    lines = [f"{k}: {v}" for k, v in (("Genre", u.genre), ("Tone", u.tone), ("Beat", u.beat)) if v]
    return "".join(line + "\n" for line in lines)


def _chat(user: str, answer: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": templates()["system"].strip()},
        {"role": "user", "content": user},
        {"role": "assistant", "content": answer.strip()},
    ]


def build_write(u: SceneUnit, rng: random.Random) -> Example | None:
    actions = _actions(u.scene)
    if not actions or not u.scene.characters:
        return None
    user = fill(rng.choice(templates()["write"]), context=_context(u), heading=u.scene.heading.text,
                characters=", ".join(u.scene.characters), brief=_first_sentence(actions[0]))
    return Example("write", [u.source], _chat(user, u.text))


def build_continue(u: SceneUnit, rng: random.Random) -> Example | None:
    paras = u.text.split("\n\n")
    # Cut before a speech somewhere in the middle third, so the answer starts with a cue.
    n = len(paras)
    cuts = [i for i in range(max(2, n // 3), max(3, 2 * n // 3 + 1)) if i < n - 1 and "\n" in paras[i]
            and paras[i].split("\n")[0].strip().isupper()]
    if not cuts:
        return None
    cut = rng.choice(cuts)
    user = fill(rng.choice(templates()["continue"]), partial="\n\n".join(paras[:cut]))
    return Example("continue", [u.source], _chat(user, "\n\n".join(paras[cut:])))


def build_exchange(u: SceneUnit, others: list[SceneUnit], rng: random.Random) -> Example | None:
    """The generator's scene prompt for this scene's heading, cast and gist; the answer is one or two
    sentences about the place, then the scene's own lines as ``NAME: words`` (its first speakers only)."""
    from tools.generator import prompting
    from tools.generator.examples import exchange_from_scene
    from tools.generator.generator import STYLE_HINTS

    speeches = _speeches(u.scene)
    cast: list[str] = []
    for name, _ in speeches:
        if name not in cast and len(cast) < 3:
            cast.append(name)
    said = [(n, w) for n, w in speeches if n in cast]
    actions = _actions(u.scene)
    if len(cast) < 2 or len(said) < 3 or not actions:
        return None
    lines = min(len(said), rng.choice((4, 6, 6, 8)))
    opening = " ".join(_SENTENCE_RE.split(" ".join(actions[0].split()))[:2])
    answer = "\n".join([opening] + [f"{n}: {' '.join(w.split())}" for n, w in said[:lines]])
    partners = [o for o in others if o.source != u.source]
    examples, sources = [], {u.source}
    if partners and rng.random() < 0.5:
        partner = rng.choice(partners)
        examples.append(prompting.quote_data("EXAMPLE", exchange_from_scene(partner.scene)))
        sources.add(partner.source)
    # Writers' briefs are a clause ("Vic warns Nora about the divers"); the nearest the library has is
    # where the scene ends up, or its beat.
    roll = rng.random()
    if roll < 0.4 and len(actions) > 1:
        brief = _first_sentence(actions[-1])
    elif roll < 0.7 and u.beat:
        brief = f"the {u.beat.replace('-', ' ')} of a {u.genre.replace('-', ' ')} story"
    else:
        brief = ""
    style = STYLE_HINTS.get(u.genre, "") if rng.random() < 0.5 else ""
    user = prompting.render(
        "scene.md", bible="", draft="", position="", examples=examples, seed="", heading=u.scene.heading.text,
        brief=" ".join(brief.split()), style=style, lines=lines, characters=cast,
    )
    messages = [{"role": "system", "content": prompting.render("system.md")},
                {"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return Example("exchange", sorted(sources), messages)


def build_rewrite(u: SceneUnit, others: list[SceneUnit], rng: random.Random, k: int) -> list[Example]:
    """Cross-genre pairs on the same beat: the target is the other genre's scene for that beat."""
    if not (u.genre and u.beat):
        return []
    same_beat = [o for o in others if o.beat == u.beat and o.genre and o.genre != u.genre]
    out = []
    for target in rng.sample(same_beat, min(k, len(same_beat))):
        user = fill(rng.choice(templates()["rewrite"]), source_genre=u.genre, target_genre=target.genre,
                    target_tone=target.tone or target.genre, beat=u.beat, scene=u.text)
        out.append(Example("rewrite", sorted({u.source, target.source}), _chat(user, target.text)))
    return out


def plain_draft(scene: Scene) -> str:
    """The scene as a quick NAME: words draft (what small models and fast typists produce)."""
    lines = [scene.heading.text.title()]
    pending = ""
    for el in scene.elements:
        if el.type is ET.ACTION:
            lines.append(el.text.strip())
        elif el.type is ET.CHARACTER:
            pending = el.cue_name.title() if el.cue_name.isupper() else el.cue_name
        elif el.type is ET.PARENTHETICAL:
            pending += f" {el.text.strip()}"
        elif el.type is ET.DIALOGUE and pending:
            lines.append(f"{pending}: {' '.join(el.text.split())}")
            pending = ""
    return "\n".join(lines)


def build_reformat(u: SceneUnit, rng: random.Random) -> Example | None:
    if not _speeches(u.scene):
        return None
    user = fill(rng.choice(templates()["reformat"]), draft=plain_draft(u.scene))
    return Example("reformat", [u.source], _chat(user, u.text))


def extractive_summary(scene: Scene) -> str:
    """Sentences lifted from the scene: where, who, the opening image, the two longest speeches, the close."""
    actions = _actions(scene)
    speeches = _speeches(scene)
    who = ", ".join(scene.characters) or "no speaking characters"
    parts = [f"{scene.heading.text}. With {who}."]
    if actions:
        parts.append(_first_sentence(actions[0]))
    for name, words in sorted(speeches, key=lambda s: -len(s[1]))[:2]:
        parts.append(f'{name}: "{_first_sentence(words)}"')
    if len(actions) > 1:
        parts.append(_first_sentence(actions[-1]))
    return " ".join(parts)


def scene_notes(scene: Scene) -> str:
    """Editor's notes from simple counts; each note says what was measured."""
    speeches = _speeches(scene)
    actions = _actions(scene)
    dia_words = Counter()
    for name, words in speeches:
        dia_words[name] += len(_WORD_RE.findall(words))
    total_dia = sum(dia_words.values())
    act_words = sum(len(_WORD_RE.findall(a)) for a in actions)
    total = total_dia + act_words
    notes = [f"Length: about {total} words, roughly {max(total / 200, 0.1):.1f} pages."]
    if not speeches:
        notes.append("No dialogue: the scene is all action. Check that is intended.")
    else:
        share = total_dia / total if total else 0
        notes.append(f"Dialogue is {share:.0%} of the words across {len(speeches)} speeches.")
        lead, lead_words = dia_words.most_common(1)[0]
        if len(dia_words) == 1:
            notes.append(f"Only {lead} speaks: consider whether another character should answer.")
        elif lead_words / total_dia > 0.6:
            notes.append(f"{lead} has {lead_words / total_dia:.0%} of the dialogue; the others mostly react.")
        else:
            notes.append(f"The dialogue is shared among {len(dia_words)} speakers; no one dominates.")
        longest_name, longest = max(speeches, key=lambda s: len(_WORD_RE.findall(s[1])))
        n = len(_WORD_RE.findall(longest))
        if n > 60:
            notes.append(f"{longest_name} has a {n}-word speech; break it up with action or an interruption.")
        else:
            notes.append(f"Speeches stay short (longest {n} words, {longest_name}).")
    dense = [a for a in actions if len(_WORD_RE.findall(a)) > 50]
    if dense:
        notes.append(f"{len(dense)} action paragraph(s) run over 50 words; split them so the page breathes.")
    parens = sum(1 for e in scene.elements if e.type is ET.PARENTHETICAL)
    if parens > 3:
        notes.append(f"{parens} parentheticals: let the lines carry more of the delivery.")
    if any("V.O." in e.extensions for e in scene.elements if e.type is ET.CHARACTER):
        notes.append("Uses voice-over: make sure it adds what the images cannot show.")
    last = next((e for e in reversed(scene.elements) if e.type in (ET.ACTION, ET.DIALOGUE)), None)
    if last is not None:
        notes.append("Ends on an image (action)." if last.type is ET.ACTION else "Ends on a line of dialogue.")
    if not scene.heading.prefix:
        notes.append("The heading lacks INT./EXT.; readers and schedulers rely on it.")
    return "\n".join(f"- {n}" for n in notes)


def build_summarize(u: SceneUnit, rng: random.Random) -> Example | None:
    user = fill(rng.choice(templates()["summarize"]), scene=u.text)
    return Example("summarize", [u.source], _chat(user, extractive_summary(u.scene)))


def build_critique(u: SceneUnit, rng: random.Random) -> Example | None:
    user = fill(rng.choice(templates()["critique"]), scene=u.text)
    return Example("critique", [u.source], _chat(user, scene_notes(u.scene)))


SINGLE = {"write": build_write, "continue": build_continue, "reformat": build_reformat,
          "summarize": build_summarize, "critique": build_critique}


# ---------------------------------------------------------------------------- split and write


def split_sources(sources: Iterable[str], validation: float, seed: int) -> set[str]:
    """The held-out sources: a seeded share of them (at least one when there are two or more)."""
    ordered = sorted(set(sources))
    random.Random(seed).shuffle(ordered)
    n = round(len(ordered) * validation)
    if validation > 0 and len(ordered) > 1:
        n = max(1, min(n, len(ordered) - 1))
    return set(ordered[:n])


def example_key(ex: Example) -> str:
    return hashlib.sha1(json.dumps(ex.messages[1:], sort_keys=True).encode()).hexdigest()[:16]


def build_examples(units: list[SceneUnit], cfg: DataConfig, held: set[str] = frozenset()) -> tuple[list[Example], int]:
    unknown = sorted(set(cfg.tasks) - set(TASKS))
    if unknown:
        raise FinetuneError(f"unknown task(s) {', '.join(unknown)}; use {', '.join(TASKS)}")
    rng = random.Random(cfg.seed)
    examples: list[Example] = []
    for u in units:
        for task in cfg.tasks:
            if task in ("rewrite", "exchange"):
                # Partners from the same side of the split, so pairs never straddle it.
                side = [o for o in units if (o.source in held) == (u.source in held)]
                if task == "rewrite":
                    examples.extend(build_rewrite(u, side, rng, cfg.style_pairs))
                else:
                    # Two variants a scene (examples, brief, style and length drawn apart): 158 scenes
                    # are few, and the generator's prompts vary in exactly those ways.
                    examples.extend(ex for ex in (build_exchange(u, side, rng) for _ in range(2)) if ex)
            else:
                ex = SINGLE[task](u, rng)
                if ex is not None:
                    examples.append(ex)
    unique: dict[str, Example] = {}
    for ex in examples:
        ex.id = example_key(ex)
        unique.setdefault(ex.id, ex)
    return list(unique.values()), len(examples) - len(unique)


def split_examples(examples: list[Example], held: set[str]) -> tuple[list[Example], list[Example], int]:
    train, val, dropped = [], [], 0
    for ex in examples:
        inside = [s in held for s in ex.sources]
        if all(inside):
            val.append(ex)
        elif not any(inside):
            train.append(ex)
        else:
            dropped += 1  # a pair straddling the split would leak a held-out scene into training
    return train, val, dropped


def write_jsonl(path: Path, rows: list[Example]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for ex in rows:
            fh.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        raise FinetuneError(f"{p} does not exist; build the dataset first with `scriptroom finetune data`")
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_dataset(cfg: DataConfig) -> DatasetReport:
    units: list[SceneUnit] = []
    if cfg.starter:
        units.extend(starter_units())
    if cfg.scripts:
        units.extend(script_units(cfg.scripts))
    if not units:
        raise FinetuneError("no scenes to build from: enable the starter library or pass --scripts FOLDER")
    units, dup_scenes = dedupe_units(units)
    held = split_sources((u.source for u in units), cfg.validation, cfg.seed)
    examples, dup_examples = build_examples(units, cfg, held)
    train, val, cross = split_examples(examples, held)
    out = Path(cfg.output)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "train.jsonl", train)
    write_jsonl(out / "validation.jsonl", val)
    per_task: dict[str, dict[str, int]] = {}
    for name, rows in (("train", train), ("validation", val)):
        for ex in rows:
            per_task.setdefault(ex.task, {"train": 0, "validation": 0})[name] += 1
    origins = Counter(s.split("/", 1)[0] for s in {u.source for u in units})
    report = DatasetReport(
        output=str(out), train=len(train), validation=len(val), per_task=per_task, sources=dict(origins),
        scenes=len(units), duplicates_dropped=dup_scenes + dup_examples, cross_split_dropped=cross,
        files={"train": str(out / "train.jsonl"), "validation": str(out / "validation.jsonl"),
               "card": str(out / "DATA_CARD.md")},
    )
    (out / "DATA_CARD.md").write_text(data_card(report, cfg, held, units), encoding="utf-8")
    return report


def data_card(report: DatasetReport, cfg: DataConfig, held: set[str], units: list[SceneUnit]) -> str:
    genres = Counter(u.genre for u in units if u.genre)
    rows = "\n".join(f"| {t} | {c['train']} | {c['validation']} |" for t, c in sorted(report.per_task.items()))
    held_list = ", ".join(sorted(held)[:12]) + (" ..." if len(held) > 12 else "")
    return f"""# Scriptroom fine-tuning data

Built by `scriptroom finetune data` (finetune/data.py), seed {cfg.seed}.

## Sources
- {report.scenes} scenes from {sum(report.sources.values())} sources: {", ".join(f"{k}: {v}" for k, v in sorted(report.sources.items()))}.
- Starter library: original scenes written for Scriptroom (tools/library/starter), one scene per file, tagged
  with genre, tone and beat. Genres: {", ".join(f"{g} ({n})" for g, n in sorted(genres.items())) or "none"}.
- Extra scripts: {", ".join(cfg.scripts) or "none"} (each script is one source).

## Examples ({report.train} train, {report.validation} validation)
| task | train | validation |
|---|---|---|
{rows}

Every example is a chat (system, user, assistant). Answers are:
- **write**: the original scene, asked for from its heading, characters, first action sentence and (starter) genre, tone, beat.
- **continue**: the scene cut before a speech in its middle third; the answer is the rest.
- **rewrite**: cross-genre pairs on the same beat: the input is a scene of one genre, the answer is the
  starter scene of another genre for that beat (a loose target: same story function, not the same story).
- **reformat** (program-made variant): the input is the scene turned into a `NAME: words` draft by code;
  the answer is the original Fountain.
- **summarize**: an extractive reference (heading, speakers, opening sentence, the two longest speeches' first
  sentences, closing sentence), not a human-written summary.
- **critique**: notes computed from simple counts (length, dialogue share, dominant speaker, longest speech,
  dense action, parentheticals, voice-over, ending), not a human editor's notes.

## Augmentation
- Instructions are paraphrased: each task has 3-4 templates (finetune/prompts/instructions.yaml), one picked per
  example with a seeded random choice. No scene text is paraphrased or generated by a model.
- Duplicates dropped: {report.duplicates_dropped} (identical scenes, then identical prompt+answer pairs).

## Split
- By source, never by example: {len(held)} of {sum(report.sources.values())} sources held out ({cfg.validation:.0%}).
  Rewrite pairs are drawn within one side; any example whose sources straddle the split is dropped ({report.cross_split_dropped} dropped), so no
  held-out scene text appears in training.
- Held-out sources: {held_list}
"""


def main(argv: list[str] | None = None) -> int:
    import argparse

    from finetune.config import add_flags, load_config, overrides_from_args

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=None)
    add_flags(parser, DataConfig)
    args = parser.parse_args(argv)
    report = build_dataset(load_config(DataConfig, args.config, overrides_from_args(args, DataConfig)))
    print(json.dumps(report.to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
