#ifndef RECEIVABLES_RECONCILE_H
#define RECEIVABLES_RECONCILE_H

#include <stddef.h>

#include <sqlite3ext.h>

#include "creditor_ref.h"

/*
** The reconciliation engine behind the reconcile_candidates table, by file:
**   reconcile.c           the virtual table and its SQL API
**   reconcile_settings.c  defaults and checks of the settings
**   reconcile_memo.c      memo words, keys, names and accounts
**   reconcile_book.c      invoices, customers and aliases, indexed
**   reconcile_score.c     scoring and ranking of one payment (weights)
**   reconcile_refs.c      reference evidence
**   reconcile_payer.c     payer evidence
**   reconcile_sets.c      invoice sets and subset sums
**   reconcile_batch.c     claims and the second reading of a statement
**   reconcile_evidence.c  the text columns
**   creditor_ref.c        RF, Finnish and Belgian references
*/

/* ---- Settings ---------------------------------------------------------- */

/*
** Settings of one run; reconcile_settings_default() gives the defaults and
** the header of reconcile_settings.c the allowed values.
*/
struct reconcile_settings {
    double auto_threshold;       /* min score of an auto match: 0.93 */
    double auto_margin;          /* min log-odds lead over rank 2: 2.0 */
    sqlite3_int64 fee_abs_cents; /* fixed part of the fee tolerance, in
                                 ** 1/100 of the major unit: 1000 */
    double fee_pct;              /* percent part of the fee tolerance: 3 */
    int max_rank;                /* candidates listed per payment: 5 */
    int subset_max_invoices;     /* open invoices a subset draws on: 16 */
    int subset_max_size;         /* maximum invoices a subset: 8 */
    int closed_lookback_days;    /* paid/void invoices kept for refs: 365 */
    int duplicate_days;          /* window of a probable duplicate: 5 */
};

/* The settings, in the column order of the reconcile_settings query. */
enum reconcile_setting {
    RECONCILE_SETTING_AUTO_THRESHOLD,
    RECONCILE_SETTING_AUTO_MARGIN,
    RECONCILE_SETTING_FEE_ABS_CENTS,
    RECONCILE_SETTING_FEE_PCT,
    RECONCILE_SETTING_MAX_RANK,
    RECONCILE_SETTING_SUBSET_MAX_INVOICES,
    RECONCILE_SETTING_SUBSET_MAX_SIZE,
    RECONCILE_SETTING_CLOSED_LOOKBACK_DAYS,
    RECONCILE_SETTING_DUPLICATE_DAYS,
    RECONCILE_SETTING_COUNT
};

/* Largest fee tolerance, in percent of the open amount. */
#define RECONCILE_FEE_MAX_SHARE_PCT 10

/* Fills s with the documented defaults. */
void reconcile_settings_default(struct reconcile_settings *s);

/*
** Sets one setting (enum reconcile_setting) from value; NULL keeps the
** current value. A value of the wrong type or out of range returns
** SQLITE_ERROR and sets *problem_out to "NAME must be ..., got ..."
** (caller frees with sqlite3_free()); SQLITE_NOMEM sets it to NULL.
*/
int reconcile_setting_set(struct reconcile_settings *s, int setting,
                          sqlite3_value *value, char **problem_out);

/*
** Reads the one row of reconcile_settings from stmt over the defaults (a
** NULL stmt or a NULL column keeps the default). Returns an SQLite code;
** on a bad value, SQLITE_ERROR with *problem_out as reconcile_setting_set
** sets it.
*/
int reconcile_settings_read(sqlite3_stmt *stmt, struct reconcile_settings *s,
                            char **problem_out);

/*
** Returns the fee tolerance of an open amount in currency (3 letters), in
** its minor units; see FEE TOLERANCE in reconcile_settings.c.
*/
sqlite3_int64 reconcile_fee_tolerance(const struct reconcile_settings *s,
                                      const char *currency,
                                      sqlite3_int64 open_cents);

/* Registers the SQL function reconcile_fee_tolerance on db. */
int reconcile_settings_register(sqlite3 *db);

/* ---- Memo parsing (reconcile_memo.c) ----------------------------------- */

/* Longest normalized key kept; longer words are no invoice number. */
#define RECONCILE_KEY_MAX 40

/* Bytes of a memo that are read; the rest is ignored (see LIMITS). */
#define RECONCILE_MEMO_MAX_BYTES 512

