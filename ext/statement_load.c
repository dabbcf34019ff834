/*
** Reading bank statement files into the parsed form of statement.h: the
** helpers every format reader shares, reading the whole file, detecting
** its format and calling the reader. bank_statement and
** bank_statement_balances (statement.c) are built on statement_load.
**
** Usage:
**   SELECT * FROM bank_statement('june.xml');          -- detected
**   SELECT * FROM bank_statement('june.sta', 'mt940'); -- named
**
** LIMITS
**   - A file over STATEMENT_MAX_FILE_BYTES (64 MiB) is rejected, because
**     it is read whole into memory.
**   - Detection looks at the first 64 KiB only, and never picks csv.
**   - camt, MT940 and OFX keep every entry in memory (about 184 bytes
**     for an entry of date, amount and memo, more with longer texts; camt
**     also holds libxml2's tree of the document). CSV is streamed: the
**     file plus one entry.
**   - Only a regular file is read: a FIFO, a device (/dev/stdin,
**     /dev/zero) or a directory is rejected, because reading it could
**     block forever or never end.
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "dates.h" /* text_excerpt, text_utf8_decode */
#include "statement.h"

/* ---------------------------------------------------------------------
** The parsed form: helpers every reader shares.
*/

char *statement_strdup(const char *text, int n)
{
    char *copy;

    if (n < 0)
        n = (int)strlen(text);
    copy = sqlite3_malloc64((sqlite3_uint64)n + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, text, (size_t)n);
    copy[n] = '\0';
    return copy;
}

/* Makes room for one more element of size bytes after count in array
** (*cap allocated). Returns the array, moved when it had to grow, or NULL
** when out of memory or when the capacity would pass INT_MAX / 2; array is
** then unchanged and still owned by the caller. */
static void *statement_grow(void *array, int count, int *cap, size_t size)
{
    void *grown;
    int new_cap;

    if (count < *cap)
        return array;
    if (*cap >= INT_MAX / 4)
        return NULL;
    new_cap = *cap ? *cap * 2 : 16;
    grown = sqlite3_realloc64(array, (sqlite3_uint64)new_cap * size);
    if (grown != NULL)
        *cap = new_cap;
    return grown;
}

struct statement_info *statement_add_info(struct statement_file *file)
{
    struct statement_info *info;

    info = statement_grow(file->statements, file->n_statements,
                          &file->statements_cap, sizeof(*info));
    if (info == NULL)
        return NULL;
    file->statements = info;
    info = &file->statements[file->n_statements++];
    memset(info, 0, sizeof(*info));
    info->opening_date = STATEMENT_NO_DATE;
    info->closing_date = STATEMENT_NO_DATE;
    return info;
}

struct statement_entry *statement_add_entry(struct statement_file *file)
{
    struct statement_entry *entry;

    if (file->n_statements == 0 && statement_add_info(file) == NULL)
        return NULL;
    entry = statement_grow(file->entries, file->n_entries, &file->entries_cap,
                           sizeof(*entry));
    if (entry == NULL)
        return NULL;
    file->entries = entry;
    entry = &file->entries[file->n_entries++];
    memset(entry, 0, sizeof(*entry));
    entry->statement_index = file->n_statements - 1;
    entry->booking_date = STATEMENT_NO_DATE;
    entry->value_date = STATEMENT_NO_DATE;
    return entry;
}

int statement_entry_set_currency(struct statement_file *file,
                                 struct statement_entry *entry,
                                 const char *code, int n)
{
    const char *previous = entry > file->entries ? entry[-1].currency : NULL;

    if (n < 0)
        n = (int)strlen(code);
    if (previous != NULL && (int)strlen(previous) == n &&
        memcmp(previous, code, (size_t)n) == 0) {
        entry->currency = (char *)previous;
        entry->currency_borrowed = 1;
        return SQLITE_OK;
    }
    entry->currency = statement_strdup(code, n);
    entry->currency_borrowed = 0;
    return entry->currency ? SQLITE_OK : SQLITE_NOMEM;
}

