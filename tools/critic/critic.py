"""The critic: analytics, craft checks, scene scores, themes, plots and coverage notes for a draft, as one ToolResult."""

from __future__ import annotations

import re
import time
from itertools import count
from pathlib import Path
from typing import Any

from screenplay.bible import StoryBible
from screenplay.errors import ACCEPTED
from screenplay.model import Script
from screenplay.scope import Scope
from tools.base import ToolError, ToolResult
from tools.progress import Progress
from tools.context import ToolContext
from tools.critic.analytics import Analytics, analyze
from tools.critic.checks import run_checks
from tools.critic.findings import Finding
from tools.critic.focus import FOCUS, FocusAnswer, answer_focus
from tools.critic.free_notes import scene_list, write_free_coverage
from tools.critic.held import HeldNotes
from tools.critic.notes import Coverage, Evidence, opening_lines, write_coverage
from tools.critic.scene_scorer import SceneScorer, scene_text
from tools.critic.sentiment import make_analyzer
from tools.critic.story import logline as story_logline
from tools.critic.story import story_notes
from tools.critic.structure import detect_beats
from tools.critic.themes import find_themes
from tools.schemas import CRITIQUE_FOCUS


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "draft"


class Critic:
    """Coverage for a draft. Dependencies are passed in; `embedder`/`scorer` may be None (no scores, no themes)."""

    def __init__(self, chat_model: Any | None, *, embedder: Any = None, scorer: SceneScorer | None = None,
                 out_dir: str | Path, plots: bool = True, writing_tier: str = "scaffold"):
        self.chat_model = chat_model
        self.writing_tier = writing_tier  # "free": the model writes cited notes (ModelInfo.writing_tier)
        self.scorer = scorer if scorer is not None else (SceneScorer.load(embedder) if embedder is not None else None)
        self.out_dir = Path(out_dir)
        self.plots = plots

    # ------------------------------------------------------------------ the critique

    def critique(self, script: Script | None, *, act: int | None = None, scene: int | None = None,
                 scene_ref: str | None = None, focus: str | None = None, bible: StoryBible | None = None,
                 use_llm: bool = True, progress: Progress | None = None, pdf: bool = True,
                 scope: Scope | None = None) -> ToolResult:
        """Coverage of ``scope`` (resolved by the loop), else of the act or scene named, else of the whole draft."""
        steps = count(1)

        def say(label: str) -> None:
            # The critic names its steps but cannot count them ahead: total 0, the shape every tool reports in.
            if progress is not None:
                progress(next(steps), 0, label)
        if script is None or not script.scenes:
            raise ToolError("the critique needs a draft with at least one scene heading (INT./EXT. ...); "
                            f"attach a draft: {ACCEPTED}")
        if focus is not None and focus not in CRITIQUE_FOCUS:
            raise ToolError(f"unknown focus '{focus}'; choose one of: {', '.join(CRITIQUE_FOCUS)}")
        timings: dict[str, float] = {}
        t = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal t
            now = time.perf_counter()
            timings[name] = round(now - t, 3)
            t = now

        say("analytics: pages, scenes, dialogue, emotional arc")
        a = analyze(script, make_analyzer())
        lap("analytics")
        sc = scope if scope is not None else ToolContext(script=script).scope_for(act=act, scene=scene,
                                                                                   scene_ref=scene_ref)
        say("craft checks")
        findings = run_checks(script, a)
        if not sc.whole:
            keep = {a.labels[i] for i in sc.indices}
            findings = [f for f in findings if set(f.scenes) & keep]
        if focus:
            wanted = FOCUS[focus].checks
            findings.sort(key=lambda f: f.check not in wanted)
        beats = [b.to_dict() for b in detect_beats(a)]
        lap("checks")

        scores: dict[str, float] = {}
        themes: list[dict] = []
        if self.scorer is not None:
            say(f"scoring {len(script.scenes)} scenes")
            texts = [scene_text(s) for s in script.scenes]
            vectors = self.scorer.embed(texts)
            all_scores = self.scorer.score_many(texts, vectors)
            scores = {a.labels[i]: all_scores[i] for i in sc.indices}
            lap("scores")
            say("themes")
            themes = [th.to_dict() for th in find_themes(texts, vectors, a.labels, script.characters)]
            lap("themes")

        plots: dict[str, str] = {}
        stem = _slug(script.title or "draft")
        if self.plots:
            say("plots")
            plots = render_plots(a, self.out_dir, stem)
            lap("plots")

        answer = (answer_focus(focus, script, a, sc, findings, [_theme(x) for x in themes], bible)
                  if focus else None)
        good, bad = story_notes(script, a, sc.indices)
        evidence = Evidence(
            title=script.title, scope=sc.label, analytics=a, findings=findings, scores=scores,
            themes=[_theme(x) for x in themes],
            opening=opening_lines([scene_text(script.scenes[i]) for i in sc.indices[:2]]),
            bible_logline=bible.logline if bible else "",
            program_logline=story_logline(script, a),
            story_strengths=tuple(good), story_weaknesses=tuple(bad),
            scene_list=scene_list(script, a.labels, [s.page for s in a.stats.scenes], sc.indices),
            focus_answer=answer.text if answer else "",
        )
        model = self.chat_model if use_llm else None
        if model is not None:
            say("coverage notes from the model")
        if model is not None and self.writing_tier == "free":
            coverage = write_free_coverage(evidence, model, script, focus)
        else:
            held = HeldNotes.of(script, a.labels, a.stats.pages, a.stats.scenes) if model is not None else None
            coverage = write_coverage(evidence, model, focus, held)
        lap("notes")

        say("report")
        data = self._data(a, findings, scores, beats, themes, plots, coverage, sc, timings)
        data["focus"] = answer.to_dict() if answer else None
        paths = self._write_reports(stem, script.title, sc, coverage, data, findings, scores, beats, themes, plots,
                                    pdf, answer)
        lap("report")
        data["reports"] = paths
        data["timings"] = timings
        return ToolResult(tool="critique", summary=_summary(script.title, sc, coverage, findings, scores, paths, answer),
                          data=data, prompt=coverage.prompt)

    def _data(self, a: Analytics, findings: list[Finding], scores: dict[str, float], beats: list[dict],
              themes: list[dict], plots: dict[str, str], coverage: Coverage, sc: Scope,
              timings: dict[str, float]) -> dict[str, Any]:
        return {
            "scope": sc.label,
            "stats": a.to_dict(),
            "checks": [f.to_dict() for f in findings],
            "scores": scores,
            "beats": beats,
            "themes": themes,
            "notes": coverage.to_dict(),
            "plots": plots,
        }

    def _write_reports(self, stem: str, title: str, sc: Scope, coverage: Coverage, data: dict[str, Any],
                       findings: list[Finding], scores: dict[str, float], beats: list[dict], themes: list[dict],
                       plots: dict[str, str], pdf: bool, answer: FocusAnswer | None) -> dict[str, str]:
        from tools.critic.report import build_blocks, to_markdown, to_pdf

        blocks = build_blocks(title=title, scope=sc.label, coverage=coverage, stats=data["stats"], findings=findings,
                              scores=scores, beats=beats, themes=themes, plots=plots, focus=answer)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        md = self.out_dir / f"{stem}-critique.md"
        md.write_text(to_markdown(blocks, self.out_dir), encoding="utf-8")
        paths = {"markdown": str(md)}
        if pdf:
            paths["pdf"] = str(to_pdf(blocks, self.out_dir / f"{stem}-critique.pdf"))
        return paths


