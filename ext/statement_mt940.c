/*
** SWIFT MT940 (customer statement) and MT942 (interim transaction report)
** read into the parsed form of statement.h. The :86: narrative is read by
** statement_mt940_narrative.c.
**
** Usage:
**   SELECT * FROM bank_statement('june.sta');           -- detected
**   SELECT * FROM bank_statement('june.sta', 'mt940');
**   SELECT * FROM bank_statement('today.sta', 'mt942');  -- all pending
**   SELECT * FROM bank_statement('snippet.sta', 'mt940', 'currency=EUR');
**
** Options: 'currency=<ISO 4217 code>' gives the currency of a statement
** whose file names none (no :60F:, :34F: or code after the :25:
** account); a currency the file gives wins.
**
** Layout: the SWIFT blocks {1:..}{2:..}{4: and the closing -} are optional,
** and so is any header line before the first field. A field starts at a
** line beginning with a tag (":20:", ":60F:", ":NS:") and continues over
** the following lines until the next tag, a '-' line or the next '{'
** block. Line ends may be CRLF, LF or CR. Several statements follow each
** other; each :20: starts a new one.
**
** Field mapping:
**   :20:             statement_id
**   :25:             account, as written (IBAN, or BLZ/account); one
**                    line, else the field is an error
**   :60F: :60M:      opening balance and the statement currency
**   :62F: :62M:      closing balance. A closing balance in another
**                    currency is left out and named in the warning.
**   :61:             one entry: value date YYMMDD, optional booking date
**                    MMDD (year from the value date, moved across a
**                    December/January turn), mark D, C, RD or RC, optional
**                    funds code, amount with ',' as decimal separator,
**                    transaction type (N/F/S and 3 characters), customer
**                    reference, //bank reference, supplementary details on
**                    the next line. D and RC are negative, C and RD
**                    positive. Amounts have the minor digits of the
**                    currency (currency.h).
**   :86: after :61:  memo, counterparty_name, counterparty_account,
**                    structured_ref, end_to_end_id (see the narrative
**                    file). Several :86: fields in a row are one
**                    narrative, one line each (old Rabobank layout). A
**                    :86: anywhere else describes the statement and is
**                    not read.
**   bank_txn_id      the bank reference after //, never the customer
**                    reference, which repeats across statements
**   customer ref.    when the :86: does not say otherwise: the
**                    end_to_end_id and structured_ref, unless it is
**                    NONREF. Padded to 16 characters and followed by
**                    text (old Rabobank layout), it is the counterparty
**                    account and the text the name. Shaped like an IBAN
**                    (ASN Bank), it is the counterparty account and the
**                    supplementary details are the name.
**   :13D: :34F: :90D: :90C:  MT942 fields: a statement with :13D: or
**                    :34F:, or a file read with format 'mt942', is an
**                    interim report whose entries are 'pending'.
**   :21: :28: :28C: :64: :65: :NS: and tags this reader does not know
**                    are read over.
** YYMMDD years 80-99 are 1980-1999, 00-79 are 2000-2079.
**
** Text that is not valid UTF-8 is read as ISO 8859-1 (Latin-1), which
** German and Dutch banks use for MT940. Control characters (SWIFT's SOH
** and ETX envelope) are dropped.
**
** LIMITS
**   - A date that does not exist (30 February) is an error naming the
**     line, never moved to a real day.
**   - A :61: needs a currency: the :60F:/:60M: opening balance, an MT942
**     :34F: floor limit, a 3-letter code ending the :25: account, or the
**     currency= option. The reader does not guess the number of
**     decimals.
**   - A line that starts with '-' and has at most 3 more characters ends
**     the message, so a narrative line such as "-5" is read as an end.
*/
#include <stdarg.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "dates.h"
#include "statement.h"
#include "statement_mt940.h"
#include "utf8.h"

/* Reader state while a file is read. */
struct mt940_state {
    struct statement_file *file; /* the result being filled */
    char **err_out;              /* where the error message goes */
    char *field;                 /* current field text, lines joined by
                                    '\n'; owned, reused for every field */
    int field_len;               /* bytes in field */
    int field_cap;               /* bytes allocated for field */
    char tag[5];                 /* current tag without colons, "" none */
    int field_line;              /* line where the current field starts */
    int has_statement;           /* a statement_info is open */
    int is_942;                  /* the open statement is an MT942 */
    int force_942;               /* the file was read as 'mt942' */
    int narrative_entry;         /* index of the entry a :86: belongs
                                    to, or -1 */
    char currency[4];            /* currency of the open statement */
    char default_currency[4];    /* the currency= option, or "" */
    int colon_line;              /* line of a pending lone ':', or 0 */
};