/* Frees the strings one entry owns; a borrowed currency belongs to an
** earlier entry. */
static void statement_entry_free(struct statement_entry *entry)
{
    if (!entry->currency_borrowed)
        sqlite3_free(entry->currency);
    sqlite3_free(entry->counterparty_name);
    sqlite3_free(entry->counterparty_account);
    sqlite3_free(entry->memo);
    sqlite3_free(entry->structured_ref);
    sqlite3_free(entry->bank_txn_id);
    sqlite3_free(entry->origin);
    sqlite3_free(entry->end_to_end_id);
    sqlite3_free(entry->entry_currency);
}

void statement_clear_entries(struct statement_file *file)
{
    int i;

    for (i = 0; i < file->n_entries; i++)
        statement_entry_free(&file->entries[i]);
    file->n_entries = 0;
}

/* Closes the stream, if one is open, and frees the bytes it read. */
static void statement_close_stream(struct statement_file *file)
{
    if (file->stream.state != NULL)
        file->stream.close(file->stream.state);
    memset(&file->stream, 0, sizeof(file->stream));
    sqlite3_free(file->data);
    file->data = NULL;
}

int statement_next_entry(struct statement_file *file, char **err_out)
{
    int rc;

    if (file->stream.state == NULL)
        return SQLITE_OK;
    rc = file->stream.next(file, file->stream.state, err_out);
    if (rc != SQLITE_OK || file->at_end) {
        file->at_end = 1;
        statement_close_stream(file);
    }
    return rc;
}

void statement_file_free(struct statement_file *file)
{
    int i;

    statement_close_stream(file);
    for (i = 0; i < file->n_statements; i++) {
        struct statement_info *info = &file->statements[i];
        sqlite3_free(info->statement_id);
        sqlite3_free(info->account);
        sqlite3_free(info->currency);
        sqlite3_free(info->warning);
    }
    statement_clear_entries(file);
    sqlite3_free(file->statements);
    sqlite3_free(file->entries);
    sqlite3_free(file->path);
    sqlite3_free(file->format);
    memset(file, 0, sizeof(*file));
}

/* ---------------------------------------------------------------------
** Reading the file and choosing the reader.
*/

/* The format names the 2nd argument accepts. The readers are reached only
** through this table. */
static const struct statement_format {
    const char *name;             /* canonical lower-case name */
    statement_reader read;        /* the reader for it */
    statement_stream_opener open; /* its streaming form, or NULL */
} statement_formats[] = {
    {"camt.053", statement_read_camt, NULL},
    {"camt.054", statement_read_camt, NULL},
    {"camt", statement_read_camt, NULL},
    {"mt940", statement_read_mt940, NULL},
    {"mt942", statement_read_mt940, NULL},
    {"ofx", statement_read_ofx, NULL},
    {"csv", statement_read_csv, statement_open_csv},
};

#define STATEMENT_N_FORMATS                                                    \
    ((int)(sizeof(statement_formats) / sizeof(*statement_formats)))

/* Returns the index in statement_formats of name (any case), or -1. */
static int statement_format_find(const char *name)
{
    int i;

    for (i = 0; i < STATEMENT_N_FORMATS; i++)
        if (sqlite3_stricmp(statement_formats[i].name, name) == 0)
            return i;
    return -1;
}

/* Returns 1 when needle occurs in the n bytes at haystack. */
static int statement_contains(const char *haystack, size_t n,
                              const char *needle)
{
    size_t len = strlen(needle);
    size_t i;

    for (i = 0; i + len <= n; i++)
        if (haystack[i] == needle[0] && memcmp(haystack + i, needle, len) == 0)
            return 1;
    return 0;
}

/* Returns 1 when a line of the n bytes at text starts with prefix. */
static int statement_has_line_starting(const char *text, size_t n,
                                       const char *prefix)
{
    size_t len = strlen(prefix);
    size_t i;

    for (i = 0; i + len <= n; i++)
        if ((i == 0 || text[i - 1] == '\n' || text[i - 1] == '\r') &&
            memcmp(text + i, prefix, len) == 0)
            return 1;
    return 0;
}