/* Most keys taken from one memo. */
#define RECONCILE_MEMO_MAX_KEYS 96

/* Most structured references taken from one payment. */
#define RECONCILE_MEMO_MAX_REFS 4

/* A string a memo offers as an invoice number, after ref_normalize. */
struct reconcile_memo_key {
    char text[RECONCILE_KEY_MAX + 1]; /* normalized, NUL-terminated */
    unsigned char len;                /* bytes of text */
    unsigned char raw;                /* 1: alphanumerics of the word as
                                       ** written, zeros kept */
    unsigned char run;                /* 1: a digit run inside a longer
                                       ** word, not tried within one edit */
    unsigned char joined;             /* 1: 2 or 3 words joined */
    unsigned char in_column;          /* 1: from the structured_ref column,
                                       ** so start and end are offsets there */
    unsigned short start;             /* byte span in the text it came from */
    unsigned short end;
};

/* A structured creditor reference found in a memo or structured_ref. */
struct reconcile_memo_ref {
    struct creditor_ref ref; /* scheme, validity, payload */
    unsigned short start;    /* byte span in its text */
    unsigned short end;
    unsigned char from_memo; /* 1: memo, 0: structured_ref column */
};

/* The keys a memo offers for lookup, and its count of words set aside. */
struct reconcile_memo {
    struct reconcile_memo_key keys[RECONCILE_MEMO_MAX_KEYS];
    int key_count;
    struct reconcile_memo_ref refs[RECONCILE_MEMO_MAX_REFS];
    int ref_count;
    int skipped_words; /* IBAN, date, amount, account words */
};

/*
** Splits memo[0..n-1] into words, sets aside the words that form an IBAN,
** a date, an amount or a long account number, finds RF and Belgian
** structured references, and writes the keys of the other words (each
** word, each run of 2 or 3 adjacent words, each digit run) into *out.
** Only the first RECONCILE_MEMO_MAX_BYTES bytes are read. Text that is
** not valid UTF-8 gives no keys from the words that contain the bad bytes.
*/
void reconcile_memo_parse(const char *memo, int n, struct reconcile_memo *out);

/*
** Adds the reference in a payment's structured_ref column to *memo, where
** bare digits count as a Finnish or Belgian reference. A column that is
** no single reference is searched for RF and Belgian references as a memo
** is ('RF18539007547034 RF2013001').
*/
void reconcile_memo_add_structured(struct reconcile_memo *memo,
                                   const char *text, int n);

/*
** Normalizes text[0..n-1] with ref_normalize's rules into out (room for
** cap bytes, no terminator). Returns the length, or -1 when the result
** does not fit or the text is not valid UTF-8.
*/
int reconcile_normalize(const char *text, int n, char *out, int cap);

/*
** Writes the matching key of a person's or company's name: the words after
** ref_normalize, legal forms (LTD, S.L., GMBH, ...) and one-letter words
** dropped, joined by one space. Returns its length (0 when nothing is
** left); the key is cut at cap - 1 bytes and NUL-terminated.
*/
int reconcile_name_key(const char *name, int n, char *out, int cap);

/*
** Writes the matching key of an account number or IBAN: its ASCII letters
** and digits, letters in upper case. Returns the length (0 when none);
** cut at cap - 1 bytes and NUL-terminated.
*/
int reconcile_account_key(const char *account, int n, char *out, int cap);

/* ---- Hash map of byte-string keys to lists of values (reconcile_book.c) */

/* A value stored under a key, with a small tag saying how it got there. */
struct reconcile_posting {
    int value;         /* e.g. an invoice or customer index */
    int next;          /* next posting of the same key, -1 at the end */
    unsigned char tag; /* e.g. which of the invoice's keys */
    unsigned char pos; /* deletion map: where a character was deleted */
    char ch;           /* deletion map: the character deleted */
};

/* One distinct key. */
struct reconcile_key_entry {
    unsigned int hash;       /* of the key bytes */
    unsigned int key_offset; /* in keys */
    int first;               /* first posting, -1 when none */
    int count;               /* postings of this key */
    unsigned char key_len;   /* bytes of the key, 1..255 */
};

