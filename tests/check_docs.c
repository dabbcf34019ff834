/*
** Runs the SQL examples of the documentation, so that no page shows a
** result the build does not return. Every ```sql block of a page runs in
** order on one fresh :memory: database with the extension registered, from
** the project folder, as a reader would paste them into the sqlite3 shell.
**
** What a page may write, and what this suite checks:
**   SELECT upper('a');          -- 'A'
**       A trailing comment after a statement that returns one row is that
**       row: the quoted text, or else the first word ("-- 2 (why)" is 2).
**       After a statement that returns no rows it is prose.
**   SELECT 1, 'x';
**   --> 1 | x
**       Each "-->" line is one row, columns between '|', NULL as NULL.
**   SELECT parse_date('x');
**   -- error: parse_date: 'x' is not
**   --        a date
**       The statement must fail with a message that contains the text;
**       indented comment lines continue it, joined with one space.
**   .load build/receivables     skipped: the extension is registered
**   .read sql/schema.sql        runs the file
** Any other statement must succeed. Other dot-commands fail the test.
** Statements that read a file the reader supplies (reader_files below) are
** prepared, which checks their SQL, but not run.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* File names, quoted as in SQL, that stand for the reader's own file. */
static const char *const reader_files[] = {"'konto.csv'"};

/* One statement or dot-command of a page, with what the page expects. */
struct example {
    int line;             /* line of the page where it starts */
    sqlite3_str *text;    /* the statement or dot-command */
    char *value;          /* trailing-comment value, or NULL */
    sqlite3_str *rows;    /* "-->" rows joined by '\n', or NULL */
    sqlite3_str *error;   /* "-- error:" text, or NULL */
    struct example *next; /* the next example of the page */
};

/* A page read into examples. */
struct page {
    const char *path;       /* relative to the project folder */
    struct example *first;  /* examples in page order */
    struct example **tail;  /* where the next example is linked */
    struct example *last;   /* the example later comment lines belong to */
    int continues_error;    /* 1 after a "-- error:" line */
    sqlite3_str *statement; /* statement lines read so far, or NULL */
    int statement_line;     /* line where that statement starts */
};

/* Working directory before each test (tests/), restored after it. */
static char saved_directory[4096];

static void enter_project_folder(void)
{
    ck_assert_ptr_nonnull(getcwd(saved_directory, sizeof(saved_directory)));
    ck_assert_int_eq(chdir(".."), 0);
}

static void leave_project_folder(void)
{
    if (saved_directory[0] != '\0' && chdir(saved_directory) != 0)
        perror("check_docs: chdir back to tests/ failed");
}

/* Returns s with leading spaces and tabs skipped. */
static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/*
** Appends text[0..n-1], or all of text when n < 0, to *str, creating it
** first (with no connection, so with SQLite's default length limit).
*/
static void append_text(sqlite3_str **str, const char *text, int n)
{
    if (*str == NULL)
        *str = sqlite3_str_new(NULL);
    if (n < 0)
        sqlite3_str_appendall(*str, text);
    else
        sqlite3_str_append(*str, text, n);
}

/* Links a new example starting at line, with text[0..n-1]. */
static struct example *add_example(struct page *p, int line, const char *text,
                                   int n)
{
    struct example *e = calloc(1, sizeof(*e));

    ck_assert_ptr_nonnull(e);
    e->line = line;
    append_text(&e->text, text, n);
    *p->tail = e;
    p->tail = &e->next;
    p->last = e;
    p->continues_error = 0;
    return e;
}