/* Returns 1 for the white space that may precede a file's first marker. */
static int statement_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Returns 1 when the n bytes at text start with prefix. */
static int statement_starts(const char *text, size_t n, const char *prefix)
{
    size_t len = strlen(prefix);

    return n >= len && memcmp(text, prefix, len) == 0;
}

/*
** Returns the statement_formats index of an XML or SGML document from its
** prolog and root element: OFX by an <?OFX ...?> header or an <OFX> root,
** camt by an ISO 20022 camt namespace in the root start tag (the reader
** then checks message and version). Returns -1 for anything else.
*/
static int statement_detect_markup(const char *data, size_t n)
{
    size_t i = 0;

    while (i < n && data[i] == '<') {
        const char *end;
        if (statement_starts(data + i, n - i, "<?OFX") ||
            statement_starts(data + i, n - i, "<OFX>"))
            return statement_format_find("ofx");
        end = memchr(data + i, '>', n - i);
        if (end == NULL)
            return -1;
        if (i + 1 < n && data[i + 1] != '?' && data[i + 1] != '!')
            return statement_contains(data + i, (size_t)(end - data) - i,
                                      "urn:iso:std:iso:20022:tech:xsd:camt.")
                       ? statement_format_find("camt")
                       : -1;
        i = (size_t)(end - data) + 1;
        while (i < n && statement_is_space(data[i]))
            i++;
    }
    return -1;
}

/* Returns 1 when text starts with a SWIFT field tag: ':', two digits or
** capitals, an optional capital, ':' (":20:", ":60F:", ":NS:"). */
static int statement_is_swift_tag(const char *text, size_t n)
{
    size_t i;

    if (n < 4 || text[0] != ':')
        return 0;
    for (i = 1; i < 3; i++)
        if (!((text[i] >= '0' && text[i] <= '9') ||
              (text[i] >= 'A' && text[i] <= 'Z')))
            return 0;
    if (text[3] >= 'A' && text[3] <= 'Z')
        i = 4;
    return i < n && text[i] == ':';
}

/*
** Returns the statement_formats index the content looks like, or -1.
** Only the first 64 KiB are looked at, because every marker sits at the
** start: OFX 1.x opens with its OFXHEADER line, XML formats are known by
** their prolog and root element, and MT940 by a SWIFT block {1:, a first
** line that starts with a field tag, or a line starting with :20:. CSV has
** no marker.
*/
static int statement_detect(const char *data, size_t size)
{
    size_t window = size < 65536 ? size : 65536;
    size_t skip = 0;

    if (statement_starts(data, window, "\xEF\xBB\xBF"))
        skip = 3;
    while (skip < window && statement_is_space(data[skip]))
        skip++;
    data += skip;
    window -= skip;
    if (statement_starts(data, window, "OFXHEADER"))
        return statement_format_find("ofx");
    if (statement_starts(data, window, "<"))
        return statement_detect_markup(data, window);
    if (statement_starts(data, window, "{1:") ||
        statement_is_swift_tag(data, window) ||
        statement_has_line_starting(data, window, ":20:"))
        return statement_format_find("mt940");
    return -1;
}

const char *statement_detect_format(const char *data, size_t size)
{
    int index = statement_detect(data, size);

    return index < 0 ? NULL : statement_formats[index].name;
}

/* Sets *err_out to "bank_statement: <what> '<path>': <strerror(errnum)>". */
static void statement_set_os_error(char **err_out, const char *what,
                                   const char *path, int errnum)
{
    char reason[256];

    if (strerror_r(errnum, reason, sizeof(reason)) != 0)
        sqlite3_snprintf(sizeof(reason), reason, "error %d", errnum);
    *err_out =
        sqlite3_mprintf("bank_statement: %s '%s': %s", what, path, reason);
}

