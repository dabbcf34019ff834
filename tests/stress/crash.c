/*
** Crash harness: a bank import and an automatic reconciliation are
** killed with SIGKILL at many points, and the database must survive.
**
** Usage (from the repository root; stress.mk passes these):
**   crash WORK_DIR RUNS SEED
**
** The job is what a nightly batch does, each step its own transaction.
**   import  sql/import_statement.sql on a generated CSV statement, unless
**           statement_imports already lists that file
**   apply   the reconcile apply statement of sql/reconcile.sql
**   close   sqlite3_close(), which checkpoints the WAL
** One uncrashed run per journal mode (WAL and rollback) records the
** database content after each step. It also counts the job's events:
** progress handler calls (one per 50 virtual machine instructions) and
** the VFS calls that change files (xWrite, xSync, xTruncate, xDelete).
**
** Each run copies the ledger, starts the job in a child and has the child
** raise SIGKILL when it reaches event number N of one kind. The runs take
** every (journal mode, event kind) pair that occurs in turn, and N comes
** from a xorshift generator with SEED, so the kill points repeat from
** run to run. After each kill the parent checks, each a failure with exit
** status 1:
**   1. PRAGMA integrity_check returns ok.
**   2. The content equals one of the uncrashed run's states: before the
**      job, after the import, or after the apply. So each transaction is
**      there in full or not at all.
**   3. Running the job again, uncrashed, ends with the uncrashed run's
**      final content.
** It prints how many kills fell in each step and on which kind of event.
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress_db.h"

#define SQL_DIR "sql"
#define CRASH_VFS "crash"
#define PROGRESS_STEP 50
#define INVOICE_COUNT 40
#define ENTRY_COUNT 30

static const char csv_options[] =
    "date=Date,amount=Amount,memo=Memo,counterparty_name=Payer,"
    "counterparty_account=Account,bank_txn_id=Id,currency=EUR";

static const char apply_sql[] =
    "INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,"
    " method, score, created_by, reason)"
    " SELECT invoice_id, kind, payment_id, amount_cents, method, score,"
    " 'nightly', reason FROM reconcile_auto_allocations";

enum job_step { STEP_IMPORT, STEP_APPLY, STEP_CLOSE, STEP_COUNT };
static const char *const step_names[STEP_COUNT] = {"import", "apply",
                                                   "close"};

enum event_kind {
    EVENT_VM,    /* progress handler call */
    EVENT_WRITE, /* xWrite */
    EVENT_SYNC,  /* xSync */
    EVENT_TRUNCATE,
    EVENT_DELETE,
    EVENT_COUNT
};
static const char *const event_names[EVENT_COUNT] = {
    "vm", "write", "sync", "truncate", "delete"};

/* Event counting of the current process; the child kills itself at the
** kill_at-th event of kind kill_kind. */
static struct {
    int counting;
    enum job_step step;
    long events[EVENT_COUNT];
    enum event_kind kill_kind;
    long kill_at; /* 0: never */
    int marker_fd; /* where the child writes the kill point first */
} job;

/* Counts one event; at the chosen one, writes the kill point and dies. */
static void count_event(enum event_kind kind)
{
    char marker[64];
    int n;

    if (!job.counting)
        return;
    job.events[kind]++;
    if (job.kill_at == 0 || kind != job.kill_kind ||
        job.events[kind] != job.kill_at)
        return;
    n = snprintf(marker, sizeof(marker), "%d %d\n", (int)job.step, (int)kind);
    if (write(job.marker_fd, marker, (size_t)n) != n)
        _exit(3);
    raise(SIGKILL);
}

static int count_progress(void *unused)
{
    (void)unused;
    count_event(EVENT_VM);
    return 0;
}

/* ---- A VFS that forwards to the default one and counts writes ---- */

/* An open file of the crash VFS: base first, then the real file. */
struct crash_file {
    sqlite3_file base;
    sqlite3_file *real; /* allocated right after this struct */
};

static sqlite3_vfs *real_vfs;

#define REAL(f) (((struct crash_file *)(f))->real)