/*
** Appends a "-->" row, dropping the blanks around each '|' and at both
** ends, so the page may align its columns.
*/
static void add_row(struct example *e, const char *row)
{
    const char *end = row + strlen(row);

    if (e->rows != NULL)
        sqlite3_str_appendchar(e->rows, 1, '\n');
    else
        e->rows = sqlite3_str_new(NULL);
    row = skip_blanks(row);
    while (end > row && isspace((unsigned char)end[-1]))
        end--;
    while (row < end) {
        const char *bar = memchr(row, '|', (size_t)(end - row));
        const char *cell_end = bar ? bar : end;

        while (cell_end > row && cell_end[-1] == ' ')
            cell_end--;
        sqlite3_str_append(e->rows, row, (int)(cell_end - row));
        if (bar == NULL)
            break;
        sqlite3_str_appendchar(e->rows, 1, '|');
        row = skip_blanks(bar + 1);
    }
}

/* Attaches a comment line that follows a statement; others are prose. */
static void read_comment(struct page *p, const char *comment)
{
    if (p->last == NULL)
        return;
    if (strncmp(comment, "-->", 3) == 0) {
        add_row(p->last, comment + 3);
    } else if (strncmp(comment, "-- error:", 9) == 0) {
        append_text(&p->last->error, skip_blanks(comment + 9), -1);
        p->continues_error = 1;
        return;
    } else if (p->continues_error && strncmp(comment, "--  ", 4) == 0) {
        sqlite3_str_appendchar(p->last->error, 1, ' ');
        sqlite3_str_appendall(p->last->error, skip_blanks(comment + 2));
        return;
    }
    p->continues_error = 0;
}

/*
** Stores the value of the comment that follows the last ';' of the
** statement's last line, if any: the text between quotes, else the first
** word.
*/
static void read_trailing_value(struct example *e, const char *last_line)
{
    const char *semicolon = strrchr(last_line, ';');
    const char *comment;
    const char *end;

    if (semicolon == NULL)
        return;
    comment = skip_blanks(semicolon + 1);
    if (strncmp(comment, "--", 2) != 0)
        return;
    comment = skip_blanks(comment + 2);
    if (*comment == '\'') {
        comment++;
        end = strchr(comment, '\'');
        if (end == NULL)
            end = comment + strlen(comment);
    } else {
        end = comment;
        while (*end != '\0' && !isspace((unsigned char)*end))
            end++;
    }
    if (end > comment)
        e->value = sqlite3_mprintf("%.*s", (int)(end - comment), comment);
}

/* Reads one line of a ```sql block. */
static void read_sql_line(struct page *p, const char *line, int number)
{
    const char *start = skip_blanks(line);
    char *text;

    if (p->statement == NULL) {
        if (*start == '\0')
            return;
        if (*start == '.') {
            add_example(p, number, start, -1);
            return;
        }
        if (strncmp(start, "--", 2) == 0) {
            read_comment(p, start);
            return;
        }
        p->statement_line = number;
    }
    append_text(&p->statement, line, -1);
    sqlite3_str_appendchar(p->statement, 1, '\n');
    text = sqlite3_str_value(p->statement);
    if (!sqlite3_complete(text))
        return;
    read_trailing_value(add_example(p, p->statement_line, text, -1), line);
    sqlite3_free(sqlite3_str_finish(p->statement));
    p->statement = NULL;
}

/* Splits the page at p->path into examples. */
static void read_page(struct page *p)
{
    char line[4096];
    int number = 0;
    int in_sql = 0;
    FILE *f = fopen(p->path, "r");

    ck_assert_msg(f != NULL, "cannot open %s", p->path);
    p->tail = &p->first;
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        number++;
        if (strncmp(line, "```", 3) == 0) {
            ck_assert_msg(p->statement == NULL,
                          "%s:%d: SQL statement not ended with ';'", p->path,
                          p->statement_line);
            in_sql = strcmp(line, "```sql") == 0;
            p->last = NULL;
        } else if (in_sql) {
            read_sql_line(p, line, number);
        }
    }
    fclose(f);
    ck_assert_msg(!in_sql, "%s: a ```sql block is not closed", p->path);
}