/* Sets the error "bank_statement: '<path>': line N: <reason>" and returns
** SQLITE_ERROR (SQLITE_NOMEM when formatting fails). */
static int mt940_fail(struct mt940_state *st, int line, const char *format, ...)
{
    va_list ap;
    char *reason;

    va_start(ap, format);
    reason = sqlite3_vmprintf(format, ap);
    va_end(ap);
    if (reason == NULL)
        return SQLITE_NOMEM;
    *st->err_out = sqlite3_mprintf("bank_statement: '%s': line %d: %s",
                                   st->file->path, line, reason);
    sqlite3_free(reason);
    return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Copies at most max of the n bytes at text into out for an error
** message, through text_excerpt: bytes of a character cut at max, and
** bytes that are not UTF-8, become '?'. Returns out. */
static const char *mt940_quote(const char *text, int n, int max,
                               char out[TEXT_EXCERPT_SIZE])
{
    text_excerpt((const unsigned char *)text, n < max ? n : max, out);
    return out;
}

static int mt940_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int mt940_is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* Reads n digits at text as a number (the caller checked they are digits). */
static int mt940_number(const char *text, int n)
{
    int value = 0;
    int i;

    for (i = 0; i < n; i++)
        value = value * 10 + (text[i] - '0');
    return value;
}

/* Returns 1 when the n bytes at text are all digits. */
static int mt940_all_digits(const char *text, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (!mt940_is_digit(text[i]))
            return 0;
    return 1;
}

/* Returns the year of a two-digit YY (see the header for the pivot). */
static int mt940_year(int yy)
{
    return yy >= 80 ? 1900 + yy : 2000 + yy;
}

/*
** Reads the YYMMDD date at text (6 bytes available) into a day number.
** Returns SQLITE_OK or the error for what of field what is wrong.
*/
static int mt940_date(struct mt940_state *st, const char *text,
                      const char *what, int *days_out)
{
    char quoted[TEXT_EXCERPT_SIZE];
    int year;
    int month;
    int day;

    if (!mt940_all_digits(text, 6))
        return mt940_fail(st, st->field_line,
                          ":%s: %s '%s' is not a YYMMDD date", st->tag, what,
                          mt940_quote(text, 6, 6, quoted));
    year = mt940_year(mt940_number(text, 2));
    month = mt940_number(text + 2, 2);
    day = mt940_number(text + 4, 2);
    if (!date_is_valid(year, month, day))
        return mt940_fail(st, st->field_line,
                          ":%s: %s %.6s does not exist (%04d-%02d-%02d); "
                          "correct the file, the date is not moved",
                          st->tag, what, text, year, month, day);
    *days_out = date_days_from_civil(year, month, day);
    return SQLITE_OK;
}

/*
** Reads an amount of [0-9,] at text (up to n bytes, ',' decimal) in the
** minor units of currency. Sets *used_out to the bytes read. A trailing
** ',' with no decimals ("300,") is allowed, as SWIFT writes it.
*/
static int mt940_amount(struct mt940_state *st, const char *text, int n,
                        const char *currency, sqlite3_int64 *cents_out,
                        int *used_out)
{
    char quoted[TEXT_EXCERPT_SIZE];
    int len = 0;
    int digits = currency_minor_digits(currency);
    int parse_len;

    while (len < n && len < 40 &&
           (mt940_is_digit(text[len]) || text[len] == ','))
        len++;
    parse_len = len;
    if (parse_len > 1 && text[parse_len - 1] == ',')
        parse_len--;
    if (len == 0 || digits < 0 ||
        !currency_parse_decimal(text, parse_len, ',', digits, cents_out))
        return mt940_fail(st, st->field_line,
                          ":%s: amount '%s' is not a %s amount with ',' "
                          "as decimal separator",
                          st->tag, mt940_quote(text, len ? len : n, 20, quoted),
                          currency);
    *used_out = len;
    return SQLITE_OK;
}

/* Returns 1 when the 3 bytes at text are three capitals, which
** currency_minor_digits accepts as a code. */
static int mt940_is_currency(const char *text)
{
    return mt940_is_upper(text[0]) && mt940_is_upper(text[1]) &&
           mt940_is_upper(text[2]);
}

/* Opens a new statement. */
static int mt940_open_statement(struct mt940_state *st)
{
    if (statement_add_info(st->file) == NULL)
        return SQLITE_NOMEM;
    st->has_statement = 1;
    st->is_942 = st->force_942;
    st->narrative_entry = -1;
    st->currency[0] = '\0';
    return SQLITE_OK;
}

/* Returns the open statement, opening one when a field comes before any
** :20: (snippets of a statement). NULL when out of memory. */
static struct statement_info *mt940_statement(struct mt940_state *st)
{
    if (!st->has_statement && mt940_open_statement(st) != SQLITE_OK)
        return NULL;
    return &st->file->statements[st->file->n_statements - 1];
}

/* Replaces *slot with a copy of the field text (trimmed), NULL if empty. */
static int mt940_set_text(char **slot, const char *text, int n)
{
    while (n > 0 && (*text == ' ' || *text == '\n')) {
        text++;
        n--;
    }
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\n'))
        n--;
    sqlite3_free(*slot);
    *slot = n ? statement_strdup(text, n) : NULL;
    return (n && *slot == NULL) ? SQLITE_NOMEM : SQLITE_OK;
}

/* Adds why the closing balance is left out to the statement's warning. */
static int mt940_warn(struct statement_info *info, const char *text)
{
    char *joined = info->warning
                       ? sqlite3_mprintf("%s; %s", info->warning, text)
                       : sqlite3_mprintf("%s", text);

    if (joined == NULL)
        return SQLITE_NOMEM;
    sqlite3_free(info->warning);
    info->warning = joined;
    return SQLITE_OK;
}

/*
** Reads a balance field (:60F:, :62F:, ...): mark C/D, YYMMDD, currency,
** amount. Opening balances set the statement currency; a closing balance
** in another currency, or in a code that is no currency, is left out with
** a warning.
*/
static int mt940_balance(struct mt940_state *st, int opening)
{
    char quoted[TEXT_EXCERPT_SIZE];
    struct statement_info *info = mt940_statement(st);
    const char *text = st->field;
    sqlite3_int64 cents;
    int days;
    int used;
    int rc;

    if (info == NULL)
        return SQLITE_NOMEM;
    if (st->field_len < 11 || (text[0] != 'C' && text[0] != 'D'))
        return mt940_fail(st, st->field_line,
                          ":%s: balance '%s' is not C or D, YYMMDD, "
                          "currency and amount",
                          st->tag,
                          mt940_quote(text, st->field_len, 40, quoted));
    rc = mt940_date(st, text + 1, "date", &days);
    if (rc != SQLITE_OK)
        return rc;
    if (!mt940_is_currency(text + 7)) {
        if (opening)
            return mt940_fail(st, st->field_line,
                              ":%s: currency '%s' is not an ISO 4217 code",
                              st->tag, mt940_quote(text + 7, 3, 3, quoted));
        return mt940_warn(info, "the closing balance has no ISO 4217 "
                                "currency: left out");
    }
    if (!opening && st->currency[0] && memcmp(st->currency, text + 7, 3) != 0)
        return mt940_warn(info, "the closing balance is in another currency "
                                "than the opening balance: left out");
    if (st->currency[0] == '\0') {
        memcpy(st->currency, text + 7, 3);
        st->currency[3] = '\0';
    }
    rc = mt940_amount(st, text + 10, st->field_len - 10, st->currency, &cents,
                      &used);
    if (rc != SQLITE_OK)
        return rc;
    if (10 + used != st->field_len)
        return mt940_fail(st, st->field_line,
                          ":%s: unexpected text '%s' after the amount", st->tag,
                          mt940_quote(text + 10 + used,
                                      st->field_len - 10 - used, 40, quoted));
    if (text[0] == 'D')
        cents = -cents;
    if (info->currency == NULL &&
        (info->currency = statement_strdup(st->currency, 3)) == NULL)
        return SQLITE_NOMEM;
    if (opening) {
        info->has_opening = 1;
        info->opening_cents = cents;
        info->opening_date = days;
    } else {
        info->has_closing = 1;
        info->closing_cents = cents;
        info->closing_date = days;
    }
    return SQLITE_OK;
}

/* Takes the statement currency from a :25: account ending in a 3-letter
** code ("51210600/9223382012EUR") when no balance gave one yet. */
static void mt940_currency_from_account(struct mt940_state *st,
                                        const char *account)
{
    size_t n = account ? strlen(account) : 0;

    if (st->currency[0] == '\0' && n > 3 && mt940_is_digit(account[n - 4]) &&
        mt940_is_currency(account + n - 3)) {
        memcpy(st->currency, account + n - 3, 3);
        st->currency[3] = '\0';
    }
}

/* Reads :25:, which must be one line: more lines are text that lost its
** own tag (a :86: written as :25:). SWIFT allows 35 characters, but
** longer accounts are read as written, because test files carry them. */
static int mt940_account(struct mt940_state *st)
{
    struct statement_info *info = mt940_statement(st);
    char excerpt[TEXT_EXCERPT_SIZE];
    int rc;

    if (info == NULL)
        return SQLITE_NOMEM;
    if (memchr(st->field, '\n', (size_t)st->field_len) != NULL) {
        text_excerpt((const unsigned char *)st->field, st->field_len, excerpt);
        return mt940_fail(st, st->field_line,
                          ":25: account '%s' spans several lines; an "
                          "account is one line, so check the tag of this "
                          "field",
                          excerpt);
    }
    rc = mt940_set_text(&info->account, st->field, st->field_len);
    mt940_currency_from_account(st, info->account);
    return rc;
}

/* Reads :34F: (MT942 floor limit): its currency is the statement's. */
static int mt940_floor_limit(struct mt940_state *st)
{
    char quoted[TEXT_EXCERPT_SIZE];
    if (mt940_statement(st) == NULL)
        return SQLITE_NOMEM;
    st->is_942 = 1;
    if (st->field_len < 3 || !mt940_is_currency(st->field))
        return mt940_fail(st, st->field_line,
                          ":34F: '%s' does not start with a currency code",
                          mt940_quote(st->field, st->field_len, 20, quoted));
    if (st->currency[0] == '\0') {
        memcpy(st->currency, st->field, 3);
        st->currency[3] = '\0';
    }
    return SQLITE_OK;
}

/* ---------------------------------------------------------------------
** :61: statement lines and their :86: narrative.
*/

/* Reads the optional MMDD booking date at text into *days_out, its year
** taken from the value date and moved across a December/January turn. */
static int mt940_booking_date(struct mt940_state *st, const char *text,
                              int value_days, int *days_out)
{
    int month = mt940_number(text, 2);
    int day = mt940_number(text + 2, 2);
    int year;
    int value_month;
    int value_day;

    date_civil_from_days(value_days, &year, &value_month, &value_day);
    if (month - value_month > 6)
        year--;
    else if (value_month - month > 6)
        year++;
    if (!date_is_valid(year, month, day))
        return mt940_fail(st, st->field_line,
                          ":61: booking date %.4s does not exist in %04d; "
                          "correct the file, the date is not moved",
                          text, year);
    *days_out = date_days_from_civil(year, month, day);
    return SQLITE_OK;
}

/* Reads the debit/credit mark at text[*pos]: sets *sign_out (-1 or 1).
** RC (reversal of a credit) is a debit and RD a credit. MT942 may write
** EC/ED for expected entries. */
static int mt940_mark(struct mt940_state *st, const char *text, int n, int *pos,
                      int *sign_out)
{
    char quoted[TEXT_EXCERPT_SIZE];
    int p = *pos;
    int reversal = 0;

    if (p < n && (text[p] == 'R' || text[p] == 'E') && p + 1 < n &&
        (text[p + 1] == 'C' || text[p + 1] == 'D')) {
        reversal = text[p] == 'R';
        p++;
    }
    if (p >= n || (text[p] != 'C' && text[p] != 'D'))
        return mt940_fail(st, st->field_line,
                          ":61: mark '%s' is not D, C, RD or RC",
                          mt940_quote(text + *pos, n - *pos, 2, quoted));
    *sign_out = (text[p] == 'C') != reversal ? 1 : -1;
    *pos = p + 1;
    return SQLITE_OK;
}

/* The parts of a :61: after the amount, as offsets into the field; a
** length of 0 means the part is absent. */
struct mt940_line_refs {
    int customer_start, customer_len; /* customer reference */
    int bank_start, bank_len;         /* bank reference after // */
    int overflow_start, overflow_len; /* text after a 16-character customer
                                         reference that ends in padding */
    int details_start, details_len;   /* supplementary details line */
};

/* Width of the :61: customer reference (SWIFT 16x). */
#define MT940_CUSTOMER_REF_WIDTH 16

/*
** Splits the customer reference of n bytes at start. The old Rabobank
** layout pads it with blanks to 16 characters and writes the
** counterparty name after it, so text after a 16th character that is a
** blank is the overflow. A longer reference without that padding (ASN
** writes an 18-character IBAN) is kept whole.
*/
static void mt940_split_customer(const char *text, int start, int n,
                                 struct mt940_line_refs *refs)
{
    refs->customer_start = start;
    refs->customer_len = n;
    if (n > MT940_CUSTOMER_REF_WIDTH &&
        text[start + MT940_CUSTOMER_REF_WIDTH - 1] == ' ') {
        refs->customer_len = MT940_CUSTOMER_REF_WIDTH;
        refs->overflow_start = start + MT940_CUSTOMER_REF_WIDTH;
        refs->overflow_len = n - MT940_CUSTOMER_REF_WIDTH;
    }
    while (refs->customer_len > 0 &&
           text[start + refs->customer_len - 1] == ' ')
        refs->customer_len--;
}

/* Returns 1 when the 4 bytes at text are a transaction type: N, F or S
** (any capital, as banks write) and 3 capitals, digits or blanks. */
static int mt940_is_transaction_type(const char *text)
{
    int i;

    if (!mt940_is_upper(text[0]))
        return 0;
    for (i = 1; i < 4; i++)
        if (!mt940_is_upper(text[i]) && !mt940_is_digit(text[i]) &&
            text[i] != ' ')
            return 0;
    return 1;
}

/* Splits the rest of a :61: after the amount: transaction type, customer
** reference, //bank reference, and at most one line of supplementary
** details. */
static int mt940_line_refs(struct mt940_state *st, int p,
                           struct mt940_line_refs *refs)
{
    const char *text = st->field;
    int n = st->field_len;
    int end = p;
    int i;

    while (end < n && text[end] != '\n')
        end++;
    if (end < n && memchr(text + end + 1, '\n', (size_t)(n - end - 1)))
        return mt940_fail(st, st->field_line,
                          ":61: has more than 2 lines; the statement line "
                          "takes one line and one of supplementary details");
    memset(refs, 0, sizeof(*refs));
    if (end < n) {
        refs->details_start = end + 1;
        refs->details_len = n - (end + 1);
    }
    if (end - p >= 4 && mt940_is_transaction_type(text + p))
        p += 4;
    for (i = p; i + 1 < end; i++)
        if (text[i] == '/' && text[i + 1] == '/') {
            refs->bank_start = i + 2;
            refs->bank_len = end - (i + 2);
            break;
        }
    mt940_split_customer(text, p, (refs->bank_len ? i : end) - p, refs);
    return SQLITE_OK;
}

/* Returns 1 when the customer reference names no reference: empty,
** NONREF, or a SEPA key without its value ("KREF+"). */
static int mt940_is_no_reference(const char *text, int n)
{
    return n == 0 || (n >= 6 && memcmp(text, "NONREF", 6) == 0) ||
           text[n - 1] == '+';
}

/*
** Fills bank_txn_id and the counterparty and reference fields that the
** :61: itself gives. A :86: narrative may replace all but bank_txn_id.
**   - bank_txn_id is the bank reference after //. The customer reference
**     is never used there, because it repeats across statements (a
**     payer's account or a reused reference), and the import takes a
**     repeated bank_txn_id for a duplicate payment.
**   - The Rabobank overflow is the name, and the customer reference
**     before it is the counterparty account.
**   - A customer reference shaped like an IBAN (ASN Bank) is the
**     counterparty account, and the supplementary details are the name.
**   - Any other customer reference is the end-to-end id and the
**     structured_ref, as the SWIFT mapping of camt.053 to MT940 writes
**     the EndToEndId there.
*/
static int mt940_set_line_references(struct mt940_state *st,
                                     struct statement_entry *e,
                                     const struct mt940_line_refs *refs)
{
    const char *customer = st->field + refs->customer_start;
    int n = refs->customer_len;
    int no_reference = mt940_is_no_reference(customer, n);
    int rc = SQLITE_OK;

    if (refs->bank_len > 0)
        rc = mt940_set_text(&e->bank_txn_id, st->field + refs->bank_start,
                            refs->bank_len);
    if (rc != SQLITE_OK)
        return rc;
    if (refs->overflow_len > 0) {
        rc = mt940_set_text(&e->counterparty_name,
                            st->field + refs->overflow_start,
                            refs->overflow_len);
        if (rc == SQLITE_OK && !no_reference)
            rc = mt940_set_text(&e->counterparty_account, customer, n);
    } else if (refs->bank_len == 0 && mt940_is_iban(customer, n)) {
        rc = mt940_set_text(&e->counterparty_account, customer, n);
        if (rc == SQLITE_OK && refs->details_len > 0)
            rc = mt940_set_text(&e->counterparty_name,
                                st->field + refs->details_start,
                                refs->details_len);
    } else if (!no_reference) {
        rc = mt940_set_text(&e->end_to_end_id, customer, n);
        if (rc == SQLITE_OK)
            rc = mt940_set_text(&e->structured_ref, customer, n);
    }
    return rc;
}

/* Reads the dates, mark and amount at the start of a :61:; sets *pos after
** the amount. */
static int mt940_line_head(struct mt940_state *st, struct statement_entry *e,
                           int *pos)
{
    char quoted[TEXT_EXCERPT_SIZE];
    const char *text = st->field;
    int n = st->field_len;
    int p = 6;
    int sign = 1;
    int used;
    int rc;

    if (n < 8)
        return mt940_fail(st, st->field_line,
                          ":61: '%s' is too short for "
                          "a statement line",
                          mt940_quote(text, n, n, quoted));
    rc = mt940_date(st, text, "value date", &e->value_date);
    if (rc == SQLITE_OK && n >= 10 && mt940_all_digits(text + 6, 4)) {
        rc = mt940_booking_date(st, text + 6, e->value_date, &e->booking_date);
        p = 10;
    } else if (n >= 10 && memcmp(text + 6, "    ", 4) == 0) {
        p = 10; /* a blank booking date (Citi, ASN) */
    }
    if (rc == SQLITE_OK)
        rc = mt940_mark(st, text, n, &p, &sign);
    if (rc != SQLITE_OK)
        return rc;
    if (p + 1 < n && mt940_is_upper(text[p]) && !mt940_is_upper(text[p + 1]))
        p++; /* funds code */
    if (p < n && (text[p] == ' ' || text[p] == '\n'))
        p++; /* some banks break the line before the amount */
    rc = mt940_amount(st, text + p, n - p, st->currency, &e->amount_cents,
                      &used);
    e->amount_cents *= sign;
    *pos = p + used;
    return rc;
}

/* Gives a statement whose file names no currency the currency= option. */
static int mt940_default_currency(struct mt940_state *st)
{
    struct statement_info *info;

    if (st->currency[0] != '\0' || st->default_currency[0] == '\0')
        return SQLITE_OK;
    memcpy(st->currency, st->default_currency, 4);
    info = &st->file->statements[st->file->n_statements - 1];
    if (info->currency == NULL &&
        (info->currency = statement_strdup(st->currency, 3)) == NULL)
        return SQLITE_NOMEM;
    return SQLITE_OK;
}

/* Reads a :61: field into a new entry of the open statement. */
static int mt940_statement_line(struct mt940_state *st)
{
    struct statement_entry *e;
    struct mt940_line_refs refs;
    int pos = 0;
    int rc;

    if (mt940_statement(st) == NULL)
        return SQLITE_NOMEM;
    rc = mt940_default_currency(st);
    if (rc != SQLITE_OK)
        return rc;
    if (st->currency[0] == '\0')
        return mt940_fail(st, st->field_line,
                          ":61: no currency for the amount: the statement "
                          "has no :60F: opening balance, :34F: or currency "
                          "after the :25: account; pass the currency as the "
                          "option 'currency=EUR'");
    e = statement_add_entry(st->file);
    if (e == NULL)
        return SQLITE_NOMEM;
    st->narrative_entry = st->file->n_entries - 1;
    e->pending = st->is_942;
    e->currency = statement_strdup(st->currency, 3);
    e->origin = sqlite3_mprintf("line %d", st->field_line);
    if (e->currency == NULL || e->origin == NULL)
        return SQLITE_NOMEM;
    rc = mt940_line_head(st, e, &pos);
    if (rc == SQLITE_OK)
        rc = mt940_line_refs(st, pos, &refs);
    if (rc == SQLITE_OK)
        rc = mt940_set_line_references(st, e, &refs);
    return rc;
}

/* Moves *from into *to when it is set; a NULL *from keeps *to. */
static void mt940_take(char **to, char **from)
{
    if (*from == NULL)
        return;
    sqlite3_free(*to);
    *to = *from;
    *from = NULL;
}

/* Hands the narrative's strings to the entry. The counterparty it names
** replaces the one the :61: gave. */
static void mt940_move_narrative(struct statement_entry *e,
                                 struct mt940_narrative *narrative)
{
    mt940_take(&e->memo, &narrative->memo);
    mt940_take(&e->counterparty_name, &narrative->counterparty_name);
    mt940_take(&e->counterparty_account, &narrative->counterparty_account);
    mt940_take(&e->structured_ref, &narrative->structured_ref);
    mt940_take(&e->end_to_end_id, &narrative->end_to_end_id);
}

/* Reads a :86: that follows a :61: into that entry. */
static int mt940_information(struct mt940_state *st)
{
    struct mt940_narrative narrative;
    int rc;

    if (st->narrative_entry < 0)
        return SQLITE_OK; /* describes the statement, not an entry */
    memset(&narrative, 0, sizeof(narrative));
    rc = mt940_parse_narrative(st->field, st->field_len, &narrative);
    if (rc == SQLITE_OK)
        mt940_move_narrative(&st->file->entries[st->narrative_entry],
                             &narrative);
    mt940_narrative_free(&narrative);
    st->narrative_entry = -1;
    return rc;
}

/* ---------------------------------------------------------------------
** Fields and lines.
*/

/* Returns 1 when tag (without colons) is one of the names in list. */
static int mt940_tag_in(const char *tag, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(tag, *list) == 0)
            return 1;
    return 0;
}

