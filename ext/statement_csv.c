/*
** CSV bank exports read into the parsed form of statement.h, with the
** columns named in the options. CSV is never detected: pass 'csv'.
**
** Usage:
**   SELECT * FROM bank_statement('june.csv', 'csv',
**       'date=1,amount=4,memo=Concepto,currency=EUR');
**   SELECT * FROM bank_statement('konto.csv', 'csv',
**       'delimiter=semicolon,decimal=comma,thousands=point,date_order=dmy,'
**       'date=Buchungstag,debit=Soll,credit=Haben,memo=Verwendungszweck,'
**       'currency=EUR,encoding=latin1,skip=2');
**
** Options: a comma-separated list of key=value, as for camt, so a ','
** or ';' is given by name. Keys:
**   delimiter   comma (default), semicolon, tab, pipe, or one other
**               ASCII character
**   quote       double (default), single or none; RFC 4180 quoting: a
**               doubled quote is one quote, and a quoted cell may hold the
**               delimiter and line breaks
**   decimal     point (default) or comma
**   thousands   none (default), point, comma, space or apostrophe; the
**               separators must group the digits by three
**   date_order  ymd (default), dmy or mdy, with a 4-digit year and '/',
**               '-' or '.' between the parts (parse_date's rules)
**   skip        lines before the header row to skip (default 0)
**   header      yes (default): the first row names the columns; no
**   encoding    utf-8 (default; invalid UTF-8 is an error) or latin1
**               (ISO 8859-1, converted to UTF-8)
**   currency    three capitals ("EUR"): the ISO 4217 code of every row;
**               anything else names the currency column, as the keys
**               below do. Give both to use the code for empty cells.
** Columns, each a 1-based index or, with header=yes, a header name (ASCII
** case ignored):
**   date (booking date, required), value_date, amount (signed) or debit
**   and/or credit (debit amounts are negated whatever their sign),
**   currency, account (the statement's account, from the first row),
**   counterparty_name, counterparty_account, memo, reference
**   (structured_ref), bank_txn_id. A column has at most one of these
**   roles: date=1,amount=1 is rejected.
** An amount may carry '-' or '+' in front, '-' at the end ("12,00-") or
** parentheses ("(12.00)") for a negative. A UTF-8 byte-order mark is
** skipped, and empty lines are read over. A file that starts with a
** UTF-16 byte-order mark (FF FE or FE FF) is rejected, also with
** encoding=latin1.
** Every row is booked; the file gives no balances.
**
** LIMITS
**   - A header name that contains ',' cannot be named, and currency=
**     with three capitals is a currency code, never a header name: use
**     the column's index for those.
**   - latin1 is ISO 8859-1: the bytes 0x80-0x9F, which Windows-1252
**     uses for the euro sign and curly quotes, become C1 control
**     characters.
**   - Every row must have as many cells as the header row (or the first
**     row without a header).
**   - Two-digit years are rejected, because any century guess would move
**     some dates.
**   - Rows are read one at a time as a stream (statement_open_csv), so a
**     bad row fails the query only when it is reached, after the rows
**     before it. The options and the header row are checked on opening.
*/
#include <stdarg.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "dates.h"
#include "statement.h"
#include "utf8.h"

/* The columns an option can map. */
enum csv_column {
    CSV_DATE,
    CSV_VALUE_DATE,
    CSV_AMOUNT,
    CSV_DEBIT,
    CSV_CREDIT,
    CSV_CURRENCY,
    CSV_ACCOUNT,
    CSV_NAME,
    CSV_CP_ACCOUNT,
    CSV_MEMO,
    CSV_REFERENCE,
    CSV_TXN_ID,
    CSV_N_COLUMNS
};

/* Option names of the columns, in enum csv_column order. */
static const char *const csv_column_names[CSV_N_COLUMNS] = {
    "date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "currency",
    "account",
    "counterparty_name",
    "counterparty_account",
    "memo",
    "reference",
    "bank_txn_id",
};

/* Most cells a row may have. */
#define CSV_MAX_CELLS 256

/* The parsed options. */
struct csv_options {
    char delimiter;                   /* cell separator */
    char quote;                       /* quote character, 0 for none */
    char decimal;                     /* '.' or ',' */
    char thousands;                   /* group separator, 0 for none */
    enum date_order order;            /* of date and value_date */
    int skip;                         /* lines before the header row */
    int header;                       /* 1 when the first row names columns */
    int latin1;                       /* 1 to convert ISO 8859-1 */
    char currency[4];                 /* default currency, "" for none */
    const char *names[CSV_N_COLUMNS]; /* header name per column, borrowed
                                         from the options text, or NULL */
    int name_lens[CSV_N_COLUMNS];     /* bytes of names[i] */
    int index[CSV_N_COLUMNS];         /* 0-based cell index, -1 unmapped */
    const char *given[CSV_N_COLUMNS + 9]; /* names given so far: the
                                          columns, the code, 8 settings */
    int given_count;
};