/* Returns 1 when the statement names one of reader_files. */
static int names_reader_file(const char *sql)
{
    size_t i;

    for (i = 0; i < sizeof(reader_files) / sizeof(*reader_files); i++)
        if (strstr(sql, reader_files[i]) != NULL)
            return 1;
    return 0;
}

/* Collapses each run of blanks in s to one space, in place. */
static void collapse_blanks(char *s)
{
    char *out = s;
    int blank = 0;

    for (; *s != '\0'; s++) {
        if (isspace((unsigned char)*s)) {
            blank = 1;
            continue;
        }
        if (blank && out != s)
            *out++ = ' ';
        blank = 0;
        *out++ = *s;
    }
    *out = '\0';
}

/* Reads a whole file into a string the caller frees with sqlite3_free(). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = sqlite3_malloc64((sqlite3_uint64)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    return text;
}

/* Runs a dot-command; returns a message on failure, else NULL. */
static char *run_dot_command(sqlite3 *db, const char *command)
{
    char *err = NULL;
    char *text;
    char *rows;

    if (strncmp(command, ".load ", 6) == 0)
        return NULL;
    if (strncmp(command, ".read ", 6) != 0)
        return sqlite3_mprintf("unsupported dot-command %s", command);
    text = read_file(skip_blanks(command + 6));
    rows = harness_query(db, text, &err);
    sqlite3_free(rows);
    sqlite3_free(text);
    return err;
}

/* Prepares a statement without running it; returns a message or NULL. */
static char *prepare_only(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

    sqlite3_finalize(stmt);
    return rc == SQLITE_OK ? NULL
                           : sqlite3_mprintf("%s", sqlite3_errmsg(db));
}

/* Compares a failed statement's message with the page's error text. */
static char *check_error(const struct example *e, char *err)
{
    char *expected = sqlite3_str_value(e->error);
    char *problem = NULL;

    collapse_blanks(expected);
    collapse_blanks(err);
    if (strstr(err, expected) == NULL)
        problem = sqlite3_mprintf("expected an error containing: %s\n  got: %s",
                                  expected, err);
    return problem;
}

/* Compares the rows a statement returned with what the page shows. */
static char *check_rows(const struct example *e, const char *got)
{
    const char *expected = NULL;

    if (e->rows != NULL)
        expected = sqlite3_str_value(e->rows);
    else if (e->value != NULL && *got != '\0')
        expected = e->value;
    if (expected == NULL || strcmp(expected, got) == 0)
        return NULL;
    return sqlite3_mprintf("expected:\n%s\n  got:\n%s", expected, got);
}

/* Runs one example; returns a message when it differs from the page. */
static char *run_example(sqlite3 *db, const struct example *e)
{
    const char *text = sqlite3_str_value(e->text);
    char *err = NULL;
    char *got;
    char *problem;

    if (text[0] == '.')
        return run_dot_command(db, text);
    if (names_reader_file(text))
        return prepare_only(db, text);
    got = harness_query(db, text, &err);
    if (e->error != NULL) {
        if (got != NULL) {
            problem = sqlite3_mprintf("expected an error, got: %s", got);
            sqlite3_free(got);
            return problem;
        }
        problem = check_error(e, err);
        sqlite3_free(err);
        return problem;
    }
    if (got == NULL)
        return err;
    problem = check_rows(e, got);
    sqlite3_free(got);
    return problem;
}

/* Frees the examples of a page. */
static void free_page(struct page *p)
{
    struct example *e = p->first;

    while (e != NULL) {
        struct example *next = e->next;

        sqlite3_free(sqlite3_str_finish(e->text));
        sqlite3_free(sqlite3_str_finish(e->rows));
        sqlite3_free(sqlite3_str_finish(e->error));
        sqlite3_free(e->value);
        free(e);
        e = next;
    }
}

