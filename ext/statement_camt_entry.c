/*
** The camt reader's entries: one Ntry of a camt.053 statement or camt.054
** notification becomes one row, or with 'batch=split' one row per TxDtls
** of a batch. The field mapping is described in statement_camt.c.
**
** Usage:
**   SELECT * FROM bank_statement('june.xml', 'camt', 'batch=split');
**
** LIMITS
**   - A split batch needs an amount on every TxDtls (TxDtls/Amt, or
**     AmtDtls/TxAmt/Amt); version 02 files rarely have one.
**   - Split rows are kept when their signed amounts do not add up to the
**     entry, or are in another currency (camt054.v8.xml: a 200,000.00 SEK
**     debit of three CHF credits). The statement's warning in
**     bank_statement_balances then names the entry; the balance check
**     counts the entry's own amount either way.
*/
#include <stdint.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "money.h"
#include "statement.h"
#include "statement_camt.h"

/* The values every row made from one Ntry shares. */
struct camt_ntry {
    const xmlNode *node; /* the Ntry element */
    sqlite3_int64 cents; /* signed amount of the whole entry */
    char currency[4];    /* Amt Ccy */
    int negative;        /* 1 for DBIT */
    int reversal;        /* RvslInd true */
    int pending;         /* status other than BOOK */
    int booking_date;    /* day number or STATEMENT_NO_DATE */
    int value_date;      /* day number or STATEMENT_NO_DATE */
    int tx_count;        /* TxDtls elements in all its NtryDtls */
};

/* Returns the TxDtls after prev (the first when prev is NULL) across all
** NtryDtls of ntry, or NULL after the last. */
static const xmlNode *camt_next_tx(const xmlNode *ntry, const xmlNode *prev)
{
    const xmlNode *details = prev ? prev->parent : camt_child(ntry, "NtryDtls");
    const xmlNode *tx =
        prev ? prev->next : (details ? details->children : NULL);

    while (details != NULL) {
        for (; tx != NULL; tx = tx->next)
            if (camt_is(tx, "TxDtls"))
                return tx;
        do
            details = details->next;
        while (details != NULL && !camt_is(details, "NtryDtls"));
        tx = details ? details->children : NULL;
    }
    return NULL;
}

/* Reads Sts (text, or Sts/Cd from version 08) into *pending_out. */
static int camt_status(struct camt_state *st, const xmlNode *ntry,
                       int *pending_out)
{
    const xmlNode *status = camt_child(ntry, "Sts");
    const xmlNode *code = camt_child(status, "Cd");
    char text[16];

    if (status == NULL)
        return camt_fail(st, ntry, ntry, "missing Sts");
    if (camt_text(code ? code : status, text, sizeof(text)) < 0)
        text[0] = '\0';
    if (strcmp(text, "BOOK") == 0) {
        *pending_out = 0;
        return SQLITE_OK;
    }
    if (strcmp(text, "PDNG") == 0 || strcmp(text, "INFO") == 0 ||
        strcmp(text, "FUTR") == 0) {
        *pending_out = 1;
        return SQLITE_OK;
    }
    return camt_fail(st, ntry, code ? code : status,
                     "status '%s' is not BOOK, PDNG, INFO or FUTR", text);
}

/* Reads what every row of the entry shares into base. */
static int camt_read_ntry(struct camt_state *st, const xmlNode *ntry,
                          struct camt_ntry *base)
{
    const xmlNode *amount = camt_child(ntry, "Amt");
    const xmlNode *reversal = camt_child(ntry, "RvslInd");
    const xmlNode *booking = camt_child(ntry, "BookgDt");
    const xmlNode *value = camt_child(ntry, "ValDt");
    const xmlNode *tx;
    char text[16];
    int rc;

