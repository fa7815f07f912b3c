"""A killed indexer loses nothing it acknowledged; a second writer on the same folder is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.library_conftest import hashing_embedder, script  # noqa: F401  (fixture)
from tools.library import LibraryLockedError, SceneLibrary
from tools.library.sources import find_sources, load_script, script_records

ROOT = Path(__file__).resolve().parents[1]

INDEXER = textwrap.dedent(
    """
    import sys
    from tools.library import SceneLibrary
    from tools.library.embedder import HashingEmbedder

    lib = SceneLibrary(sys.argv[1], HashingEmbedder(), starter=False, batch_size=3)
    lib.index_paths([sys.argv[2]], on_commit=lambda batch: print("ACK", *[r.scene_id for r in batch], flush=True))
    print("DONE", flush=True)
    """
)

HOLDER = textwrap.dedent(
    """
    import sys
    from tools.library import SceneLibrary
    from tools.library.embedder import HashingEmbedder
    from screenplay.formats import fountain

    lib = SceneLibrary(sys.argv[1], HashingEmbedder(), starter=False)
    lib.add_script(fountain.parse("INT. ROOM - DAY\\n\\nA chair.\\n"), "held.fountain")
    print("READY", flush=True)
    sys.stdin.read()
    """
)


def _spawn(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _write_drafts(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:03d}.fountain").write_text(
            f"Title: Draft {i}\nGenre: Drama\n\nINT. ROOM {i} - NIGHT\n\nPerson {i} paces by window {i * 7}.\n\n"
            f"ANNA\nThis is line {i}, and only {i}.\n"
        )


def _run_until_killed(library: Path, drafts: Path, acks_before_kill: int) -> set[str]:
    """Start the indexer, SIGKILL it after it acknowledged some batches; the acknowledged scene ids."""
    proc = _spawn(INDEXER, str(library), str(drafts))
    acked: set[str] = set()
    batches = 0
    for line in proc.stdout:
        assert not line.startswith("DONE"), "the indexer finished before it could be killed; give it more work"
        if line.startswith("ACK"):
            acked.update(line.split()[1:])
            batches += 1
            if batches >= acks_before_kill:
                os.kill(proc.pid, signal.SIGKILL)
                break
    assert proc.wait(timeout=30) == -signal.SIGKILL, proc.stderr.read()
    return acked


@pytest.mark.timeout(180)
def test_sigkill_mid_index_loses_nothing_acknowledged_and_resumes_cleanly(tmp_path, hashing_embedder):
    drafts = tmp_path / "drafts"
    library = tmp_path / "library"
    _write_drafts(drafts, 240)
    expected = [r for f in find_sources([drafts]) for r in script_records(load_script(f.path), f.source)]
    expected_ids = {r.scene_id for r in expected}
    assert len(expected_ids) == 240

    acked = _run_until_killed(library, drafts, acks_before_kill=4)
    # A second run, killed too: it must skip what is there and keep going.
    acked |= _run_until_killed(library, drafts, acks_before_kill=25)

    with SceneLibrary(library, hashing_embedder, starter=False) as lib:
        col = lib._get_collection(create=False)
        stored = col.get(ids=[f"{sid}-0" for sid in acked], include=["metadatas"])
        assert len(stored["ids"]) == len(acked), "acknowledged scenes went missing after SIGKILL"
        assert len(acked) < 240  # both runs really were cut short
        partial = lib.stats().scenes
        assert len(acked) <= partial < 240

        report = lib.index_paths([drafts])
        assert report.added + report.unchanged == 240
        assert report.unchanged >= len(acked)
        stats = lib.stats()
        got = col.get(include=["metadatas"])
        assert stats.scenes == 240 and col.count() == 240 == len(got["ids"])
        assert {m["scene_id"] for m in got["metadatas"]} == expected_ids
        hit = lib.search("Person 117 paces by window 819", k=1)[0]
        assert hit.heading == "INT. ROOM 117 - NIGHT"


@pytest.mark.timeout(120)
def test_second_writing_process_is_refused_with_a_pointer_to_server_mode(tmp_path, hashing_embedder):
    library = tmp_path / "library"
    holder = _spawn(HOLDER, str(library))
    try:
        assert holder.stdout.readline().strip() == "READY", holder.stderr.read()
        lib = SceneLibrary(library, hashing_embedder, starter=False)
        with pytest.raises(LibraryLockedError, match=rf"pid {holder.pid}.*Chroma server.*SCRIPTROOM_CHROMA_URL"):
            lib.add_script(script("INT. HALL - DAY\n\nA door.\n"), "mine.fountain")
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    # The OS dropped the dead writer's lock: this process may write now.
    report = lib.add_script(script("INT. HALL - DAY\n\nA door.\n"), "mine.fountain")
    assert report.added == 1
    assert lib.stats().sources == {"held.fountain": 1, "mine.fountain": 1}
    lib.close()


def test_one_writer_per_folder_within_a_process_too(tmp_path, hashing_embedder):
    first = SceneLibrary(tmp_path / "lib", hashing_embedder, starter=False)
    first.add_script(script("INT. HALL - DAY\n\nA door.\n"), "a.fountain")
    second = SceneLibrary(tmp_path / "lib", hashing_embedder, starter=False)
    assert second.search("door", k=1)[0].source == "a.fountain"  # reading needs no lock
    with pytest.raises(LibraryLockedError):
        second.add_script(script("INT. HALL - DAY\n\nA window.\n"), "b.fountain")
    first.close()
    assert second.add_script(script("INT. HALL - DAY\n\nA window.\n"), "b.fountain").added == 1
    second.close()
