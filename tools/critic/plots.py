"""The report's charts as PNG files (matplotlib, Agg backend): arc, dialogue share, scene lengths, presence."""

from __future__ import annotations

from pathlib import Path

from tools.critic.analytics import Analytics
from tools.critic.sentiment import smooth


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in threads and servers
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    _plt().close(fig)
    return str(path)


def arc_plot(a: Analytics, path: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 3))
    pages = [1 + p * max(a.stats.pages - 1, 1) for p in a.positions]
    raw = [s.mean for s in a.sentiment]
    ax.plot(pages, raw, "o", ms=3, alpha=0.4, label="scene")
    ax.plot(pages, smooth(raw, max(3, len(raw) // 12)), "-", lw=2, label="smoothed")
    for idx in a.acts.starts:
        ax.axvline(pages[idx], color="grey", ls="--", lw=1)
        ax.text(pages[idx], 0.92, f" act break (sc. {a.labels[idx]})", fontsize=7, va="top")
    ax.axhline(0, color="black", lw=0.5)
    ax.set(ylim=(-1, 1), xlabel="page", ylabel="sentiment", title="Emotional arc")
    ax.legend(fontsize=7, loc="lower right")
    return _save(fig, path)


def dialogue_plot(a: Analytics, path: Path, top: int = 12) -> str:
    plt = _plt()
    share = list(a.dialogue_share.items())[:top][::-1]
    fig, ax = plt.subplots(figsize=(6, 0.3 * max(len(share), 3) + 1))
    ax.barh([n for n, _ in share], [s * 100 for _, s in share])
    ax.set(xlabel="% of dialogue words", title="Dialogue share")
    return _save(fig, path)


def scene_length_plot(a: Analytics, path: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 1.8))
    left = 0.0
    colours = {"INT": "#4c72b0", "EXT": "#55a868", "INT/EXT": "#c44e52"}
    for s in a.stats.scenes:
        w = s.eighths / 8
        ax.barh(0, w, left=left, color=colours.get(s.int_ext, "#8c8c8c"), edgecolor="white", lw=0.5)
        left += w
    for idx in a.acts.starts:
        ax.axvline(sum(s.eighths for s in a.stats.scenes[:idx]) / 8, color="black", ls="--", lw=1)
    ax.set(yticks=[], xlabel="pages (blue INT, green EXT)", title="Scene lengths")
    return _save(fig, path)


def presence_plot(a: Analytics, path: Path) -> str:
    plt = _plt()
    names = list(a.presence)
    grid = [[1.0 if on else 0.0 for on in a.presence[n]] for n in names]
    fig, ax = plt.subplots(figsize=(8, 0.3 * max(len(names), 3) + 1))
    if names:
        ax.imshow(grid, aspect="auto", cmap="Greys", interpolation="nearest")
    ax.set(yticks=range(len(names)), yticklabels=names, xlabel="scene", title="Who is in which scene")
    return _save(fig, path)


def settings_plot(a: Analytics, path: Path) -> str:
    """INT/EXT and day/night mix as two stacked bars of scene counts."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 1.8))
    for row, mix in enumerate((a.stats.day_night, a.stats.int_ext)):
        left = 0
        for name, n in sorted(mix.items(), key=lambda kv: -kv[1]):
            if n:
                ax.barh(row, n, left=left, edgecolor="white")
                ax.text(left + n / 2, row, f"{name} {n}", ha="center", va="center", fontsize=7)
                left += n
    ax.set(yticks=[0, 1], yticklabels=["day/night", "INT/EXT"], xlabel="scenes", title="Settings")
    return _save(fig, path)


def act_plot(a: Analytics, path: Path) -> str:
    """Pages per act."""
    from tools.critic.analytics import act_balance

    plt = _plt()
    acts = act_balance(a)
    fig, ax = plt.subplots(figsize=(5, 2.4))
    ax.bar([f"Act {r['act']}" for r in acts], [r["pages"] for r in acts])
    for i, r in enumerate(acts):
        ax.text(i, r["pages"], f"{r['pages']} p, {r['scenes']} sc", ha="center", va="bottom", fontsize=7)
    ax.set(ylabel="pages", title="Pages per act")
    return _save(fig, path)


def render_all(a: Analytics, out_dir: Path, stem: str = "critique") -> dict[str, str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "arc": arc_plot(a, out_dir / f"{stem}-arc.png"),
        "dialogue_share": dialogue_plot(a, out_dir / f"{stem}-dialogue.png"),
        "scene_lengths": scene_length_plot(a, out_dir / f"{stem}-scenes.png"),
        "presence": presence_plot(a, out_dir / f"{stem}-presence.png"),
    }