/* Reads the finished field st->tag / st->field. */
static int mt940_dispatch(struct mt940_state *st)
{
    static const char *const opening[] = {"60F", "60M", "60", NULL};
    static const char *const closing[] = {"62F", "62M", "62", NULL};
    static const char *const marks_942[] = {"13D", "13", "90D", "90C", NULL};
    const char *tag = st->tag;
    int is_86 = strcmp(tag, "86") == 0;
    int rc = SQLITE_OK;

    if (strcmp(tag, "20") != 0 && mt940_statement(st) == NULL)
        return SQLITE_NOMEM;
    if (!is_86 && strcmp(tag, "61") != 0)
        st->narrative_entry = -1;
    if (strcmp(tag, "20") == 0) {
        rc = mt940_open_statement(st);
        if (rc == SQLITE_OK)
            rc = mt940_set_text(&mt940_statement(st)->statement_id, st->field,
                                st->field_len);
    } else if (strcmp(tag, "25") == 0) {
        rc = mt940_account(st);
    } else if (mt940_tag_in(tag, opening) || mt940_tag_in(tag, closing)) {
        rc = mt940_balance(st, mt940_tag_in(tag, opening));
    } else if (strcmp(tag, "34F") == 0) {
        rc = mt940_floor_limit(st);
    } else if (mt940_tag_in(tag, marks_942)) {
        if (mt940_statement(st) == NULL)
            return SQLITE_NOMEM;
        st->is_942 = 1;
    } else if (strcmp(tag, "61") == 0) {
        rc = mt940_statement_line(st);
    } else if (is_86) {
        rc = mt940_information(st);
    }
    return rc;
}

