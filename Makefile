# receivables: a loadable SQLite extension for accounts receivable.
#
#   make          build build/receivables.so
#   make demo     install missing Debian packages (as root), build, run the demo
#   make test     what CI runs: deps, a short run of every fuzz target, the
#                 short concurrency, crash and clock-replay harnesses, then
#                 every Check suite plain, under ASan+UBSan and under
#                 valgrind; it ends with the three Check summary lines
#   make test-plain, test-asan, memcheck   one of those Check runs
#   make coverage line and branch coverage of ext/ (tests/reliability.mk)
#   make fuzz     every fuzz target for FUZZ_SECONDS (tests/RELIABILITY.md)
#   make bench    run the benchmarks in tests/bench/
#   make test-clients  load the extension from Python, ODBC and Node
#
# The extension is compiled against sqlite3ext.h and linked without
# -lsqlite3: it must use the SQLite of the process that loads it.
# -Wl,-z,defs turns any direct reference to a sqlite3_* symbol into a link
# error instead of a crash inside a client that bundles its own SQLite.

BUILD   ?= build
PREFIX  ?= /usr/local
AS_OF   ?= 2013-06-30
CC      ?= cc
SQLITE3 ?= sqlite3

WARN     = -Wall -Wextra -Werror
STD      = -std=c99 -D_POSIX_C_SOURCE=200809L
CFLAGS  ?= -O2 -g
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS   := $(shell pkg-config --libs libxml-2.0 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

EXT_SRC  := $(wildcard ext/*.c)
EXT_OBJ  := $(EXT_SRC:ext/%.c=$(BUILD)/ext/%.o)
TEST_SRC := $(wildcard tests/check_*.c)
SUITES   := $(TEST_SRC:tests/check_%.c=%)
# The test runner links the same sources compiled with -DSQLITE_CORE, so the
# suites can call the plain-C cores directly and sqlite3_receivables_init.
CORE_OBJ := $(EXT_SRC:ext/%.c=$(BUILD)/core/%.o)
TEST_OBJ := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.o) \
            $(BUILD)/tests/runner.o $(BUILD)/tests/harness.o
ASAN_DIR := $(BUILD)/asan
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

DEBIAN_PACKAGES := build-essential pkg-config sqlite3 libsqlite3-dev check \
                   clang libclang-rt-14-dev valgrind faketime gcovr hledger \
                   libxml2-dev unixodbc libsqliteodbc

.PHONY: all deps demo test check test-plain test-asan test-clients bench \
        memcheck lint \
        format clean install uninstall

all: $(BUILD)/receivables.so

$(BUILD)/receivables.so: $(EXT_OBJ)
	$(CC) -shared -fvisibility=hidden -Wl,-z,defs $(LDFLAGS) -o $@ $^ \
	    $(XML_LIBS) -lm

$(BUILD)/ext/%.o: ext/%.c | $(BUILD)/ext
	$(CC) $(STD) $(WARN) $(CPPFLAGS) $(CFLAGS) $(XML_CFLAGS) -fPIC \
	    -fvisibility=hidden -MMD -MP -c -o $@ $<

$(BUILD)/core/%.o: ext/%.c | $(BUILD)/core
	$(CC) $(STD) $(WARN) $(CPPFLAGS) $(CFLAGS) $(XML_CFLAGS) -DSQLITE_CORE \
	    -MMD -MP -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/tests/suite_list.h | $(BUILD)/tests
	$(CC) $(STD) $(WARN) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) \
	    -I ext -I $(BUILD)/tests -DSQLITE_CORE \
	    -DBUILD_DIR=\"$(abspath $(BUILD))\" -MMD -MP -c -o $@ $<

# One X-macro line per tests/check_<name>.c, so adding a suite file is all
# it takes to run it.
$(BUILD)/tests/suite_list.h: $(TEST_SRC) Makefile | $(BUILD)/tests
	printf 'SUITE(%s)\n' $(SUITES) > $@.tmp
	if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/check_receivables: $(TEST_OBJ) $(CORE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) -lsqlite3 \
	    $(XML_LIBS) -lm

$(BUILD)/ext $(BUILD)/core $(BUILD)/tests:
	mkdir -p $@

# Installs the Debian packages that are missing; as a normal user it prints
# the apt-get line to run instead.
deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	        grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	    echo "missing Debian packages:$$missing" >&2; \
	    echo "run as root: apt-get update && apt-get install -y$$missing" >&2; \
	    exit 1; \
	fi; \
	echo "installing:$$missing"; \
	apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing

demo: deps
	$(MAKE) all
	sh demo/run.sh $(BUILD) $(AS_OF)

# The Check runs come last and their summary lines are printed again at the
# end, so that a passing run ends with them.
test check: deps
	$(MAKE) reliability-ci
	$(MAKE) test-plain
	$(MAKE) test-asan
	$(MAKE) memcheck
	@echo "Check summaries: plain, ASan+UBSan, valgrind"
	@grep -h '^[0-9]*%: Checks' $(BUILD)/check.log $(ASAN_DIR)/check.log \
	    $(BUILD)/memcheck.log

# CK_LOG_FILE_NAME: Check also writes every result and the summary there.
test-plain: $(BUILD)/check_receivables $(BUILD)/receivables.so
	cd tests && CK_LOG_FILE_NAME=$(abspath $(BUILD))/check.log \
	    $(abspath $(BUILD))/check_receivables

# The same suites rebuilt with AddressSanitizer and UndefinedBehaviorSanitizer
# in a build tree of their own.
test-asan:
	$(MAKE) BUILD=$(ASAN_DIR) CFLAGS="-O1 -g $(SAN)" \
	    LDFLAGS="$(SAN)" test-plain

# Loads the extension from Python, ODBC and Node (where installed) against
# the demo database.
test-clients: demo
	sh tests/clients.sh $(BUILD)

# Every suite under valgrind memcheck, in one process (CK_FORK=no) so that
# one leak check covers every test. The oom suite takes about two thirds of
# the time (tests/RELIABILITY.md gives the figures); it stays in because
# its error paths are the code the other suites never reach.
memcheck: $(BUILD)/check_receivables $(BUILD)/receivables.so
	cd tests && CK_FORK=no \
	    CK_LOG_FILE_NAME=$(abspath $(BUILD))/memcheck.log \
	    valgrind -q --error-exitcode=1 --leak-check=full \
	    --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect \
	    $(abspath $(BUILD))/check_receivables

bench: all
	sh tests/bench/run.sh $(BUILD)

lint:
	clang-format --dry-run --Werror ext/*.c ext/*.h tests/*.c

format:
	clang-format -i ext/*.c ext/*.h tests/*.c

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/receivables
	install -m 644 $(BUILD)/receivables.so $(DESTDIR)$(PREFIX)/lib/receivables/
	install -d $(DESTDIR)$(PREFIX)/share/receivables
	install -m 644 sql/*.sql $(DESTDIR)$(PREFIX)/share/receivables/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/lib/receivables \
	    $(DESTDIR)$(PREFIX)/share/receivables

clean:
	rm -rf $(BUILD)

-include $(EXT_OBJ:.o=.d) $(CORE_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

-include tests/reliability.mk
