# `make run` and `make test` set up what is missing by themselves.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO   := build/demo

.PHONY: run test bench demo clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

# The demo is copied out of resources/ so that labelling in it leaves the repo clean.
$(DEMO):
	mkdir -p build
	cp -r resources/demo $(DEMO)

run: $(STAMP) $(DEMO)
	$(VENV)/bin/labeltool gui $(DEMO)

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) tests/benchmarks/run_all.py

demo: $(STAMP)
	$(PY) resources/make_demo.py

clean:
	rm -rf build .pytest_cache