/* One cell of the current row: bytes in the reader's cell buffer. */
struct csv_cell {
    int start; /* offset into csv_state.cells */
    int len;   /* bytes */
};

/* Reader state, kept between the entries of a stream. */
struct csv_state {
    struct statement_file *file;        /* the result */
    char **err_out;                     /* where the message goes */
    struct csv_options opt;             /* parsed options */
    const char *data;                   /* the file's text, borrowed */
    size_t size;                        /* bytes of data */
    size_t pos;                         /* read position */
    int line;                           /* line number at pos */
    int row_line;                       /* line where the current row starts */
    char *cells;                        /* unquoted cell text of the current
                                           row, in UTF-8; owned */
    size_t cells_cap;                   /* bytes allocated at cells */
    struct csv_cell row[CSV_MAX_CELLS]; /* cells of the current row */
    int n_cells;                        /* cells in row */
    int expected_cells;                 /* cells of the header/first row */
    int row_pending;                    /* 1 when row is a data row read
                                           but not yet made an entry */
};

/* Sets "bank_statement: '<path>': <reason>" and returns SQLITE_ERROR. */
static int csv_fail(struct csv_state *st, const char *format, ...)
{
    va_list ap;
    char *reason;

    va_start(ap, format);
    reason = sqlite3_vmprintf(format, ap);
    va_end(ap);
    if (reason == NULL)
        return SQLITE_NOMEM;
    *st->err_out =
        sqlite3_mprintf("bank_statement: '%s': %s", st->file->path, reason);
    sqlite3_free(reason);
    return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* ---------------------------------------------------------------------
** Options.
*/

/* Returns 1 when the n bytes at text equal word. */
static int csv_is(const char *text, int n, const char *word)
{
    return (int)strlen(word) == n && memcmp(text, word, (size_t)n) == 0;
}

/* Reads a character option given by name; returns 0 for an unknown name. */
static int csv_char_value(const char *value, int n, int allow_other, char *out)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {{"comma", ','},       {"semicolon", ';'}, {"tab", '\t'},
                 {"pipe", '|'},        {"point", '.'},     {"space", ' '},
                 {"apostrophe", '\''}, {"double", '"'},    {"single", '\''},
                 {"none", 0}};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (csv_is(value, n, names[i].name)) {
            *out = names[i].c;
            return 1;
        }
    if (allow_other && n == 1 && value[0] > ' ' && value[0] < 0x7F &&
        value[0] != '"') {
        *out = value[0];
        return 1;
    }
    return 0;
}

/* Reads a column mapping: a 1-based index or a header name. */
static void csv_map_column(struct csv_options *opt, int column,
                           const char *value, int n)
{
    int i;
    int number = 0;

    for (i = 0; i < n && value[i] >= '0' && value[i] <= '9' && number < 1000;
         i++)
        number = number * 10 + (value[i] - '0');
    if (i == n && number >= 1) {
        opt->index[column] = number - 1;
        opt->names[column] = NULL;
    } else {
        opt->index[column] = -1;
        opt->names[column] = value;
        opt->name_lens[column] = n;
    }
}

/* Returns 1 when value[0..n-1] is three capitals, the shape of a
** currency code: then currency= gives the code, else a column. */
static int csv_is_code(const char *value, int n)
{
    int i;

    if (n != 3)
        return 0;
    for (i = 0; i < 3; i++)
        if (value[i] < 'A' || value[i] > 'Z')
            return 0;
    return 1;
}

/* Returns the name under which an option counts as given (a static
** string), or NULL for a key that is no option. The currency code and the
** currency column are different options. */
static const char *csv_option_name(const char *key, int key_len,
                                   const char *value, int n)
{
    static const char *const settings[] = {"delimiter", "quote",      "decimal",
                                           "thousands", "date_order", "header",
                                           "encoding",  "skip"};
    int i;

    if (csv_is(key, key_len, "currency") && csv_is_code(value, n))
        return "currency code";
    for (i = 0; i < CSV_N_COLUMNS; i++)
        if (csv_is(key, key_len, csv_column_names[i]))
            return csv_column_names[i];
    for (i = 0; i < (int)(sizeof(settings) / sizeof(settings[0])); i++)
        if (csv_is(key, key_len, settings[i]))
            return settings[i];
    return NULL;
}

/*
** Records that the option name (from csv_option_name) was given. Returns
** 0 when it was given before: only one of two values could be used, and
** keeping the last one silently read 'currency=EUR,currency=USD' as USD.
*/
static int csv_first_time(struct csv_options *opt, const char *name)
{
    int i;

    for (i = 0; i < opt->given_count; i++)
        if (opt->given[i] == name)
            return 0;
    if (opt->given_count < (int)(sizeof(opt->given) / sizeof(opt->given[0])))
        opt->given[opt->given_count++] = name;
    return 1;
}

