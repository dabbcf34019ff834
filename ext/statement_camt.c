/*
** ISO 20022 camt.053 (bank to customer statement) and camt.054 (debit and
** credit notification), message versions 02 to 08, read with libxml2 into
** the parsed form of statement.h.
**
** Usage:
**   SELECT * FROM bank_statement('june.xml');
**   SELECT * FROM bank_statement('june.xml', 'camt.053');
**   SELECT * FROM bank_statement('june.xml', 'camt', 'batch=split');
**
** What a row is:
**   - One row per Ntry by default ('batch=entry'): the entry's amount, so
**     the rows of a statement add up to its balances. When the entry has
**     one TxDtls, that transaction supplies the counterparty, remittance
**     text and references. When it batches several, counterparty and
**     structured_ref are NULL, memo joins the Ustrd lines of every
**     transaction, and tx_count gives the number of transactions.
**   - 'batch=split' gives one row per TxDtls of a batch entry instead
**     (tx_index 1..n, entry_index shared), each with the transaction's own
**     amount (TxDtls/Amt, else AmtDtls/TxAmt/Amt) and direction
**     (TxDtls/CdtDbtInd, else the entry's). Their sum need not equal the
**     entry (charges, currency conversion);
**     bank_statement_balances still uses the entry amounts.
**
** Field mapping:
**   amount_cents     Ntry/Amt in the minor units of its Ccy attribute,
**                    negative when CdtDbtInd is DBIT
**   status           Sts (or Sts/Cd from version 08): BOOK is 'booked';
**                    PDNG, INFO and FUTR are 'pending' (not booked)
**   counterparty     Dbtr and DbtrAcct for a credit, Cdtr and CdtrAcct for
**                    a debit, else UltmtDbtr or UltmtCdtr. A reversal
**                    (RvslInd true) swaps the sides, because its parties
**                    are those of the original payment.
**   memo             RmtInf/Ustrd lines joined by ' ', else AddtlTxInf,
**                    else Ntry/AddtlNtryInf
**   structured_ref   RmtInf/Strd/CdtrRefInf/Ref, several joined by ' '
**   bank_txn_id      Ntry/AcctSvcrRef, else Ntry/NtryRef, else the
**                    transaction's Refs/AcctSvcrRef, else Refs/TxId
**   end_to_end_id    Refs/EndToEndId, except the placeholder NOTPROVIDED
**   balances         OPBD (else PRCD) opening, CLBD closing; other types
**                    are ignored. A balance in a currency other than the
**                    account's is left out and named in the statement's
**                    warning, not converted.
**   dates            Dt, or the date part of DtTm as written (no time zone
**                    conversion).
**
** Safety: no network (XML_PARSE_NONET), no DTD loading and no entity
** substitution (neither XML_PARSE_DTDLOAD nor XML_PARSE_NOENT), and a
** document with a DOCTYPE is rejected before libxml2 parses any of it,
** because camt never has one.
** XML_PARSE_HUGE is not set, so libxml2's default limits on text size and
** nesting depth apply. The file is streamed with xmlTextReader and each
** child of a statement is expanded on its own, so besides the file and the
** rows, memory contains one such child at a time, never the whole tree.
**
** LIMITS
**   - camt.052 and versions other than 02 to 08 are rejected.
**   - A document wrapped in a business application header envelope
**     (AppHdr + Document under another root) is rejected: pass the
**     Document alone.
**   - Amounts with more decimals than their currency has (ISO 4217) are
**     rejected, unless the extra digits are zeros ("18.150" EUR is 18.15).
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlversion.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "dates.h"
#include "statement.h"
#include "statement_camt.h"

#define CAMT_NS_PREFIX "urn:iso:std:iso:20022:tech:xsd:camt.05"

/* libxml2 2.12 made the structured error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError camt_xml_error;
#else
typedef xmlError camt_xml_error;
#endif

/* Returns the name of the statement element of the message. */
static const char *camt_statement_tag(const struct camt_state *st)
{
    return st->is_054 ? "Ntfctn" : "Stmt";
}

/* Stores text as the libxml2 message of the file, on one line: line ends
** become spaces, trailing ones are dropped. */
static void camt_keep_message(struct camt_state *st, const char *text, int line)
{
    size_t n;
    size_t i;

    sqlite3_snprintf(sizeof(st->xml_message), st->xml_message, "%s", text);
    n = strlen(st->xml_message);
    for (i = 0; i < n; i++)
        if (st->xml_message[i] == '\n' || st->xml_message[i] == '\r')
            st->xml_message[i] = ' ';
    while (n > 0 && st->xml_message[n - 1] == ' ')
        st->xml_message[--n] = '\0';
    st->xml_line = line;
}

