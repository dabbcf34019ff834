/*
** Text columns of reconcile_candidates: the evidence sentence, the invoice
** ids and the allocations as JSON arrays.
**
** The evidence lists, separated by '; ':
**   - the reference of each invoice: "ref 'F-2024-0042' in memo", with
**     " as '2024-42'" when the memo wrote it differently, " (one edit)"
**     for a typo or swap, "serial of 'F-2024-0042' in memo ('42')",
**     "valid structured ref 'RF18...' for 'F-2024-0042'", or
**     "structured ref '...' with wrong check digits for 'F-2024-0042'";
**     "no ref in memo" when none; a number found in a structured_ref
**     column that holds no creditor reference reads "in structured ref"
**     in place of "in memo";
**   - "memo names another invoice" when it names one left out, or
**     "structured ref names another invoice" when only the
**     structured_ref column does;
**   - the amount: "amount equal", "amount 12.50 short, within fee
**     tolerance", "partial: pays 50.00 of 100.00", "over by 5.00, leaves
**     a credit", or for sets "sum of 3 invoices equals amount";
**   - the payer: "payer is the customer" (payments.customer_id), "payer
**     account known for customer", "payer name known for customer",
**     "payer matches customer", "payer name like customer (0.91)",
**     "payer looks like another customer", "payer unknown";
**   - the date: "paid 12 days before issue", or the days to or from the
**     due date;
**   - why it is not auto when a rule other than score took it away.
** Amounts are written with the currency's minor digits (currency.h).
*/
#include <math.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "reconcile.h"

/* Maximum bytes of memo text quoted in the evidence. */
#define QUOTE_MAX 40

const char *reconcile_amount_label(int kind)
{
    static const char *const labels[] = {"equal", "fee", "over_fee", "short",
                                         "over"};
    return kind >= 0 && kind <= RECONCILE_AMOUNT_OVER ? labels[kind] : "";
}

/* Appends cents as a decimal with the currency's minor digits. */
static void append_money(sqlite3_str *out, sqlite3_int64 cents,
                         const char *currency)
{
    int digits = currency_minor_digits(currency);
    sqlite3_int64 scale = 1;
    sqlite3_uint64 magnitude;
    int i;

    if (digits < 0)
        digits = 2;
    for (i = 0; i < digits; i++)
        scale *= 10;
    magnitude = cents < 0 ? (sqlite3_uint64)0 - (sqlite3_uint64)cents
                          : (sqlite3_uint64)cents;
    if (digits == 0) {
        sqlite3_str_appendf(out, "%llu", magnitude);
        return;
    }
    sqlite3_str_appendf(out, "%llu.%0*llu", magnitude / (sqlite3_uint64)scale,
                        digits, magnitude % (sqlite3_uint64)scale);
}