/* Ends the current field: trims it and reads it. */
static int mt940_flush(struct mt940_state *st)
{
    int rc;

    if (st->tag[0] == '\0')
        return SQLITE_OK;
    while (st->field_len > 0 && (st->field[st->field_len - 1] == '\n' ||
                                 st->field[st->field_len - 1] == ' ' ||
                                 st->field[st->field_len - 1] == '\t'))
        st->field_len--;
    st->field[st->field_len] = '\0';
    rc = mt940_dispatch(st);
    st->tag[0] = '\0';
    st->field_len = 0;
    return rc;
}

/* Appends n bytes of a line to the field, control characters dropped;
** with newline set, a '\n' first. */
static int mt940_append(struct mt940_state *st, const char *text, int n,
                        int newline)
{
    int i;

    if (st->field_len + n + 2 > st->field_cap) {
        int cap = (st->field_len + n + 2) * 2;
        char *grown = sqlite3_realloc64(st->field, (sqlite3_uint64)cap);
        if (grown == NULL)
            return SQLITE_NOMEM;
        st->field = grown;
        st->field_cap = cap;
    }
    if (newline)
        st->field[st->field_len++] = '\n';
    for (i = 0; i < n; i++)
        if ((unsigned char)text[i] >= 0x20 || text[i] == '\t')
            st->field[st->field_len++] = text[i];
    st->field[st->field_len] = '\0';
    return SQLITE_OK;
}

