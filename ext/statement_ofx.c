/*
** OFX bank and credit card statements, version 1.x (SGML) and 2.x (XML),
** read into the parsed form of statement.h.
**
** Usage:
**   SELECT * FROM bank_statement('checking.ofx');
**   SELECT * FROM bank_statement('card.qfx', 'ofx');
**
** Why a parser of our own: OFX 1.x is SGML whose leaf elements have no
** closing tag (<TRNAMT>-6.60<FITID>...), so an XML parser such as libxml2
** rejects it, and files in the wild mix both styles (an XML header over
** unclosed leaves). libofx, the OFX library Debian packages, is C++ behind
** a C callback interface, is GPL-licensed, and hands amounts over as
** floating point ("money is a float" in its README), which this extension
** never uses for money. A statement needs only a few aggregates, so the
** small tolerant reader below handles both versions alike. A tag followed
** by text is a leaf whose closing tag is optional. A tag followed by
** another tag opens an aggregate, and its closing tag ends it together
** with any unclosed tags inside.
**
** Field mapping (per STMTTRN of a STMTRS or CCSTMTRS):
**   booking_date         DTPOSTED (required), the date as written: the time
**                        and zone after YYYYMMDD are not applied
**   value_date           DTAVAIL
**   amount_cents         TRNAMT (signed: negative is money out) in the
**                        minor units of CURRENCY/CURSYM when the
**                        transaction has one, else of the statement's
**                        CURDEF; '.' or ',' as decimal separator
**   counterparty_name    NAME, else PAYEE/NAME
**   counterparty_account BANKACCTTO/ACCTID or CCACCTTO/ACCTID
**   memo                 MEMO
**   bank_txn_id          FITID
**   status               always 'booked': OFX lists posted transactions
**   account              BANKACCTFROM/ACCTID or CCACCTFROM/ACCTID
**   statement_id         NULL: OFX statements have no id
**   closing balance      LEDGERBAL/BALAMT as of DTASOF; OFX has no opening
**                        balance, so bank_statement_balances.balanced is
**                        NULL
**   origin               e.g. STMTRS[1]/STMTTRN[2]
**
** Choices for odd files (the ofxparse test files show each):
**   - An element with empty text is treated as absent, as OFX 1.x writers
**     emit empty tags for values they do not have. An empty BALAMT thus
**     leaves the closing balance NULL instead of failing the file; an
**     empty DTPOSTED or TRNAMT fails, because both are required.
**   - A STATUS with SEVERITY ERROR (a server error response) fails the
**     whole file with the code and message, so an error answer is never
**     read as "no transactions". A file with no statement at all (<OFX>
**     </OFX>) gives no rows.
**   - Text is UTF-8 when the file is valid UTF-8; otherwise it is read as
**     windows-1252 (the OFX 1.x CHARSET:1252 default, a superset of
**     ISO-8859-1) unless the header declares UTF-8, which is an error.
**
** LIMITS
**   - Investment statements (INVSTMTRS) are rejected; only bank and credit
**     card statements are read.
**   - Aggregates nest at most 64 deep; tag names are at most 63 bytes.
**   - Character references and the entities amp, lt, gt, quot, apos and
**     nbsp are decoded; any other &name; is kept as written.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "dates.h"
#include "statement.h"
#include "utf8.h"

#define OFX_MAX_DEPTH 64
#define OFX_MAX_TAG 64

/* The aggregates the reader acts on; any other tag is OFX_OTHER. */
enum ofx_kind {
    OFX_OTHER,
    OFX_ROOT,         /* OFX */
    OFX_STATUS,       /* STATUS */
    OFX_STMTRS,       /* STMTRS: a bank statement */
    OFX_CCSTMTRS,     /* CCSTMTRS: a credit card statement */
    OFX_ACCTFROM,     /* BANKACCTFROM, CCACCTFROM */
    OFX_ACCTTO,       /* BANKACCTTO, CCACCTTO */
    OFX_STMTTRN,      /* STMTTRN: one transaction */
    OFX_PAYEE,        /* PAYEE */
    OFX_CURRENCY,     /* CURRENCY: the transaction's own currency */
    OFX_ORIGCURRENCY, /* ORIGCURRENCY: converted, amount in CURDEF */
    OFX_LEDGERBAL,    /* LEDGERBAL: the booked balance */
    OFX_INVSTMTRS     /* INVSTMTRS: investment statement, rejected */
};

static const struct {
    const char *name;
    enum ofx_kind kind;
} ofx_aggregates[] = {
    {"OFX", OFX_ROOT},
    {"STATUS", OFX_STATUS},
    {"STMTRS", OFX_STMTRS},
    {"CCSTMTRS", OFX_CCSTMTRS},
    {"BANKACCTFROM", OFX_ACCTFROM},
    {"CCACCTFROM", OFX_ACCTFROM},
    {"BANKACCTTO", OFX_ACCTTO},
    {"CCACCTTO", OFX_ACCTTO},
    {"STMTTRN", OFX_STMTTRN},
    {"PAYEE", OFX_PAYEE},
    {"CURRENCY", OFX_CURRENCY},
    {"ORIGCURRENCY", OFX_ORIGCURRENCY},
    {"LEDGERBAL", OFX_LEDGERBAL},
    {"INVSTMTRS", OFX_INVSTMTRS},
};

