# Concurrency, crash and clock-replay harnesses; tests/reliability.mk
# includes this file. Each program links the extension's -DSQLITE_CORE
# objects, as the Check runner does, against the system libsqlite3.
#
#   make stress        STRESS_PROCESSES writers x STRESS_OPERATIONS each,
#                      then CRASH_RUNS SIGKILLed import-and-apply jobs
#   make stress-ci     the same with the short counts below
#   make clock-replay  tests/stress/clock_replay.sql in the sqlite3 shell
#                      under faketime at three dates; the files must be
#                      byte-identical
# The seeds are fixed, so a run repeats the same operations and kill
# points; only the interleaving of the writers depends on the scheduler.

STRESS_DIR          := $(BUILD)/stress
STRESS_PROCESSES    ?= 6
STRESS_OPERATIONS   ?= 300
STRESS_SEED         ?= 20261204
CRASH_RUNS          ?= 200
CRASH_SEED          ?= 20261204
STRESS_CI_PROCESSES  = 4
STRESS_CI_OPERATIONS = 60
CRASH_CI_RUNS        = 30

STRESS_COMMON := tests/stress/stress_db.c
STRESS_LINK    = $(CC) $(STD) $(WARN) $(CPPFLAGS) $(CFLAGS) -DSQLITE_CORE \
                 -o $@ $(filter %.c %.o,$^) $(LDFLAGS) -lsqlite3 \
                 $(XML_LIBS) -lm

$(STRESS_DIR)/concurrency: tests/stress/concurrency.c $(STRESS_COMMON) \
                           tests/stress/stress_db.h $(CORE_OBJ) \
                           | $(STRESS_DIR)
	$(STRESS_LINK)

$(STRESS_DIR)/crash: tests/stress/crash.c $(STRESS_COMMON) \
                     tests/stress/stress_db.h $(CORE_OBJ) | $(STRESS_DIR)
	$(STRESS_LINK)

$(STRESS_DIR):
	mkdir -p $@

stress: $(STRESS_DIR)/concurrency $(STRESS_DIR)/crash
	$(STRESS_DIR)/concurrency $(STRESS_DIR) $(STRESS_PROCESSES) \
	    $(STRESS_OPERATIONS) $(STRESS_SEED)
	$(STRESS_DIR)/crash $(STRESS_DIR) $(CRASH_RUNS) $(CRASH_SEED)

stress-ci: $(STRESS_DIR)/concurrency $(STRESS_DIR)/crash
	$(STRESS_DIR)/concurrency $(STRESS_DIR) $(STRESS_CI_PROCESSES) \
	    $(STRESS_CI_OPERATIONS) $(STRESS_SEED)
	$(STRESS_DIR)/crash $(STRESS_DIR) $(CRASH_CI_RUNS) $(CRASH_SEED)

clock-replay: $(BUILD)/receivables.so
	sh tests/stress/clock_replay.sh $(BUILD) $(SQLITE3)