/* Reads one key=value option; returns 0 when it is invalid. */
static int csv_option(struct csv_options *opt, const char *key, int key_len,
                      const char *value, int n)
{
    int i;

    if (csv_is(key, key_len, "currency") && csv_is_code(value, n)) {
        memcpy(opt->currency, value, 3);
        opt->currency[3] = '\0';
        return currency_minor_digits(opt->currency) >= 0;
    }
    for (i = 0; i < CSV_N_COLUMNS; i++)
        if (csv_is(key, key_len, csv_column_names[i])) {
            if (n == 0)
                return 0;
            csv_map_column(opt, i, value, n);
            return 1;
        }
    if (csv_is(key, key_len, "delimiter"))
        return csv_char_value(value, n, 1, &opt->delimiter) &&
               opt->delimiter != 0;
    if (csv_is(key, key_len, "quote"))
        return (csv_is(value, n, "double") || csv_is(value, n, "single") ||
                csv_is(value, n, "none")) &&
               csv_char_value(value, n, 0, &opt->quote);
    if (csv_is(key, key_len, "decimal"))
        return (csv_is(value, n, "point") || csv_is(value, n, "comma")) &&
               csv_char_value(value, n, 0, &opt->decimal);
    if (csv_is(key, key_len, "thousands"))
        return !csv_is(value, n, "tab") && !csv_is(value, n, "semicolon") &&
               csv_char_value(value, n, 0, &opt->thousands);
    if (csv_is(key, key_len, "date_order"))
        return date_order_from_name(value, n, &opt->order);
    if (csv_is(key, key_len, "header")) {
        opt->header = csv_is(value, n, "yes");
        return opt->header || csv_is(value, n, "no");
    }
    if (csv_is(key, key_len, "encoding")) {
        opt->latin1 = csv_is(value, n, "latin1");
        return opt->latin1 || csv_is(value, n, "utf-8");
    }
    if (csv_is(key, key_len, "skip")) {
        opt->skip = 0;
        for (i = 0; i < n && value[i] >= '0' && value[i] <= '9' && i < 6; i++)
            opt->skip = opt->skip * 10 + (value[i] - '0');
        return n > 0 && i == n;
    }
    return 0;
}

/* Trims ASCII blanks from both ends of text[0..*n-1]. */
static const char *csv_trim(const char *text, int *n)
{
    while (*n > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        (*n)--;
    }
    while (*n > 0 && (text[*n - 1] == ' ' || text[*n - 1] == '\t'))
        (*n)--;
    return text;
}

/* Parses the options text (may be NULL) into st->opt. */
static int csv_parse_options(struct csv_state *st, const char *options)
{
    struct csv_options *opt = &st->opt;
    const char *p = options;
    int i;

    memset(opt, 0, sizeof(*opt));
    opt->delimiter = ',';
    opt->quote = '"';
    opt->decimal = '.';
    opt->order = DATE_ORDER_YMD;
    opt->header = 1;
    for (i = 0; i < CSV_N_COLUMNS; i++)
        opt->index[i] = -1;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        int n = end ? (int)(end - p) : (int)strlen(p);
        const char *item = csv_trim(p, &n);
        const char *eq = memchr(item, '=', (size_t)n);
        if (n > 0) {
            int key_len = eq ? (int)(eq - item) : n;
            int value_len = eq ? n - key_len - 1 : 0;
            /* 'memo = Text' is 'memo=Text': blanks around '=' are layout. */
            csv_trim(item, &key_len);
            const char *value = eq ? csv_trim(eq + 1, &value_len) : item;
            const char *name =
                eq ? csv_option_name(item, key_len, value, value_len) : NULL;
            if (name != NULL && !csv_first_time(opt, name)) {
                char excerpt[TEXT_EXCERPT_SIZE];
                text_excerpt((const unsigned char *)item, key_len, excerpt);
                return csv_fail(st,
                                "csv option '%s' is given twice; keep one "
                                "value",
                                excerpt);
            }
            if (eq == NULL ||
                !csv_option(opt, item, key_len, value, value_len)) {
                char excerpt[TEXT_EXCERPT_SIZE];
                text_excerpt((const unsigned char *)item, n, excerpt);
                return csv_fail(st,
                                "invalid csv option '%s'; the options are "
                                "listed in the header of ext/statement_csv.c "
                                "and in sql/REFERENCE.md",
                                excerpt);
            }
        }
        p = end ? end + 1 : NULL;
    }
    return SQLITE_OK;
}

/* Checks that the required columns and a currency are given. */
static int csv_check_options(struct csv_state *st)
{
    const struct csv_options *opt = &st->opt;
    int has[CSV_N_COLUMNS];
    int i;

    for (i = 0; i < CSV_N_COLUMNS; i++)
        has[i] = opt->index[i] >= 0 || opt->names[i] != NULL;
    if (!has[CSV_DATE])
        return csv_fail(st, "csv needs the option date=<column>");
    if (!has[CSV_AMOUNT] && !has[CSV_DEBIT] && !has[CSV_CREDIT])
        return csv_fail(st, "csv needs amount=<column>, or debit= and "
                            "credit= columns");
    if (has[CSV_AMOUNT] && (has[CSV_DEBIT] || has[CSV_CREDIT]))
        return csv_fail(st, "csv takes amount= or debit=/credit=, not both");
    if (!has[CSV_CURRENCY] && opt->currency[0] == '\0')
        return csv_fail(st, "csv needs currency=<ISO 4217 code> or a "
                            "currency column");
    if (opt->thousands != 0 && opt->thousands == opt->decimal)
        return csv_fail(st, "csv decimal and thousands separators are the "
                            "same");
    return SQLITE_OK;
}