static int crash_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int crash_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int crash_write(sqlite3_file *f, const void *buf, int n,
                       sqlite3_int64 off)
{
    count_event(EVENT_WRITE);
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int crash_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    count_event(EVENT_TRUNCATE);
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int crash_sync(sqlite3_file *f, int flags)
{
    count_event(EVENT_SYNC);
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int crash_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int crash_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}
static int crash_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}
static int crash_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int crash_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int crash_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int crash_device_characteristics(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int crash_shm_map(sqlite3_file *f, int page, int size, int extend,
                         void volatile **out)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}
static int crash_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void crash_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int crash_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}
static int crash_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}
static int crash_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, page);
}

/* Version 3 methods: the unix VFS's files have shared memory and mmap. */
static const sqlite3_io_methods crash_io_methods = {
    3,                            /* iVersion */
    crash_close,                  /* xClose */
    crash_read,                   /* xRead */
    crash_write,                  /* xWrite */
    crash_truncate,               /* xTruncate */
    crash_sync,                   /* xSync */
    crash_file_size,              /* xFileSize */
    crash_lock,                   /* xLock */
    crash_unlock,                 /* xUnlock */
    crash_check_lock,             /* xCheckReservedLock */
    crash_file_control,           /* xFileControl */
    crash_sector_size,            /* xSectorSize */
    crash_device_characteristics, /* xDeviceCharacteristics */
    crash_shm_map,                /* xShmMap */
    crash_shm_lock,               /* xShmLock */
    crash_shm_barrier,            /* xShmBarrier */
    crash_shm_unmap,              /* xShmUnmap */
    crash_fetch,                  /* xFetch */
    crash_unfetch,                /* xUnfetch */
};

static int crash_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                      int flags, int *flags_out)
{
    struct crash_file *file = (struct crash_file *)f;
    int rc;

    (void)vfs;
    file->real = (sqlite3_file *)(file + 1);
    rc = real_vfs->xOpen(real_vfs, name, file->real, flags, flags_out);
    if (rc != SQLITE_OK) {
        f->pMethods = NULL;
        return rc;
    }
    if (file->real->pMethods->iVersion < 3) {
        file->real->pMethods->xClose(file->real);
        f->pMethods = NULL;
        return SQLITE_CANTOPEN;
    }
    f->pMethods = &crash_io_methods;
    return SQLITE_OK;
}

static int crash_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    count_event(EVENT_DELETE);
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

/* Registers the crash VFS once; every method but xOpen and xDelete is the
** default VFS's own. */
static void register_crash_vfs(void)
{
    static sqlite3_vfs vfs;

    real_vfs = sqlite3_vfs_find(NULL);
    vfs = *real_vfs;
    vfs.zName = CRASH_VFS;
    vfs.szOsFile = (int)sizeof(struct crash_file) + real_vfs->szOsFile;
    vfs.xOpen = crash_open;
    vfs.xDelete = crash_delete;
    vfs.pNext = NULL;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK)
        stress_die("registering the crash VFS failed");
}

/* ---- The ledger and the job ---- */

/* Writes the CSV statement: entry k pays invoice k in full, a few pay
** part or name no invoice, so the apply has matches and leftovers. */
static void write_statement(const char *path)
{
    FILE *f = fopen(path, "w");
    int k;

    if (f == NULL)
        stress_die("cannot create %s", path);
    fprintf(f, "Date,Payer,Account,Memo,Amount,Id\n");
    for (k = 1; k <= ENTRY_COUNT; k++) {
        long cents = 5000 + (k * 7919L) % 95000;

        if (k % 7 == 0)
            cents -= 1234;
        fprintf(f, "2013-06-%02d,Customer %d Ltd,DE%020d,%s INV-2013-%04d,"
                   "%ld.%02ld,TX-%d\n",
                1 + k % 28, (k - 1) % 10 + 1, k,
                k % 5 == 0 ? "Zahlung" : "Invoice", 1000 + k, cents / 100,
                cents % 100, k);
    }
    if (fclose(f) != 0)
        stress_die("writing %s failed", path);
}