/* Returns the length of the tag name and closing colon, "XX:" or
** "XXa:", that starts text, or 0. */
static int mt940_tag_name_length(const char *text, int n)
{
    int i;

    if (n < 3)
        return 0;
    for (i = 0; i < 2; i++)
        if (!mt940_is_digit(text[i]) && !mt940_is_upper(text[i]))
            return 0;
    if (mt940_is_upper(text[2]))
        i = 3;
    return (i < n && text[i] == ':') ? i + 1 : 0;
}

/* Returns the length of the tag ":XX:" or ":XXa:" that starts line, or 0. */
static int mt940_tag_length(const char *line, int n)
{
    int name_len =
        n > 0 && line[0] == ':' ? mt940_tag_name_length(line + 1, n - 1) : 0;

    return name_len ? name_len + 1 : 0;
}

/* Returns 1 for a line that ends a SWIFT message: "-", "-}", "-XXX". */
static int mt940_is_message_end(const char *line, int n)
{
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    return n >= 1 && line[0] == '-' && (n <= 4 || (n >= 2 && line[1] == '}'));
}

static int mt940_line(struct mt940_state *st, const char *line, int n,
                      int number);

/* Reads a line that starts with '{': SWIFT blocks. Text after "{4:" on the
** same line is read as a line of its own. */
static int mt940_block_line(struct mt940_state *st, const char *line, int n,
                            int number)
{
    int i;
    int rc = mt940_flush(st);

    for (i = 0; rc == SQLITE_OK && i + 6 < n; i++)
        if (memcmp(line + i, "{2:", 3) == 0 &&
            memcmp(line + i + 4, "942", 3) == 0)
            st->force_942 = 1; /* {2:O942 or {2:I942 */
    for (i = 0; rc == SQLITE_OK && i + 3 <= n; i++)
        if (memcmp(line + i, "{4:", 3) == 0) {
            if (i + 3 < n && line[i + 3] == ':')
                rc = mt940_line(st, line + i + 3, n - i - 3, number);
            break;
        }
    return rc;
}