/* Open-addressing hash of distinct keys, each with a list of postings. */
struct reconcile_keymap {
    sqlite3_uint64 *slots;   /* hash << 32 | entry index + 1;
                              ** 0 = empty */
    unsigned int slot_count; /* a power of two, or 0 */
    struct reconcile_key_entry *entries;
    int entry_count;
    int entry_capacity;
    struct reconcile_posting *postings;
    int posting_count;
    int posting_capacity;
    char *keys; /* key bytes, back to back */
    size_t keys_len;
    size_t keys_capacity;
};

/* Adds (key, value, tag). Returns SQLITE_OK or SQLITE_NOMEM. */
int reconcile_keymap_add(struct reconcile_keymap *map, const char *key, int len,
                         int value, int tag);

/*
** Adds (key, value, tag) to a deletion map: key is the invoice key with
** the character ch deleted at pos.
*/
int reconcile_keymap_add_deletion(struct reconcile_keymap *map, const char *key,
                                  int len, int value, int tag, int pos,
                                  char ch);

/*
** Stores each key's postings next to each other, in the order they were
** added, so that reading a list does not jump around memory. The map
** takes no more additions afterwards. Returns SQLITE_OK or SQLITE_NOMEM.
*/
int reconcile_keymap_compact(struct reconcile_keymap *map);

/* Returns the entry index of key, or -1 when absent. */
int reconcile_keymap_find(const struct reconcile_keymap *map, const char *key,
                          int len);

/* Frees the map's memory and leaves it empty. */
void reconcile_keymap_free(struct reconcile_keymap *map);

/* ---- The book: what one run reads from the database (reconcile_book.c) */

/* State of an invoice. */
enum reconcile_invoice_state {
    RECONCILE_INVOICE_OPEN,   /* issued and not fully allocated */
    RECONCILE_INVOICE_CLOSED, /* paid in full */
    RECONCILE_INVOICE_VOID
};

/* Kind of invoice-number key a posting of the key map is. */
enum reconcile_key_tag {
    RECONCILE_KEY_RAW,        /* letters and digits as printed: F20240042 */
    RECONCILE_KEY_NORM,       /* ref_normalize: F202442 */
    RECONCILE_KEY_DIGITS,     /* digits of the normalized key: 202442 */
    RECONCILE_KEY_RAW_DIGITS, /* all digits, leading zeros cut: 20240042 */
    RECONCILE_KEY_SERIAL      /* the last digit run: 42 */
};

/* An invoice, as the engine reads it. Its text is in the book's arena. */
struct reconcile_invoice {
    sqlite3_int64 invoice_id;
    sqlite3_int64 open_cents; /* total - allocated; 0 unless open */
    int customer;             /* index in customers, -1 when unknown */
    int issue_day;            /* days since 1970-01-01 */
    int due_day;
    unsigned int number_offset; /* the number as printed */
    unsigned int norm_offset;   /* RECONCILE_KEY_NORM key */
    unsigned int digits_offset; /* RECONCILE_KEY_DIGITS key, if any */
    unsigned int serial_offset; /* RECONCILE_KEY_SERIAL key, if any */
    unsigned char number_len;   /* bytes, cut at 255 */
    unsigned char norm_len;
    unsigned char digits_len; /* 0 when the normalized key is all digits */
    unsigned char serial_len; /* 0 when the number has one digit run */
    unsigned char state;      /* enum reconcile_invoice_state */
    char currency[4];         /* NUL-terminated ISO 4217 code */
};

/* A customer. */
struct reconcile_customer {
    sqlite3_int64 customer_id;
    unsigned int name_offset; /* reconcile_name_key of the name */
    unsigned short name_len;
    int open_first; /* range in the book's open_order */
    int open_count;
};

/* Everything a run reads, indexed for lookups. */
struct reconcile_book {
    struct reconcile_invoice *invoices;
    int invoice_count;
    int invoice_capacity;
    struct reconcile_customer *customers;
    int customer_count;
    int customer_capacity;
    int *open_order; /* open invoices by customer, oldest first */
    int open_count;
    char *arena; /* text of numbers, keys and names */
    size_t arena_len;
    size_t arena_capacity;
    struct reconcile_keymap numbers;      /* invoice number keys -> invoices */
    struct reconcile_keymap deletions;    /* keys less one character */
    struct reconcile_keymap amounts;      /* (currency, open cents) -> open */
    struct reconcile_keymap customer_ids; /* customer_id -> customer */
    struct reconcile_keymap name_words;   /* name word prefixes -> customer */
    struct reconcile_keymap aliases;      /* alias key -> customer */
    int *stamp;                /* per invoice: last payment that saw it */
    int *slot;                 /* per invoice: its candidate slot then */
    sqlite3_int64 *remaining;  /* per invoice: open cents left to claim */
    int *hit_stamp;            /* per invoice: last fuzzy lookup that hit it */
    sqlite3_int64 *claimed_by; /* per invoice: payment_id of its last claim */
    int *customer_stamp;       /* per customer: last name lookup that hit it */
    float *customer_vote;      /* per customer: words shared with the payer */
    int loaded;                /* 1 once filled */
};