/* Appends text[0..n-1] quoted, cut at QUOTE_MAX bytes on a character. */
static void append_quote(sqlite3_str *out, const char *text, int n)
{
    if (n > QUOTE_MAX) {
        n = QUOTE_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    sqlite3_str_appendchar(out, 1, '\'');
    sqlite3_str_append(out, text, n);
    sqlite3_str_appendchar(out, 1, '\'');
}

/* Appends the invoice's number, quoted. */
static void append_number(sqlite3_str *out, const struct reconcile_book *book,
                          int invoice)
{
    const struct reconcile_invoice *inv = &book->invoices[invoice];

    append_quote(out, reconcile_book_text(book, inv->number_offset),
                 inv->number_len);
}

/* Returns the text a member's span lies in, with its length. */
static const char *span_text(const struct reconcile_result *result,
                             const struct reconcile_result_payment *p,
                             const struct reconcile_member *m, int *len_out)
{
    unsigned int offset = m->span_in_column ? p->column_offset : p->memo_offset;
    int len = m->span_in_column ? p->column_len : p->memo_len;

    if (m->memo_end > len || m->memo_start >= m->memo_end) {
        *len_out = 0;
        return "";
    }
    *len_out = m->memo_end - m->memo_start;
    return result->text + offset + m->memo_start;
}

/* Returns 1 when the memo span reads exactly like the invoice number. */
static int span_is_number(const struct reconcile_book *book,
                          const struct reconcile_member *m, const char *span,
                          int len)
{
    const struct reconcile_invoice *inv = &book->invoices[m->invoice];

    return len == inv->number_len &&
           memcmp(span, reconcile_book_text(book, inv->number_offset),
                  (size_t)len) == 0;
}

/* Appends the reference evidence of one member. */
static void append_member_ref(sqlite3_str *out,
                              const struct reconcile_book *book,
                              const struct reconcile_result *result,
                              const struct reconcile_result_payment *p,
                              const struct reconcile_member *m)
{
    int len;
    const char *span = span_text(result, p, m, &len);
    const char *where = m->span_in_column ? " in structured ref" : " in memo";

    switch (m->ref_kind) {
    case RECONCILE_REF_STRUCTURED:
    case RECONCILE_REF_STRUCTURED_INVALID:
        sqlite3_str_appendall(out, m->ref_kind == RECONCILE_REF_STRUCTURED
                                       ? "valid structured ref "
                                       : "structured ref ");
        append_quote(out, span, len);
        if (m->ref_kind == RECONCILE_REF_STRUCTURED_INVALID)
            sqlite3_str_appendall(out, " with wrong check digits");
        sqlite3_str_appendall(out, " for ");
        append_number(out, book, m->invoice);
        return;
    case RECONCILE_REF_SERIAL:
        sqlite3_str_appendall(out, "serial of ");
        append_number(out, book, m->invoice);
        sqlite3_str_appendall(out, where);
        sqlite3_str_appendall(out, " (");
        append_quote(out, span, len);
        sqlite3_str_appendchar(out, 1, ')');
        return;
    default:
        sqlite3_str_appendall(out, "ref ");
        append_number(out, book, m->invoice);
        sqlite3_str_appendall(out, where);
        if (!span_is_number(book, m, span, len)) {
            sqlite3_str_appendall(out, " as ");
            append_quote(out, span, len);
        }
        if (m->ref_kind == RECONCILE_REF_FUZZY)
            sqlite3_str_appendall(out, " (one edit)");
        if (m->ref_kind == RECONCILE_REF_REGROUPED)
            sqlite3_str_appendall(out, " (grouped as another number)");
    }
}

/* Appends the references of every member that has one. */
static void append_refs(sqlite3_str *out, const struct reconcile_book *book,
                        const struct reconcile_result *result,
                        const struct reconcile_row *row)
{
    const struct reconcile_result_payment *p = &result->payments[row->payment];
    int written = 0;
    int i;

    for (i = 0; i < row->member_count; i++) {
        const struct reconcile_member *m =
            &result->members[row->member_first + i];
        if (m->ref_kind == RECONCILE_REF_NONE)
            continue;
        if (written++ > 0)
            sqlite3_str_appendall(out, ", ");
        append_member_ref(out, book, result, p, m);
    }
    if (written == 0)
        sqlite3_str_appendall(out, "no ref in memo");
    if (row->flags & RECONCILE_ROW_COLUMN_NAMES_OTHER)
        sqlite3_str_appendall(out, "; structured ref names another invoice");
    else if (row->flags & RECONCILE_ROW_NAMES_OTHER)
        sqlite3_str_appendall(out, "; memo names another invoice");
}

/*
** Appends the amount evidence: "amount equal", "amount 10.00 short, within
** fee tolerance", "partial: pays 400.00 of 1000.00", "amount over by
** 100.00, leaves a credit". A set has "sum of 3 invoices" in
** place of "amount".
*/
static void append_amount(sqlite3_str *out,
                          const struct reconcile_result *result,
                          const struct reconcile_row *row)
{
    const struct reconcile_result_payment *p = &result->payments[row->payment];
    sqlite3_int64 diff = row->difference_cents;
    sqlite3_int64 magnitude = diff < 0 ? -diff : diff;
    int set = row->member_count > 1;

    sqlite3_str_appendall(out, "; ");
    if (row->amount_kind == RECONCILE_AMOUNT_SHORT) {
        sqlite3_str_appendall(out, "partial: pays ");
        append_money(out, p->amount_cents, p->currency);
        sqlite3_str_appendall(out, " of ");
        append_money(out, p->amount_cents - diff, p->currency);
        if (set)
            sqlite3_str_appendf(out, " (%d invoices)", row->member_count);
        return;
    }
    if (set)
        sqlite3_str_appendf(out, "sum of %d invoices ", row->member_count);
    else
        sqlite3_str_appendall(out, "amount ");
    switch (row->amount_kind) {
    case RECONCILE_AMOUNT_EQUAL:
        sqlite3_str_appendall(out, set ? "equals amount" : "equal");
        return;
    case RECONCILE_AMOUNT_FEE:
        append_money(out, magnitude, p->currency);
        sqlite3_str_appendall(out, set ? " over amount, within fee tolerance"
                                       : " short, within fee tolerance");
        return;
    default:
        sqlite3_str_appendall(out, set ? "under amount by " : "over by ");
        append_money(out, magnitude, p->currency);
        if (row->amount_kind == RECONCILE_AMOUNT_OVER)
            sqlite3_str_appendall(out, ", leaves a credit");
    }
}

/* Appends the payer evidence. */
static void append_payer(sqlite3_str *out, const struct reconcile_row *row)
{
    switch (row->customer_kind) {
    case RECONCILE_CUSTOMER_PAYMENT:
        sqlite3_str_appendall(out, "; payer is the customer");
        break;
    case RECONCILE_CUSTOMER_ACCOUNT:
        sqlite3_str_appendall(out, "; payer account known for customer");
        break;
    case RECONCILE_CUSTOMER_SHARED_ACCOUNT:
        sqlite3_str_appendall(out,
                              "; payer account known for several customers");
        break;
    case RECONCILE_CUSTOMER_NAME_ALIAS:
        sqlite3_str_appendall(out, "; payer name known for customer");
        break;
    case RECONCILE_CUSTOMER_NAME:
        if (row->name_similarity >= 0.97f)
            sqlite3_str_appendall(out, "; payer matches customer");
        else
            /* Cut, not rounded: 0.967 shows as 0.96, below the 0.97 step.
            ** The float 0.9f is 0.89999998, so a hair is added first, or
            ** the 0.90 floor itself would show as 0.89. */
            sqlite3_str_appendf(
                out, "; payer name like customer (%.2f)",
                floor((double)row->name_similarity * 100.0 + 1e-4) / 100.0);
        break;
    case RECONCILE_CUSTOMER_OTHER:
        sqlite3_str_appendall(out, "; payer looks like another customer");
        break;
    default:
        sqlite3_str_appendall(out, "; payer unknown");
    }
}

/* Appends the date evidence. */
static void append_dates(sqlite3_str *out, const struct reconcile_row *row)
{
    int after = row->days_after_due;

    int days = after < 0 ? -after : after;

    if (row->days_before_issue > 0)
        sqlite3_str_appendf(out, "; paid %d day%s before issue",
                            row->days_before_issue,
                            row->days_before_issue == 1 ? "" : "s");
    else if (after == 0)
        sqlite3_str_appendall(out, "; paid on due date");
    else
        sqlite3_str_appendf(out, "; paid %d day%s %s due date", days,
                            days == 1 ? "" : "s",
                            after < 0 ? "before" : "after");
}

/* Appends why a rule other than the score keeps the row from auto. */
static void append_holds(sqlite3_str *out,
                         const struct reconcile_result *result,
                         const struct reconcile_row *row)
{
    if (row->rank != 1)
        return;
    if (result->payments[row->payment].names_closed)
        sqlite3_str_appendall(out, "; memo names a paid or void invoice");
    if (result->payments[row->payment].duplicate_of != 0)
        sqlite3_str_appendf(
            out, "; same payer, amount and reference as payment %lld",
            result->payments[row->payment].duplicate_of);
    if (row->amount_kind == RECONCILE_AMOUNT_OVER &&
        row->difference_cents >
            result->payments[row->payment].amount_cents - row->difference_cents)
        sqlite3_str_appendall(out, "; pays more than twice what is open");
    if (row->flags & RECONCILE_ROW_AMBIGUOUS)
        sqlite3_str_appendall(out, "; another subset sums the same");
    if (row->flags & RECONCILE_ROW_REF_AMBIGUOUS)
        sqlite3_str_appendall(out, "; memo number fits another invoice too");
    if (row->flags & RECONCILE_ROW_SEARCH_STOPPED)
        sqlite3_str_appendall(
            out, "; subset search stopped at its step limit, another subset "
                 "may sum the same");
    if (row->flags & RECONCILE_ROW_ALLOCATED)
        sqlite3_str_appendall(out, "; payment already partly allocated");
    if (row->flags & RECONCILE_ROW_DECIDED)
        sqlite3_str_appendall(
            out, "; a person rejected or undid a match of this payment");
    if (row->flags & RECONCILE_ROW_CLAIMED)
        sqlite3_str_appendf(out, "; an invoice is taken by payment %lld",
                            row->claimed_by);
}

void reconcile_evidence(const struct reconcile_book *book,
                        const struct reconcile_result *result,
                        const struct reconcile_row *row, sqlite3_str *out)
{
    append_refs(out, book, result, row);
    append_amount(out, result, row);
    append_payer(out, row);
    append_dates(out, row);
    append_holds(out, result, row);
}

void reconcile_invoice_ids(const struct reconcile_book *book,
                           const struct reconcile_result *result,
                           const struct reconcile_row *row, sqlite3_str *out)
{
    int i;

    sqlite3_str_appendchar(out, 1, '[');
    for (i = 0; i < row->member_count; i++)
        sqlite3_str_appendf(
            out, "%s%lld", i ? "," : "",
            book->invoices[result->members[row->member_first + i].invoice]
                .invoice_id);
    sqlite3_str_appendchar(out, 1, ']');
}

void reconcile_allocations(const struct reconcile_result *result,
                           const struct reconcile_row *row, sqlite3_str *out)
{
    int i;

    sqlite3_str_appendchar(out, 1, '[');
    for (i = 0; i < row->member_count; i++)
        sqlite3_str_appendf(
            out, "%s%lld", i ? "," : "",
            result->members[row->member_first + i].allocate_cents);
    sqlite3_str_appendchar(out, 1, ']');
}