    memset(base, 0, sizeof(*base));
    base->node = ntry;
    base->booking_date = STATEMENT_NO_DATE;
    base->value_date = STATEMENT_NO_DATE;
    if (amount == NULL)
        return camt_fail(st, ntry, ntry, "missing Amt");
    rc = camt_direction(st, ntry, ntry, &base->negative);
    if (rc == SQLITE_OK)
        rc = camt_amount(st, ntry, amount, base->negative, &base->cents,
                         base->currency);
    if (rc == SQLITE_OK)
        rc = camt_status(st, ntry, &base->pending);
    if (rc == SQLITE_OK && booking != NULL)
        rc = camt_date(st, ntry, booking, &base->booking_date);
    if (rc == SQLITE_OK && value != NULL)
        rc = camt_date(st, ntry, value, &base->value_date);
    if (reversal != NULL && camt_text(reversal, text, sizeof(text)) > 0)
        base->reversal = strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
    for (tx = camt_next_tx(ntry, NULL); tx != NULL; tx = camt_next_tx(ntry, tx))
        base->tx_count++;
    return rc;
}

/* Returns the name element of a party: Nm, Pty/Nm (version 08) or, for a
** bank, Agt/FinInstnId/Nm. */
static const xmlNode *camt_party_name(const xmlNode *party)
{
    const xmlNode *name = camt_child(party, "Nm");

    if (name == NULL)
        name = CAMT_FIND(party, "Pty", "Nm");
    if (name == NULL)
        name = CAMT_FIND(party, "Agt", "FinInstnId", "Nm");
    return name;
}

/* Sets the counterparty of the row from tx: the debtor side (the payer)
** when debtor is 1, else the creditor side (the payee). */
static int camt_fill_parties(const xmlNode *tx, struct statement_entry *e,
                             int debtor)
{
    const xmlNode *parties = camt_child(tx, "RltdPties");
    const xmlNode *name;
    const xmlNode *account;
    int rc;

    if (parties == NULL)
        return SQLITE_OK;
    name = camt_party_name(camt_child(parties, debtor ? "Dbtr" : "Cdtr"));
    if (name == NULL)
        name = camt_party_name(
            camt_child(parties, debtor ? "UltmtDbtr" : "UltmtCdtr"));
    account = camt_child(parties, debtor ? "DbtrAcct" : "CdtrAcct");
    rc = camt_set_text(name, &e->counterparty_name);
    if (rc == SQLITE_OK)
        rc = camt_set_text(CAMT_FIND(account, "Id", "IBAN"),
                           &e->counterparty_account);
    if (rc == SQLITE_OK)
        rc = camt_set_text(CAMT_FIND(account, "Id", "Othr", "Id"),
                           &e->counterparty_account);
    return rc;
}

/* Appends the Ustrd lines of tx to memo and its creditor references to
** refs (when refs is not NULL). */
static int camt_append_remittance(sqlite3_str *memo, sqlite3_str *refs,
                                  const xmlNode *tx)
{
    const xmlNode *child;
    int rc = SQLITE_OK;

    child = camt_child(tx, "RmtInf");
    for (child = child ? child->children : NULL;
         child != NULL && rc == SQLITE_OK; child = child->next) {
        if (camt_is(child, "Ustrd"))
            rc = camt_append_text(memo, child);
        else if (refs != NULL && camt_is(child, "Strd"))
            rc = camt_append_text(refs, CAMT_FIND(child, "CdtrRefInf", "Ref"));
    }
    return rc;
}

/* Sets the references of the row from tx's Refs. */
static int camt_fill_refs(const xmlNode *tx, struct statement_entry *e)
{
    const xmlNode *refs = camt_child(tx, "Refs");
    const xmlNode *end_to_end = camt_child(refs, "EndToEndId");
    char text[16];
    int rc = SQLITE_OK;

    /* NOTPROVIDED is the placeholder SEPA payers send for "no id". */
    if (end_to_end != NULL &&
        !(camt_text(end_to_end, text, sizeof(text)) >= 0 &&
          strcmp(text, "NOTPROVIDED") == 0))
        rc = camt_set_text(end_to_end, &e->end_to_end_id);
    if (rc == SQLITE_OK)
        rc = camt_set_text(camt_child(refs, "AcctSvcrRef"), &e->bank_txn_id);
    if (rc == SQLITE_OK)
        rc = camt_set_text(camt_child(refs, "TxId"), &e->bank_txn_id);
    if (rc == SQLITE_OK)
        rc = camt_set_text(camt_child(refs, "UETR"), &e->bank_txn_id);
    return rc;
}