/* Tags of the alias map: the first byte of each alias key. */
#define RECONCILE_ALIAS_ACCOUNT 'A'
#define RECONCILE_ALIAS_NAME 'N'

/* Prepared statements the book is read with; owned by the virtual table. */
struct reconcile_statements {
    sqlite3_stmt *customers; /* customer_id, name */
    sqlite3_stmt *invoices;  /* see RECONCILE_INVOICES_SQL */
    sqlite3_stmt *aliases;   /* kind, alias, customer_id; may be NULL */
};

/*
** Reads customers, invoices (open ones, and paid or void ones issued on or
** after lookback_date) and aliases into book, which must be empty. On
** failure returns an SQLite code and, when it is not SQLITE_NOMEM, sets
** *err_out (caller frees with sqlite3_free()).
*/
int reconcile_book_load(struct reconcile_book *book,
                        const struct reconcile_statements *stmts,
                        const char *lookback_date, char **err_out);

/* Frees the book's memory and leaves it empty. */
void reconcile_book_free(struct reconcile_book *book);

/*
** Builds the amounts map again from the open invoices and their open
** amounts, after a pass over claims changed them. Returns SQLITE_OK or
** SQLITE_NOMEM.
*/
int reconcile_book_index_amounts(struct reconcile_book *book);

/* Returns the customer index of customer_id, or -1. */
int reconcile_book_customer(const struct reconcile_book *book,
                            sqlite3_int64 customer_id);

/* Returns a pointer into the book's arena (borrowed; valid until freed). */
const char *reconcile_book_text(const struct reconcile_book *book,
                                unsigned int offset);

/* ---- Scoring (reconcile_score.c) --------------------------------------- */

/* A payment to match: its unallocated amount and what the bank gave. */
struct reconcile_payment {
    sqlite3_int64 payment_id;
    sqlite3_int64 customer_id;     /* valid when has_customer */
    sqlite3_int64 amount_cents;    /* unallocated amount */
    sqlite3_int64 allocated_cents; /* already allocated */
    int has_customer;
    int received_day;
    char currency[4];
    const char *payer_name; /* borrowed; may be NULL */
    int payer_name_len;
    const char *payer_account; /* borrowed; may be NULL */
    int payer_account_len;
    const char *memo; /* payments.reference; may be NULL */
    int memo_len;
    const char *structured_ref; /* may be NULL */
    int structured_ref_len;
    int decision_flags;         /* RECONCILE_DECIDED_* */
    sqlite3_int64 duplicate_of; /* earlier payment it repeats, or 0 */
    const char *rejected_sets;  /* ";3;4,5;": invoice id sets, ids
                                ** ascending, a person rejected; or
                                ** NULL. Rows with such a set are
                                ** left out. */
};

/* A person already decided on one of this payment's candidates. */
#define RECONCILE_DECIDED_REJECT 1 /* rejected a candidate: no auto */
#define RECONCILE_DECIDED_UNDO 2   /* undid an automatic allocation */

/* Kind of reference match between memo and invoice, weakest first. */
enum reconcile_ref_kind {
    RECONCILE_REF_NONE,
    RECONCILE_REF_SERIAL,    /* only the last digit run of the number */
    RECONCILE_REF_REGROUPED, /* same key, but another invoice's number has
                             ** the memo's grouping: 'F-12/3' for 'F-1/23' */
    RECONCILE_REF_FUZZY,     /* one edit or swap away */
    RECONCILE_REF_STRUCTURED_INVALID, /* payload of a bad-check reference */
    RECONCILE_REF_DIGITS,             /* the number without letters or zeros */
    RECONCILE_REF_EXACT,              /* the number, as normalized */
    RECONCILE_REF_STRUCTURED          /* a valid creditor reference */
};