/* ---------------------------------------------------------------------
** Records (RFC 4180).
*/

/* Appends the byte c of the file to st->cells at *len, as UTF-8: with
** encoding=latin1 a byte of 0x80 or more becomes two bytes. The buffer
** grows to the longest row, so memory follows the row, not the file. */
static int csv_put(struct csv_state *st, int *len, char c)
{
    unsigned char byte = (unsigned char)c;

    if ((size_t)*len + 2 > st->cells_cap) {
        size_t cap = st->cells_cap ? st->cells_cap * 2 : 256;
        char *grown = sqlite3_realloc64(st->cells, cap);
        if (grown == NULL)
            return SQLITE_NOMEM;
        st->cells = grown;
        st->cells_cap = cap;
    }
    if (st->opt.latin1 && byte >= 0x80) {
        st->cells[(*len)++] = (char)(0xC0 | (byte >> 6));
        st->cells[(*len)++] = (char)(0x80 | (byte & 0x3F));
    } else {
        st->cells[(*len)++] = c;
    }
    return SQLITE_OK;
}

/* Reads one cell at st->pos into st->cells at *out_len; stops before the
** delimiter or line end. */
static int csv_read_cell(struct csv_state *st, int *out_len)
{
    const char *d = st->data;
    char q = st->opt.quote;
    int quote_line = st->line;
    int len = *out_len;

    if (q == 0 || st->pos >= st->size || d[st->pos] != q) {
        while (st->pos < st->size && d[st->pos] != st->opt.delimiter &&
               d[st->pos] != '\n' && d[st->pos] != '\r')
            if (csv_put(st, &len, d[st->pos++]) != SQLITE_OK)
                return SQLITE_NOMEM;
        *out_len = len;
        return SQLITE_OK;
    }
    st->pos++;
    for (;;) {
        char c;
        if (st->pos >= st->size)
            return csv_fail(st,
                            "line %d: the quote opened here is never "
                            "closed",
                            quote_line);
        if (d[st->pos] == q && st->pos + 1 < st->size && d[st->pos + 1] == q) {
            c = q;
            st->pos += 2;
        } else if (d[st->pos] == q) {
            st->pos++;
            break;
        } else {
            if (d[st->pos] == '\n' ||
                (d[st->pos] == '\r' &&
                 (st->pos + 1 == st->size || d[st->pos + 1] != '\n')))
                st->line++;
            c = d[st->pos++];
        }
        if (csv_put(st, &len, c) != SQLITE_OK)
            return SQLITE_NOMEM;
    }
    if (st->pos < st->size && d[st->pos] != st->opt.delimiter &&
        d[st->pos] != '\n' && d[st->pos] != '\r')
        return csv_fail(st,
                        "line %d: text after the closing quote of "
                        "column %d",
                        st->line, st->n_cells + 1);
    *out_len = len;
    return SQLITE_OK;
}

/* Steps over one line end (CRLF, LF or CR) at st->pos. */
static void csv_skip_line_end(struct csv_state *st)
{
    if (st->pos < st->size && st->data[st->pos] == '\r')
        st->pos++;
    if (st->pos < st->size && st->data[st->pos] == '\n')
        st->pos++;
    st->line++;
}

/* Reads the next non-empty row into st->row. Sets *got_out to 0 at the
** end of the data. */
static int csv_next_row(struct csv_state *st, int *got_out)
{
    int len = 0;
    int rc;

    while (st->pos < st->size &&
           (st->data[st->pos] == '\n' || st->data[st->pos] == '\r'))
        csv_skip_line_end(st);
    *got_out = st->pos < st->size;
    st->n_cells = 0;
    st->row_line = st->line;
    while (*got_out) {
        int start = len;
        if (st->n_cells == CSV_MAX_CELLS)
            return csv_fail(st, "line %d: more than %d columns", st->line,
                            CSV_MAX_CELLS);
        rc = csv_read_cell(st, &len);
        if (rc != SQLITE_OK)
            return rc;
        st->row[st->n_cells].start = start;
        st->row[st->n_cells].len = len - start;
        st->n_cells++;
        if (st->pos < st->size && st->data[st->pos] == st->opt.delimiter) {
            st->pos++;
            continue;
        }
        csv_skip_line_end(st);
        break;
    }
    return SQLITE_OK;
}

/* ---------------------------------------------------------------------
** Encoding.
*/

