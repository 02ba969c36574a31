# Village Kiosk — developer entry points. Every target creates or refreshes .venv itself.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
# Tests and screenshots render offscreen; the demo uses the real display when there is one.
OFFSCREEN := QT_QPA_PLATFORM=offscreen

.PHONY: all demo soak test lint typecheck pytest screenshots translations bench clean system-deps \
	venv fuzz

all: test

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[central,dev]'
	@touch $(STAMP)

venv: system-deps $(STAMP)

demo: venv
	$(BIN)/python scripts/demo.py

lint: venv
	$(BIN)/ruff check kiosk central tests benchmarks scripts installers
	$(BIN)/ruff format --check kiosk central tests benchmarks scripts installers

typecheck: venv
	$(BIN)/mypy

# The central service's PostgreSQL suite runs when KIOSK_TEST_PG_URL is set, or when a local
# server answers on 127.0.0.1:5432 (trust auth, database "test"); otherwise it skips, saying why.
PG_LOCAL := postgresql+psycopg://postgres@127.0.0.1:5432/test
KIOSK_TEST_PG_URL ?= $(shell bash -c '(exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && echo $(PG_LOCAL)')
export KIOSK_TEST_PG_URL

pytest: venv
	$(OFFSCREEN) $(BIN)/pytest -q

test: lint typecheck pytest

# Schemathesis against central (SQLite, and PostgreSQL when KIOSK_TEST_PG_URL is set) with many
# more examples per operation than `make test` (KIOSK_FUZZ_EXAMPLES there: 12); a few minutes.
FUZZ_EXAMPLES ?= 400
fuzz: venv
	KIOSK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(OFFSCREEN) $(BIN)/pytest -q -s --timeout=0 \
		-p no:cacheprovider \
		tests/central/test_schema_fuzz.py

# The model-based convergence test for a long run (docs/testing.md): KIOSK_SOAK_HISTORIES histories
# (default 10000) on SQLite, and on PostgreSQL too when KIOSK_TEST_PG_URL is set; prints how many
# ran and the steps of any counterexample.
KIOSK_SOAK_HISTORIES ?= 10000
soak: venv
	KIOSK_SOAK_HISTORIES=$(KIOSK_SOAK_HISTORIES) $(OFFSCREEN) $(BIN)/pytest -q -s --timeout=0 \
		-p no:cacheprovider tests/sync/test_convergence_model.py

# Every screen, zh_CN and en, at 1366x768 into docs/screenshots/ (look at them before committing).
screenshots: venv
	$(OFFSCREEN) $(BIN)/python scripts/screenshots.py

# Refresh the translation sources from the code, then compile them (.qm files are committed).
UI_SOURCES = $(wildcard kiosk/ui/*.py kiosk/ui/screens/*.py kiosk/ui/admin/*.py \
	kiosk/ui/admin/tech/*.py)
translations: venv
	$(BIN)/pyside6-lupdate -no-obsolete -locations relative -source-language en \
		-target-language zh_CN $(UI_SOURCES) -ts kiosk/ui/i18n/kiosk_zh_CN.ts
	$(BIN)/pyside6-lupdate -no-obsolete -locations relative -pluralonly -source-language en \
		-target-language en $(UI_SOURCES) -ts kiosk/ui/i18n/kiosk_en.ts
	$(BIN)/pyside6-lrelease kiosk/ui/i18n/kiosk_zh_CN.ts kiosk/ui/i18n/kiosk_en.ts

# The benchmarks of docs/benchmarks.md (each prints one JSON object; about 10 minutes in all).
bench: venv
	$(BIN)/python benchmarks/search.py --products 100000 --json
	$(BIN)/python benchmarks/orders.py --json
	$(BIN)/python benchmarks/cli.py --json
	$(BIN)/python benchmarks/sync.py --products 100000 --json
	$(BIN)/python benchmarks/sync.py --products 10000 --link 2g --json
	$(OFFSCREEN) $(BIN)/python benchmarks/startup.py --products 100000 --json
	$(BIN)/python benchmarks/fleet.py --kiosks 2000 --json
	$(BIN)/python benchmarks/fleet_ops.py --centers 100000 --json
	$(BIN)/python benchmarks/speech.py --json

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

# --- Installers (docs/install.md): the PyInstaller bundle, the Debian package, their tests. ---
.PHONY: bundle deb test-installers

bundle: venv
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller installers/kiosk.spec

deb: bundle
	$(BIN)/python scripts/build_deb.py --bundle dist/village-kiosk --out dist

# Builds its own bundle and packages in a temporary folder (about 3-4 minutes on 2 cores).
test-installers: venv
	$(OFFSCREEN) $(BIN)/pytest -q -m installers tests/installers