/*
** Runs every example of the page at path, printing each one that differs,
** and fails with the count and the first of them.
*/
static void check_page(const char *path)
{
    struct page p;
    struct example *e;
    sqlite3 *db = harness_open();
    char *first_problem = NULL;
    int problems = 0;
    int examples = 0;

    memset(&p, 0, sizeof(p));
    p.path = path;
    read_page(&p);
    for (e = p.first; e != NULL; e = e->next, examples++) {
        char *problem = run_example(db, e);

        if (problem == NULL)
            continue;
        fprintf(stderr, "%s:%d: %s\n  %s\n", path, e->line,
                sqlite3_str_value(e->text), problem);
        if (problems++ == 0)
            first_problem = sqlite3_mprintf("%s:%d: %s\n  %s", path, e->line,
                                            sqlite3_str_value(e->text),
                                            problem);
        sqlite3_free(problem);
    }
    free_page(&p);
    sqlite3_close(db);
    ck_assert_msg(examples > 0, "%s has no ```sql example", path);
    ck_assert_msg(problems == 0, "%d of %d examples differ; first: %s",
                  problems, examples, first_problem);
}

START_TEST(test_docs_readme_examples)
{
    check_page("README.md");
}
END_TEST

START_TEST(test_docs_reference_examples)
{
    check_page("sql/REFERENCE.md");
}
END_TEST

START_TEST(test_docs_reconcile_examples)
{
    check_page("sql/RECONCILE.md");
}
END_TEST

/*
** Names the extension registers: the functions and modules that a plain
** connection of the same SQLite (?1, as a JSON array) lacks.
*/
#define SQL_EXTENSION_NAMES                                                    \
    "SELECT name FROM pragma_function_list UNION "                             \
    "SELECT name FROM pragma_module_list "                                     \
    "EXCEPT SELECT value FROM json_each(?1) ORDER BY 1"

/* Returns the function and module names of a plain connection as JSON. */
static char *plain_names(void)
{
    sqlite3 *plain = NULL;
    char *err = NULL;
    char *list;

    ck_assert_int_eq(sqlite3_open(":memory:", &plain), SQLITE_OK);
    list = harness_query(plain,
                         "SELECT json_group_array(name) FROM "
                         "(SELECT name FROM pragma_function_list UNION "
                         "SELECT name FROM pragma_module_list)",
                         &err);
    ck_assert_msg(list != NULL, "listing names failed: %s", err);
    sqlite3_close(plain);
    return list;
}

START_TEST(test_docs_reference_lists_every_name)
{
    sqlite3 *db = harness_open();
    char *reference = read_file("sql/REFERENCE.md");
    char *plain = plain_names();
    sqlite3_stmt *stmt = NULL;
    int names = 0;

    ck_assert_int_eq(sqlite3_prepare_v2(db, SQL_EXTENSION_NAMES, -1, &stmt,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, plain, -1, SQLITE_STATIC);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        char *call = sqlite3_mprintf("### `%s(", name);
        char *bare = sqlite3_mprintf("### `%s`", name);

        ck_assert_msg(strstr(reference, call) || strstr(reference, bare),
                      "sql/REFERENCE.md has no heading for %s; add one "
                      "starting with %s",
                      name, call);
        sqlite3_free(call);
        sqlite3_free(bare);
        names++;
    }
    sqlite3_finalize(stmt);
    /* 17 functions and 4 tables when this test was written: fewer means
    ** the listing query broke, not that names went away. */
    ck_assert_int_ge(names, 21);
    sqlite3_free(plain);
    sqlite3_free(reference);
    sqlite3_close(db);
}
END_TEST

Suite *docs_suite(void)
{
    Suite *s = suite_create("docs");
    TCase *tc = tcase_create("examples");

    tcase_add_checked_fixture(tc, enter_project_folder, leave_project_folder);
    tcase_add_test(tc, test_docs_readme_examples);
    tcase_add_test(tc, test_docs_reference_examples);
    tcase_add_test(tc, test_docs_reconcile_examples);
    tcase_add_test(tc, test_docs_reference_lists_every_name);
    suite_add_tcase(s, tc);
    return s;
}