/*
** Checks the text before it is read: no NUL byte (it would cut a cell
** short), and with utf8 set, valid UTF-8. The error names the line of the
** first bad byte; line ends are CRLF, LF or CR, as in csv_skip_line_end.
*/
static int csv_check_text(struct csv_state *st, const char *data, size_t size,
                          int utf8)
{
    const unsigned char *bytes = (const unsigned char *)data;
    size_t i = 0;
    int line = 1;

    while (i < size) {
        uint32_t code_point;
        int step = 1;
        if (bytes[i] == 0)
            return csv_fail(st, "line %d: NUL byte; the file is not text",
                            line);
        if (bytes[i] == '\n' ||
            (bytes[i] == '\r' && (i + 1 == size || bytes[i + 1] != '\n')))
            line++;
        if (utf8 && bytes[i] >= 0x80)
            step = utf8_decode(bytes + i, (int)(size - i < 4 ? size - i : 4),
                               &code_point);
        if (step == 0)
            return csv_fail(st,
                            "line %d: byte 0x%02X is not valid UTF-8; "
                            "pass encoding=latin1 if the file is "
                            "ISO 8859-1",
                            line, bytes[i]);
        i += (size_t)step;
    }
    return SQLITE_OK;
}

/* ---------------------------------------------------------------------
** Cells into entry fields.
*/

/* Returns the trimmed text of cell k of the current row and its length
** in *n. st->cells stays NULL until some row has a non-empty cell, so an
** empty cell must not be addressed through it. */
static const char *csv_row_cell(const struct csv_state *st, int k, int *n)
{
    *n = st->row[k].len;
    if (*n == 0)
        return "";
    return csv_trim(st->cells + st->row[k].start, n);
}

/* Returns the text of the cell of column (NULL when unmapped) and its
** length in *n. */
static const char *csv_cell(struct csv_state *st, int column, int *n)
{
    int index = st->opt.index[column];

    if (index < 0) {
        *n = 0;
        return NULL;
    }
    return csv_row_cell(st, index, n);
}

/* Sets the error for a bad cell: line, column number and name, value. */
static int csv_bad_cell(struct csv_state *st, int column, const char *what)
{
    int n;
    const char *text = csv_cell(st, column, &n);
    char excerpt[TEXT_EXCERPT_SIZE];

    text_excerpt((const unsigned char *)text, n, excerpt);
    return csv_fail(st, "line %d, column %d (%s): '%s' %s", st->row_line,
                    st->opt.index[column] + 1, csv_column_names[column],
                    excerpt, what);
}

/* Reads a date cell; an empty optional cell leaves *days_out alone. */
static int csv_date(struct csv_state *st, int column, int *days_out)
{
    int n;
    const char *text = csv_cell(st, column, &n);
    char what[64];

    if (text == NULL || (n == 0 && column != CSV_DATE))
        return SQLITE_OK;
    switch (date_parse_ordered(text, n, st->opt.order, days_out)) {
    case DATE_PARSE_OK:
        return SQLITE_OK;
    case DATE_PARSE_NONEXISTENT:
        sqlite3_snprintf(sizeof(what), what,
                         "is not a date that exists (order '%s')",
                         date_order_name(st->opt.order));
        break;
    default:
        sqlite3_snprintf(sizeof(what), what,
                         "is not a date in order '%s' with a 4-digit year",
                         date_order_name(st->opt.order));
    }
    return csv_bad_cell(st, column, what);
}

/*
** Returns 1 when the thousands separators in the n bytes at text (a
** leading sign allowed) group the integer digits by three: "1.250,00" and
*"250,00" pass,
** "1.25,00", ".250" and "1,250.000,5" do not. A separator in the wrong
** place would otherwise be dropped silently and move the amount.
*/
static int csv_grouping_ok(const char *text, int n, char thousands,
                           char decimal)
{
    int group = 0;
    int seen_separator = 0;
    int i = n > 0 && (text[0] == '-' || text[0] == '+');

    if (thousands == 0)
        return 1;
    for (; i < n && text[i] != decimal; i++) {
        if (text[i] != thousands) {
            group++;
            continue;
        }
        if (group == 0 || (seen_separator ? group != 3 : group > 3))
            return 0;
        seen_separator = 1;
        group = 0;
    }
    if (seen_separator && group != 3)
        return 0;
    for (; i < n; i++)
        if (text[i] == thousands)
            return 0;
    return 1;
}

/* Returns the thousands= option value that names separator c, or NULL. */
static const char *csv_thousands_name(char c)
{
    switch (c) {
    case ',':
        return "comma";
    case '.':
        return "point";
    case ' ':
        return "space";
    case '\'':
        return "apostrophe";
    default:
        return NULL;
    }
}

/* Returns 1 when the n bytes at text have more digits after the decimal
** separator than digits, and the extra ones are not all zeros. */
static int csv_has_excess_decimals(const char *text, int n, char decimal,
                                   int digits)
{
    const char *mark = n > 0 ? memchr(text, decimal, (size_t)n) : NULL;
    int count = 0;
    int i;

    if (mark == NULL)
        return 0;
    for (i = (int)(mark - text) + 1; i < n && text[i] >= '0' && text[i] <= '9';
         i++)
        if (++count > digits && text[i] != '0')
            return 1;
    return 0;
}