/* Starts the field whose tag name (without colons) is the name_len bytes
** at name, with the first line of its text at content. */
static int mt940_start_field(struct mt940_state *st, const char *name,
                             int name_len, const char *content, int n,
                             int number)
{
    int rc;

    if (name_len == 2 && memcmp(name, "86", 2) == 0 &&
        strcmp(st->tag, "86") == 0 && st->narrative_entry >= 0)
        return mt940_append(st, content, n, 1); /* one more narrative line */
    rc = mt940_flush(st);
    if (rc != SQLITE_OK)
        return rc;
    memcpy(st->tag, name, (size_t)name_len);
    st->tag[name_len] = '\0';
    st->field_line = number;
    return mt940_append(st, content, n, 0);
}

/*
** Reads the line after a line that contains only ':'. Sparkasse files
** break a tag after its first colon (":" then "86:..."), so a tag name
** on this line joins that colon. Any other line keeps the colon as field
** text.
*/
static int mt940_after_colon(struct mt940_state *st, const char *line, int n,
                             int *done_out)
{
    int name_len = mt940_tag_name_length(line, n);

    *done_out = name_len > 0;
    if (name_len > 0)
        return mt940_start_field(st, line, name_len - 1, line + name_len,
                                 n - name_len, st->colon_line);
    return st->tag[0] != '\0' ? mt940_append(st, ":", 1, 1) : SQLITE_OK;
}

