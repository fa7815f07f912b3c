"""Each level of a developed story as the writer reads it in the chat, with what they can say next."""

from __future__ import annotations

from tools.develop.records import Story

NEXT = {
    "title": "the characters",
    "characters": "the structure",
    "beats": "the scene cards",
    "cards": "the first scene drafts",
    "drafts": "the next scene drafts",
}
HOW = {
    "title": "**title: …** to use your own",
    "characters": "**rename Tomas to Anselm** or **Tomas's want: …** (also description, flaw) to change one",
    "beats": ("**use save the cat** / **use sequences** / **use three acts** to switch structure, "
              "**beat 3: …** to rewrite one"),
    "cards": "**card k3: Place: … / Who: … / What: …** to rewrite one, **redo card k3** for another",
    "drafts": "**redo scene k2** for another draft of one card",
}


def _stale(reason: str) -> str:
    return f" ⚠️ *stale: {reason}*" if reason else ""


def level_text(story: Story, level: str) -> str:
    if level == "title":
        t = story.title
        return f"**Title:** {t.text}{_stale(t.stale)}" if t else ""
    if level == "characters":
        return "\n".join(
            f"- **{c.name}** ({c.role}) — {c.description} *Wants* {c.want}; *flaw:* {c.flaw}.{_stale(c.stale)}"
            for c in story.characters)
    if level == "beats":
        lines = [f"**Structure:** {story.structure}"]
        for act, beats in story.acts():
            lines.append(f"\n*Act {act}*")
            lines += [f"{b.id[1:]}. **{b.name}** — {b.text}{_stale(b.stale)}" for b in beats]
        return "\n".join(lines)
    if level == "cards":
        return "\n".join(
            f"- **{c.id}** · {c.heading} · {', '.join(c.who)} · *{story.beat(c.beat).name}* — {c.what}{_stale(c.stale)}"
            for c in story.cards)
    drafted = [c for c in story.cards if c.id in story.drafts]
    parts = []
    for c in drafted:
        d = story.drafts[c.id]
        parts.append(f"**{c.id}** · {c.heading}{_stale(d.stale)}\n\n```fountain\n{d.fountain.rstrip()}\n```")
    return "\n\n".join(parts)


def turn_text(story: Story, level: str, *, note: str = "") -> str:
    """The level just written, its stale marks, and how to approve, edit or regenerate it."""
    stale = story.stale_items()
    head = f"{note}\n\n" if note else ""
    body = level_text(story, level)
    done = story.level() == "done"
    if stale:
        marks = "\n".join(f"- ⚠️ {lvl[:-1] if lvl.endswith('s') else lvl} **{ref}** is stale: {reason}"
                          for lvl, ref, reason in stale)
        tail = (f"{marks}\n\n{len(stale)} item(s) are stale after your edit. Say **regenerate stale** to rewrite "
                "just those, or **next** to keep them.")
    elif done:
        tail = ("Every card has a draft: the story is in the **Draft** panel. Edit any level (a character, a beat, "
                "a card) and say **regenerate stale** to carry the change down.")
    else:
        tail = (f"Say **next** to approve and write {NEXT[story.level() if level == 'drafts' else level]}, "
                f"**regenerate** for another take, or {HOW[level]}.")
    return f"{head}{body}\n\n{tail}".strip()


def stale_text(story: Story) -> str:
    items = story.stale_items()
    if not items:
        return "Nothing is stale."
    return "Stale now:\n" + "\n".join(f"- {level} {ref}: {reason}" for level, ref, reason in items)