/*
** Sets the error for an amount cell csv_amount could not read (text, n:
** the cell without its sign). It names the likely cause: a group
** separator while thousands= is none, or more decimals than the
** currency's digits; otherwise the separators in use.
*/
/* Returns 1 when text is made only of digits, separators and signs and
** has more than 18 digits: a well-formed amount that cannot fit in a
** signed 64-bit count of minor units. */
static int csv_many_digits(const char *text, int n,
                           const struct csv_options *opt)
{
    int digits = 0;
    int i;

    for (i = 0; i < n; i++) {
        char c = text[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c != opt->decimal && c != opt->thousands && c != '-' &&
                 c != '+' && c != '(' && c != ')')
            return 0;
    }
    return digits > 18;
}

static int csv_amount_error(struct csv_state *st, int column, const char *text,
                            int n, int digits)
{
    const char *group = NULL;
    char what[160];
    int i;

    for (i = 0; i < n && st->opt.thousands == 0 && group == NULL; i++)
        if (text[i] != st->opt.decimal)
            group = csv_thousands_name(text[i]);
    if (group != NULL)
        sqlite3_snprintf(sizeof(what), what,
                         "is not an amount with decimal '%c' and no thousands "
                         "separator; if '%c' groups digits, pass "
                         "thousands=%s",
                         st->opt.decimal, text[i - 1], group);
    else if (csv_many_digits(text, n, &st->opt))
        sqlite3_snprintf(sizeof(what), what,
                         "is more than 9223372036854775807 minor units, "
                         "the largest amount an INTEGER holds; check the "
                         "column mapping");
    else if (csv_has_excess_decimals(text, n, st->opt.decimal, digits))
        sqlite3_snprintf(sizeof(what), what,
                         "has more decimals than the currency allows (%d); "
                         "check the currency and the decimal= option",
                         digits);
    else
        sqlite3_snprintf(
            sizeof(what), what, "is not an amount with decimal '%c'%s%s",
            st->opt.decimal, st->opt.thousands ? " and thousands=" : "",
            csv_thousands_name(st->opt.thousands)
                ? csv_thousands_name(st->opt.thousands)
                : "");
    return csv_bad_cell(st, column, what);
}

/*
** Reads an amount cell in minor units of digits digits: optional sign
** ('-' or '+' in front, '-' at the end, or the whole amount in
** parentheses as accountants write a negative), digits with the
** thousands separator, one decimal separator. Sets *empty_out when the
** cell is empty.
*/
static int csv_amount(struct csv_state *st, int column, int digits,
                      sqlite3_int64 *cents_out, int *empty_out)
{
    int n;
    const char *text = csv_cell(st, column, &n);
    char plain[64] = ""; /* zeroed: GCC 12 -O2 raises -Wmaybe-uninitialized */
    int len = 0;
    int i;

    *empty_out = text == NULL || n == 0;
    *cents_out = 0;
    if (*empty_out)
        return SQLITE_OK;
    if (n > 2 && text[0] == '(' && text[n - 1] == ')' && text[1] != '-' &&
        text[1] != '+') {
        plain[len++] = '-'; /* "(12.00)" */
        text++;
        n -= 2;
    } else if (n > 1 && text[n - 1] == '-' && text[0] != '-' &&
               text[0] != '+') {
        plain[len++] = '-'; /* German exports write "12,00-" */
        n--;
    }
    for (i = 0; i < n && len < (int)sizeof(plain) - 1; i++)
        if (st->opt.thousands == 0 || text[i] != st->opt.thousands)
            plain[len++] = text[i];
    if (i < n ||
        !csv_grouping_ok(text, n, st->opt.thousands, st->opt.decimal) ||
        !currency_parse_decimal(plain, len, st->opt.decimal, digits, cents_out))
        return csv_amount_error(st, column, text, n, digits);
    return SQLITE_OK;
}

/* Reads the row's currency (column, else the option) into code. */
static int csv_currency(struct csv_state *st, char code[4])
{
    int n;
    const char *text = csv_cell(st, CSV_CURRENCY, &n);

    if (text == NULL || n == 0) {
        if (st->opt.currency[0] == '\0')
            return csv_bad_cell(st, CSV_CURRENCY,
                                "is empty and no currency= option is given");
        memcpy(code, st->opt.currency, 4);
        return SQLITE_OK;
    }
    if (n == 3) {
        memcpy(code, text, 3);
        code[3] = '\0';
        if (currency_minor_digits(code) >= 0)
            return SQLITE_OK;
    }
    return csv_bad_cell(st, CSV_CURRENCY, "is not an ISO 4217 currency code");
}

/* Copies the cell of column into *slot (NULL when empty or unmapped). */
static int csv_text(struct csv_state *st, int column, char **slot)
{
    int n;
    const char *text = csv_cell(st, column, &n);

    if (text == NULL || n == 0)
        return SQLITE_OK;
    *slot = statement_strdup(text, n);
    return *slot ? SQLITE_OK : SQLITE_NOMEM;
}

