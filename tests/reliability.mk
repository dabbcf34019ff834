# Reliability harnesses: fuzzing, stress, crash, clock replay and coverage.
# The Makefile includes this file; tests/RELIABILITY.md says what each
# target shows and gives the figures of the last long run.
#
#   make fuzz         every libFuzzer target for FUZZ_SECONDS (default 60)
#   make fuzz-ci      every target for FUZZ_CI_SECONDS (default 10)
#   make stress       concurrent writers and SIGKILL crash runs, long
#   make stress-ci    the same, short
#   make clock-replay one SQL script under three system clocks (faketime)
#   make coverage     line and branch coverage of ext/ from the Check suites
#   make reliability-ci  fuzz-ci, stress-ci and clock-replay, as `make test`
#                     runs them
#
# Fuzz targets are compiled with clang; every other harness uses $(CC).

.PHONY: fuzz fuzz-ci fuzz-build stress stress-ci clock-replay coverage \
        reliability-ci

# ---- CI -------------------------------------------------------------------

# The short runs `make test` starts with. The stress harnesses join once
# tests/stress/stress.mk exists.
STRESS_CI_TARGETS := $(if $(wildcard tests/stress/stress.mk),\
                         stress-ci clock-replay)

reliability-ci:
	$(MAKE) fuzz-ci
	$(if $(STRESS_CI_TARGETS),$(MAKE) $(STRESS_CI_TARGETS))

# ---- Fuzzing ------------------------------------------------------------

FUZZ_CC         ?= clang
FUZZ_SECONDS    ?= 60
FUZZ_CI_SECONDS ?= 10
FUZZ_DIR        := $(BUILD)/fuzz
FUZZ_SAN        := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS     := -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
                   -fsanitize=fuzzer-no-link
# One target per seed folder. A reader target needs its reader's source:
# reader_mt940 is built once ext/statement_mt940.c exists.
FUZZ_ALL        := $(notdir $(wildcard tests/fuzz/corpus/*))
FUZZ_READERS    := $(foreach t,$(filter reader_%,$(FUZZ_ALL)),\
                       $(if $(wildcard ext/statement_$(t:reader_%=%).c),$(t)))
FUZZ_TARGETS    := $(filter-out reader_%,$(FUZZ_ALL)) $(FUZZ_READERS)
FUZZ_SQL        := $(filter-out reader_%,$(FUZZ_TARGETS))
FUZZ_SQL_BIN    := $(FUZZ_SQL:%=$(FUZZ_DIR)/bin/%)
FUZZ_SQL_OBJ    := $(FUZZ_SQL:%=$(FUZZ_DIR)/obj/sql_%.o)
FUZZ_READER_BIN := $(FUZZ_READERS:%=$(FUZZ_DIR)/bin/%)
FUZZ_READER_OBJ := $(FUZZ_READERS:%=$(FUZZ_DIR)/obj/%.o)
FUZZ_CORE_OBJ   := $(EXT_SRC:ext/%.c=$(FUZZ_DIR)/core/%.o)
FUZZ_COMMON_OBJ := $(FUZZ_DIR)/obj/common.o
FUZZ_LIBS       := -lsqlite3 $(XML_LIBS) -lm

fuzz-build: $(FUZZ_SQL_BIN) $(FUZZ_READER_BIN)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_CI_SECONDS) $(FUZZ_TARGETS)

# Static pattern rules only: a plain pattern such as obj/sql_%.o would also
# match the .d files make tries to remake, through make's built-in rules.
# ext/ belongs to other authors, so clang's extra warnings do not stop the
# fuzz build there; the fuzz harness itself keeps -Werror.
$(FUZZ_CORE_OBJ): $(FUZZ_DIR)/core/%.o: ext/%.c | $(FUZZ_DIR)/core
	$(FUZZ_CC) $(STD) -Wall -Wextra $(FUZZ_CFLAGS) $(XML_CFLAGS) \
	    -DSQLITE_CORE -MMD -MP -c -o $@ $<

$(FUZZ_COMMON_OBJ): tests/fuzz/fuzz_common.c | $(FUZZ_DIR)/obj
	$(FUZZ_CC) $(STD) $(WARN) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_SQL_OBJ): $(FUZZ_DIR)/obj/sql_%.o: tests/fuzz/fuzz_sql.c \
                 | $(FUZZ_DIR)/obj
	$(FUZZ_CC) $(STD) $(WARN) $(FUZZ_CFLAGS) -DFUZZ_TARGET='"$*"' \
	    -DFUZZ_SQL_DIR='"$(abspath sql)"' -MMD -MP -c -o $@ $<

$(FUZZ_READER_OBJ): $(FUZZ_DIR)/obj/reader_%.o: tests/fuzz/fuzz_reader.c \
                    | $(FUZZ_DIR)/obj
	$(FUZZ_CC) $(STD) $(WARN) $(FUZZ_CFLAGS) $(XML_CFLAGS) -I ext \
	    -DSQLITE_CORE -DFUZZ_READER=statement_read_$* \
	    -DFUZZ_FORMAT='"$*"' -MMD -MP -c -o $@ $<

$(FUZZ_SQL_BIN): $(FUZZ_DIR)/bin/%: $(FUZZ_DIR)/obj/sql_%.o \
                 $(FUZZ_COMMON_OBJ) $(FUZZ_CORE_OBJ) | $(FUZZ_DIR)/bin
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)

$(FUZZ_READER_BIN): $(FUZZ_DIR)/bin/%: $(FUZZ_DIR)/obj/%.o \
                    $(FUZZ_COMMON_OBJ) $(FUZZ_CORE_OBJ) | $(FUZZ_DIR)/bin
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)

$(FUZZ_DIR)/core $(FUZZ_DIR)/obj $(FUZZ_DIR)/bin:
	mkdir -p $@

-include $(wildcard $(FUZZ_DIR)/core/*.d $(FUZZ_DIR)/obj/*.d)

# ---- Coverage -------------------------------------------------------------

# The Check runner and the extension rebuilt with gcc's --coverage at -O0
# (so that each source line and branch maps to code) in a tree of their
# own. The counters start from zero on every run; gcovr merges the counts
# of the runner's objects and of receivables.so, which compile the same
# ext/ sources. Branch figures count every outcome of every condition gcc
# emits, after dropping the branches gcc itself marks unreachable.
COVERAGE_DIR  := $(BUILD)/coverage
COVERAGE_FLAGS := --coverage
GCOVR_FLAGS   := --root . --filter 'ext/' --exclude-unreachable-branches \
                 --object-directory $(COVERAGE_DIR)

coverage:
	rm -f $(COVERAGE_DIR)/*/*.gcda
	$(MAKE) BUILD=$(COVERAGE_DIR) CFLAGS="-O0 -g $(COVERAGE_FLAGS)" \
	    LDFLAGS="$(COVERAGE_FLAGS)" test-plain
	gcovr $(GCOVR_FLAGS) --txt $(COVERAGE_DIR)/lines.txt
	gcovr $(GCOVR_FLAGS) --branches --txt $(COVERAGE_DIR)/branches.txt
	mkdir -p $(COVERAGE_DIR)/html
	gcovr $(GCOVR_FLAGS) --html-details $(COVERAGE_DIR)/html/index.html \
	    --print-summary $(COVERAGE_DIR)

# ---- Check suites with extra needs --------------------------------------

# check_oom.c declares xmlMemSetup itself; the runner links libxml2 already.

# Concurrency, crash and clock-replay harnesses live beside their sources.
-include tests/stress/stress.mk