/* Amount paid against the candidate's open amount. */
enum reconcile_amount_kind {
    RECONCILE_AMOUNT_EQUAL,
    RECONCILE_AMOUNT_FEE,      /* short by at most the fee tolerance */
    RECONCILE_AMOUNT_OVER_FEE, /* over by at most the fee tolerance */
    RECONCILE_AMOUNT_SHORT,    /* partial payment */
    RECONCILE_AMOUNT_OVER      /* leaves a credit */
};

/* Relation of the payer to the candidate's customer, weakest first. */
enum reconcile_customer_kind {
    RECONCILE_CUSTOMER_NONE,  /* nothing known about the payer */
    RECONCILE_CUSTOMER_OTHER, /* the payer looks like another customer */
    RECONCILE_CUSTOMER_NAME,  /* name similar to the customer's */
    RECONCILE_CUSTOMER_SHARED_ACCOUNT, /* alias of several customers */
    RECONCILE_CUSTOMER_NAME_ALIAS,     /* a name learned from a confirm */
    RECONCILE_CUSTOMER_ACCOUNT,        /* an account learned likewise */
    RECONCILE_CUSTOMER_PAYMENT /* payments.customer_id is this customer */
};

/* Row flags. */
#define RECONCILE_ROW_NAMES_OTHER 1 /* memo names an invoice left out */
#define RECONCILE_ROW_AMBIGUOUS 2   /* another subset sums the same */
#define RECONCILE_ROW_CLAIMED 4     /* an earlier payment took an invoice */
#define RECONCILE_ROW_DECIDED 8     /* a person rejected or undid one */
#define RECONCILE_ROW_SUBSET 16     /* found by the subset-sum search */
#define RECONCILE_ROW_ALLOCATED 32  /* payment already partly allocated */
#define RECONCILE_ROW_REF_AMBIGUOUS                                            \
    64 /* the memo's number fits several                                       \
       ** invoices the payment may pay */
#define RECONCILE_ROW_SEARCH_STOPPED                                           \
    128 /* the subset search stopped on its                                    \
        ** step budget, so another subset may                                  \
        ** sum the same */
#define RECONCILE_ROW_COLUMN_NAMES_OTHER                                       \
    256 /* with NAMES_OTHER: only the                                          \
        ** structured_ref column names it */

/* One invoice of a candidate row. */
struct reconcile_member {
    int invoice;                  /* index in the book */
    sqlite3_int64 allocate_cents; /* what the row allocates to it */
    unsigned char ref_kind;       /* enum reconcile_ref_kind */
    unsigned char ref_len;        /* length of the matched key */
    unsigned short memo_start;    /* span of the memo that matched */
    unsigned short memo_end;
    unsigned char span_in_column; /* 1: the span is in structured_ref,
                                  ** 0: in the memo */
    float ref_weight;             /* this member's reference term */
};

/* One candidate: a payment and one invoice or a set of invoices. */
struct reconcile_row {
    int payment;      /* index in the result's payments */
    int member_first; /* range in the result's members */
    int member_count;
    double logit;                   /* summed evidence, log-odds */
    double score;                   /* 1 / (1 + exp(-logit)) */
    int rank;                       /* 1 = best for the payment */
    int is_auto;                    /* 1 when safe to apply unattended */
    int flags;                      /* RECONCILE_ROW_* */
    int customer;                   /* customer index of the invoices */
    sqlite3_int64 difference_cents; /* amount - sum of open; < 0 short */
    sqlite3_int64 claimed_by;       /* payment that took an invoice first */
    float name_similarity;          /* payer vs customer name, 0..1 */
    int days_before_issue;          /* > 0: paid that long before issue */
    int days_after_due;             /* received - due of the oldest member */
    unsigned char amount_kind;      /* enum reconcile_amount_kind */
    unsigned char customer_kind;    /* enum reconcile_customer_kind */
    float ref_weight;               /* the reference term of logit */
};