/* Keeps the first error libxml2 reports (warnings are dropped), so the
** message can name its line; nothing is printed to stderr. */
static void camt_on_xml_error(void *user, camt_xml_error *error)
{
    struct camt_state *st = user;

    if (error != NULL && error->code == XML_ERR_NO_MEMORY)
        st->xml_no_memory = 1;
    if (error == NULL || error->level < XML_ERR_ERROR ||
        st->xml_message[0] != '\0')
        return;
    camt_keep_message(st, error->message ? error->message : "malformed XML",
                      error->line);
}

/* Keeps the first message libxml2 sends to its generic error handler
** (encoding errors), unless a structured error came first. */
static void camt_on_generic_error(void *user, const char *format, ...)
{
    struct camt_state *st = user;
    char text[256];
    va_list ap;

    va_start(ap, format);
    vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    /* libxml2 2.9 sends some allocation failures here, as text only. */
    if (strstr(text, "alloc") != NULL || strstr(text, "out of memory") != NULL)
        st->xml_no_memory = 1;
    if (st->xml_message[0] != '\0')
        return;
    camt_keep_message(st, text,
                      st->reader ? xmlTextReaderGetParserLineNumber(st->reader)
                                 : 0);
}

/* ---------------------------------------------------------------------
** Element paths, for origins and messages.
*/

/* Returns 1 when node is an element with the local name name. */
int camt_is(const xmlNode *node, const char *name)
{
    return node != NULL && node->type == XML_ELEMENT_NODE &&
           strcmp((const char *)node->name, name) == 0;
}

/* Returns the first child element of node named name, or NULL. */
xmlNode *camt_child(const xmlNode *node, const char *name)
{
    xmlNode *child;

    if (node == NULL)
        return NULL;
    for (child = node->children; child != NULL; child = child->next)
        if (camt_is(child, name))
            return child;
    return NULL;
}

/* Follows a path of child names ("Id", "IBAN", NULL) from node. */
xmlNode *camt_find(const xmlNode *node, const char *const *names)
{
    xmlNode *found = (xmlNode *)node;

    for (; *names != NULL && found != NULL; names++)
        found = camt_child(found, *names);
    return found;
}

/* Appends node's path below the statement child top to out, e.g.
** "/NtryDtls/TxDtls[2]/Amt": [k] only where the name repeats. */
static void camt_append_subpath(sqlite3_str *out, const xmlNode *top,
                                const xmlNode *node)
{
    const xmlNode *sibling;
    int index = 1;
    int repeats = 0;

    if (node == NULL || node == top || node->type != XML_ELEMENT_NODE)
        return;
    camt_append_subpath(out, top, node->parent);
    for (sibling = node->prev; sibling != NULL; sibling = sibling->prev)
        if (camt_is(sibling, (const char *)node->name))
            index++;
    for (sibling = node->next; sibling != NULL && !repeats;
         sibling = sibling->next)
        repeats = camt_is(sibling, (const char *)node->name);
    sqlite3_str_appendf(out, "/%s", (const char *)node->name);
    if (repeats || index > 1)
        sqlite3_str_appendf(out, "[%d]", index);
}

/*
** Returns the path of node, e.g. "Stmt[1]/Ntry[3]/NtryDtls/TxDtls[2]", or
** NULL when out of memory; caller frees with sqlite3_free(). top is the
** expanded child of the statement that contains node (NULL for the
** statement itself). Stmt, Ntry and Bal are numbered from counters because
** the streaming reader has already freed their earlier siblings.
*/
char *camt_path(const struct camt_state *st, const xmlNode *top,
                const xmlNode *node)
{
    sqlite3_str *out = sqlite3_str_new(NULL);

    sqlite3_str_appendf(out, "%s[%d]", camt_statement_tag(st),
                        st->statement_number);
    if (top != NULL) {
        sqlite3_str_appendf(out, "/%s", (const char *)top->name);
        if (camt_is(top, "Ntry"))
            sqlite3_str_appendf(out, "[%d]", st->entry_number);
        else if (camt_is(top, "Bal"))
            sqlite3_str_appendf(out, "[%d]", st->bal_number);
        camt_append_subpath(out, top, node);
    }
    return sqlite3_str_finish(out);
}