/* Bytes of a path that messages quote whole; a longer one keeps its first
** and last STATEMENT_PATH_KEEP bytes around "...". */
#define STATEMENT_PATH_QUOTE_MAX 200
#define STATEMENT_PATH_KEEP 96

/* Appends n bytes of text to out at *len, each byte that is not printable
** UTF-8 as '?', so the copy is never longer than the input. */
static void statement_append_printable(const unsigned char *text, int n,
                                       char *out, int *len)
{
    int i = 0;

    while (i < n) {
        int code_point = 0;
        int step = text_utf8_decode(text + i, n - i, &code_point);

        if (step == 0 || code_point < 0x20 ||
            (code_point >= 0x7F && code_point < 0xA0)) {
            out[(*len)++] = '?';
            i++;
            continue;
        }
        memcpy(out + *len, text + i, (size_t)step);
        *len += step;
        i += step;
    }
}

char *statement_quote_path(const char *path)
{
    const unsigned char *text = (const unsigned char *)path;
    size_t n = strlen(path);
    char *out = sqlite3_malloc64(STATEMENT_PATH_QUOTE_MAX + 1);
    int len = 0;

    if (out == NULL)
        return NULL;
    if (n <= STATEMENT_PATH_QUOTE_MAX) {
        statement_append_printable(text, (int)n, out, &len);
    } else {
        /* A character cut at either seam shows as '?'. */
        statement_append_printable(text, STATEMENT_PATH_KEEP, out, &len);
        memcpy(out + len, "...", 3);
        len += 3;
        statement_append_printable(text + n - STATEMENT_PATH_KEEP,
                                   STATEMENT_PATH_KEEP, out, &len);
    }
    out[len] = '\0';
    return out;
}

/* Returns the message for a file over STATEMENT_MAX_FILE_BYTES. */
static char *statement_too_large(const char *path)
{
    return sqlite3_mprintf("bank_statement: '%s' is larger than the %d MiB "
                           "limit; split it into smaller files",
                           path, STATEMENT_MAX_FILE_BYTES / (1024 * 1024));
}

/*
** Reads the file open on fd, whose size fstat gave as size, into
** *data_out (caller frees with sqlite3_free(); a NUL follows the size_out
** bytes). One byte more than size is requested, so a file that grew since
** fstat is read up to the limit and then rejected. Returns SQLITE_OK,
** SQLITE_NOMEM, or SQLITE_ERROR with *err_out set.
*/
static int statement_read_fd(int fd, const char *path, size_t size,
                             char **data_out, size_t *size_out, char **err_out)
{
    size_t cap = size + 1;
    size_t got = 0;
    char *data = sqlite3_malloc64((sqlite3_uint64)cap + 1);

    if (data == NULL)
        return SQLITE_NOMEM;
    while (got < cap) {
        ssize_t n = read(fd, data + got, cap - got);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            statement_set_os_error(err_out, "cannot read", path, errno);
            sqlite3_free(data);
            return SQLITE_ERROR;
        }
        got += (size_t)n;
    }
    if (got > STATEMENT_MAX_FILE_BYTES) {
        *err_out = statement_too_large(path);
        sqlite3_free(data);
        return SQLITE_ERROR;
    }
    data[got] = '\0';
    *data_out = data;
    *size_out = got;
    return SQLITE_OK;
}

/*
** Reads the file at path into *data_out (see statement_read_fd); messages
** quote it as quoted (statement_quote_path). Only a
** regular file is read: a FIFO or a device would block or never end, and
** O_NONBLOCK keeps open() itself from waiting for a FIFO's writer. The
** size from fstat rejects a large file before any byte is read.
*/
static int statement_read_file(const char *path, const char *quoted,
                               char **data_out, size_t *size_out,
                               char **err_out)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    int rc = SQLITE_ERROR;

    if (fd < 0) {
        statement_set_os_error(err_out, "cannot open", quoted, errno);
        return SQLITE_ERROR;
    }
    if (fstat(fd, &st) != 0)
        statement_set_os_error(err_out, "cannot read", quoted, errno);
    else if (!S_ISREG(st.st_mode))
        *err_out = sqlite3_mprintf("bank_statement: '%s' is not a regular "
                                   "file; pass a statement file",
                                   quoted);
    else if (st.st_size > STATEMENT_MAX_FILE_BYTES)
        *err_out = statement_too_large(quoted);
    else
        rc = statement_read_fd(fd, quoted, (size_t)st.st_size, data_out,
                               size_out, err_out);
    close(fd);
    return rc;
}