/* Creates the ledger at path in the given journal mode. */
static void create_ledger(const char *path, const char *journal_mode)
{
    sqlite3 *db;
    char *sql;

    stress_remove_db(path);
    db = stress_open(path, NULL);
    sql = sqlite3_mprintf("PRAGMA journal_mode = %s", journal_mode);
    stress_exec(db, sql);
    sqlite3_free(sql);
    stress_load_schema(db, SQL_DIR);
    stress_exec(
        db,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        "   WHERE i < 10)"
        " INSERT INTO customers (customer_id, code, name, currency)"
        " SELECT i, 'C' || i, 'Customer ' || i || ' Ltd', 'EUR' FROM n;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        "   WHERE i < 40)"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        "   due_date, total_cents, currency)"
        " SELECT i, printf('INV-2013-%04d', 1000 + i), (i - 1) % 10 + 1,"
        "   date('2013-04-01', '+' || i || ' days'),"
        "   date('2013-05-01', '+' || i || ' days'),"
        "   5000 + (i * 7919) % 95000, 'EUR' FROM n");
    sqlite3_close(db);
}

/* Imports the statement file into db in one statement; dies on error. */
static void import_statement(sqlite3 *db, const char *statement)
{
    char *import_sql = stress_read_file(SQL_DIR "/import_statement.sql");
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2(db, import_sql, -1, &stmt, NULL) != SQLITE_OK)
        stress_die("prepare import: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":path"),
                      statement, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":format"),
                      "csv", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":options"),
                      csv_options, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt,
                      sqlite3_bind_parameter_index(stmt, ":on_mismatch"),
                      "report", -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        stress_die("import failed: %s", sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    free(import_sql);
}

/* Runs the job on the database at path, through the crash VFS. */
static void run_job(const char *path, const char *statement)
{
    sqlite3 *db = stress_open(path, CRASH_VFS);
    char *sql;

    sqlite3_progress_handler(db, PROGRESS_STEP, count_progress, NULL);
    job.step = STEP_IMPORT;
    sql = sqlite3_mprintf("SELECT count(*) FROM statement_imports"
                          " WHERE path = %Q",
                          statement);
    if (stress_int(db, sql) == 0)
        import_statement(db, statement);
    sqlite3_free(sql);

    job.step = STEP_APPLY;
    stress_exec(db, apply_sql);

    job.step = STEP_CLOSE;
    if (sqlite3_close(db) != SQLITE_OK)
        stress_die("close failed: %s", sqlite3_errmsg(db));
}

/* Returns the content of the database at path (default VFS). */
static char *dump_file(const char *path)
{
    sqlite3 *db = stress_open(path, NULL);
    char *text = stress_dump(db);

    sqlite3_close(db);
    return text;
}

/* What one journal mode's uncrashed run gave. */
struct reference {
    const char *journal_mode;
    char base[4096];         /* the ledger before the job */
    char *state[STEP_COUNT]; /* content before the job, after import,
                                after apply */
    long events[EVENT_COUNT];
    long payments;    /* payments the uncrashed import added */
    long allocations; /* allocations the uncrashed apply added */
};

/* Runs the job uncrashed in this process, step by step, recording the
** content between the steps and the number of events. */
static void run_reference(struct reference *ref, const char *dir,
                          const char *statement)
{
    char path[4096];
    char *sql;
    sqlite3 *db;

    snprintf(ref->base, sizeof(ref->base), "%s/crash-base-%s.db", dir,
             ref->journal_mode);
    create_ledger(ref->base, ref->journal_mode);
    ref->state[0] = dump_file(ref->base);

    /* The import alone, on a copy, for the middle state. */
    snprintf(path, sizeof(path), "%s/crash-reference.db", dir);
    stress_remove_db(path);
    stress_copy_file(ref->base, path);
    db = stress_open(path, NULL);
    sql = sqlite3_mprintf("SELECT count(*) FROM bank_statement(%Q, 'csv', %Q)",
                          statement, csv_options);
    if (stress_int(db, sql) != ENTRY_COUNT)
        stress_die("the generated statement does not read back");
    sqlite3_free(sql);
    sqlite3_close(db);

    /* The whole job with events counted. */
    memset(job.events, 0, sizeof(job.events));
    job.kill_at = 0;
    job.counting = 1;
    run_job(path, statement);
    job.counting = 0;
    memcpy(ref->events, job.events, sizeof(ref->events));
    ref->state[2] = dump_file(path);
    db = stress_open(path, NULL);
    ref->payments = (long)stress_int(db, "SELECT count(*) FROM payments");
    ref->allocations = (long)stress_int(db, "SELECT count(*) FROM allocations");
    sqlite3_close(db);
    if (ref->payments == 0 || ref->allocations == 0)
        stress_die("the uncrashed job imported or allocated nothing");

    /* The middle state: a fresh copy, the import only, as the job runs it. */
    stress_remove_db(path);
    stress_copy_file(ref->base, path);
    db = stress_open(path, NULL);
    import_statement(db, statement);
    ref->state[1] = stress_dump(db);
    sqlite3_close(db);
}

