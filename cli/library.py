"""`scriptroom index`, `scriptroom search` and `scriptroom library stats|remove`: the scene library."""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from cli.main import command_group, emit


def add_parsers(sub: Any) -> None:
    idx = sub.add_parser("index", help="add drafts (files or folders, any supported format) to the scene library")
    idx.add_argument("paths", nargs="*", metavar="PATH", help=".fountain, .spmd, .fdx, .pdf, .docx, .txt or folders")
    idx.add_argument("--starter", action="store_true", help="index the bundled starter scenes")
    idx.add_argument(
        "--shakespeare", action="store_true",
        help="add Shakespeare's 38 plays (about 780 scenes, genre 'shakespeare'); not in the starter index",
    )
    _common(idx, "print the indexing report as JSON")
    idx.set_defaults(func=run_index)

    srch = sub.add_parser("search", help="find library scenes similar to a description")
    srch.add_argument("query", help='what the scene is about, e.g. "a tense interrogation in a diner"')
    srch.add_argument("-k", type=int, default=5, help="how many scenes (default 5)")
    srch.add_argument(
        "--where", action="append", default=[], metavar="KEY=VALUE",
        help="filter, repeatable: genre=noir, int_ext=EXT, time=NIGHT, n_characters>=3, source=...",
    )
    srch.add_argument("--mmr", action="store_true", help="prefer varied results over near-duplicates")
    srch.add_argument("--lambda", dest="mmr_lambda", type=float, default=0.5,
                      help="with --mmr: 1 = relevance only, 0 = variety only (default 0.5)")
    _common(srch, "print the hits as JSON")
    srch.set_defaults(func=run_search)

    lib_sub = command_group(sub, "library", "inspect or prune the scene library")
    stats = lib_sub.add_parser("stats", help="scenes, sources and genres in the library")
    _common(stats, "print the statistics as JSON")
    stats.set_defaults(func=run_stats)
    rm = lib_sub.add_parser("remove", help="remove a source (or a folder of sources) from the library")
    rm.add_argument("source", help='as listed by `scriptroom library stats`, e.g. "drafts/heist.fountain" or "drafts"')
    _common(rm, "print what was removed as JSON")
    rm.set_defaults(func=run_remove)


def _common(parser: argparse.ArgumentParser, json_help: str) -> None:
    parser.add_argument(
        "--library", default=None, metavar="DIR_OR_URL",
        help="library folder, or a Chroma server URL (default: SCRIPTROOM_CHROMA_URL, else DATA_DIR/library)",
    )
    parser.add_argument("--json", action="store_true", help=json_help)


def make_embedder() -> Any:
    """The packaged MiniLM with the scene library's scene encoder (a function of its own so tests can hand in
    a shared instance)."""
    from tools.embeddings import load_embedder
    from tools.library.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(load_embedder()).for_scenes()


def library_location(flag: str | None) -> str:
    from agent.settings import Settings

    if flag:
        return flag
    settings = Settings.from_env()
    return settings.chroma_url or str(settings.library_dir)


@contextmanager
def _open(args: argparse.Namespace) -> Iterator[Any]:
    from tools.library import SceneLibrary

    lib = SceneLibrary(library_location(args.library), make_embedder(), starter=False)
    try:
        yield lib
    finally:
        lib.close()


def _user_errors(command: str, run: Callable[[], int]) -> int:
    """LibraryError is the writer's doing: one line on stderr, status 2 (as cli.main does for its errors)."""
    from tools.library import LibraryError

    try:
        return run()
    except LibraryError as exc:
        print(f"scriptroom {command}: error: {exc}", file=sys.stderr)
        return 2


class _Progress:
    """tqdm on stderr, created once the number of scenes is known."""

    def __init__(self, desc: str):
        self.desc = desc
        self.bar: Any = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=self.desc, unit="scene", file=sys.stderr, disable=None)

    def commit(self, batch: list) -> None:
        if self.bar is not None:
            self.bar.update(len(batch))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _upgrade_first(lib: Any) -> None:
    """A library of an older layout or another scene encoder is brought up to date, with its own progress bar,
    before anything is indexed into it or searched."""
    if lib.needs_upgrade():
        _index_with_progress(f"re-embedding library ({lib.stored_version()} -> {lib.scene_version})"
                             if lib.stored_version() != lib.scene_version else "upgrading library", lib.upgrade)