/* Sets counterparty, references and remittance of the row from one
** transaction tx; debtor as in camt_fill_parties. */
static int camt_fill_tx(const xmlNode *tx, struct statement_entry *e,
                        int debtor)
{
    sqlite3_str *memo = sqlite3_str_new(NULL);
    sqlite3_str *refs = sqlite3_str_new(NULL);
    int rc = camt_append_remittance(memo, refs, tx);
    int rc2;

    rc2 = camt_take_text(memo, &e->memo);
    if (rc == SQLITE_OK)
        rc = rc2;
    rc2 = camt_take_text(refs, &e->structured_ref);
    if (rc == SQLITE_OK)
        rc = rc2;
    if (rc == SQLITE_OK)
        rc = camt_set_text(camt_child(tx, "AddtlTxInf"), &e->memo);
    if (rc == SQLITE_OK)
        rc = camt_fill_parties(tx, e, debtor);
    if (rc == SQLITE_OK)
        rc = camt_fill_refs(tx, e);
    return rc;
}

/* Returns 1 when the counterparty of a row is the debtor (the payer): for
** a credit, unless it is a reversal, which keeps the parties of the
** original payment in the other direction. */
static int camt_counterparty_is_debtor(int negative, int reversal)
{
    return negative == reversal;
}

/* Appends a row for the entry, filled with the values all its rows share.
** origin_node is the element the row comes from. Returns the row, or NULL
** when out of memory; it is valid until the next statement_add_entry. */
static struct statement_entry *camt_add_row(struct camt_state *st,
                                            const struct camt_ntry *base,
                                            const xmlNode *origin_node,
                                            const char currency[4])
{
    struct statement_entry *e = statement_add_entry(st->file);

    if (e == NULL)
        return NULL;
    e->booking_date = base->booking_date;
    e->value_date = base->value_date;
    e->pending = base->pending;
    e->tx_count = base->tx_count;
    e->currency = statement_strdup(currency, -1);
    e->origin = camt_path(st, base->node, origin_node);
    if (e->currency == NULL || e->origin == NULL)
        return NULL;
    return e;
}

/* Sets the bank id of a row from Ntry/AcctSvcrRef, else Ntry/NtryRef. */
static int camt_fill_entry_refs(const struct camt_ntry *base,
                                struct statement_entry *e)
{
    int rc =
        camt_set_text(camt_child(base->node, "AcctSvcrRef"), &e->bank_txn_id);

    if (rc == SQLITE_OK)
        rc = camt_set_text(camt_child(base->node, "NtryRef"), &e->bank_txn_id);
    return rc;
}

/* Emits one row for the whole entry (see the header for what a batch
** entry's row holds). */
static int camt_emit_entry(struct camt_state *st, const struct camt_ntry *base)
{
    struct statement_entry *e =
        camt_add_row(st, base, base->node, base->currency);
    const xmlNode *tx;
    int rc;

    if (e == NULL)
        return SQLITE_NOMEM;
    e->amount_cents = base->cents;
    rc = camt_fill_entry_refs(base, e);
    if (rc == SQLITE_OK && base->tx_count == 1)
        rc = camt_fill_tx(
            camt_next_tx(base->node, NULL), e,
            camt_counterparty_is_debtor(base->negative, base->reversal));
    if (rc == SQLITE_OK && base->tx_count > 1) {
        sqlite3_str *memo = sqlite3_str_new(NULL);
        for (tx = camt_next_tx(base->node, NULL); tx != NULL && rc == SQLITE_OK;
             tx = camt_next_tx(base->node, tx))
            rc = camt_append_remittance(memo, NULL, tx);
        if (camt_take_text(memo, &e->memo) != SQLITE_OK)
            rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK)
        rc = camt_set_text(camt_child(base->node, "AddtlNtryInf"), &e->memo);
    return rc;
}

