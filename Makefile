# Baton: libbaton (static), the baton CLI, and the tests. `make check` runs every test twice:
# once plainly and once under AddressSanitizer + UndefinedBehaviorSanitizer.

PREFIX ?= /usr/local
# every build and test run uses all processors (sub-makes share the job slots)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
CC ?= cc
BUILD ?= build

# Recursive (=) so pkg-config runs after `deps` has installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags libgit2 jansson sqlite3 libsodium zlib libmicrohttpd)
PKG_LIBS = $(shell pkg-config --libs libgit2 jansson sqlite3 libsodium zlib) -lstemmer -lunistring
# the web front end (src/web) is linked into the baton binary only
WEB_LIBS = $(shell pkg-config --libs libmicrohttpd)
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS = $(shell pkg-config --libs check)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-missing-field-initializers
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -g -Iinclude $(WARN) $(PKG_CFLAGS)
OPT ?= -O2
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC = $(wildcard src/lib/*.c)
CLI_SRC = $(wildcard src/cli/*.c)
WEB_SRC = $(wildcard src/web/*.c)
UNIT_SRC = $(wildcard tests/unit/*.c)
# gettext catalogues of the rendered documents' headings (po/<lang>.po, English is the source)
LANGS = da sv
MO = $(foreach l,$(LANGS),$(BUILD)/locale/$(l)/LC_MESSAGES/baton.mo)
# manual pages: man/*.1.scd (scdoc) into build/man/*.1, one for baton and one per command
MAN = $(patsubst man/%.scd,build/man/%,$(wildcard man/*.1.scd))

define objs
$(patsubst %.c,$(1)/%.o,$(2))
endef

.PHONY: all pot deps check check-plain check-asan check-long unit e2e demo install clean bench bench-scale bench-large fuzz fuzz-smoke check-valgrind

all: $(BUILD)/baton $(BUILD)/libbaton.a $(MO) $(BUILD)/gen-fixture $(BUILD)/baton-bench $(MAN)

deps:
	@tools/install-deps

# ---- plain build ----
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(BASE_CFLAGS) $(OPT) $(DEFS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libbaton.a: $(call objs,$(BUILD),$(LIB_SRC))
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/locale/%/LC_MESSAGES/baton.mo: po/%.po | deps
	@mkdir -p $(dir $@)
	@echo "  MSGFMT  $@"
	@msgfmt --check -o $@ $<

# the translation template, from every marked message (tools/pot holds the keywords)
pot:
	@tools/pot po/baton.pot
	@for l in $(LANGS); do msgmerge -q --backup=none --no-fuzzy-matching --no-location --no-wrap -U po/$$l.po po/baton.pot; done

build/man/%.1: man/%.1.scd | deps
	@mkdir -p build/man
	@echo "  SCDOC   $@"
	@scdoc <$< >$@

# The binary finds its catalogues in locale/ beside it (build/locale), else under PREFIX.
$(BUILD)/src/cli/main.o: EXTRA_CFLAGS += -DBATON_LOCALEDIR='"$(PREFIX)/share/locale"'

$(BUILD)/baton: $(call objs,$(BUILD),$(CLI_SRC) $(WEB_SRC)) $(BUILD)/libbaton.a | $(MO)
	@echo "  LINK    $@"
	@$(CC) $(EXTRA_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(WEB_LIBS)

$(BUILD)/check_baton: $(call objs,$(BUILD),$(UNIT_SRC)) $(BUILD)/libbaton.a | $(MO)
	@echo "  LINK    $@"
	@$(CC) $(EXTRA_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)

$(BUILD)/tests/unit/%.o: EXTRA_CFLAGS += $(CHECK_CFLAGS)

# the benchmark fixture generator and the in-process benchmark (tools/*.c)
$(BUILD)/gen-fixture: $(BUILD)/tools/gen-fixture.o $(BUILD)/libbaton.a
	@echo "  LINK    $@"
	@$(CC) $(EXTRA_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/baton-bench: $(BUILD)/tools/bench.o $(BUILD)/libbaton.a
	@echo "  LINK    $@"
	@$(CC) $(EXTRA_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- tests ----
# The sanitizer build is the same tree built into build/asan with the sanitizers on.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:exitcode=87

check: deps
	@$(MAKE) --no-print-directory check-plain
	@$(MAKE) --no-print-directory check-asan
	@echo "== fuzz smoke runs (libFuzzer, ASan + UBSan) =="
	@$(MAKE) --no-print-directory fuzz-smoke

# Tests run a test build (build/test): the same sources with the test hooks compiled in
# (BATON_TODAY, BATON_NOW: -DBATON_TEST_HOOKS). The installed binary, build/baton, has none;
# BATON_RELEASE tells the tests where it is, so they can check that it ignores them.
TEST_HOOKS = -DBATON_TEST_HOOKS
check-plain: $(BUILD)/baton $(MAN)
	@$(MAKE) --no-print-directory BUILD=build/test DEFS="$(TEST_HOOKS)" \
		build/test/baton build/test/check_baton build/test/gen-fixture
	@echo "== e2e tests (plain build) =="
	@BATON=$(abspath build/test/baton) BATON_RELEASE=$(abspath $(BUILD)/baton) tests/e2e/run.sh
	@echo "== unit tests (plain build) =="
	@build/test/check_baton

check-asan: $(BUILD)/baton $(MAN)
	@$(MAKE) --no-print-directory BUILD=build/asan OPT=-O1 DEFS="$(TEST_HOOKS)" EXTRA_CFLAGS="$(SAN_FLAGS)" \
		EXTRA_LDFLAGS="$(SAN_FLAGS)" build/asan/baton build/asan/check_baton build/asan/gen-fixture
	@echo "== e2e tests (AddressSanitizer + UndefinedBehaviorSanitizer) =="
	@$(ASAN_ENV) BATON_SANITIZED=1 BATON=$(abspath build/asan/baton) BATON_RELEASE=$(abspath $(BUILD)/baton) \
		tests/e2e/run.sh
	@echo "== unit tests (AddressSanitizer + UndefinedBehaviorSanitizer) =="
	@$(ASAN_ENV) CK_FORK=no build/asan/check_baton

# The long runs that make check keeps short (about 15 minutes): 2,000 kills of a saving writer,
# 8 writers x 500 edits with readers, and each fuzz target for FUZZ_SECONDS (default 60 here).
check-long:
	@$(MAKE) --no-print-directory BUILD=build/test DEFS="$(TEST_HOOKS)" build/test/baton build/test/gen-fixture
	@BATON=$(abspath build/test/baton) BATON_CRASH_KILLS=2000 BATON_STRESS_EDITS=500 BATON_TEST_TIMEOUT=3600 \
		tests/e2e/run.sh t_crash t_stress
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(or $(LONG_FUZZ_SECONDS),60)

unit:
	@$(MAKE) --no-print-directory BUILD=build/test DEFS="$(TEST_HOOKS)" build/test/check_baton
	build/test/check_baton

e2e: $(BUILD)/baton $(MAN)
	@$(MAKE) --no-print-directory BUILD=build/test DEFS="$(TEST_HOOKS)" build/test/baton build/test/gen-fixture
	BATON=$(abspath build/test/baton) BATON_RELEASE=$(abspath $(BUILD)/baton) tests/e2e/run.sh

demo: $(BUILD)/baton
	@BATON=$(abspath $(BUILD)/baton) tools/demo

# ---- valgrind: the end-to-end suite with every baton run under memcheck (slow: about an hour) ----
# VALGRIND_TESTS="t_case t_journal" runs a subset.
check-valgrind: $(BUILD)/baton
	@command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build/test DEFS="$(TEST_HOOKS)" build/test/baton build/test/gen-fixture
	@mkdir -p build/valgrind
	@cp build/test/baton build/valgrind/baton.real
	@cp tools/valgrind-baton build/valgrind/baton
	@cp build/test/gen-fixture build/valgrind/gen-fixture
	@cp -r build/test/locale build/valgrind/ 2>/dev/null || true
	@BATON=$(abspath build/valgrind/baton) BATON_LOCALEDIR=$(abspath build/test/locale) BATON_RELEASE=$(abspath $(BUILD)/baton) BATON_SANITIZED=1 \
		BATON_VALGRIND=1 tests/e2e/run.sh $(VALGRIND_TESTS)

# ---- fuzzing (libFuzzer, clang) ----
# make fuzz runs each target for FUZZ_SECONDS; make check runs a short smoke run of each. Seeds
# live in tests/fuzz/<target>/; new inputs go to build/fuzz/corpus-<target>/, crashes to build/fuzz/.
FUZZ_TARGETS = record transfer query args
FUZZ_SECONDS ?= 300
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# the library's sources are prerequisites too: a fixed bug must reach the fuzzer binaries
FUZZ_LIB_DEPS = $(LIB_SRC) $(wildcard src/lib/*.h include/baton/*.h) tests/fuzz/fuzz_scratch.h
# one rule builds the fuzzers' library, so parallel fuzzer builds never build it twice at once
ifneq ($(BUILD),build/fuzz)
build/fuzz/libbaton.a: $(FUZZ_LIB_DEPS) | deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" build/fuzz/libbaton.a
endif
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libbaton.a | deps
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
		build/fuzz/libbaton.a $(PKG_LIBS)

# the command line, whole: its main() becomes baton_cli_main for the fuzzer to call
build/fuzz/fuzz_args: tests/fuzz/fuzz_args.c $(CLI_SRC) $(WEB_SRC) src/cli/cli.h build/fuzz/libbaton.a | deps
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) -Dmain=baton_cli_main -fsanitize=fuzzer $(FUZZ_SAN) \
		-o $@ tests/fuzz/fuzz_args.c $(CLI_SRC) $(WEB_SRC) build/fuzz/libbaton.a $(PKG_LIBS) $(WEB_LIBS)

fuzz: $(foreach t,$(FUZZ_TARGETS),build/fuzz/fuzz_$(t))
	@for t in $(FUZZ_TARGETS); do mkdir -p build/fuzz/corpus-$$t; \
		echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(CURDIR)/build/fuzz/$$t- \
			$(CURDIR)/build/fuzz/corpus-$$t $(CURDIR)/tests/fuzz/$$t || exit 1; done

# the smoke run is reproducible (a fixed seed, a fixed number of runs, about 10 s each, all four
# side by side, and new
# inputs in a scratch directory, never in the seed corpus): what passes here passes in CI. Paths
# are absolute: fuzz_args works from a scratch directory of its own.
FUZZ_RUNS_record = 300000
FUZZ_RUNS_transfer = 10000
# (every search is a logged read now, one fsynced access-log entry per run)
FUZZ_RUNS_query = 30000
FUZZ_RUNS_args = 10000
fuzz-smoke: $(foreach t,$(FUZZ_TARGETS),build/fuzz/fuzz_$(t))
	@ls -A >build/fuzz/root-before
	@for t in $(FUZZ_TARGETS); do \
		case $$t in record) n=$(FUZZ_RUNS_record);; transfer) n=$(FUZZ_RUNS_transfer);; \
			args) n=$(FUZZ_RUNS_args);; *) n=$(FUZZ_RUNS_query);; esac; \
		rm -rf build/fuzz/smoke-$$t; mkdir -p build/fuzz/smoke-$$t; \
		{ build/fuzz/fuzz_$$t -seed=1 -runs=$$n -artifact_prefix=$(CURDIR)/build/fuzz/$$t- \
			$(CURDIR)/build/fuzz/smoke-$$t $(CURDIR)/tests/fuzz/$$t \
			>build/fuzz/$$t.log 2>&1; echo $$? >build/fuzz/$$t.rc; } & \
		done; wait; bad=0; \
	for t in $(FUZZ_TARGETS); do \
		echo "  fuzz $$t: $$(grep -E '^Done' build/fuzz/$$t.log)"; \
		if [ "$$(cat build/fuzz/$$t.rc)" != 0 ]; then tail -40 build/fuzz/$$t.log; bad=1; fi; done; \
	exit $$bad
	@ls -A | diff build/fuzz/root-before - >/dev/null || { echo "fuzz-smoke: a fuzz target wrote into $(CURDIR)" >&2; exit 1; }

# Fixtures are cached in bench/ (ignored by git); results go to bench/results.json.
bench: all
	@tools/install-deps bench
	@tools/bench

# how cost grows: the same operations at 1,000 and 10,000 cases (bench-large: 50,000, which takes
# the better part of an hour to build), against make bench's 5,000
bench-scale: all
	@tools/install-deps bench
	@tools/bench --scale 1000
	@tools/bench --scale 10000

bench-large: all
	@tools/install-deps bench
	@tools/bench --scale 50000

install: $(BUILD)/baton $(BUILD)/libbaton.a $(MO) $(BUILD)/gen-fixture $(BUILD)/baton-bench $(MAN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/baton $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -D -m 0644 completion/baton.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/baton
	install -m 0755 $(BUILD)/baton $(DESTDIR)$(PREFIX)/bin/baton
	install -m 0644 include/baton/*.h $(DESTDIR)$(PREFIX)/include/baton/
	install -m 0644 $(BUILD)/libbaton.a $(DESTDIR)$(PREFIX)/lib/libbaton.a
	for l in $(LANGS); do install -D -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/baton.mo \
		$(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/baton.mo; done

clean:
	rm -rf build demo

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
