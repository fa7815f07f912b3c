"""The accounts file, the login mode a server picks, and `scriptroom users`."""

from __future__ import annotations

import io
import json
import stat

import pytest

from agent.accounts import AccountError, Accounts, check_password, hash_password, resolve_login
from agent.settings import Settings
from agent.storage import PreferenceRecord, Storage
from cli import main as cli_main


def test_passwords_are_salted_hashes_checked_in_constant_form(tmp_path):
    accounts = Accounts(tmp_path / "users.json")
    accounts.add("alice", "correct horse", admin=True)
    accounts.add("bob", "correct horse")
    raw = (tmp_path / "users.json").read_text()
    assert "correct horse" not in raw
    hashes = [a["password_hash"] for a in json.loads(raw)["accounts"]]
    assert hashes[0] != hashes[1], "the same password under two salts must give two hashes"
    assert stat.S_IMODE((tmp_path / "users.json").stat().st_mode) == 0o600
    assert accounts.verify("alice", "correct horse") and not accounts.verify("alice", "correct hors")
    assert not accounts.verify("carol", "correct horse")
    assert accounts.is_admin("alice") and not accounts.is_admin("bob") and not accounts.is_admin("carol")
    assert not check_password("x", "md5$abc") and check_password("pw", hash_password("pw"))


@pytest.mark.parametrize(
    "call, needle",
    [
        (lambda a: a.add("al ice", "longenough"), "letters, digits"),
        (lambda a: a.add("dora", "short"), "at least 8"),
        (lambda a: a.add("alice", "longenough"), "users passwd alice"),
        (lambda a: a.remove("nobody"), "accounts: alice"),
    ],
)
def test_account_mistakes_say_what_is_accepted(tmp_path, call, needle):
    accounts = Accounts(tmp_path / "users.json")
    accounts.add("alice", "longenough")
    with pytest.raises(AccountError, match=needle):
        call(accounts)


def test_login_mode_follows_accounts_and_the_space(tmp_path):
    settings = Settings(home=tmp_path)
    assert resolve_login(settings, env={}).mode == "off"
    assert resolve_login(settings, env={"SPACE_ID": "a/b"}).mode == "off", "no hf_oauth, no sign-in"
    hf = resolve_login(settings.with_(admins="carol"), env={"SPACE_ID": "a/b", "OAUTH_CLIENT_ID": "x",
                                                            "SPACE_AUTHOR_NAME": "a"})
    assert hf.mode == "hf" and hf.is_admin("a") and hf.is_admin("carol") and not hf.is_admin("dave")
    Accounts(settings.users_file).add("alice", "longenough")
    login = resolve_login(settings, env={})
    assert login.mode == "password" and not login.is_admin("alice") and not login.is_admin("")
    assert resolve_login(settings.with_(login="off"), env={}).is_admin(""), "a laptop may do everything"
    assert login.writer_for(user="alice", browser_id="forged-id") == "alice"
    assert login.writer_for(user=None, browser_id="forged-id") == "", "no sign-in, no one's data"
    laptop = resolve_login(settings.with_(login="off"), env={})
    assert laptop.writer_for(user=None, browser_id="b1") == "b1" and len(laptop.writer_for(user=None, browser_id="")) == 32
    with pytest.raises(AccountError, match="scriptroom users add"):
        resolve_login(Settings(home=tmp_path / "empty", login="password"), env={})
    with pytest.raises(AccountError, match="hf_oauth: true"):
        resolve_login(Settings(home=tmp_path / "empty", login="hf"), env={})


def cli(capsys, monkeypatch, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_users_cli_adds_lists_and_removes_with_the_writers_data(capsys, monkeypatch, scriptroom_home):
    code, out, _ = cli(capsys, monkeypatch, "users", "add", "alice", "--admin", "--password-stdin", "--json",
                       stdin="a long password\n")
    assert code == 0 and json.loads(out)["role"] == "admin"
    assert cli(capsys, monkeypatch, "users", "add", "bob", "--password-stdin", stdin="bobs password\n")[0] == 0
    storage = Storage(Settings.from_env().database)
    storage.save_project(writer="bob", name="Heist", fountain="INT. VAULT - NIGHT\n\nDark.\n", bible={}, chat=[])
    storage.add_preference(PreferenceRecord(prompt="p", chosen="a", rejected="b", writer="bob"))
    code, out, _ = cli(capsys, monkeypatch, "users", "list", "--json")
    listed = {a["name"]: a for a in json.loads(out)["accounts"]}
    assert listed["bob"]["projects"] == 1 and listed["alice"]["role"] == "admin" and "password_hash" not in out
    assert Accounts(Settings.from_env().users_file).verify("bob", "bobs password")

    code, out, _ = cli(capsys, monkeypatch, "users", "remove", "bob", "--json")
    assert code == 0 and json.loads(out)["deleted"] == {"projects": 1, "preferences": 1, "stories": 0}
    assert storage.list_projects("bob") == [] and storage.preferences(writer="bob") == []
    code, _, err = cli(capsys, monkeypatch, "users", "add", "carol", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 8" in err and "Traceback" not in err


def test_the_ui_takes_the_user_only_from_what_the_server_verified():
    import gradio as gr

    from ui.handlers import verified_user

    class Request:  # what Gradio hands a handler after its login form
        username = "alice"

    profile = gr.OAuthProfile({"name": "Bo", "preferred_username": "bo", "profile": "", "picture": ""})
    assert verified_user("password", Request(), None) == "alice"
    assert verified_user("password", None, profile) is None, "a Hugging Face profile means nothing to password login"
    assert verified_user("hf", Request(), profile) == "bo" and verified_user("hf", Request(), None) is None
    assert verified_user("off", Request(), profile) is None


def test_server_wide_work_needs_the_admin_role_when_login_is_on(tmp_path):
    from agent.models.fake import ScriptedChatModel
    from agent.room import Room
    from agent.runtime import Runtime
    from ui import jobs

    settings = Settings(home=tmp_path, backend="fake")
    Accounts(settings.users_file).add("ana", "ana-password", admin=True)
    Accounts(settings.users_file).add("ben", "ben-password")
    room = Room.create(Runtime.create(settings, chat_model=ScriptedChatModel(), with_tools=False))
    ben, _ = room.open_session("ben")
    ana, _ = room.open_session("ana")
    bar = lambda *a, **k: None  # noqa: E731
    for refused in (jobs.train(room, ben, "sft", 2, "x", bar), jobs.add_to_library(room, ben, bar),
                    room_switch(room, ben)):
        assert "needs the admin role" in refused and "scriptroom users add NAME --admin" in refused
    # ana passes the check and meets the next one (no draft; a fake backend has no adapters)
    assert jobs.train(room, ana, "sft", 2, "x", bar).startswith(jobs.NO_DRAFT)
    assert "local backend" in room_switch(room, ana)


def room_switch(room, session) -> str:
    from agent.errors import RoomError

    try:
        return room.switch_adapter(session, None)
    except RoomError as exc:
        return str(exc)