/* Leaf elements the reader reads, so an empty one left unclosed
** (<NAME><MEMO>x) is never taken for an aggregate. */
static const char *const ofx_leaves[] = {
    "ACCTID",   "BALAMT", "CODE", "CURDEF",  "CURSYM", "DTASOF",   "DTAVAIL",
    "DTPOSTED", "FITID",  "MEMO", "MESSAGE", "NAME",   "SEVERITY", "TRNAMT",
};

/* A leaf value: decoded UTF-8 text, or NULL when absent or empty. */
struct ofx_field {
    char *text; /* owned */
    int line;   /* line of the tag, 0 when never seen */
};

/* The STMTTRN being read. */
struct ofx_trn {
    int line;                 /* line of <STMTTRN> */
    struct ofx_field posted;  /* DTPOSTED */
    struct ofx_field avail;   /* DTAVAIL */
    struct ofx_field amount;  /* TRNAMT */
    struct ofx_field fitid;   /* FITID */
    struct ofx_field name;    /* NAME */
    struct ofx_field payee;   /* PAYEE/NAME */
    struct ofx_field memo;    /* MEMO */
    struct ofx_field account; /* BANKACCTTO/ACCTID or CCACCTTO/ACCTID */
    struct ofx_field cursym;  /* CURRENCY/CURSYM */
};

/* One open tag on the stack. */
struct ofx_open {
    char name[OFX_MAX_TAG]; /* tag name */
    enum ofx_kind kind;     /* what it is, OFX_OTHER when unknown */
};

/* The reading state of one file. */
struct ofx_state {
    struct statement_file *file; /* the output */
    const char *path;            /* for messages, borrowed */
    char **err_out;              /* where the first error goes */
    const char *data;            /* the whole file, borrowed */
    size_t size;
    size_t pos; /* next byte to read */
    int line;   /* line of data[pos], 1-based */
    int cp1252; /* 1: bytes >= 0x80 are windows-1252 */
    struct ofx_open stack[OFX_MAX_DEPTH];
    int depth;                     /* open tags on the stack */
    char statement_path[32];       /* e.g. "STMTRS[2]", "" outside one */
    int n_stmtrs;                  /* STMTRS seen so far */
    int n_ccstmtrs;                /* CCSTMTRS seen so far */
    int n_trn;                     /* STMTTRN in the current statement */
    char curdef[4];                /* CURDEF of the current statement, or "" */
    struct ofx_trn trn;            /* the current STMTTRN */
    struct ofx_field balance;      /* LEDGERBAL/BALAMT */
    struct ofx_field balance_date; /* LEDGERBAL/DTASOF */
    struct ofx_field status_code;  /* STATUS/CODE */
    struct ofx_field status_severity; /* STATUS/SEVERITY */
    struct ofx_field status_message;  /* STATUS/MESSAGE */
};

/* Sets the error "bank_statement: '<path>': line <n>: <reason>" and
** returns SQLITE_ERROR (SQLITE_NOMEM when out of memory). */
static int ofx_fail(struct ofx_state *st, int line, const char *format, ...)
{
    char *reason;
    va_list ap;

    va_start(ap, format);
    reason = sqlite3_vmprintf(format, ap);
    va_end(ap);
    if (reason != NULL)
        *st->err_out = sqlite3_mprintf("bank_statement: '%s': line %d: %s",
                                       st->path, line, reason);
    sqlite3_free(reason);
    return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Frees a field's text and marks it absent. */
static void ofx_field_clear(struct ofx_field *field)
{
    sqlite3_free(field->text);
    field->text = NULL;
    field->line = 0;
}

/* Frees every field of the current transaction. */
static void ofx_trn_clear(struct ofx_trn *trn)
{
    ofx_field_clear(&trn->posted);
    ofx_field_clear(&trn->avail);
    ofx_field_clear(&trn->amount);
    ofx_field_clear(&trn->fitid);
    ofx_field_clear(&trn->name);
    ofx_field_clear(&trn->payee);
    ofx_field_clear(&trn->memo);
    ofx_field_clear(&trn->account);
    ofx_field_clear(&trn->cursym);
    trn->line = 0;
}

/* Frees everything the state owns. */
static void ofx_state_clear(struct ofx_state *st)
{
    ofx_trn_clear(&st->trn);
    ofx_field_clear(&st->balance);
    ofx_field_clear(&st->balance_date);
    ofx_field_clear(&st->status_code);
    ofx_field_clear(&st->status_severity);
    ofx_field_clear(&st->status_message);
}

/* ---------------------------------------------------------------------
** Character sets: UTF-8 checks, windows-1252 and entity decoding.
*/

/* Unicode code points of windows-1252 bytes 0x80 to 0x9F, as the WHATWG
** Encoding Standard maps them. Bytes with no character map to the C1
** control of the same value, and bytes 0xA0 to 0xFF are ISO-8859-1. */
static const unsigned short ofx_cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Returns the offset of the first byte that is not valid UTF-8, or n. */
static size_t ofx_first_invalid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t code_point;

    while (i < n) {
        int len = utf8_decode((const unsigned char *)s + i,
                              n - i < 4 ? (int)(n - i) : 4, &code_point);
        if (len == 0)
            return i;
        i += (size_t)len;
    }
    return n;
}

/* Appends code point cp (at most U+10FFFF) as UTF-8. */
static void ofx_append_code_point(sqlite3_str *out, uint32_t cp)
{
    unsigned char buf[4];
    int n = utf8_encode(cp, buf);

    sqlite3_str_append(out, (const char *)buf, n);
}