/* Kills a job at one point; returns the step and event it died at through
** the out-parameters, or -1 in *step_out when it finished instead. */
static void run_killed(const char *db_path, const char *marker_path,
                       const char *statement, enum event_kind kind,
                       long kill_at, int *step_out, int *event_out)
{
    pid_t pid;
    int status;
    FILE *marker;

    unlink(marker_path);
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        stress_die("fork failed: %s", strerror(errno));
    if (pid == 0) {
        job.marker_fd = open(marker_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (job.marker_fd < 0)
            _exit(3);
        memset(job.events, 0, sizeof(job.events));
        job.kill_kind = kind;
        job.kill_at = kill_at;
        job.counting = 1;
        run_job(db_path, statement);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) < 0)
        stress_die("waitpid failed: %s", strerror(errno));
    *step_out = -1;
    *event_out = -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        stress_die("the job failed on its own (status %d)", status);
    marker = fopen(marker_path, "r");
    if (marker == NULL || fscanf(marker, "%d %d", step_out, event_out) != 2)
        stress_die("the killed job left no kill point in %s", marker_path);
    fclose(marker);
}

/* Figures and failures over all runs. */
struct tally {
    long kills[STEP_COUNT][EVENT_COUNT];
    long found_state[STEP_COUNT]; /* content after the kill was state i */
    long finished;                /* kill point not reached */
    long distinct_points;         /* different (journal, kind, N) killed */
    long checks;
    long failures;
};

static void expect(struct tally *tally, int ok, int run, const char *check)
{
    tally->checks++;
    if (!ok) {
        tally->failures++;
        printf("FAIL: run %d: %s\n", run, check);
    }
}

/* Checks the database after a kill, then reruns the job and checks it. */
static void check_after_kill(struct tally *tally, int run,
                             const struct reference *ref, const char *db_path,
                             const char *statement)
{
    sqlite3 *db = stress_open(db_path, NULL);
    char *report = stress_integrity(db);
    char *content = stress_dump(db);
    int state = -1;
    int i;

    sqlite3_close(db);
    expect(tally, strcmp(report, "ok") == 0, run, report);
    for (i = 0; i < STEP_COUNT; i++)
        if (strcmp(content, ref->state[i]) == 0)
            state = i;
    expect(tally, state >= 0, run,
           "content is none of before, after import, after apply");
    if (state >= 0)
        tally->found_state[state]++;
    sqlite3_free(report);
    sqlite3_free(content);

    run_job(db_path, statement);
    content = dump_file(db_path);
    expect(tally, strcmp(content, ref->state[2]) == 0, run,
           "the job run again ends with other content than uncrashed");
    sqlite3_free(content);
}