def render_plots(a: Analytics, out_dir: Path, stem: str) -> dict[str, str]:
    from tools.critic.plots import render_all

    return render_all(a, out_dir, stem)


def _theme(d: dict):
    from tools.critic.themes import Theme

    return Theme(d["terms"], d["scenes"], d["share"])


def _summary(title: str, sc: Scope, cov: Coverage, findings: list[Finding], scores: dict[str, float],
             paths: dict[str, str], answer: FocusAnswer | None = None) -> str:
    lines = [f"**Coverage of {title or 'your draft'}** ({sc.label}): **{cov.verdict}**"]
    if answer is not None:  # the writer asked about this: it comes before the general notes
        lines += ["", f"**{answer.focus.capitalize()}** ({answer.scope}): {answer.text}"]
    lines += ["", f"*Logline:* {cov.logline.text}"]
    if cov.strengths:
        lines += ["", "**Strengths**"] + [f"- {n.render()}" for n in cov.strengths[:3]]
    if cov.weaknesses:
        lines += ["", "**Weaknesses**"] + [f"- {n.render()}" for n in cov.weaknesses[:4]]
    errors = sum(f.severity == "error" for f in findings)
    checks = (f"{len(findings)} craft-check findings ({errors} format errors)" if findings
              else "No craft check fired: the format is clean")
    lines += ["", checks + (f"; mean scene score {sum(scores.values()) / len(scores):.2f}" if scores else "") + "."]
    if cov.dropped:
        lines.append(f"{len(cov.dropped)} of the model's notes were dropped: "
                     + "; ".join(dict.fromkeys(d["reason"] for d in cov.dropped)) + ".")
    lines.append("Full report: " + ", ".join(paths.values()))
    return "\n".join(lines)