/* A payment in the result, with copies of the texts evidence quotes. */
struct reconcile_result_payment {
    sqlite3_int64 payment_id;
    sqlite3_int64 amount_cents; /* unallocated amount */
    int received_day;
    unsigned int memo_offset;   /* copy of the memo read, in text */
    unsigned int column_offset; /* copy of structured_ref, in text */
    unsigned short memo_len;
    unsigned short column_len;
    unsigned char names_closed; /* memo names a paid or void invoice */
    unsigned char rescored;     /* scored again after other claims */
    sqlite3_int64 duplicate_of; /* earlier payment it repeats, or 0 */
    char currency[4];
    int first_row; /* its rows in the result */
    int row_count;
};

/* Rows of one run, grouped by payment and in rank order within each. */
struct reconcile_result {
    struct reconcile_row *rows;
    int row_count;
    int row_capacity;
    struct reconcile_member *members;
    int member_count;
    int member_capacity;
    struct reconcile_result_payment *payments;
    int payment_count;
    int payment_capacity;
    char *text; /* memo copies and references */
    size_t text_len;
    size_t text_capacity;
};

/* Empties a result, keeping its memory for the next run. */
void reconcile_result_clear(struct reconcile_result *result);

/* Frees a result's memory. */
void reconcile_result_free(struct reconcile_result *result);

/* Scratch space reused from payment to payment; see reconcile_score.c. */
struct reconcile_work;

/* Allocates scratch space; NULL when out of memory. */
struct reconcile_work *reconcile_work_new(void);

/* Frees scratch space; NULL is accepted. */
void reconcile_work_free(struct reconcile_work *work);

/*
** Finds and scores the candidates of one payment and appends at most
** settings->max_rank rows to result, best first. Returns SQLITE_OK or
** SQLITE_NOMEM.
*/
int reconcile_score_payment(struct reconcile_book *book,
                            const struct reconcile_settings *settings,
                            struct reconcile_work *work,
                            const struct reconcile_payment *payment,
                            struct reconcile_result *result);

/* ---- Whole-statement passes (reconcile_batch.c) ------------------------ */

/* Most times a full scan re-reads the payments without an auto row. */
#define RECONCILE_MAX_PASSES 3

/*
** Takes auto away from rows whose invoices an earlier payment (by received
** date, then payment_id) already takes in full, so that applying every
** auto row never allocates more than an invoice has open. With fresh set,
** starts from the open amounts and claims every auto row; else claims only
** the auto rows of payments scored again, on top of the earlier claims.
** Uses book->remaining. Returns SQLITE_OK or SQLITE_NOMEM.
*/
int reconcile_resolve_claims(struct reconcile_book *book,
                             struct reconcile_result *result, int fresh);

/* Open amounts and states of the book, kept while a pass changes them. */
struct reconcile_saved_opens {
    sqlite3_int64 *open_cents; /* per invoice; NULL until saved */
    unsigned char *state;
};

/*
** Makes the book show what the claims leave open: an invoice claimed in
** full becomes paid, one claimed in part keeps the rest open. Saves the
** first state in saved. Returns SQLITE_OK or SQLITE_NOMEM.
*/
int reconcile_take_claims(struct reconcile_book *book,
                          struct reconcile_saved_opens *saved);

/* Puts back the saved open amounts and states, and frees them. */
void reconcile_restore_opens(struct reconcile_book *book,
                             struct reconcile_saved_opens *saved);

/* Appends the rows of src's payment index p to dst. */
int reconcile_result_copy_payment(struct reconcile_result *dst,
                                  const struct reconcile_result *src, int p);

/* Returns the number of payments scored again that got an auto row. */
int reconcile_result_rescored_autos(const struct reconcile_result *result);

/* ---- Text of a row (reconcile_evidence.c) ------------------------------ */

/* Appends the row's evidence sentence to out. */
void reconcile_evidence(const struct reconcile_book *book,
                        const struct reconcile_result *result,
                        const struct reconcile_row *row, sqlite3_str *out);

/* Appends the row's invoice ids as a JSON array to out. */
void reconcile_invoice_ids(const struct reconcile_book *book,
                           const struct reconcile_result *result,
                           const struct reconcile_row *row, sqlite3_str *out);

/* Appends the row's allocations as a JSON array of cents to out. */
void reconcile_allocations(const struct reconcile_result *result,
                           const struct reconcile_row *row, sqlite3_str *out);

/* Returns the amount_match label of kind: 'equal', 'fee', 'short', ... */
const char *reconcile_amount_label(int kind);

/* Registers reconcile_candidates and the creditor_ref functions on db. */
int reconcile_register(sqlite3 *db);

#endif
