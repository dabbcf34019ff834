/* Input splitting, binding and result checks shared by the fuzz targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int sqlite3_receivables_init(sqlite3 *db, char **err_out,
                             const sqlite3_api_routines *api);

int fuzz_split(const uint8_t *data, size_t size, struct fuzz_arg *args,
               int max_args)
{
    unsigned types = 0;
    int count = 0;
    int i;

    if (size >= 2 && data[0] == FUZZ_TYPE_MARK) {
        types = data[1];
        data += 2;
        size -= 2;
    }
    while (count < max_args) {
        const uint8_t *end =
            count + 1 < max_args ? memchr(data, FUZZ_SEPARATOR, size) : NULL;
        size_t part = end ? (size_t)(end - data) : size;

        args[count].data = data;
        args[count].size = part;
        args[count].type = (enum fuzz_arg_type)((types >> (2 * count)) & 3);
        count++;
        if (end == NULL)
            break;
        data += part + 1;
        size -= part + 1;
    }
    for (i = count; i < max_args; i++) {
        args[i].data = NULL;
        args[i].size = 0;
        args[i].type = FUZZ_ARG_NULL;
    }
    return count;
}

/* Binds the bytes of arg as a number: an integer when strtoll reads all
** of them, else a real when strtod does, else NULL. */
static int fuzz_bind_number(sqlite3_stmt *stmt, int index,
                            const struct fuzz_arg *arg)
{
    char text[64];
    char *end;
    long long integer;
    double real;

    if (arg->size == 0 || arg->size >= sizeof(text))
        return sqlite3_bind_null(stmt, index);
    memcpy(text, arg->data, arg->size);
    text[arg->size] = '\0';
    integer = strtoll(text, &end, 10);
    if (*end == '\0')
        return sqlite3_bind_int64(stmt, index, integer);
    real = strtod(text, &end);
    if (*end == '\0')
        return sqlite3_bind_double(stmt, index, real);
    return sqlite3_bind_null(stmt, index);
}

int fuzz_bind(sqlite3_stmt *stmt, int index, const struct fuzz_arg *arg)
{
    /* Empty blobs and texts get a non-NULL pointer: SQLite binds a NULL
    ** pointer as SQL NULL, which FUZZ_ARG_NULL already covers. */
    const void *bytes = arg->data ? (const void *)arg->data : "";

    switch (arg->type) {
    case FUZZ_ARG_TEXT:
        return sqlite3_bind_text64(stmt, index, bytes, arg->size,
                                   SQLITE_TRANSIENT, SQLITE_UTF8);
    case FUZZ_ARG_BLOB:
        return sqlite3_bind_blob64(stmt, index, bytes, arg->size,
                                   SQLITE_TRANSIENT);
    case FUZZ_ARG_NUMBER:
        return fuzz_bind_number(stmt, index, arg);
    case FUZZ_ARG_NULL:
        break;
    }
    return sqlite3_bind_null(stmt, index);
}

void fuzz_fail(const char *message, const char *detail)
{
    fprintf(stderr, "fuzz check failed: %s\n  %s\n", message,
            detail ? detail : "");
    abort();
}

/* Inputs that drew a note so far. */
static long fuzz_note_count;

/* Prints how many inputs drew a note, for run.sh to pick up. */
static void fuzz_print_notes(void)
{
    fprintf(stderr, "fuzz notes: %ld\n", fuzz_note_count);
}

void fuzz_note(const char *message, const char *detail)
{
    if (fuzz_note_count++ == 0) {
        fprintf(stderr, "fuzz note: %s\n  %s\n", message, detail ? detail : "");
        atexit(fuzz_print_notes);
    }
}

void fuzz_check_message(const char *message)
{
    size_t n;
    size_t i = 0;

    if (message == NULL || message[0] == '\0')
        fuzz_fail("an error without a message", NULL);
    n = strlen(message);
    while (i < n &&
           ((message[i] >= 'a' && message[i] <= 'z') ||
            (message[i] >= '0' && message[i] <= '9') || message[i] == '_'))
        i++;
    if (i == 0 || i + 2 > n || message[i] != ':' || message[i + 1] != ' ')
        fuzz_fail("error message does not start with '<name>: '", message);
    /* NOTE: a soft check until the statement readers quote user input
    ** through text_excerpt: the run goes on and run.sh lists the note. */
    if (!fuzz_valid_utf8((const unsigned char *)message, n))
        fuzz_note("error message is not valid UTF-8", message);
}

/* Returns the length of the UTF-8 sequence at text[0..n-1], 0 if invalid. */
static size_t fuzz_utf8_length(const unsigned char *text, size_t n)
{
    unsigned c = text[0];
    size_t len;
    unsigned code_point;
    size_t i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, code_point = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, code_point = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, code_point = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((text[i] & 0xC0) != 0x80)
            return 0;
        code_point = (code_point << 6) | (text[i] & 0x3F);
    }
    if ((len == 3 && code_point < 0x800) ||
        (len == 4 && (code_point < 0x10000 || code_point > 0x10FFFF)) ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    return len;
}

int fuzz_valid_utf8(const unsigned char *text, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t len = fuzz_utf8_length(text + i, n - i);
        if (len == 0)
            return 0;
        i += len;
    }
    return 1;
}

sqlite3 *fuzz_open(void)
{
    sqlite3 *db = NULL;
    char *err = NULL;

    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        fuzz_fail("cannot open :memory:", NULL);
    if (sqlite3_receivables_init(db, &err, NULL) != SQLITE_OK)
        fuzz_fail("cannot register the extension", err);
    return db;
}

void fuzz_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fuzz_fail(err ? err : "setup SQL failed", sql);
}

void fuzz_exec_file(sqlite3 *db, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    if (f == NULL)
        fuzz_fail("cannot open", path);
    if (fseek(f, 0, SEEK_END) != 0)
        fuzz_fail("cannot seek", path);
    size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        fuzz_fail("cannot size", path);
    text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size)
        fuzz_fail("cannot read", path);
    text[size] = '\0';
    fclose(f);
    fuzz_exec(db, text);
    free(text);
}