static void print_tally(const struct tally *tally, int runs,
                        const struct reference refs[2])
{
    int s;
    int e;

    printf("crash: %d runs, SIGKILL at a seeded event of the import and"
           " apply job\n",
           runs);
    for (s = 0; s < 2; s++) {
        printf("uncrashed job (%s journal): imports %ld payments, applies %ld"
               " allocations; events:",
               refs[s].journal_mode, refs[s].payments, refs[s].allocations);
        for (e = 0; e < EVENT_COUNT; e++)
            printf(" %s %ld", event_names[e], refs[s].events[e]);
        printf(" (vm: one progress call per %d VM instructions)\n",
               PROGRESS_STEP);
    }
    for (s = 0; s < STEP_COUNT; s++) {
        printf("kills during %-6s:", step_names[s]);
        for (e = 0; e < EVENT_COUNT; e++)
            printf(" %s %ld", event_names[e], tally->kills[s][e]);
        printf("\n");
    }
    printf("distinct kill points: %ld of %d runs\n", tally->distinct_points,
           runs);
    printf("content after the kill: before the job %ld, after import %ld,"
           " after apply %ld; kill point not reached %ld\n",
           tally->found_state[0], tally->found_state[1],
           tally->found_state[2], tally->finished);
}

int main(int argc, char **argv)
{
    struct reference refs[2] = {{.journal_mode = "wal"},
                                {.journal_mode = "delete"}};
    struct tally tally;
    char statement[4096];
    char db_path[4096];
    char marker_path[4096];
    char *seen[2][EVENT_COUNT]; /* kill points used, per journal and kind */
    int plan[2 * EVENT_COUNT];  /* journal * EVENT_COUNT + kind, per run */
    int plan_count = 0;
    uint64_t rng;
    int runs;
    int run;

    if (argc != 4)
        stress_die("usage: crash WORK_DIR RUNS SEED");
    runs = atoi(argv[2]);
    rng = strtoull(argv[3], NULL, 10) | 1u;
    memset(&tally, 0, sizeof(tally));
    register_crash_vfs();
    snprintf(statement, sizeof(statement), "%s/crash-statement.csv", argv[1]);
    snprintf(db_path, sizeof(db_path), "%s/crash-run.db", argv[1]);
    snprintf(marker_path, sizeof(marker_path), "%s/crash-kill-point",
             argv[1]);
    write_statement(statement);
    run_reference(&refs[0], argv[1], statement);
    run_reference(&refs[1], argv[1], statement);

    /* Runs take the (journal, event kind) pairs in turn, so rare events
    ** such as the journal's xDelete at a rollback-journal commit get as
    ** many kills as VM steps do. */
    for (run = 0; run < 2 * EVENT_COUNT; run++) {
        long events = refs[run / EVENT_COUNT].events[run % EVENT_COUNT];
        char **slot = &seen[run / EVENT_COUNT][run % EVENT_COUNT];

        *slot = calloc((size_t)events + 1, 1);
        if (*slot == NULL)
            stress_die("out of memory");
        if (events > 0)
            plan[plan_count++] = run;
    }
    for (run = 0; run < runs; run++) {
        int journal = plan[run % plan_count] / EVENT_COUNT;
        enum event_kind kind =
            (enum event_kind)(plan[run % plan_count] % EVENT_COUNT);
        const struct reference *ref = &refs[journal];
        long kill_at = 1 + (long)(stress_random(&rng) %
                                  (uint64_t)ref->events[kind]);
        char *point = &seen[journal][kind][kill_at];
        int step;
        int event;

        tally.distinct_points += !*point;
        *point = 1;
        stress_remove_db(db_path);
        stress_copy_file(ref->base, db_path);
        run_killed(db_path, marker_path, statement, kind, kill_at, &step,
                   &event);
        if (step < 0)
            tally.finished++;
        else
            tally.kills[step][event]++;
        check_after_kill(&tally, run, ref, db_path, statement);
    }
    expect(&tally, tally.finished == 0, -1,
           "a kill point was not reached: the job's events differ from the"
           " uncrashed run's");
    print_tally(&tally, runs, refs);
    for (run = 0; run < 2 * EVENT_COUNT; run++)
        free(seen[run / EVENT_COUNT][run % EVENT_COUNT]);
    for (run = 0; run < 2 * STEP_COUNT; run++)
        sqlite3_free(refs[run / STEP_COUNT].state[run % STEP_COUNT]);
    printf("crash: %ld passed, %ld failed\n", tally.checks - tally.failures,
           tally.failures);
    return tally.failures == 0 ? 0 : 1;
}