def _index_with_progress(desc: str, index: Callable[..., Any]) -> Any:
    progress = _Progress(desc)
    try:
        return index(on_start=progress.start, on_commit=progress.commit)
    finally:
        progress.close()


def run_index(args: argparse.Namespace) -> int:
    from tools.library import LibraryError

    def run() -> int:
        if not (args.paths or args.starter or args.shakespeare):
            raise LibraryError("nothing to index: give files or folders, --starter, or --shakespeare")
        reports: dict[str, Any] = {}
        with _open(args) as lib:
            _upgrade_first(lib)
            if args.starter:
                reports["starter"] = _index_with_progress("starter", lib.index_starter)
            if args.shakespeare:
                reports["shakespeare"] = _index_with_progress("shakespeare", lib.index_shakespeare)
            if args.paths:
                reports["drafts"] = _index_with_progress("indexing", lambda **kw: lib.index_paths(args.paths, **kw))
            location = lib.location
        failed = [f for r in reports.values() for f in r.failed]
        lines = [
            f"{name}: {r.scenes} scenes from {r.sources} sources ({r.added} new, {r.unchanged} unchanged, "
            f"{r.removed} removed) in {r.seconds:.1f}s"
            for name, r in reports.items()
        ]
        lines += [f"skipped {source}: {why}" for source, why in failed]
        lines.append(f"library: {location}")
        emit({"library": location, **{k: r.to_dict() for k, r in reports.items()}}, args.json, "\n".join(lines))
        return 1 if failed else 0

    return _user_errors("index", run)


def _hit_text(rank: int, hit: Any) -> str:
    meta = hit.metadata
    tags = " · ".join(f"{k} {meta[k]}" for k in ("genre", "tone", "beat") if meta.get(k))
    people = meta.get("characters") or "no speakers"
    body = " ".join(hit.text.split("\n")[1:])
    excerpt = body[:200] + ("…" if len(body) > 200 else "")
    return (
        f"{rank}. {hit.score:.3f}  {hit.source}  scene {hit.scene_number}  {hit.heading}\n"
        f"   {tags + ' · ' if tags else ''}{people}\n   {excerpt}"
    )


def run_search(args: argparse.Namespace) -> int:
    from tools.library.filters import parse_filter_args

    def run() -> int:
        where = parse_filter_args(args.where)
        with _open(args) as lib:
            _upgrade_first(lib)
            if lib.needs_starter():  # a fresh library starts with the starter scenes
                _index_with_progress("library (first search)", lib.ensure_starter)
            hits = lib.search(args.query, k=args.k, where=where, mmr=args.mmr, mmr_lambda=args.mmr_lambda)
        text = "\n".join(_hit_text(i, h) for i, h in enumerate(hits, 1)) or "no scenes matched"
        emit({"query": args.query, "where": where, "mmr": args.mmr, "hits": [h.to_dict() for h in hits]},
             args.json, text)
        return 0

    return _user_errors("search", run)


def run_stats(args: argparse.Namespace) -> int:
    def run() -> int:
        with _open(args) as lib:
            st = lib.stats()
        top = sorted(st.sources.items(), key=lambda kv: -kv[1])[:10]
        text = "\n".join(
            [f"library: {st.location} ({st.embedder}, scene encoder {st.scene_encoder})",
             f"{st.scenes} scenes ({st.chunks} chunks) from {len(st.sources)} sources",
             "genres: " + (", ".join(f"{g or '(none)'} {n}" for g, n in st.genres.items()) or "none")]
            + [f"  {n:>5}  {s}" for s, n in top]
            + ([f"  ... and {len(st.sources) - len(top)} more sources"] if len(st.sources) > len(top) else [])
        )
        emit(st.to_dict(), args.json, text)
        return 0

    return _user_errors("library stats", run)


def run_remove(args: argparse.Namespace) -> int:
    def run() -> int:
        with _open(args) as lib:
            removed = lib.remove(args.source)
            location = lib.location
        emit({"library": location, "source": args.source, "removed": removed}, args.json,
             f"removed {removed} scenes ({args.source}) from {location}")
        return 0

    return _user_errors("library remove", run)
