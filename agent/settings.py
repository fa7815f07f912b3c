"""All Scriptroom configuration in one dataclass, read from SCRIPTROOM_* variables and flags."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

EMBEDDED_MODEL = "smollm2-135m-instruct"
# The LoRA adapter trained for the embedded model (configs/lora-cpu-tiny.yaml; `scriptroom finetune` writes it).
SHIPPED_ADAPTER = Path(__file__).resolve().parent / "models" / "adapters" / "scriptroom-smollm2-lora"
BACKENDS = ("local", "openai", "fake")
ENGINE_CHOICES = ("auto", "llama.cpp", "transformers")
WRITING_CHOICES = ("auto", "scaffold", "free")
LOGINS = ("auto", "off", "password", "hf")


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the variable and what is accepted."""


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true/false, got {value!r}")


class _InHome:
    """A location under the data directory: ``settings.home / name`` (a class attribute, not a setting)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, settings: Any, owner: Any = None) -> Any:
        return self if settings is None else settings.home / self.name


@dataclass(frozen=True)
class Settings:
    home: Path = field(
        default_factory=lambda: Path("~/.scriptroom").expanduser(),
        metadata={"help": "data directory: model cache, projects, library, feedback, adapters"},
    )
    backend: str = field(default="local", metadata={"help": "local | openai | fake"})
    model: str = field(
        default=EMBEDDED_MODEL,
        metadata={"help": "embedded default, a Hugging Face model id in the cache, or a local folder"},
    )
    adapter: str | None = field(default=None, metadata={"help": "PEFT LoRA adapter folder to attach"})
    scene_adapter: str = field(
        default="auto",
        metadata={"help": "adapter the scene generator writes with when no --adapter is set: auto (the shipped "
                          "Scriptroom adapter on the embedded model), none, or an adapter folder"},
    )
    engine: str = field(
        default="auto",
        metadata={"help": "local engine: auto (llama.cpp for GGUF models on CPU when it is installed, else "
                          "transformers), llama.cpp, or transformers"},
    )
    writing: str = field(
        default="auto",
        metadata={"help": "how tools write scenes: auto (scaffold for models under ~1B parameters, free for "
                          "bigger or served ones), scaffold (structure built in code), free (the model writes)"},
    )
    load_in_4bit: bool = field(default=False, metadata={"help": "4-bit NF4 (bitsandbytes, CUDA only)"})
    device: str = field(default="auto", metadata={"help": "auto | cpu | cuda"})
    cpu_int8: bool = field(
        default=True, metadata={"help": "dynamic int8 weights for faster CPU decoding (false: fp32)"}
    )
    base_url: str | None = field(
        default=None, metadata={"help": "OpenAI-compatible server URL (vLLM, llama.cpp, Ollama, TGI)"}
    )
    api_key: str = field(default="not-needed", metadata={"help": "API key for the served model"})
    temperature: float = field(default=0.7, metadata={"help": "sampling temperature (0 = greedy)"})
    max_new_tokens: int = field(default=384, metadata={"help": "longest reply, in tokens"})
    seed: int | None = field(default=None, metadata={"help": "sampling seed for repeatable output"})
    # Gradio's own variables are the fallback, so a Hugging Face Space (or any Gradio host) is obeyed.
    host: str = field(
        default="127.0.0.1",
        metadata={"help": "address the app listens on (0.0.0.0 on a Hugging Face Space)", "fallback": "GRADIO_SERVER_NAME"},
    )
    port: int = field(default=7860, metadata={"help": "port the app listens on", "fallback": "GRADIO_SERVER_PORT"})
    login: str = field(
        default="auto",
        metadata={"help": "off | password (accounts from `scriptroom users`) | hf (Hugging Face sign-in) | auto: "
                          "password when accounts exist, hf on a Space with hf_oauth, else off"},
    )
    admins: str = field(
        default="",
        metadata={"help": "comma-separated Hugging Face user names with the admin role when login is hf "
                          "(the Space's owner always has it)"},
    )
    chroma_url: str | None = field(
        default=None, metadata={"help": "Chroma server URL for a shared team library"}
    )
    max_upload_mb: float = field(default=10.0, metadata={"help": "largest draft accepted, in MB"})

    def __post_init__(self) -> None:
        object.__setattr__(self, "home", Path(self.home).expanduser())

    # Derived locations under the data directory.
    models_dir = _InHome("models")
    projects_dir = _InHome("projects")
    library_dir = _InHome("library")
    adapters_dir = _InHome("adapters")
    database = _InHome("scriptroom.sqlite3")  # the writer's projects, chats and preferences (agent.storage)
    # Preferences live with the projects, so the app and `scriptroom finetune dpo` read the same file.
    feedback_db = _InHome("scriptroom.sqlite3")
    users_file = _InHome("users.json")  # accounts for a shared server (agent.accounts): salted password hashes

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    def validate(self) -> "Settings":
        if self.backend not in BACKENDS:
            raise SettingsError(
                f"SCRIPTROOM_BACKEND={self.backend!r} is not a backend; use one of {', '.join(BACKENDS)}"
            )
        if self.backend == "openai" and not self.base_url:
            raise SettingsError(
                "the openai backend needs a server: set SCRIPTROOM_BASE_URL "
                "(for example http://localhost:8000/v1) or pass --base-url"
            )
        if self.engine not in ENGINE_CHOICES:
            raise SettingsError(
                f"SCRIPTROOM_ENGINE={self.engine!r} is not an engine; use one of {', '.join(ENGINE_CHOICES)}"
            )
        if self.writing not in WRITING_CHOICES:
            raise SettingsError(
                f"SCRIPTROOM_WRITING={self.writing!r} is not a writing tier; use one of {', '.join(WRITING_CHOICES)}"
            )
        if not 0 <= self.temperature <= 2:
            raise SettingsError(f"temperature {self.temperature} is out of range; use 0 to 2")
        if self.max_new_tokens < 1:
            raise SettingsError("max_new_tokens must be at least 1")
        if self.login not in LOGINS:
            raise SettingsError(f"SCRIPTROOM_LOGIN={self.login!r} is not a login mode; use one of {', '.join(LOGINS)}")
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Defaults, then SCRIPTROOM_<FIELD> variables, then explicit overrides (flags)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            for var in (f"SCRIPTROOM_{f.name.upper()}", f.metadata.get("fallback")):
                raw = env.get(var) if var else None
                if raw is None or raw == "":
                    continue
                try:
                    values[f.name] = _coerce(f.name, f.type, raw)
                except ValueError as exc:
                    raise SettingsError(f"{var}: {exc}") from None
                break
        if env.get("SPACE_ID") and "host" not in values:
            values["host"] = "0.0.0.0"  # a Space's proxy reaches the app from outside its container
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "home" in values:
            values["home"] = Path(values["home"]).expanduser()
        return cls(**values).validate()

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes).validate()


def _coerce(name: str, type_: Any, raw: str) -> Any:
    # Annotations are strings here (postponed evaluation): "int", "str | None", "Path"...
    base = str(type_).replace(" | None", "").strip()
    parse = {"bool": _bool, "int": int, "float": float, "str": str, "Path": lambda r: Path(r).expanduser()}
    return parse[base](raw)


def add_settings_flags(parser: Any) -> None:
    """Add one --flag per Settings field (used by app.py and the CLI)."""
    for f in fields(Settings):
        flag = "--" + f.name.replace("_", "-")
        fallback = f", then {f.metadata['fallback']}" if "fallback" in f.metadata else ""
        help_ = f.metadata.get("help", "") + f" (env SCRIPTROOM_{f.name.upper()}{fallback})"
        if "bool" in str(f.type):
            parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None, help=help_)
        else:
            parser.add_argument(flag, dest=f.name, default=None, help=help_)


def settings_from_args(args: Any, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from env plus the flags that were given (string flag values coerced by field type)."""
    overrides: dict[str, Any] = {}
    for f in fields(Settings):
        value = getattr(args, f.name, None)
        if value is None:
            continue
        try:
            overrides[f.name] = value if isinstance(value, bool) else _coerce(f.name, f.type, value)
        except ValueError as exc:
            raise SettingsError(f"--{f.name.replace('_', '-')}: {exc}") from None
    return Settings.from_env(env, **overrides)