/* Reads one line (without its line end). */
static int mt940_line(struct mt940_state *st, const char *line, int n,
                      int number)
{
    int tag_len = mt940_tag_length(line, n);

    if (st->colon_line > 0) {
        int done;
        int rc = mt940_after_colon(st, line, n, &done);
        st->colon_line = 0;
        if (rc != SQLITE_OK || done)
            return rc;
    }
    if (n == 1 && line[0] == ':') {
        st->colon_line = number;
        return SQLITE_OK;
    }
    if (tag_len > 0)
        return mt940_start_field(st, line + 1, tag_len - 2, line + tag_len,
                                 n - tag_len, number);
    if (n > 0 && line[0] == '{')
        return mt940_block_line(st, line, n, number);
    if (mt940_is_message_end(line, n))
        return mt940_flush(st);
    if (st->tag[0] != '\0')
        return mt940_append(st, line, n, 1);
    return SQLITE_OK; /* header text before the first field */
}

/* Reads every line of data; line ends are CRLF, LF or CR. */
static int mt940_run(struct mt940_state *st, const char *data, size_t size)
{
    size_t pos = 0;
    int number = 0;
    int rc = SQLITE_OK;

    while (pos < size && rc == SQLITE_OK) {
        size_t end = pos;
        while (end < size && data[end] != '\n' && data[end] != '\r')
            end++;
        rc = mt940_line(st, data + pos, (int)(end - pos), ++number);
        if (end < size && data[end] == '\r' && end + 1 < size &&
            data[end + 1] == '\n')
            end++;
        pos = end + 1;
    }
    if (rc == SQLITE_OK && st->colon_line > 0 && st->tag[0] != '\0')
        rc = mt940_append(st, ":", 1, 1);
    if (rc == SQLITE_OK)
        rc = mt940_flush(st);
    return rc;
}