/* Sets the error "bank_statement: '<path>': line <n>: element <element
** path>: <reason>" and returns SQLITE_ERROR (SQLITE_NOMEM when out of
** memory). */
int camt_fail(struct camt_state *st, const xmlNode *top, const xmlNode *node,
              const char *format, ...)
{
    char *element = camt_path(st, top, node);
    char *reason;
    va_list ap;

    va_start(ap, format);
    reason = sqlite3_vmprintf(format, ap);
    va_end(ap);
    if (element != NULL && reason != NULL)
        *st->err_out = sqlite3_mprintf(
            "bank_statement: '%s': line %ld: element %s: %s", st->path,
            node ? xmlGetLineNo((xmlNode *)node) : 0L, element, reason);
    sqlite3_free(element);
    sqlite3_free(reason);
    return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* ---------------------------------------------------------------------
** Text, amounts and dates.
*/

/* Returns 1 for XML white space. */
static int camt_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies the text of node (its text and CDATA children) with surrounding
** white space removed into buf of cap bytes. Returns the length, or -1
** when the trimmed text does not fit: the white space around a code may
** be longer than the code's buffer. */
int camt_text(const xmlNode *node, char *buf, int cap)
{
    const xmlNode *child;
    const char *p;
    int n = 0;   /* bytes read after the leading white space */
    int len = 0; /* of those, up to the last that is not white space */

    for (child = node->children; child != NULL; child = child->next) {
        if (child->type != XML_TEXT_NODE &&
            child->type != XML_CDATA_SECTION_NODE)
            continue;
        for (p = (const char *)child->content; *p != '\0'; p++) {
            if (n == 0 && camt_is_space(*p))
                continue;
            if (!camt_is_space(*p)) {
                if (n >= cap - 1)
                    return -1;
                len = n + 1;
            }
            if (n < cap - 1)
                buf[n] = *p;
            n++;
        }
    }
    buf[len] = '\0';
    return len;
}

/* Appends node's trimmed text to out, after a ' ' when out already has
** text. A NULL node appends nothing. Returns SQLITE_OK or SQLITE_NOMEM. */
int camt_append_text(sqlite3_str *out, const xmlNode *node)
{
    const xmlNode *child;
    sqlite3_str *text;
    const char *value;
    int start = 0;
    int n;
    int rc;

    if (node == NULL)
        return SQLITE_OK;
    text = sqlite3_str_new(NULL);
    for (child = node->children; child != NULL; child = child->next)
        if (child->type == XML_TEXT_NODE ||
            child->type == XML_CDATA_SECTION_NODE)
            sqlite3_str_appendall(text, (const char *)child->content);
    n = sqlite3_str_length(text);
    value = sqlite3_str_value(text);
    while (n > 0 && camt_is_space(value[n - 1]))
        n--;
    while (start < n && camt_is_space(value[start]))
        start++;
    if (n > start) {
        if (sqlite3_str_length(out) > 0)
            sqlite3_str_appendchar(out, 1, ' ');
        sqlite3_str_append(out, value + start, n - start);
    }
    rc = sqlite3_str_errcode(text);
    sqlite3_free(sqlite3_str_finish(text));
    return rc == SQLITE_OK ? SQLITE_OK : SQLITE_NOMEM;
}

/* Stores the text finish() gives from out into *text_out (NULL when
** empty), unless *text_out is already set. Returns SQLITE_OK or
** SQLITE_NOMEM. */
int camt_take_text(sqlite3_str *out, char **text_out)
{
    int rc = sqlite3_str_errcode(out);
    char *text = sqlite3_str_finish(out);

    if (rc != SQLITE_OK) {
        sqlite3_free(text);
        return SQLITE_NOMEM;
    }
    if (*text_out == NULL)
        *text_out = text;
    else
        sqlite3_free(text);
    return SQLITE_OK;
}

/* Stores node's trimmed text into *text_out (NULL when node is NULL or its
** text is empty) unless *text_out is already set. */
int camt_set_text(const xmlNode *node, char **text_out)
{
    sqlite3_str *out;

    if (node == NULL || *text_out != NULL)
        return SQLITE_OK;
    out = sqlite3_str_new(NULL);
    if (camt_append_text(out, node) != SQLITE_OK) {
        sqlite3_free(sqlite3_str_finish(out));
        return SQLITE_NOMEM;
    }
    return camt_take_text(out, text_out);
}

/* Returns the value of node's attribute name, borrowed, or NULL. */
static const char *camt_attribute(const xmlNode *node, const char *name)
{
    const xmlAttr *attr;

    for (attr = node->properties; attr != NULL; attr = attr->next)
        if (strcmp((const char *)attr->name, name) == 0 &&
            attr->children != NULL && attr->children->content != NULL)
            return (const char *)attr->children->content;
    return NULL;
}

/* Returns 1 when text is digits with at most one '.' and, after dropping
** trailing zeros, more than digits fraction digits: the amount is
** well-formed but finer than the currency's minor unit. */
static int camt_too_many_decimals(const char *text, int n, int digits)
{
    const char *dot = memchr(text, '.', (size_t)n);
    int i;
    int fraction;

    if (dot == NULL)
        return 0;
    for (i = 0; i < n; i++)
        if (text + i != dot && (text[i] < '0' || text[i] > '9'))
            return 0;
    fraction = n - (int)(dot - text) - 1;
    while (fraction > 0 && dot[fraction] == '0')
        fraction--;
    return fraction > digits;
}

/*
** Parses the amount element amt (an Amt with a Ccy attribute) into signed
** minor units of its currency, negated when negative. currency_out gets
** the code. Errors name the element below top.
*/
int camt_amount(struct camt_state *st, const xmlNode *top, const xmlNode *amt,
                int negative, sqlite3_int64 *cents_out, char currency_out[4])
{
    const char *currency = camt_attribute(amt, "Ccy");
    char text[64];
    int digits;
    int n;

    if (currency == NULL)
        return camt_fail(st, top, amt, "missing Ccy attribute");
    digits = currency_minor_digits(currency);
    if (digits < 0)
        return camt_fail(st, top, amt,
                         "Ccy '%s' is not an ISO 4217 currency code", currency);
    n = camt_text(amt, text, sizeof(text));
    if (n <= 0)
        return camt_fail(st, top, amt,
                         n < 0 ? "amount is too long" : "empty amount");
    if (text[0] == '-' || text[0] == '+')
        return camt_fail(st, top, amt,
                         "amount '%s' has a sign; camt gives the direction "
                         "in CdtDbtInd",
                         text);
    if (!currency_parse_decimal(text, n, '.', digits, cents_out)) {
        if (camt_too_many_decimals(text, n, digits))
            return camt_fail(st, top, amt,
                             "amount '%s' has more decimals than %s allows "
                             "(%d)",
                             text, currency, digits);
        return camt_fail(st, top, amt,
                         "amount '%s' is not a decimal number in range", text);
    }
    if (negative)
        *cents_out = -*cents_out;
    memcpy(currency_out, currency, 4);
    return SQLITE_OK;
}

/* Reads parent's CdtDbtInd into *negative_out: 1 for DBIT, 0 for CRDT. */
int camt_direction(struct camt_state *st, const xmlNode *top,
                   const xmlNode *parent, int *negative_out)
{
    const xmlNode *indicator = camt_child(parent, "CdtDbtInd");
    char text[16];

    if (indicator == NULL)
        return camt_fail(st, top, parent, "missing CdtDbtInd");
    if (camt_text(indicator, text, sizeof(text)) < 0)
        text[0] = '\0';
    if (strcmp(text, "CRDT") != 0 && strcmp(text, "DBIT") != 0)
        return camt_fail(st, top, indicator,
                         "CdtDbtInd '%s' is neither CRDT nor DBIT", text);
    *negative_out = text[0] == 'D';
    return SQLITE_OK;
}

/* Returns 1 when text[0..9] has the shape YYYY-MM-DD. */
static int camt_date_shape(const char *text)
{
    static const char shape[] = "dddd-dd-dd";
    int i;

    for (i = 0; i < DATE_ISO_LEN; i++) {
        if (shape[i] == '-' ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
            return 0;
    }
    return 1;
}

/*
** Reads the date of holder (a BookgDt, ValDt or balance Dt element) from
** its Dt child (YYYY-MM-DD, maybe with a zone) or DtTm child (the date part
** as written) into *days_out.
*/
int camt_date(struct camt_state *st, const xmlNode *top, const xmlNode *holder,
              int *days_out)
{
    const xmlNode *value = camt_child(holder, "Dt");
    int is_datetime = value == NULL;
    char text[64];
    int n;

    if (is_datetime)
        value = camt_child(holder, "DtTm");
    if (value == NULL)
        return camt_fail(st, top, holder, "has neither Dt nor DtTm");
    n = camt_text(value, text, sizeof(text));
    if (n < DATE_ISO_LEN || !camt_date_shape(text) ||
        (n > DATE_ISO_LEN &&
         (is_datetime ? text[DATE_ISO_LEN] != 'T'
                      : strchr("Z+-", text[DATE_ISO_LEN]) == NULL)))
        return camt_fail(st, top, value, "'%s' is not an ISO %s",
                         n < 0 ? "(too long)" : text,
                         is_datetime ? "date-time" : "date");
    if (!date_parse_iso(text, DATE_ISO_LEN, days_out))
        return camt_fail(st, top, value, "date '%.10s' does not exist", text);
    return SQLITE_OK;
}

/* ---------------------------------------------------------------------
** The statement: Id, Acct and Bal.
*/

/* Returns the statement being read. */
static struct statement_info *camt_info(struct camt_state *st)
{
    return &st->file->statements[st->file->n_statements - 1];
}

/* Reads Acct: the IBAN (or other id) and the account currency. */
static int camt_read_account(struct camt_state *st, const xmlNode *acct)
{
    const xmlNode *id = CAMT_FIND(acct, "Id", "IBAN");
    const xmlNode *currency = camt_child(acct, "Ccy");
    char code[8];

    if (id == NULL)
        id = CAMT_FIND(acct, "Id", "Othr", "Id");
    if (currency != NULL) {
        if (camt_text(currency, code, sizeof(code)) < 0)
            memcpy(code, "(long)", 7);
        if (currency_minor_digits(code) < 0)
            return camt_fail(st, acct, currency,
                             "'%s' is not an ISO 4217 currency code", code);
        memcpy(st->account_currency, code, 4);
    }
    return camt_set_text(id, &camt_info(st)->account);
}

/* Returns where a balance of type code goes, or NULL for types that
** bank_statement does not report. */
static struct camt_balance *camt_balance_slot(struct camt_state *st,
                                              const char *code)
{
    if (strcmp(code, "OPBD") == 0)
        return &st->opening;
    if (strcmp(code, "PRCD") == 0)
        return &st->previous_closing;
    if (strcmp(code, "CLBD") == 0)
        return &st->closing;
    return NULL;
}

/* Reads a Bal of type OPBD, PRCD or CLBD; other types are skipped. */
static int camt_read_balance(struct camt_state *st, const xmlNode *bal)
{
    const xmlNode *type = CAMT_FIND(bal, "Tp", "CdOrPrtry", "Cd");
    const xmlNode *amount = camt_child(bal, "Amt");
    const xmlNode *date = camt_child(bal, "Dt");
    struct camt_balance *slot;
    char code[8];
    int negative;
    int rc;

    if (type == NULL || camt_text(type, code, sizeof(code)) < 0)
        return SQLITE_OK; /* proprietary balance type */
    slot = camt_balance_slot(st, code);
    if (slot == NULL)
        return SQLITE_OK;
    if (slot->present)
        return camt_fail(st, bal, bal, "second %s balance in the statement",
                         code);
    if (amount == NULL)
        return camt_fail(st, bal, bal, "missing Amt");
    rc = camt_direction(st, bal, bal, &negative);
    if (rc == SQLITE_OK)
        rc = camt_amount(st, bal, amount, negative, &slot->cents,
                         slot->currency);
    slot->date = STATEMENT_NO_DATE;
    if (rc == SQLITE_OK && date != NULL)
        rc = camt_date(st, bal, date, &slot->date);
    slot->present = rc == SQLITE_OK;
    slot->bal_number = st->bal_number;
    return rc;
}

int camt_warn(struct statement_info *info, char *text)
{
    char *joined;

    if (text == NULL)
        return SQLITE_NOMEM;
    joined =
        info->warning ? sqlite3_mprintf("%s; %s", info->warning, text) : text;
    if (joined != text)
        sqlite3_free(text);
    if (joined == NULL)
        return SQLITE_NOMEM;
    sqlite3_free(info->warning);
    info->warning = joined;
    return SQLITE_OK;
}

/* Copies a read balance into the statement when it is in the statement's
** currency. Otherwise the balance is left out and the warning names it. */
static int camt_apply_balance(struct camt_state *st,
                              const struct camt_balance *balance,
                              const char *label, int *has_out,
                              sqlite3_int64 *cents_out, int *date_out)
{
    struct statement_info *info = camt_info(st);

    if (!balance->present)
        return SQLITE_OK;
    if (strcmp(balance->currency, info->currency) != 0)
        return camt_warn(
            info, sqlite3_mprintf("%s[%d]/Bal[%d]: %s balance is in %s, not "
                                  "the account currency %s; left out",
                                  camt_statement_tag(st), st->statement_number,
                                  balance->bal_number, label, balance->currency,
                                  info->currency));
    *has_out = 1;
    *cents_out = balance->cents;
    *date_out = balance->date;
    return SQLITE_OK;
}

/* Completes the statement that just ended: its currency (Acct/Ccy, else
** that of a balance, else that of its first entry) and its balances. */
static int camt_finish_statement(struct camt_state *st)
{
    struct statement_info *info = camt_info(st);
    const struct camt_balance *opening =
        st->opening.present ? &st->opening : &st->previous_closing;
    const char *currency = st->account_currency;
    int rc;

    if (currency[0] == '\0' && opening->present)
        currency = opening->currency;
    if (currency[0] == '\0' && st->closing.present)
        currency = st->closing.currency;
    if (currency[0] == '\0')
        currency = st->first_entry_currency;
    if (currency[0] == '\0')
        return SQLITE_OK;
    info->currency = statement_strdup(currency, -1);
    if (info->currency == NULL)
        return SQLITE_NOMEM;
    rc = camt_apply_balance(
        st, opening, opening == &st->opening ? "OPBD" : "PRCD",
        &info->has_opening, &info->opening_cents, &info->opening_date);
    if (rc == SQLITE_OK)
        rc = camt_apply_balance(st, &st->closing, "CLBD", &info->has_closing,
                                &info->closing_cents, &info->closing_date);
    return rc;
}

/* Starts the next Stmt or Ntfctn. */
static int camt_start_statement(struct camt_state *st)
{
    if (st->statement_number > 0) {
        int rc = camt_finish_statement(st);
        if (rc != SQLITE_OK)
            return rc;
    }
    st->statement_number++;
    st->entry_number = 0;
    st->bal_number = 0;
    st->account_currency[0] = '\0';
    st->first_entry_currency[0] = '\0';
    memset(&st->opening, 0, sizeof(st->opening));
    memset(&st->previous_closing, 0, sizeof(st->previous_closing));
    memset(&st->closing, 0, sizeof(st->closing));
    return statement_add_info(st->file) ? SQLITE_OK : SQLITE_NOMEM;
}

/* ---------------------------------------------------------------------
** The document: root, message, statements, driven by xmlTextReader.
*/

/* Returns the line of the node the reader is on, or the line the parser
** has reached when there is no node (at the end). */
static long camt_reader_line(const struct camt_state *st)
{
    xmlNode *node = xmlTextReaderCurrentNode(st->reader);
    long line = node ? xmlGetLineNo(node) : -1;

    return line > 0 ? line : xmlTextReaderGetParserLineNumber(st->reader);
}

/* Sets the error "bank_statement: '<path>': line <n>: <reason>" for
** problems above the statements, and returns SQLITE_ERROR. */
static int camt_fail_line(struct camt_state *st, const char *format, ...)
{
    char *reason;
    va_list ap;

    va_start(ap, format);
    reason = sqlite3_vmprintf(format, ap);
    va_end(ap);
    if (reason != NULL)
        *st->err_out = sqlite3_mprintf("bank_statement: '%s': line %ld: %s",
                                       st->path, camt_reader_line(st), reason);
    sqlite3_free(reason);
    return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Checks the root element: a Document in the namespace of camt.053 or
** camt.054 version 02 to 08, and the one the caller requested. */
static int camt_check_root(struct camt_state *st)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(st->reader);
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(st->reader);
    size_t prefix = strlen(CAMT_NS_PREFIX);
    const char *requested = st->file->format;
    char *exact;

    /* A namespace libxml2 could not allocate is dropped from the node, so
    ** a file that has one would read as having none. */
    if (st->xml_no_memory)
        return SQLITE_NOMEM;
    if (name == NULL || strcmp(name, "Document") != 0)
        return camt_fail_line(st,
                              "root element is <%s>, not a camt "
                              "<Document>",
                              name ? name : "?");
    if (ns == NULL || strncmp(ns, CAMT_NS_PREFIX, prefix) != 0 ||
        (ns[prefix] != '3' && ns[prefix] != '4') ||
        strncmp(ns + prefix + 1, ".001.0", 6) != 0 || ns[prefix + 7] < '2' ||
        ns[prefix + 7] > '8' || ns[prefix + 8] != '\0')
        return camt_fail_line(st,
                              "namespace '%s' is not camt.053 or "
                              "camt.054 version 02 to 08",
                              ns ? ns : "");
    st->is_054 = ns[prefix] == '4';
    exact = statement_strdup(st->is_054 ? "camt.054" : "camt.053", -1);
    if (exact == NULL)
        return SQLITE_NOMEM;
    if (strcmp(requested, "camt") != 0 && strcmp(requested, exact) != 0) {
        sqlite3_free(exact);
        return camt_fail_line(st, "the file is %s, not the %s requested",
                              st->is_054 ? "camt.054" : "camt.053", requested);
    }
    sqlite3_free(st->file->format);
    st->file->format = exact;
    return SQLITE_OK;
}

/* Checks the message element under Document. */
static int camt_check_message(struct camt_state *st)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(st->reader);
    const char *expected =
        st->is_054 ? "BkToCstmrDbtCdtNtfctn" : "BkToCstmrStmt";

    if (name == NULL || strcmp(name, expected) != 0)
        return camt_fail_line(st, "element <%s> is not the expected <%s>",
                              name ? name : "?", expected);
    return SQLITE_OK;
}

/* Reads one expanded child of a statement; children other than Id, Acct,
** Bal and Ntry are not needed. */
static int camt_read_statement_child(struct camt_state *st, const xmlNode *node)
{
    if (camt_is(node, "Ntry")) {
        st->entry_number++;
        return camt_read_entry(st, node);
    }
    if (camt_is(node, "Bal")) {
        st->bal_number++;
        return camt_read_balance(st, node);
    }
    if (camt_is(node, "Acct"))
        return camt_read_account(st, node);
    if (camt_is(node, "Id"))
        return camt_set_text(node, &camt_info(st)->statement_id);
    return SQLITE_OK;
}

/*
** Handles the element the reader is on and moves the reader on: down into
** Document, the message and each statement, over everything else. Depth 3
** is a child of a statement, expanded as a small tree. *more_out gets the
** reader's result: 1 more nodes, 0 end, -1 XML error.
*/
static int camt_step_element(struct camt_state *st, int *more_out)
{
    xmlTextReaderPtr r = st->reader;
    int depth = xmlTextReaderDepth(r);
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    xmlNode *node;
    int rc = SQLITE_OK;

    if (depth == 0)
        rc = camt_check_root(st);
    else if (depth == 1)
        rc = camt_check_message(st);
    else if (depth == 2 && strcmp(name, camt_statement_tag(st)) == 0)
        rc = camt_start_statement(st);
    else if (depth == 3 && st->statement_number > 0) {
        node = xmlTextReaderExpand(r);
        if (node == NULL) {
            *more_out = -1;
            return SQLITE_OK;
        }
        rc = camt_read_statement_child(st, node);
        *more_out = xmlTextReaderNext(r);
        return rc;
    } else {
        *more_out = xmlTextReaderNext(r);
        return SQLITE_OK;
    }
    *more_out = xmlTextReaderRead(r);
    return rc;
}

/* Returns the offset of a <!DOCTYPE in the prolog (before the root
** element), skipping the XML declaration, processing instructions and
** comments, or size when there is none. */
static size_t camt_find_doctype(const char *data, size_t size)
{
    size_t i = 0;

    while (i < size) {
        const char *lt = memchr(data + i, '<', size - i);
        size_t rest;
        if (lt == NULL)
            break;
        i = (size_t)(lt - data);
        rest = size - i;
        if (rest >= 9 && memcmp(lt, "<!DOCTYPE", 9) == 0)
            return i;
        if (rest >= 4 && memcmp(lt, "<!--", 4) == 0) {
            for (i += 4; i + 3 <= size && memcmp(data + i, "-->", 3) != 0;)
                i++;
        } else if (rest < 2 || lt[1] != '?') {
            break; /* the root element, or not XML at all */
        }
        i++;
    }
    return size;
}

/* Fails the file when its prolog has a DOCTYPE, before libxml2 parses any
** of it, naming the line the DOCTYPE starts on. */
static int camt_reject_doctype(struct camt_state *st)
{
    size_t at = camt_find_doctype(st->data, st->size);
    long line = 1;
    size_t i;

    if (at == st->size)
        return SQLITE_OK;
    for (i = 0; i < at; i++)
        if (st->data[i] == '\n')
            line++;
    *st->err_out = sqlite3_mprintf("bank_statement: '%s': line %ld: a "
                                   "DOCTYPE is not allowed in camt",
                                   st->path, line);
    return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Returns the number of the file's last line with anything but blanks. */
static int camt_last_line(const struct camt_state *st)
{
    size_t end = st->size;
    size_t i;
    int line = 1;

    while (end > 0 && (st->data[end - 1] == '\n' || st->data[end - 1] == '\r' ||
                       st->data[end - 1] == ' ' || st->data[end - 1] == '\t'))
        end--;
    for (i = 0; i < end; i++)
        if (st->data[i] == '\n')
            line++;
    return line;
}

/* Reads the whole document. */
static int camt_run(struct camt_state *st)
{
    int more = xmlTextReaderRead(st->reader);
    int rc = SQLITE_OK;

    while (more == 1 && rc == SQLITE_OK) {
        int type = xmlTextReaderNodeType(st->reader);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)
            return camt_fail_line(st, "a DOCTYPE is not allowed in camt");
        if (type == XML_READER_TYPE_ELEMENT)
            rc = camt_step_element(st, &more);
        else
            more = xmlTextReaderRead(st->reader);
    }
    if (rc != SQLITE_OK)
        return rc;
    /* Out of memory is not a fault of the file. */
    if (more < 0 && st->xml_no_memory)
        return SQLITE_NOMEM;
    if (more < 0) {
        *st->err_out = sqlite3_mprintf(
            "bank_statement: '%s': line %d: not well-formed XML: %s%s",
            st->path, st->xml_line,
            st->xml_message[0] ? st->xml_message : "parse error",
            st->xml_line >= camt_last_line(st)
                ? "; the file ends before its XML is complete: check "
                  "whether it was cut short in a download or copy"
                : "");
        return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    if (st->statement_number == 0)
        return camt_fail_line(st,
                              "the message has no <%s>: a %s file "
                              "needs at least one",
                              camt_statement_tag(st),
                              st->is_054 ? "camt.054" : "camt.053");
    return camt_finish_statement(st);
}

/* Reads the options, a comma-separated list of name=value. camt accepts
** batch=entry (the default) and batch=split. */
static int camt_parse_options(struct camt_state *st, const char *options)
{
    const char *p = options;
    int batch_given = 0;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        int n = end ? (int)(end - p) : (int)strlen(p);
        while (n > 0 && camt_is_space(*p)) {
            p++;
            n--;
        }
        while (n > 0 && camt_is_space(p[n - 1]))
            n--;
        if (n == 11 && (memcmp(p, "batch=split", 11) == 0 ||
                        memcmp(p, "batch=entry", 11) == 0)) {
            if (batch_given) {
                *st->err_out = sqlite3_mprintf(
                    "bank_statement: camt option 'batch' is given twice; "
                    "keep one value");
                return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
            }
            batch_given = 1;
            st->split_batches = p[6] == 's'; /* batch=split */
        } else if (n > 0) {
            char excerpt[TEXT_EXCERPT_SIZE];
            text_excerpt((const unsigned char *)p, n, excerpt);
            *st->err_out =
                sqlite3_mprintf("bank_statement: unknown camt option '%s'; use "
                                "'batch=entry' or 'batch=split'",
                                excerpt);
            return *st->err_out ? SQLITE_ERROR : SQLITE_NOMEM;
        }
        p = end ? end + 1 : NULL;
    }
    return SQLITE_OK;
}

/* Drops libxml2's generic messages while it sets itself up: it would
** print them on the host process's stderr, which an extension must not
** write to. */
static void camt_drop_message(void *context, const char *format, ...)
{
    (void)context;
    (void)format;
}

void statement_camt_init(void)
{
    xmlGenericErrorFunc saved_handler = xmlGenericError;
    void *saved_context = xmlGenericErrorContext;

    xmlSetGenericErrorFunc(NULL, camt_drop_message);
    xmlInitParser();
    xmlSetGenericErrorFunc(saved_context, saved_handler);
}

int statement_read_camt(struct statement_file *file, const char *data,
                        size_t size, const char *options, char **err_out)
{
    struct camt_state st;
    xmlGenericErrorFunc saved_handler;
    void *saved_context;
    int rc;

    memset(&st, 0, sizeof(st));
    st.file = file;
    st.path = file->path;
    st.err_out = err_out;
    st.data = data;
    st.size = size;
    rc = camt_parse_options(&st, options);
    if (rc == SQLITE_OK)
        rc = camt_reject_doctype(&st);
    if (rc != SQLITE_OK)
        return rc;
    if (size > STATEMENT_MAX_FILE_BYTES)
        return SQLITE_TOOBIG;
    if (size == 0) {
        *err_out = sqlite3_mprintf("bank_statement: '%s' is empty; a camt "
                                   "file is an XML document",
                                   st.path);
        return *err_out ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    /* Encoding and allocation errors bypass the reader's handler and go
    ** to the generic one, which prints to stderr. libxml2 keeps it per
    ** thread, so it is swapped only for this call, from before the reader
    ** exists, and the host's own handler comes back afterwards. */
    saved_handler = xmlGenericError;
    saved_context = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(&st, camt_on_generic_error);
    /* NONET forbids network access. Without NOENT and DTDLOAD, entities
    ** stay unexpanded and external subsets unread. NOERROR and NOWARNING
    ** keep stderr quiet, because the handler below keeps the message.
    ** BIG_LINES reports line numbers past 65535. */
    st.reader =
        xmlReaderForMemory(data, (int)size, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                               XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    if (st.reader == NULL) {
        rc = SQLITE_NOMEM;
    } else {
        xmlTextReaderSetStructuredErrorHandler(st.reader, camt_on_xml_error,
                                               &st);
        rc = camt_run(&st);
        xmlFreeTextReader(st.reader);
    }
    xmlSetGenericErrorFunc(saved_context, saved_handler);
    return rc;
}