/* Picks the reader: format_arg by name, or detection when it is NULL.
** Returns its statement_formats index, or -1 with *err_out set. */
static int statement_choose_format(const char *path, const char *format_arg,
                                   const char *data, size_t size,
                                   char **err_out)
{
    int index;

    if (format_arg != NULL) {
        char excerpt[TEXT_EXCERPT_SIZE];
        index = statement_format_find(format_arg);
        if (index >= 0)
            return index;
        text_excerpt((const unsigned char *)format_arg, (int)strlen(format_arg),
                     excerpt);
        *err_out = sqlite3_mprintf(
            "bank_statement: unknown format '%s'; use one of camt.053, "
            "camt.054, camt, mt940, mt942, ofx, csv",
            excerpt);
        return -1;
    }
    if (size == 0) {
        *err_out = sqlite3_mprintf("bank_statement: '%s' is empty", path);
        return -1;
    }
    index = statement_detect(data, size);
    if (index < 0)
        *err_out = sqlite3_mprintf(
            "bank_statement: '%s': cannot tell the file format; pass it as "
            "the 2nd argument: camt.053, camt.054, mt940, mt942, ofx or csv",
            path);
    return index;
}

/*
** Reads the file and runs the reader of its format: with stream set and a
** reader that can stream, only up to the first entry, and file then owns
** the bytes. See statement_load and statement_stream_open.
*/
static int statement_start(const char *path, const char *format_arg,
                           const char *options, int stream,
                           struct statement_file *file, char **err_out)
{
    char *quoted = statement_quote_path(path);
    char *data = NULL;
    size_t size = 0;
    const struct statement_format *format;
    int index;
    int rc;

    if (quoted == NULL)
        return SQLITE_NOMEM;
    rc = statement_read_file(path, quoted, &data, &size, err_out);
    if (rc != SQLITE_OK) {
        sqlite3_free(quoted);
        return rc;
    }
    index = statement_choose_format(quoted, format_arg, data, size, err_out);
    if (index < 0) {
        sqlite3_free(quoted);
        sqlite3_free(data);
        return SQLITE_ERROR;
    }
    format = &statement_formats[index];
    file->path = quoted; /* owned by file from here */
    file->format = statement_strdup(format->name, -1);
    if (file->path == NULL || file->format == NULL) {
        rc = SQLITE_NOMEM;
    } else if (stream && format->open != NULL) {
        file->data = data; /* owned by file while the stream is open */
        data = NULL;
        rc = format->open(file, file->data, size, options, err_out);
    } else {
        rc = format->read(file, data, size, options, err_out);
        file->at_end = 1;
    }
    sqlite3_free(data);
    if (rc == SQLITE_ERROR && *err_out == NULL)
        *err_out = sqlite3_mprintf(
            "bank_statement: '%s': the %s reader failed without a reason",
            file->path, format->name);
    /* file->path (quoted) is freed here, so the message above comes
    ** first. */
    if (rc != SQLITE_OK)
        statement_file_free(file);
    return rc;
}

int statement_stream_open(const char *path, const char *format_arg,
                          const char *options, struct statement_file *file,
                          char **err_out)
{
    return statement_start(path, format_arg, options, 1, file, err_out);
}

int statement_load(const char *path, const char *format_arg,
                   const char *options, struct statement_file *file,
                   char **err_out)
{
    return statement_start(path, format_arg, options, 0, file, err_out);
}