/* Returns a UTF-8 copy of Latin-1 data in *out (caller frees with
** sqlite3_free()) when data is not valid UTF-8, else sets *out to NULL. */
static int mt940_to_utf8(const char *data, size_t size, char **out,
                         size_t *out_size)
{
    const unsigned char *bytes = (const unsigned char *)data;
    size_t i = 0;
    size_t len = 0;
    char *copy;

    *out = NULL;
    while (i < size) {
        uint32_t code_point;
        int step = utf8_decode(bytes + i, (int)(size - i < 4 ? size - i : 4),
                               &code_point);
        if (step == 0)
            break;
        i += (size_t)step;
    }
    if (i == size)
        return SQLITE_OK;
    copy = sqlite3_malloc64((sqlite3_uint64)size * 2 + 1);
    if (copy == NULL)
        return SQLITE_NOMEM;
    for (i = 0; i < size; i++) {
        if (bytes[i] < 0x80) {
            copy[len++] = (char)bytes[i];
        } else {
            copy[len++] = (char)(0xC0 | (bytes[i] >> 6));
            copy[len++] = (char)(0x80 | (bytes[i] & 0x3F));
        }
    }
    copy[len] = '\0';
    *out = copy;
    *out_size = len;
    return SQLITE_OK;
}

/* Reads the options, a comma-separated list of name=value. MT940 accepts
** currency=<ISO 4217 code>, the currency of statements whose file gives
** none. */
static int mt940_parse_options(struct mt940_state *st, const char *options)
{
    const char *p = options;
    int currency_given = 0;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        int n = end ? (int)(end - p) : (int)strlen(p);
        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == 12 && memcmp(p, "currency=", 9) == 0 &&
            mt940_is_currency(p + 9)) {
            if (currency_given) {
                *st->err_out = sqlite3_mprintf(
                    "bank_statement: mt940 option 'currency' is given "
                    "twice; keep one value");
                return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
            }
            currency_given = 1;
            memcpy(st->default_currency, p + 9, 3);
            st->default_currency[3] = '\0';
        } else if (n > 0) {
            char quoted[TEXT_EXCERPT_SIZE];
            *st->err_out = sqlite3_mprintf(
                "bank_statement: unknown mt940 option '%s'; use "
                "'currency=<ISO 4217 code>', e.g. 'currency=EUR'",
                mt940_quote(p, n, n, quoted));
            return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
        }
        p = end ? end + 1 : NULL;
    }
    return SQLITE_OK;
}

int statement_read_mt940(struct statement_file *file, const char *data,
                         size_t size, const char *options, char **err_out)
{
    struct mt940_state st;
    char *utf8 = NULL;
    size_t utf8_size = 0;
    int rc;
    int i;

    memset(&st, 0, sizeof(st));
    st.file = file;
    st.err_out = err_out;
    rc = mt940_parse_options(&st, options);
    if (rc != SQLITE_OK)
        return rc;
    st.narrative_entry = -1;
    st.force_942 = file->format && strcmp(file->format, "mt942") == 0;
    rc = mt940_to_utf8(data, size, &utf8, &utf8_size);
    if (rc == SQLITE_OK)
        rc =
            utf8 ? mt940_run(&st, utf8, utf8_size) : mt940_run(&st, data, size);
    sqlite3_free(utf8);
    sqlite3_free(st.field);
    if (rc == SQLITE_OK && file->n_statements == 0) {
        *err_out = sqlite3_mprintf("bank_statement: '%s': no MT940 field "
                                   "found; a statement starts with :20:",
                                   file->path);
        return *err_out ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    for (i = 0; rc == SQLITE_OK && i < file->n_entries; i++)
        if (file->entries[i].pending &&
            (file->format == NULL || strcmp(file->format, "mt942") != 0)) {
            sqlite3_free(file->format);
            file->format = statement_strdup("mt942", -1);
            rc = file->format ? SQLITE_OK : SQLITE_NOMEM;
        }
    return rc;
}