/* Emits the index-th transaction tx of a batch entry as its own row. */
static int camt_emit_tx(struct camt_state *st, const struct camt_ntry *base,
                        const xmlNode *tx, int index)
{
    const xmlNode *amount = camt_child(tx, "Amt");
    struct statement_entry *e;
    sqlite3_int64 cents;
    char currency[4];
    int negative = base->negative;
    int rc = SQLITE_OK;

    if (amount == NULL)
        amount = CAMT_FIND(tx, "AmtDtls", "TxAmt", "Amt");
    if (amount == NULL)
        return camt_fail(st, base->node, tx,
                         "batch transaction without Amt or AmtDtls/TxAmt; "
                         "read the file with 'batch=entry'");
    if (camt_child(tx, "CdtDbtInd") != NULL)
        rc = camt_direction(st, base->node, tx, &negative);
    if (rc == SQLITE_OK)
        rc = camt_amount(st, base->node, amount, negative, &cents, currency);
    if (rc != SQLITE_OK)
        return rc;
    e = camt_add_row(st, base, tx, currency);
    if (e == NULL)
        return SQLITE_NOMEM;
    e->amount_cents = cents;
    e->tx_index = index;
    e->entry_amount_cents = base->cents;
    e->entry_currency = statement_strdup(base->currency, -1);
    if (e->entry_currency == NULL)
        return SQLITE_NOMEM;
    rc = camt_fill_tx(tx, e,
                      camt_counterparty_is_debtor(negative, base->reversal));
    if (rc == SQLITE_OK)
        rc = camt_fill_entry_refs(base, e);
    if (rc == SQLITE_OK)
        rc = camt_set_text(camt_child(base->node, "AddtlNtryInf"), &e->memo);
    return rc;
}

/* Writes cents of currency as money_format text ("-200,000.00"). */
static void camt_format_cents(sqlite3_int64 cents, const char *currency,
                              char out[MONEY_TEXT_MAX])
{
    int digits = currency_minor_digits(currency);

    money_format(cents, digits < 0 ? 2 : digits, out);
}

/*
** Warns on the statement when the split rows of a batch, file->entries
** from first on, do not add up to the entry: another currency, or another
** signed sum. A sum that would overflow counts as different.
*/
static int camt_check_split_total(struct camt_state *st,
                                  const struct camt_ntry *base, int first)
{
    const struct statement_file *file = st->file;
    struct statement_info *info = &st->file->statements[file->n_statements - 1];
    sqlite3_int64 total = 0;
    int same_currency = 1;
    int fits = 1;
    char entry_text[MONEY_TEXT_MAX];
    char total_text[MONEY_TEXT_MAX];
    char *path;
    char *text;
    int i;

    for (i = first; i < file->n_entries; i++) {
        sqlite3_int64 cents = file->entries[i].amount_cents;
        if (strcmp(file->entries[i].currency, base->currency) != 0)
            same_currency = 0;
        else if ((cents > 0 && total > INT64_MAX - cents) ||
                 (cents < 0 && total < INT64_MIN - cents))
            fits = 0;
        else
            total += cents;
    }
    if (same_currency && fits && total == base->cents)
        return SQLITE_OK;
    path = camt_path(st, base->node, base->node);
    if (path == NULL)
        return SQLITE_NOMEM;
    camt_format_cents(base->cents, base->currency, entry_text);
    camt_format_cents(total, base->currency, total_text);
    if (same_currency)
        text = sqlite3_mprintf("%s: the %d batch=split rows add up to %s %s, "
                               "not the entry's %s %s",
                               path, file->n_entries - first, total_text,
                               base->currency, entry_text, base->currency);
    else
        text = sqlite3_mprintf("%s: the %d batch=split rows are not all in "
                               "%s, so they cannot add up to the entry's %s %s",
                               path, file->n_entries - first, base->currency,
                               entry_text, base->currency);
    sqlite3_free(path);
    return camt_warn(info, text);
}

/* Reads one Ntry into one row, or one row per transaction of a batch
** with 'batch=split'. */
int camt_read_entry(struct camt_state *st, const xmlNode *ntry)
{
    struct camt_ntry base;
    const xmlNode *tx;
    int index = 0;
    int first;
    int rc = camt_read_ntry(st, ntry, &base);

    if (rc != SQLITE_OK)
        return rc;
    if (st->first_entry_currency[0] == '\0')
        memcpy(st->first_entry_currency, base.currency, 4);
    if (!st->split_batches || base.tx_count < 2)
        return camt_emit_entry(st, &base);
    first = st->file->n_entries;
    for (tx = camt_next_tx(ntry, NULL); tx != NULL && rc == SQLITE_OK;
         tx = camt_next_tx(ntry, tx))
        rc = camt_emit_tx(st, &base, tx, ++index);
    if (rc == SQLITE_OK)
        rc = camt_check_split_total(st, &base, first);
    return rc;
}