/* Reads the amount of the row: the amount column, or credit - |debit|. */
static int csv_row_amount(struct csv_state *st, int digits,
                          sqlite3_int64 *cents_out)
{
    sqlite3_int64 debit;
    sqlite3_int64 credit;
    int debit_empty;
    int credit_empty;
    int rc;

    if (st->opt.index[CSV_AMOUNT] >= 0) {
        rc = csv_amount(st, CSV_AMOUNT, digits, cents_out, &debit_empty);
        if (rc == SQLITE_OK && debit_empty)
            return csv_bad_cell(st, CSV_AMOUNT, "is empty");
        return rc;
    }
    rc = csv_amount(st, CSV_DEBIT, digits, &debit, &debit_empty);
    if (rc == SQLITE_OK)
        rc = csv_amount(st, CSV_CREDIT, digits, &credit, &credit_empty);
    if (rc != SQLITE_OK)
        return rc;
    if (debit_empty && credit_empty)
        return csv_bad_cell(
            st, st->opt.index[CSV_DEBIT] >= 0 ? CSV_DEBIT : CSV_CREDIT,
            "is empty, and so is the other amount column");
    *cents_out = credit - (debit < 0 ? -debit : debit);
    return SQLITE_OK;
}

/* Reads the current row into a new entry. */
static int csv_row(struct csv_state *st)
{
    struct statement_entry *e;
    char code[4];
    int rc;

    if (st->n_cells != st->expected_cells)
        return csv_fail(st, "line %d: %d columns, but the %s has %d",
                        st->row_line, st->n_cells,
                        st->opt.header ? "header row" : "first row",
                        st->expected_cells);
    e = statement_add_entry(st->file);
    if (e == NULL)
        return SQLITE_NOMEM;
    rc = csv_date(st, CSV_DATE, &e->booking_date);
    if (rc == SQLITE_OK)
        rc = csv_date(st, CSV_VALUE_DATE, &e->value_date);
    if (rc == SQLITE_OK)
        rc = csv_currency(st, code);
    if (rc == SQLITE_OK)
        rc = csv_row_amount(st, currency_minor_digits(code), &e->amount_cents);
    if (rc != SQLITE_OK)
        return rc;
    if (statement_entry_set_currency(st->file, e, code, 3) != SQLITE_OK)
        return SQLITE_NOMEM;
    e->origin = sqlite3_mprintf("line %d", st->row_line);
    if (e->origin == NULL)
        return SQLITE_NOMEM;
    rc = csv_text(st, CSV_NAME, &e->counterparty_name);
    if (rc == SQLITE_OK)
        rc = csv_text(st, CSV_CP_ACCOUNT, &e->counterparty_account);
    if (rc == SQLITE_OK)
        rc = csv_text(st, CSV_MEMO, &e->memo);
    if (rc == SQLITE_OK)
        rc = csv_text(st, CSV_REFERENCE, &e->structured_ref);
    if (rc == SQLITE_OK)
        rc = csv_text(st, CSV_TXN_ID, &e->bank_txn_id);
    if (rc == SQLITE_OK && st->file->statements[0].account == NULL)
        rc = csv_text(st, CSV_ACCOUNT, &st->file->statements[0].account);
    return rc;
}

/* Rejects two roles mapped to one column (date=1,amount=1): every cell
** has one meaning, so such a mapping is a typo. */
static int csv_check_distinct_columns(struct csv_state *st)
{
    const struct csv_options *opt = &st->opt;
    int i;
    int k;

    for (i = 0; i < CSV_N_COLUMNS; i++)
        for (k = i + 1; k < CSV_N_COLUMNS; k++)
            if (opt->index[i] >= 0 && opt->index[i] == opt->index[k])
                return csv_fail(st,
                                "csv maps column %d to both %s and %s; give "
                                "each column at most one role",
                                opt->index[i] + 1, csv_column_names[i],
                                csv_column_names[k]);
    return SQLITE_OK;
}

/* Resolves header names to indexes, and checks every index is in range. */
static int csv_resolve_columns(struct csv_state *st)
{
    struct csv_options *opt = &st->opt;
    int i;
    int k;

    for (i = 0; i < CSV_N_COLUMNS; i++) {
        /* Without a header the first row is data: a name would be matched
        ** against one row's values. */
        if (opt->names[i] != NULL && !opt->header) {
            char excerpt[TEXT_EXCERPT_SIZE];
            text_excerpt((const unsigned char *)opt->names[i],
                         opt->name_lens[i], excerpt);
            return csv_fail(st,
                            "%s='%s' names a column, but header=no gives no "
                            "names; pass the column's number, e.g. %s=3",
                            csv_column_names[i], excerpt, csv_column_names[i]);
        }
        if (opt->names[i] != NULL) {
            for (k = 0; k < st->n_cells && opt->index[i] < 0; k++) {
                int n;
                const char *name = csv_row_cell(st, k, &n);
                if (n == opt->name_lens[i] &&
                    sqlite3_strnicmp(name, opt->names[i], n) == 0)
                    opt->index[i] = k;
            }
            if (opt->index[i] < 0) {
                /* The name comes from the options: quote it as text. */
                char excerpt[TEXT_EXCERPT_SIZE];
                text_excerpt((const unsigned char *)opt->names[i],
                             opt->name_lens[i], excerpt);
                return csv_fail(st, "line %d: no column named '%s' for %s",
                                st->row_line, excerpt, csv_column_names[i]);
            }
        }
        if (opt->index[i] >= st->n_cells)
            return csv_fail(st, "line %d: %s=%d, but the row has %d columns",
                            st->row_line, csv_column_names[i],
                            opt->index[i] + 1, st->n_cells);
    }
    return csv_check_distinct_columns(st);
}

