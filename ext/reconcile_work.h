#ifndef RECEIVABLES_RECONCILE_WORK_H
#define RECEIVABLES_RECONCILE_WORK_H

/*
** Internal to the scoring files (reconcile_score.c, reconcile_refs.c,
** reconcile_payer.c, reconcile_sets.c): the evidence weights, the search
** limits and the scratch state of one payment. The weights are explained
** in the header of reconcile_score.c.
*/
#include <stdint.h>

#include "reconcile.h"

/* Log-odds weights; see the table in the file header. */
#define W_PRIOR (-6.0)
#define W_REF_STRUCTURED 14.0
#define W_REF_FUZZY_LONG 4.5
#define W_REF_FUZZY_SHORT 2.5
#define W_REF_REGROUPED 1.0
#define W_REF_STRUCTURED_INVALID 3.0
#define W_REF_DIGITS_LESS 1.0
#define W_REF_FLOOR 0.3
#define W_NAMES_OTHER (-3.0)
#define W_AMOUNT_EQUAL 5.0
#define W_AMOUNT_EQUAL_FLOOR 3.0
#define W_AMOUNT_FEE 1.8
#define W_AMOUNT_OVER_FEE 1.0
#define W_AMOUNT_SHORT (-1.5)
#define W_AMOUNT_OVER (-1.5)
#define W_CUSTOMER_PAYMENT 5.0
#define W_CUSTOMER_ACCOUNT 5.0
#define W_CUSTOMER_SHARED 2.0
#define W_CUSTOMER_NAME_ALIAS 4.5
#define W_CUSTOMER_NAME_97 4.5
#define W_CUSTOMER_NAME_90 3.0
#define W_CUSTOMER_NAME_80 1.5
#define W_CUSTOMER_OTHER (-3.0)
#define W_DATE_BEFORE_ISSUE (-3.0)
#define W_DATE_NEAR_DUE 1.0
#define W_DATE_SCALE_DAYS 25.0
#define W_DATE_FAR (-0.2)
#define W_DATE_VERY_LATE (-1.0)
#define W_SET_EXTRA (-0.3)
#define W_SET_AMBIGUOUS (-1.5)

/* Reference weight from which an invoice counts as named by the memo. */
#define NAMED_WEIGHT 2.0

/* Search limits; see the file header. */
#define MAX_CUSTOMER_INVOICES 40
#define MAX_AMOUNT_MATCHES 16
#define MAX_SERIAL_MATCHES 64
#define MAX_FUZZY_MATCHES 4
#define MAX_FUZZY_HITS 256
#define MAX_PAYERS 6
#define MAX_FOCUS 4
#define MAX_WEAK_KEYS 16
#define MAX_NAME_CANDIDATES 1024
#define MAX_NAME_WORD_POSTINGS 4000
#define MAX_NAME_SCORED 8
#define MAX_SET 16
#define SUBSET_NODE_BUDGET 8000
#define MAX_NAMED 32
#define NAME_KEY_SIZE 128

/* An invoice seen for the current payment, with its best reference. */
struct reconcile_candidate {
    int invoice;
    int eligible;           /* open, same currency, allowed customer */
    float ref_weight;       /* reference term, 0 when none */
    unsigned char ref_kind; /* enum reconcile_ref_kind */
    unsigned char ref_len;
    unsigned char span_in_column;
    unsigned char ref_ambiguous; /* the reference fits other invoices the
                                 ** payment may pay as well */
    unsigned short memo_start;
    unsigned short memo_end;
};

/* A customer the payer was matched to. */
struct reconcile_payer {
    int customer;
    unsigned char kind; /* enum reconcile_customer_kind */
    float similarity;   /* name similarity, 1 for the other kinds */
};

/* A serial key shared by too many invoices to list them all. */
struct reconcile_weak_key {
    int key;    /* index in the memo's keys */
    int spread; /* invoices that share it */
};

/* A row being built, with its sort keys. */
struct reconcile_scored_row {
    struct reconcile_row row;
    int oldest_day;         /* issue day of its oldest invoice */
    sqlite3_int64 first_id; /* invoice_id of its first invoice */
};

/* State of one subset-sum search. */
struct reconcile_subset {
    int min_count;            /* minimum invoices in a solution */
    int invoice[MAX_SET * 2]; /* pool, oldest first */
    sqlite3_int64 cents[MAX_SET * 2];
    sqlite3_int64 suffix[MAX_SET * 2 + 1]; /* sum of cents[i..] */
    int pool;
    int pick[MAX_SET];
    int best[MAX_SET];
    int best_count;
    int solutions;
    int budget;
    int budget_spent; /* 1: the last search stopped on its budget */
    int max_size;
    sqlite3_int64 low;
    sqlite3_int64 high;
};