/* Appends the n raw bytes at s, converted from windows-1252 when the file
** is not UTF-8. */
static void ofx_append_bytes(const struct ofx_state *st, sqlite3_str *out,
                             const char *s, size_t n)
{
    size_t i;

    if (!st->cp1252) {
        sqlite3_str_append(out, s, (int)n);
        return;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80)
            sqlite3_str_appendchar(out, 1, (char)c);
        else if (c < 0xA0)
            ofx_append_code_point(out, ofx_cp1252_high[c - 0x80]);
        else
            ofx_append_code_point(out, c);
    }
}

/* Decodes the entity or character reference at s (n bytes, s[0] is '&')
** into out. Returns the bytes consumed; 1 (the '&' alone, appended as
** text) when this reader does not recognise it, 0 for an invalid code
** point. */
static size_t ofx_append_entity(sqlite3_str *out, const char *s, size_t n)
{
    static const struct {
        const char *name;
        unsigned cp;
    } named[] = {{"amp", '&'},  {"lt", '<'},    {"gt", '>'},
                 {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}};
    const char *semi = memchr(s, ';', n < 12 ? n : 12);
    size_t len = semi ? (size_t)(semi - s) - 1 : 0;
    unsigned long cp = 0;
    size_t i;

    if (semi != NULL && len >= 2 && s[1] == '#') {
        int hex = s[2] == 'x' || s[2] == 'X';
        for (i = hex ? 3 : 2; i <= len; i++) {
            int digit = s[i] >= '0' && s[i] <= '9'          ? s[i] - '0'
                        : hex && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                        : hex && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
                                                            : -1;
            if (digit < 0 || cp > 0x10FFFF)
                return 0;
            cp = cp * (hex ? 16 : 10) + (unsigned long)digit;
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
            i == (hex ? 3u : 2u))
            return 0;
        ofx_append_code_point(out, (uint32_t)cp);
        return len + 2;
    }
    for (i = 0; semi != NULL && i < sizeof(named) / sizeof(*named); i++) {
        if (strlen(named[i].name) == len &&
            memcmp(s + 1, named[i].name, len) == 0) {
            ofx_append_code_point(out, named[i].cp);
            return len + 2;
        }
    }
    sqlite3_str_appendchar(out, 1, '&');
    return 1;
}

/* Returns 1 for the white space OFX allows between tags. */
static int ofx_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Returns 1 when the bytes at pos start with prefix. */
static int ofx_at(const struct ofx_state *st, size_t pos, const char *prefix)
{
    size_t n = strlen(prefix);

    return pos + n <= st->size && memcmp(st->data + pos, prefix, n) == 0;
}

/* Returns the offset of needle at or after from, or st->size. */
static size_t ofx_find(const struct ofx_state *st, size_t from,
                       const char *needle)
{
    for (; from < st->size; from++)
        if (ofx_at(st, from, needle))
            return from;
    return st->size;
}

/* Moves the read position to pos, counting the lines passed. */
static void ofx_advance(struct ofx_state *st, size_t pos)
{
    for (; st->pos < pos; st->pos++)
        if (st->data[st->pos] == '\n')
            st->line++;
}

/* Copies at most 20 bytes of the file from at into buf for a message,
** stopping at a line end. Bytes that are not printable ASCII become '?',
** so the message stays valid UTF-8. */
static const char *ofx_excerpt(const struct ofx_state *st, size_t at,
                               char buf[21])
{
    int n = 0;

    for (; at < st->size && n < 20; at++, n++) {
        unsigned char c = (unsigned char)st->data[at];
        if (c == '\n' || c == '\r')
            break;
        buf[n] = c >= 0x20 && c < 0x7F ? (char)c : '?';
    }
    buf[n] = '\0';
    return buf;
}

/* Returns the end of the text that starts at from: the next '<' that does
** not open a CDATA section, or st->size. *cdata_open_out is set when a
** CDATA section has no end. */
static size_t ofx_text_end(const struct ofx_state *st, size_t from,
                           int *cdata_open_out)
{
    *cdata_open_out = 0;
    for (;;) {
        const char *lt = memchr(st->data + from, '<', st->size - from);
        size_t at = lt ? (size_t)(lt - st->data) : st->size;
        if (at == st->size || !ofx_at(st, at, "<![CDATA["))
            return at;
        from = ofx_find(st, at, "]]>");
        if (from == st->size) {
            *cdata_open_out = 1;
            return st->size;
        }
        from += 3;
    }
}

