"""Accounts on the launched app: Gradio's login against the password file, driven by gradio_client like a browser.

The model is the scripted one (the model is not under test here); the server, the login and the storage are real.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from agent.accounts import Accounts
from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.settings import Settings
from agent.storage import Storage
from tests.appserver import free_port, serve

pytestmark = pytest.mark.slow

DRAFT = Path(__file__).parent / "fixtures" / "fountain" / "small.fountain"
LAPTOP_WRITER = "0123456789abcdef0123456789abcdef"  # a browser id from before login was turned on


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("accounts-home")
    settings = Settings(home=home, backend="fake", port=free_port())
    accounts = Accounts(settings.users_file)
    accounts.add("alice", "alice-password", admin=True)
    accounts.add("bob", "bob-password")
    Storage(settings.database).save_project(writer=LAPTOP_WRITER, name="Old laptop draft",
                                            fountain="INT. ATTIC - DAY\n\nDust.\n", bible={},
                                            chat=[{"role": "assistant", "content": "Notes on the Attic scene."}])
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(["Noted."]), with_tools=False)
    with serve(runtime) as url:
        yield url, runtime
    runtime.close()


def client(url: str, name: str, password: str):
    from gradio_client import Client

    return Client(url, auth=(name, password), verbose=False, analytics_enabled=False)


def start(c, browser_id: str = "") -> tuple[str, list]:
    writer, history = c.predict(browser_id, api_name="/start")
    return writer, history


def test_a_wrong_password_or_none_is_refused(server):
    import httpx
    from gradio_client import Client

    url, _ = server
    with pytest.raises(ValueError, match="Could not login"):
        client(url, "bob", "not-bobs-password")
    with pytest.raises(ValueError, match="Could not login"):
        client(url, "mallory", "bob-password")
    # No login at all: the app's API answers nothing.
    response = httpx.post(f"{url}gradio_api/call/start", json={"data": [LAPTOP_WRITER]})
    assert response.status_code == 401
    with pytest.raises(Exception, match="credentials were not provided"):
        Client(url, verbose=False, analytics_enabled=False)


def test_two_accounts_never_see_each_others_projects(server):
    from gradio_client import handle_file

    url, _ = server
    alice = client(url, "alice", "alice-password")
    assert start(alice)[0] == "alice"
    history = alice.predict({"text": "", "files": [handle_file(str(DRAFT))]}, [], api_name="/send")[0]
    assert "Loaded" in json.dumps(history)

    bob = client(url, "bob", "bob-password")
    writer, bob_history = start(bob)
    assert writer == "bob" and bob_history == []
    # alice's project and chat come back to alice in a new tab
    writer, again = start(client(url, "alice", "alice-password"))
    assert writer == "alice" and "Loaded" in json.dumps(again)


def test_a_forged_writer_id_gets_nothing(server):
    url, runtime = server
    bob = client(url, "bob", "bob-password")
    storage = Storage(runtime.settings.database)
    for forged in ("alice", LAPTOP_WRITER):
        writer, history = start(bob, forged)
        assert writer == "bob" and "Attic" not in json.dumps(history), f"naming {forged!r} must not open their project"
    theirs = {pid for w in ("alice", LAPTOP_WRITER) for pid, _, _ in storage.list_projects(w)}
    assert not theirs & {pid for pid, _, _ in storage.list_projects("bob")}


def test_only_an_admin_switches_the_servers_adapter(server):
    url, runtime = server
    bob = client(url, "bob", "bob-password")
    start(bob)
    refused = bob.predict("none", api_name="/switch_adapter")
    assert "admin role" in refused and runtime.settings.adapter is None
    alice = client(url, "alice", "alice-password")
    start(alice)
    # Past the admin check, the fake backend says adapters are the local backend's.
    assert "local backend" in alice.predict("none", api_name="/switch_adapter")


def test_download_my_data_holds_only_the_writers_own(server, tmp_path):
    from gradio_client import handle_file

    url, _ = server
    bob = client(url, "bob", "bob-password")
    start(bob)
    bob.predict({"text": "", "files": [handle_file(str(DRAFT))]}, [], api_name="/send")
    path = bob.predict(api_name="/export_data")
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["writer"] == "bob" and [p["name"] for p in manifest["projects"]] == ["Small"]
        assert not any("attic" in n.lower() for n in zf.namelist())


def _hf_session_cookie(client_secret: str, username: str) -> str:
    """The cookie Gradio's OAuth callback leaves after a Hugging Face sign-in: the session, signed with the key
    Gradio derives from the Space's OAuth secret (the test plays the Hub's part; the server's checks are real)."""
    import base64
    import hashlib
    import time

    from itsdangerous import TimestampSigner

    session = {"oauth_info": {"userinfo": {"name": username.title(), "preferred_username": username,
                                           "profile": f"https://huggingface.co/{username}", "picture": ""},
                              "access_token": "hf_test", "scope": "openid profile", "expires_at": time.time() + 3600}}
    key = hashlib.sha256((client_secret + "-v4").encode()).hexdigest()
    data = base64.b64encode(json.dumps(session).encode())
    return TimestampSigner(key).sign(data).decode()