/* A fuzzy hit: an open invoice and the length of its key. */
struct fuzzy_hit {
    int invoice;
    int len;
};

/* The hits of one fuzzy lookup; stamp marks the invoices already in it. */
struct fuzzy_hits {
    struct fuzzy_hit hit[MAX_FUZZY_HITS];
    int count;
    int *stamp;                               /* the book's hit_stamp */
    const struct reconcile_invoice *invoices; /* the book's */
    int seq;                                  /* this lookup's stamp */
};

struct reconcile_work {
    int seq;                 /* stamp of the current payment */
    int fuzzy_seq;           /* stamp of the current fuzzy lookup */
    int name_seq;            /* stamp of the current name lookup */
    struct fuzzy_hits fuzzy; /* hits of the current fuzzy lookup */
    const struct reconcile_payment *payment;
    const struct reconcile_settings *settings;
    struct reconcile_memo memo;
    struct reconcile_candidate *cands;
    int cand_count;
    int cand_capacity;
    struct reconcile_payer payers[MAX_PAYERS];
    int payer_count;
    int payer_strong; /* payer identified beyond doubt */
    struct reconcile_weak_key weak[MAX_WEAK_KEYS];
    int weak_count;
    struct reconcile_scored_row *rows;
    int row_count;
    int row_capacity;
    struct reconcile_member *members;
    int member_count;
    int member_capacity;
    int focus[MAX_FOCUS];
    int focus_count;
    int names_closed;     /* see reconcile_result_payment */
    int named[MAX_NAMED]; /* candidates the memo names; see list_named */
    int named_count;
    double best_single_logit; /* of the rows of one invoice */
    int amount_spread;        /* open invoices with the payment amount */
    struct reconcile_subset subset;
    char name_key[NAME_KEY_SIZE];
    int name_len;
    uint32_t points_a[NAME_KEY_SIZE];
    uint32_t points_b[NAME_KEY_SIZE];
    int seen_customer[MAX_NAME_CANDIDATES];
};

/* A reference match to record on a candidate. */
struct reconcile_ref_match {
    int kind;   /* enum reconcile_ref_kind */
    int len;    /* length of the invoice key matched */
    int spread; /* invoices the same memo text points at */
    int start;  /* span of the text that matched */
    int end;
    int in_column; /* 1: the span is in structured_ref */
    int ambiguous; /* 1: the memo text fits other invoices as well */
};

/* Makes room for one more element; may reallocate, old pointer invalid. */
int reconcile_reserve(void **array, int *capacity, int count, size_t size);

/*
** Returns the candidate slot of invoice for the current payment, creating
** it, and records match on it when stronger than what it has (NULL records
** nothing). Returns -1 when out of memory.
*/
int reconcile_add_candidate(struct reconcile_book *book,
                            struct reconcile_work *work, int invoice,
                            const struct reconcile_ref_match *match);

/* Returns the candidate of invoice for the current payment, or NULL. */
const struct reconcile_candidate *
reconcile_candidate_of(const struct reconcile_book *book,
                       const struct reconcile_work *work, int invoice);

/* Adds every invoice the memo and structured reference point at. */
int reconcile_find_references(struct reconcile_book *book,
                              struct reconcile_work *work);

/* Gives candidates their serial match from keys too common to list. */
void reconcile_apply_weak_keys(const struct reconcile_book *book,
                               struct reconcile_work *work);

/* Fills work->payers with the customers the payer may be. */
void reconcile_find_payers(struct reconcile_book *book,
                           struct reconcile_work *work);

/* Returns the payer match of customer, or NULL. */
const struct reconcile_payer *
reconcile_payer_of(const struct reconcile_work *work, int customer);

/* Returns the customer weight of a payer match. */
double reconcile_payer_weight(const struct reconcile_payer *p);

/* Returns the amount kind of paying paid against open cents in currency. */
int reconcile_amount_kind(const struct reconcile_settings *s,
                          const char *currency, sqlite3_int64 paid,
                          sqlite3_int64 open);

/*
** Adds a scored row for invoices (oldest first). Returns SQLITE_OK, also
** when the row is dropped because an invoice would get nothing, or
** SQLITE_NOMEM.
*/
int reconcile_add_row(struct reconcile_book *book, struct reconcile_work *work,
                      const int *invoices, int count, int flags);

/* Adds the rows of invoice sets: named sets and subset sums. */
int reconcile_add_sets(struct reconcile_book *book,
                       struct reconcile_work *work);

#endif