/* Steps over the skip lines and reads the header or first row. A first
** row that is data stays in st->row for csv_stream_next. */
static int csv_start(struct csv_state *st)
{
    int got;
    int skipped;
    int rc;

    for (skipped = 0; skipped < st->opt.skip && st->pos < st->size; skipped++) {
        while (st->pos < st->size && st->data[st->pos] != '\n' &&
               st->data[st->pos] != '\r')
            st->pos++;
        csv_skip_line_end(st);
    }
    if (statement_add_info(st->file) == NULL)
        return SQLITE_NOMEM;
    rc = csv_next_row(st, &got);
    /* Like an empty file, a file that ends before its header row (only
    ** the skipped lines, or blank lines) is more likely a failed export
    ** than an empty statement. */
    if (rc == SQLITE_OK && !got && st->opt.header)
        return csv_fail(st,
                        "line %d: the file ends before its header row; "
                        "export the statement again, or check skip= and "
                        "header=no",
                        st->line);
    if (rc != SQLITE_OK || !got)
        return rc;
    st->expected_cells = st->n_cells;
    rc = csv_resolve_columns(st);
    st->row_pending = rc == SQLITE_OK && !st->opt.header;
    return rc;
}

/* statement_stream.next: reads the next row into a new entry. */
static int csv_stream_next(struct statement_file *file, void *state,
                           char **err_out)
{
    struct csv_state *st = state;
    int got = 1;
    int rc = SQLITE_OK;

    st->file = file;
    st->err_out = err_out;
    if (st->row_pending)
        st->row_pending = 0;
    else
        rc = csv_next_row(st, &got);
    if (rc != SQLITE_OK)
        return rc;
    if (!got) {
        file->at_end = 1;
        return SQLITE_OK;
    }
    return csv_row(st);
}

/* statement_stream.close */
static void csv_stream_close(void *state)
{
    struct csv_state *st = state;

    sqlite3_free(st->cells);
    sqlite3_free(st);
}

int statement_open_csv(struct statement_file *file, const char *data,
                       size_t size, const char *options, char **err_out)
{
    struct csv_state *st = sqlite3_malloc64(sizeof(*st));
    int rc;

    if (st == NULL)
        return SQLITE_NOMEM;
    memset(st, 0, sizeof(*st));
    st->file = file;
    st->err_out = err_out;
    st->line = 1;
    rc = csv_parse_options(st, options);
    if (rc == SQLITE_OK)
        rc = csv_check_options(st);
    if (rc == SQLITE_OK && size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        size -= 3;
    }
    /* Spreadsheets save "Unicode text" as UTF-16 with a byte-order mark,
    ** which is neither UTF-8 nor ISO 8859-1. */
    if (rc == SQLITE_OK && size >= 2 &&
        (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0))
        rc = csv_fail(st,
                      "line 1: the file is UTF-16 (byte-order mark "
                      "%02X %02X); save or convert it as UTF-8",
                      (unsigned char)data[0], (unsigned char)data[1]);
    /* An export with no entries still has its header row, so an empty
    ** file is more likely a failed download than an empty statement. */
    if (rc == SQLITE_OK && size == 0 && st->opt.header)
        rc = csv_fail(st, "the file is empty, with no header row; export "
                          "the statement again, or pass header=no");
    if (rc == SQLITE_OK)
        rc = csv_check_text(st, data, size, !st->opt.latin1);
    st->data = data;
    st->size = size;
    if (rc == SQLITE_OK)
        rc = csv_start(st);
    if (rc != SQLITE_OK) {
        csv_stream_close(st);
        return rc;
    }
    /* The option names borrowed from options were needed only to find
    ** the header's columns, so the stream may outlive options. */
    memset(st->opt.names, 0, sizeof(st->opt.names));
    file->stream.state = st;
    file->stream.next = csv_stream_next;
    file->stream.close = csv_stream_close;
    return SQLITE_OK;
}

int statement_read_csv(struct statement_file *file, const char *data,
                       size_t size, const char *options, char **err_out)
{
    int rc = statement_open_csv(file, data, size, options, err_out);

    while (rc == SQLITE_OK && !file->at_end)
        rc = statement_next_entry(file, err_out);
    return rc;
}