@pytest.fixture
def hf_space(tmp_path, monkeypatch):
    """The app as a Space with ``hf_oauth: true`` runs it: Gradio's real OAuth routes and session middleware."""
    import gradio.oauth

    secret = "space-oauth-secret"
    monkeypatch.setenv("SYSTEM", "spaces")  # Gradio's own test for "on a Space"
    monkeypatch.setenv("SPACE_ID", "owner/scriptroom")
    monkeypatch.setenv("SPACE_AUTHOR_NAME", "owner")
    for name, value in (("OAUTH_CLIENT_ID", "client"), ("OAUTH_CLIENT_SECRET", secret),
                        ("OAUTH_SCOPES", "openid profile"), ("OPENID_PROVIDER_URL", "http://127.0.0.1:9")):
        monkeypatch.setenv(name, value)
        monkeypatch.setattr(gradio.oauth, name, value)  # Gradio read them when it was imported
    settings = Settings.from_env(home=tmp_path / "home", backend="fake", port=free_port())
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(["Noted."]), with_tools=False)
    assert runtime.settings.login == "auto"
    with serve(runtime) as url:
        yield url, runtime, secret
    runtime.close()


# On a Space Gradio also starts its hot-reload watcher, which needs the `spaces` package of requirements.txt (not
# installed for tests); its thread's complaint is about that watcher, not about sign-in.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_hugging_face_sign_in_decides_the_writer_on_a_space(hf_space):
    from gradio_client import Client, handle_file

    url, runtime, secret = hf_space
    storage = Storage(runtime.settings.database)
    # Not signed in: may chat, keeps nothing, and a forged writer id reaches nothing.
    visitor = Client(url, verbose=False, analytics_enabled=False)
    assert start(visitor, LAPTOP_WRITER) == ("", [])
    visitor.predict({"text": "", "files": [handle_file(str(DRAFT))]}, [], api_name="/send")
    assert storage.writers() == {}

    def signed_in(name: str):
        return Client(url, verbose=False, analytics_enabled=False,
                      headers={"Cookie": f"session={_hf_session_cookie(secret, name)}"})

    bo = signed_in("bo")
    assert start(bo, "owner")[0] == "bo", "the browser's id is ignored; the Hugging Face user counts"
    bo.predict({"text": "", "files": [handle_file(str(DRAFT))]}, [], api_name="/send")
    assert [name for _, name, _ in storage.list_projects("bo")] == ["Small"]
    assert "admin role" in bo.predict("none", api_name="/switch_adapter")
    owner = signed_in("owner")
    assert start(owner) == ("owner", []), "the owner sees nothing of bo's"
    assert "local backend" in owner.predict("none", api_name="/switch_adapter"), "the Space's owner is admin"
    # A cookie signed with another key is no sign-in at all.
    forged = Client(url, verbose=False, analytics_enabled=False,
                    headers={"Cookie": f"session={_hf_session_cookie('guessed-secret', 'bo')}"})
    assert start(forged) == ("", [])


def test_delete_my_data_removes_only_the_writers_own(server):
    from gradio_client import handle_file

    url, runtime = server
    storage = Storage(runtime.settings.database)
    alice = client(url, "alice", "alice-password")
    start(alice)
    alice.predict({"text": "", "files": [handle_file(str(DRAFT))]}, [], api_name="/send")
    bob = client(url, "bob", "bob-password")
    start(bob)
    bob.predict({"text": "", "files": [handle_file(str(DRAFT))]}, [], api_name="/send")
    assert "Tick the box" in bob.predict(False, [], api_name="/delete_data")[0]
    assert storage.list_projects("bob")
    said, _, history, *_ = bob.predict(True, [], api_name="/delete_data")
    assert said.startswith("Deleted") and history == []
    assert storage.list_projects("bob") == [] and storage.preferences(writer="bob") == []
    assert storage.list_projects("alice"), "alice's data stays"
    assert start(client(url, "bob", "bob-password")) == ("bob", [])