/*
** Decodes the raw text data[from..to) into *text_out: CDATA sections taken
** as written, references decoded, windows-1252 converted, surrounding
** white space removed; NULL when nothing is left. Caller frees with
** sqlite3_free().
*/
static int ofx_decode(struct ofx_state *st, size_t from, size_t to,
                      char **text_out)
{
    sqlite3_str *out = sqlite3_str_new(NULL);
    const char *value;
    int rc;
    int start = 0;
    int n;

    while (from < to) {
        const char *s = st->data + from;
        if (ofx_at(st, from, "<![CDATA[")) {
            size_t end = ofx_find(st, from, "]]>");
            ofx_append_bytes(st, out, s + 9, end - from - 9);
            from = end + 3;
        } else if (*s == '&') {
            size_t used = ofx_append_entity(out, s, to - from);
            if (used == 0) {
                char excerpt[21];
                sqlite3_free(sqlite3_str_finish(out));
                return ofx_fail(st, st->line,
                                "'%s' is not a valid character reference",
                                ofx_excerpt(st, from, excerpt));
            }
            from += used;
        } else {
            if (*s == '\0') {
                sqlite3_free(sqlite3_str_finish(out));
                return ofx_fail(st, st->line, "NUL byte in text");
            }
            ofx_append_bytes(st, out, s, 1);
            from++;
        }
    }
    rc = sqlite3_str_errcode(out);
    n = sqlite3_str_length(out);
    value = sqlite3_str_value(out);
    while (n > 0 && ofx_is_space(value[n - 1]))
        n--;
    while (start < n && ofx_is_space(value[start]))
        start++;
    *text_out = NULL;
    if (rc == SQLITE_OK && n > start) {
        *text_out = statement_strdup(value + start, n - start);
        if (*text_out == NULL)
            rc = SQLITE_NOMEM;
    }
    sqlite3_free(sqlite3_str_finish(out));
    return rc == SQLITE_OK ? SQLITE_OK : SQLITE_NOMEM;
}

/* ---------------------------------------------------------------------
** Header: where the body starts and which character set the text is in.
*/

/* Copies the header value after key (up to a line end, '"', '?' or
** '<') into value (cap bytes), or "" when key does not occur before
** the body starts at body. */
static void ofx_header_value(const struct ofx_state *st, size_t body,
                             const char *key, char *value, size_t cap)
{
    size_t key_len = strlen(key);
    size_t at = 0;
    size_t n = 0;

    value[0] = '\0';
    while (at + key_len <= body && memcmp(st->data + at, key, key_len) != 0)
        at++;
    if (at + key_len > body)
        return;
    at += key_len;
    while (at < body && n + 1 < cap &&
           strchr("\r\n\"'?<", st->data[at]) == NULL)
        value[n++] = st->data[at++];
    value[n] = '\0';
}

/* Returns 1 when a declared character set is read as windows-1252: the
** OFX 1.x values and their ISO-8859-1 subset, or none declared. */
static int ofx_charset_is_cp1252(const char *name)
{
    static const char *const names[] = {
        "",           "1252",   "NONE",   "USASCII",      "US-ASCII",
        "ISO-8859-1", "8859-1", "LATIN1", "WINDOWS-1252", "ISO8859-1",
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (sqlite3_stricmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* Returns the line of byte offset at. */
static int ofx_line_of(const struct ofx_state *st, size_t at)
{
    int line = 1;
    size_t i;

    for (i = 0; i < at; i++)
        if (st->data[i] == '\n')
            line++;
    return line;
}

/*
** Finds the body (the first '<' that is not the XML declaration or a
** processing instruction: the SGML header is plain "KEY:VALUE" lines) and
** settles the character set: UTF-8 when every byte is valid UTF-8, else
** windows-1252 unless the header declares UTF-8 or another set.
*/
static int ofx_read_header(struct ofx_state *st)
{
    size_t body = 0;
    size_t bad;
    char encoding[32];
    char charset[32];

    if (ofx_at(st, 0, "\xEF\xBB\xBF"))
        body = 3;
    for (;;) {
        const char *lt = memchr(st->data + body, '<', st->size - body);
        body = lt ? (size_t)(lt - st->data) : st->size;
        if (!ofx_at(st, body, "<?"))
            break;
        body = ofx_find(st, body, "?>");
    }
    ofx_header_value(st, body, "ENCODING:", encoding, sizeof(encoding));
    if (encoding[0] == '\0')
        ofx_header_value(st, body, "encoding=\"", encoding, sizeof(encoding));
    ofx_header_value(st, body, "CHARSET:", charset, sizeof(charset));
    bad = ofx_first_invalid_utf8(st->data, st->size);
    if (bad < st->size) {
        int declared_utf8 = sqlite3_stricmp(encoding, "UTF-8") == 0;
        const char *declared =
            declared_utf8 || charset[0] == '\0' ? encoding : charset;
        char excerpt[TEXT_EXCERPT_SIZE];
        /* The header's bytes may be as invalid as the body's. */
        text_excerpt((const unsigned char *)declared, (int)strlen(declared),
                     excerpt);
        if (declared_utf8 || !ofx_charset_is_cp1252(encoding) ||
            !ofx_charset_is_cp1252(charset))
            return ofx_fail(st, ofx_line_of(st, bad),
                            "byte 0x%02X is not UTF-8, and the header "
                            "declares '%s'; convert the file to UTF-8",
                            (unsigned char)st->data[bad], excerpt);
        st->cp1252 = 1;
    }
    ofx_advance(st, body);
    return SQLITE_OK;
}

/* ---------------------------------------------------------------------
** Statements, transactions and balances.
*/

/* Returns the statement being read. */
static struct statement_info *ofx_info(struct ofx_state *st)
{
    return &st->file->statements[st->file->n_statements - 1];
}

/* Parses an OFX amount (sign, digits, '.' or ',' as decimal separator)
** into minor units of currency. label names the field for messages, e.g.
** "STMTRS[1]/STMTTRN[2]/TRNAMT". */
static int ofx_amount(struct ofx_state *st, const struct ofx_field *field,
                      const char *label, const char *currency,
                      sqlite3_int64 *cents_out)
{
    const char *text = field->text;
    int digits = currency_minor_digits(currency);
    char separator = strchr(text, ',') && !strchr(text, '.') ? ',' : '.';

    if (currency_parse_decimal(text, (int)strlen(text), separator, digits,
                               cents_out))
        return SQLITE_OK;
    return ofx_fail(st, field->line,
                    "%s: '%s' is not a decimal amount with at most %d "
                    "decimals (%s)",
                    label, text, digits, currency);
}

/* Parses an OFX date (YYYYMMDD, then optionally the time, fraction and a
** [zone]) into a day number; the time and zone are not applied. */
static int ofx_date(struct ofx_state *st, const struct ofx_field *field,
                    const char *label, int *days_out)
{
    const char *text = field->text;
    size_t n = strlen(text);
    size_t i;
    char iso[DATE_ISO_LEN];

    for (i = 0; i < n && i < 8; i++)
        if (text[i] < '0' || text[i] > '9')
            break;
    while (i >= 8 && i < n && text[i] != '[' &&
           strchr("0123456789.:", text[i]) != NULL)
        i++;
    if (i < 8 || (i < n && (text[i] != '[' || text[n - 1] != ']')))
        return ofx_fail(st, field->line,
                        "%s: '%s' is not an OFX date (YYYYMMDD, then "
                        "optionally HHMMSS.XXX[zone])",
                        label, text);
    memcpy(iso, text, 4);
    iso[4] = '-';
    memcpy(iso + 5, text + 4, 2);
    iso[7] = '-';
    memcpy(iso + 8, text + 6, 2);
    if (!date_parse_iso(iso, DATE_ISO_LEN, days_out))
        return ofx_fail(st, field->line, "%s: '%s' is not a date that exists",
                        label, text);
    return SQLITE_OK;
}

/* Moves the text of field into *text_out (the entry takes it over). */
static void ofx_take(struct ofx_field *field, char **text_out)
{
    *text_out = field->text;
    field->text = NULL;
}

/* Checks the fields of the transaction that just ended and adds it. */
static int ofx_emit_trn(struct ofx_state *st)
{
    struct ofx_trn *trn = &st->trn;
    const char *currency = trn->cursym.text ? trn->cursym.text : st->curdef;
    struct statement_entry *e;
    sqlite3_int64 cents;
    int booking;
    int value = STATEMENT_NO_DATE;
    char label[96];
    int rc;

    if (trn->posted.text == NULL)
        return ofx_fail(st, trn->posted.line ? trn->posted.line : trn->line,
                        "%s/STMTTRN[%d]: %s DTPOSTED; every transaction "
                        "needs its posting date",
                        st->statement_path, st->n_trn,
                        trn->posted.line ? "empty" : "missing");
    if (trn->amount.text == NULL)
        return ofx_fail(st, trn->amount.line ? trn->amount.line : trn->line,
                        "%s/STMTTRN[%d]: %s TRNAMT", st->statement_path,
                        st->n_trn, trn->amount.line ? "empty" : "missing");
    if (currency_minor_digits(currency) < 0)
        return ofx_fail(st, trn->line,
                        "%s/STMTTRN[%d]: no currency: CURDEF is missing or "
                        "empty and the transaction has no CURRENCY/CURSYM",
                        st->statement_path, st->n_trn);
    sqlite3_snprintf(sizeof(label), label, "%s/STMTTRN[%d]/DTPOSTED",
                     st->statement_path, st->n_trn);
    rc = ofx_date(st, &trn->posted, label, &booking);
    sqlite3_snprintf(sizeof(label), label, "%s/STMTTRN[%d]/DTAVAIL",
                     st->statement_path, st->n_trn);
    if (rc == SQLITE_OK && trn->avail.text != NULL)
        rc = ofx_date(st, &trn->avail, label, &value);
    sqlite3_snprintf(sizeof(label), label, "%s/STMTTRN[%d]/TRNAMT",
                     st->statement_path, st->n_trn);
    if (rc == SQLITE_OK)
        rc = ofx_amount(st, &trn->amount, label, currency, &cents);
    if (rc != SQLITE_OK)
        return rc;
    e = statement_add_entry(st->file);
    if (e == NULL)
        return SQLITE_NOMEM;
    e->booking_date = booking;
    e->value_date = value;
    e->amount_cents = cents;
    rc = statement_entry_set_currency(st->file, e, currency, -1);
    e->origin =
        sqlite3_mprintf("%s/STMTTRN[%d]", st->statement_path, st->n_trn);
    ofx_take(trn->name.text ? &trn->name : &trn->payee, &e->counterparty_name);
    ofx_take(&trn->account, &e->counterparty_account);
    ofx_take(&trn->memo, &e->memo);
    ofx_take(&trn->fitid, &e->bank_txn_id);
    ofx_trn_clear(trn);
    return rc == SQLITE_OK && e->origin ? SQLITE_OK : SQLITE_NOMEM;
}

/* Sets the statement's closing balance from the LEDGERBAL that just
** ended; an empty BALAMT leaves it unknown. */
static int ofx_apply_balance(struct ofx_state *st)
{
    struct statement_info *info = ofx_info(st);
    char label[64];
    int rc = SQLITE_OK;

    if (st->balance.text == NULL)
        return SQLITE_OK;
    if (st->curdef[0] == '\0')
        return ofx_fail(st, st->balance.line,
                        "%s/LEDGERBAL: BALAMT '%s' has no currency because "
                        "CURDEF is missing or empty",
                        st->statement_path, st->balance.text);
    sqlite3_snprintf(sizeof(label), label, "%s/LEDGERBAL/BALAMT",
                     st->statement_path);
    rc = ofx_amount(st, &st->balance, label, st->curdef, &info->closing_cents);
    sqlite3_snprintf(sizeof(label), label, "%s/LEDGERBAL/DTASOF",
                     st->statement_path);
    if (rc == SQLITE_OK && st->balance_date.text != NULL)
        rc = ofx_date(st, &st->balance_date, label, &info->closing_date);
    info->has_closing = rc == SQLITE_OK;
    return rc;
}

/* Fails the file when the STATUS that just ended reports an error. */
static int ofx_check_status(struct ofx_state *st, int line)
{
    const char *severity = st->status_severity.text;

    if (severity == NULL || sqlite3_stricmp(severity, "ERROR") != 0)
        return SQLITE_OK;
    return ofx_fail(st, line,
                    "STATUS: the bank reported error %s%s%s%s; the file "
                    "holds no statement for this request",
                    st->status_code.text ? st->status_code.text : "?",
                    st->status_message.text ? " (" : "",
                    st->status_message.text ? st->status_message.text : "",
                    st->status_message.text ? ")" : "");
}

/* Starts a STMTRS or CCSTMTRS. */
static int ofx_start_statement(struct ofx_state *st, enum ofx_kind kind,
                               int line)
{
    int number = kind == OFX_STMTRS ? ++st->n_stmtrs : ++st->n_ccstmtrs;

    if (st->statement_path[0] != '\0')
        return ofx_fail(st, line, "a statement inside %s", st->statement_path);
    sqlite3_snprintf(sizeof(st->statement_path), st->statement_path, "%s[%d]",
                     kind == OFX_STMTRS ? "STMTRS" : "CCSTMTRS", number);
    st->n_trn = 0;
    st->curdef[0] = '\0';
    return statement_add_info(st->file) ? SQLITE_OK : SQLITE_NOMEM;
}

/* Acts on an aggregate that opens at line. */
static int ofx_open_aggregate(struct ofx_state *st, enum ofx_kind kind,
                              int line)
{
    switch (kind) {
    case OFX_STMTRS:
    case OFX_CCSTMTRS:
        return ofx_start_statement(st, kind, line);
    case OFX_STMTTRN:
        if (st->statement_path[0] == '\0')
            return ofx_fail(st, line, "STMTTRN outside a STMTRS or CCSTMTRS");
        ofx_trn_clear(&st->trn);
        st->trn.line = line;
        st->n_trn++;
        return SQLITE_OK;
    case OFX_LEDGERBAL:
        ofx_field_clear(&st->balance);
        ofx_field_clear(&st->balance_date);
        return SQLITE_OK;
    case OFX_STATUS:
        ofx_field_clear(&st->status_code);
        ofx_field_clear(&st->status_severity);
        ofx_field_clear(&st->status_message);
        return SQLITE_OK;
    case OFX_INVSTMTRS:
        return ofx_fail(st, line,
                        "investment statements (INVSTMTRS) are not "
                        "supported; only bank and credit card statements");
    default:
        return SQLITE_OK;
    }
}

/* Acts on an aggregate that closes (explicitly or implicitly) at line. */
static int ofx_close_aggregate(struct ofx_state *st, enum ofx_kind kind,
                               int line)
{
    switch (kind) {
    case OFX_STMTTRN:
        return ofx_emit_trn(st);
    case OFX_LEDGERBAL:
        return st->statement_path[0] ? ofx_apply_balance(st) : SQLITE_OK;
    case OFX_STATUS:
        return ofx_check_status(st, line);
    case OFX_STMTRS:
    case OFX_CCSTMTRS:
        if (st->curdef[0] != '\0') {
            ofx_info(st)->currency = statement_strdup(st->curdef, -1);
            if (ofx_info(st)->currency == NULL)
                return SQLITE_NOMEM;
        }
        st->statement_path[0] = '\0';
        return SQLITE_OK;
    default:
        return SQLITE_OK;
    }
}

/* Returns the innermost open aggregate the reader acts on, or OFX_OTHER. */
static enum ofx_kind ofx_context(const struct ofx_state *st)
{
    int i;

    for (i = st->depth - 1; i >= 0; i--)
        if (st->stack[i].kind != OFX_OTHER)
            return st->stack[i].kind;
    return OFX_OTHER;
}

/* Returns the field of the current transaction that leaf name fills in
** context, or NULL when the reader does not keep it. */
static struct ofx_field *ofx_trn_field(struct ofx_state *st,
                                       enum ofx_kind context, const char *name)
{
    static const struct {
        enum ofx_kind context;
        const char *name;
        size_t offset;
    } map[] = {
        {OFX_STMTTRN, "DTPOSTED", offsetof(struct ofx_trn, posted)},
        {OFX_STMTTRN, "DTAVAIL", offsetof(struct ofx_trn, avail)},
        {OFX_STMTTRN, "TRNAMT", offsetof(struct ofx_trn, amount)},
        {OFX_STMTTRN, "FITID", offsetof(struct ofx_trn, fitid)},
        {OFX_STMTTRN, "NAME", offsetof(struct ofx_trn, name)},
        {OFX_STMTTRN, "MEMO", offsetof(struct ofx_trn, memo)},
        {OFX_PAYEE, "NAME", offsetof(struct ofx_trn, payee)},
        {OFX_ACCTTO, "ACCTID", offsetof(struct ofx_trn, account)},
        {OFX_CURRENCY, "CURSYM", offsetof(struct ofx_trn, cursym)},
    };
    size_t i;

    if (st->trn.line == 0)
        return NULL;
    for (i = 0; i < sizeof(map) / sizeof(*map); i++)
        if (map[i].context == context && strcmp(map[i].name, name) == 0)
            return (struct ofx_field *)((char *)&st->trn + map[i].offset);
    return NULL;
}

/* Returns the field outside transactions that leaf name fills. */
static struct ofx_field *
ofx_other_field(struct ofx_state *st, enum ofx_kind context, const char *name)
{
    if (context == OFX_LEDGERBAL && strcmp(name, "BALAMT") == 0)
        return &st->balance;
    if (context == OFX_LEDGERBAL && strcmp(name, "DTASOF") == 0)
        return &st->balance_date;
    if (context == OFX_STATUS && strcmp(name, "CODE") == 0)
        return &st->status_code;
    if (context == OFX_STATUS && strcmp(name, "SEVERITY") == 0)
        return &st->status_severity;
    if (context == OFX_STATUS && strcmp(name, "MESSAGE") == 0)
        return &st->status_message;
    return NULL;
}

/* Checks that a CURDEF or CURSYM value is a currency code. */
static int ofx_check_currency(struct ofx_state *st, const char *name,
                              const char *text, int line)
{
    if (text == NULL || currency_minor_digits(text) >= 0)
        return SQLITE_OK;
    return ofx_fail(st, line, "%s: %s '%s' is not an ISO 4217 currency code",
                    st->statement_path, name, text);
}

/* Stores a leaf element's text (taken over; NULL when empty) where the
** reader keeps it, or frees it. */
static int ofx_leaf(struct ofx_state *st, const char *name, char *text,
                    int line)
{
    enum ofx_kind context = ofx_context(st);
    struct ofx_field *field = ofx_trn_field(st, context, name);
    int in_statement = st->statement_path[0] != '\0';
    int rc = SQLITE_OK;

    if (field == NULL)
        field = ofx_other_field(st, context, name);
    if (strcmp(name, "CURDEF") == 0 || strcmp(name, "CURSYM") == 0)
        rc = ofx_check_currency(st, name, text, line);
    if (rc == SQLITE_OK && in_statement &&
        (context == OFX_STMTRS || context == OFX_CCSTMTRS) &&
        strcmp(name, "CURDEF") == 0)
        memcpy(st->curdef, text ? text : "", text ? 4 : 1);
    if (rc == SQLITE_OK && in_statement && context == OFX_ACCTFROM &&
        strcmp(name, "ACCTID") == 0) {
        sqlite3_free(ofx_info(st)->account);
        ofx_info(st)->account = text;
        return SQLITE_OK;
    }
    if (rc == SQLITE_OK && field != NULL) {
        sqlite3_free(field->text);
        field->text = text;
        field->line = line;
        return SQLITE_OK;
    }
    sqlite3_free(text);
    return rc;
}

/* ---------------------------------------------------------------------
** Tags: the tolerant SGML/XML reading.
*/

/* Returns the kind of aggregate name is, or OFX_OTHER. */
static enum ofx_kind ofx_kind_of(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(ofx_aggregates) / sizeof(*ofx_aggregates); i++)
        if (strcmp(ofx_aggregates[i].name, name) == 0)
            return ofx_aggregates[i].kind;
    return OFX_OTHER;
}

/* Returns 1 when name is a leaf the reader reads. */
static int ofx_is_known_leaf(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(ofx_leaves) / sizeof(*ofx_leaves); i++)
        if (strcmp(ofx_leaves[i], name) == 0)
            return 1;
    return 0;
}

/* Returns the offset just past "</name>" (in any case, white space allowed
** before '>') when it starts at at, else 0. */
static size_t ofx_close_tag_end(const struct ofx_state *st, size_t at,
                                const char *name)
{
    size_t n = strlen(name);
    size_t i;

    if (!ofx_at(st, at, "</") || at + 2 + n > st->size)
        return 0;
    for (i = 0; i < n; i++) {
        char c = st->data[at + 2 + i];
        if ((c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c) != name[i])
            return 0;
    }
    at += 2 + n;
    while (at < st->size && ofx_is_space(st->data[at]))
        at++;
    return at < st->size && st->data[at] == '>' ? at + 1 : 0;
}

/* Reads the value after <name> (the read position is past the '>'): a
** leaf with text, an empty leaf, or the start of an aggregate. */
static int ofx_open_tag(struct ofx_state *st, const char *name, int line)
{
    enum ofx_kind kind = ofx_kind_of(name);
    int cdata_open;
    size_t end = ofx_text_end(st, st->pos, &cdata_open);
    size_t i = st->pos;
    size_t close_end;
    char *text = NULL;
    int rc;

    if (cdata_open)
        return ofx_fail(st, line, "<%s>: CDATA section without ]]>", name);
    while (i < end && ofx_is_space(st->data[i]))
        i++;
    if (i < end || (kind == OFX_OTHER && ofx_is_known_leaf(name))) {
        rc = ofx_decode(st, st->pos, end, &text);
        ofx_advance(st, end);
        close_end = ofx_close_tag_end(st, end, name);
        if (close_end)
            ofx_advance(st, close_end);
        return rc == SQLITE_OK ? ofx_leaf(st, name, text, line) : rc;
    }
    close_end = ofx_close_tag_end(st, end, name);
    if (kind == OFX_OTHER && close_end) {
        ofx_advance(st, close_end);
        return ofx_leaf(st, name, NULL, line);
    }
    if (st->depth == OFX_MAX_DEPTH)
        return ofx_fail(st, line, "<%s>: elements nest deeper than %d", name,
                        OFX_MAX_DEPTH);
    memcpy(st->stack[st->depth].name, name, strlen(name) + 1);
    st->stack[st->depth++].kind = kind;
    return ofx_open_aggregate(st, kind, line);
}

/* Ends the open tag name and every unclosed tag inside it. A closing tag
** with no open tag is skipped when it names a leaf (its value was already
** read) and an error when it names an aggregate. */
static int ofx_close_tag(struct ofx_state *st, const char *name, int line)
{
    int k = st->depth - 1;
    int rc = SQLITE_OK;

    while (k >= 0 && strcmp(st->stack[k].name, name) != 0)
        k--;
    if (k < 0)
        return ofx_kind_of(name) == OFX_OTHER
                   ? SQLITE_OK
                   : ofx_fail(st, line, "</%s> without <%s>", name, name);
    while (st->depth > k && rc == SQLITE_OK) {
        st->depth--;
        rc = ofx_close_aggregate(st, st->stack[st->depth].kind, line);
    }
    return rc;
}

/* Reads the tag at the read position ('<'), then its value or its end. */
static int ofx_tag(struct ofx_state *st, int *seen_root)
{
    int line = st->line;
    size_t start = st->pos + 1;
    int closing = start < st->size && st->data[start] == '/';
    const char *gt;
    char name[OFX_MAX_TAG];
    char excerpt[21];
    size_t n;
    size_t i;

    start += (size_t)closing;
    gt = memchr(st->data + start, '>', st->size - start);
    n = gt ? (size_t)(gt - (st->data + start)) : 0;
    while (n > 0 && ofx_is_space(st->data[start + n - 1]))
        n--;
    for (i = 0; i < n && i + 1 < sizeof(name); i++) {
        char c = st->data[start + i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            break;
        /* OFX names are upper case; lower-case writers are read alike. */
        name[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    if (n == 0 || i != n)
        return ofx_fail(st, line, "malformed tag '%s'",
                        ofx_excerpt(st, st->pos, excerpt));
    name[n] = '\0';
    ofx_advance(st, (size_t)(gt - st->data) + 1);
    if (closing)
        return ofx_close_tag(st, name, line);
    if (!*seen_root && strcmp(name, "OFX") != 0)
        return ofx_fail(st, line, "the body starts with <%s>, not <OFX>", name);
    *seen_root = 1;
    return ofx_open_tag(st, name, line);
}

/* Reads the body: tags, comments and processing instructions. */
static int ofx_run(struct ofx_state *st)
{
    int seen_root = 0;
    int rc = SQLITE_OK;

    while (rc == SQLITE_OK) {
        char excerpt[21];
        size_t end;
        while (st->pos < st->size && ofx_is_space(st->data[st->pos]))
            ofx_advance(st, st->pos + 1);
        if (st->pos >= st->size)
            break;
        if (st->data[st->pos] != '<')
            return ofx_fail(st, st->line, "text '%s' outside any element",
                            ofx_excerpt(st, st->pos, excerpt));
        if (ofx_at(st, st->pos, "<!--") || ofx_at(st, st->pos, "<?") ||
            ofx_at(st, st->pos, "<!")) {
            const char *close = ofx_at(st, st->pos, "<!--") ? "-->" : ">";
            end = ofx_find(st, st->pos, close);
            if (end == st->size)
                return ofx_fail(st, st->line, "'%s' is never closed",
                                ofx_excerpt(st, st->pos, excerpt));
            ofx_advance(st, end + strlen(close));
            continue;
        }
        rc = ofx_tag(st, &seen_root);
    }
    if (rc != SQLITE_OK)
        return rc;
    if (!seen_root)
        return ofx_fail(st, st->line, "no <OFX> element");
    if (st->depth > 0)
        return ofx_fail(st, st->line,
                        "the file ends inside <%s>; it is truncated",
                        st->stack[st->depth - 1].name);
    return SQLITE_OK;
}

int statement_read_ofx(struct statement_file *file, const char *data,
                       size_t size, const char *options, char **err_out)
{
    struct ofx_state st;
    int rc;

    while (options != NULL && ofx_is_space(*options))
        options++;
    if (options != NULL && *options != '\0') {
        char excerpt[TEXT_EXCERPT_SIZE];
        text_excerpt((const unsigned char *)options, (int)strlen(options),
                     excerpt);
        *err_out = sqlite3_mprintf("bank_statement: ofx takes no options, "
                                   "got '%s'; pass NULL",
                                   excerpt);
        return *err_out ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    memset(&st, 0, sizeof(st));
    st.file = file;
    st.path = file->path;
    st.err_out = err_out;
    st.data = data;
    st.size = size;
    st.line = 1;
    rc = ofx_read_header(&st);
    if (rc == SQLITE_OK)
        rc = ofx_run(&st);
    ofx_state_clear(&st);
    return rc;
}
