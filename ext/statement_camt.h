#ifndef RECEIVABLES_STATEMENT_CAMT_H
#define RECEIVABLES_STATEMENT_CAMT_H

/*
** Internals shared by the two files of the camt reader:
** statement_camt.c (the document, statements and element values) and
** statement_camt_entry.c (entries and their transactions). Nothing here
** is part of the extension's interface; statement.h declares the reader.
*/
#include <stddef.h>

#include <libxml/xmlreader.h>

#include <sqlite3ext.h>

#include "statement.h"

/* A balance of the statement being read, kept until the statement ends
** because its currency is checked against the account's. */
struct camt_balance {
    int present;         /* 1 when the file gives it */
    int bal_number;      /* n of Bal[n] in the statement */
    sqlite3_int64 cents; /* signed, in the minor units of currency */
    char currency[4];    /* the Amt Ccy attribute */
    int date;            /* day number or STATEMENT_NO_DATE */
};

/* The reading state of one file. */
struct camt_state {
    struct statement_file *file; /* the output */
    const char *path;            /* for messages, borrowed */
    char **err_out;              /* where the first error goes */
    xmlTextReaderPtr reader;     /* the libxml2 stream */
    const char *data;            /* the whole file, borrowed */
    size_t size;
    int is_054;                   /* 1 camt.054 (Ntfctn), 0 camt.053 (Stmt) */
    int split_batches;            /* 'batch=split' */
    int statement_number;         /* n of Stmt[n], 0 before the first */
    int entry_number;             /* n of Ntry[n] within the statement */
    int bal_number;               /* n of Bal[n] within the statement */
    char account_currency[4];     /* Acct/Ccy, or "" */
    char first_entry_currency[4]; /* Ccy of the statement's first Ntry */
    struct camt_balance opening;  /* OPBD */
    struct camt_balance previous_closing; /* PRCD, the opening fallback */
    struct camt_balance closing;          /* CLBD */
    char xml_message[256];                /* first libxml2 error, or "" */
    int xml_no_memory;                    /* 1: libxml2 ran out of memory */
    int xml_line;                         /* its line */
};

#define CAMT_FIND(node, ...)                                                   \
    camt_find((node), (const char *const[]){__VA_ARGS__, NULL})

/* Returns 1 when node is an element with the local name name. */
int camt_is(const xmlNode *node, const char *name);

/* Returns the first child element of node named name, or NULL. */
xmlNode *camt_child(const xmlNode *node, const char *name);

/* Follows a path of child names, ending in NULL, from node; see CAMT_FIND. */
xmlNode *camt_find(const xmlNode *node, const char *const *names);

/* Returns the element path of node below the statement child top, e.g.
** "Stmt[1]/Ntry[3]/NtryDtls/TxDtls[2]"; caller frees with sqlite3_free(). */
char *camt_path(const struct camt_state *st, const xmlNode *top,
                const xmlNode *node);

/* Adds text (sqlite3_mprintf'd, taken over and freed here; NULL means out
** of memory) to the statement's warning, after any earlier one. Returns
** SQLITE_OK or SQLITE_NOMEM. */
int camt_warn(struct statement_info *info, char *text);

/* Sets the error naming file, line and element path of node, and returns
** SQLITE_ERROR (SQLITE_NOMEM when out of memory). */
int camt_fail(struct camt_state *st, const xmlNode *top, const xmlNode *node,
              const char *format, ...);

/* Copies node's trimmed text into buf of cap bytes; returns its length, or
** -1 when it does not fit. */
int camt_text(const xmlNode *node, char *buf, int cap);

/* Appends node's trimmed text to out after a ' '; SQLITE_OK or
** SQLITE_NOMEM. */
int camt_append_text(sqlite3_str *out, const xmlNode *node);

/* Finishes out into *text_out unless that is already set. */
int camt_take_text(sqlite3_str *out, char **text_out);

/* Stores node's trimmed text into *text_out unless that is already set. */
int camt_set_text(const xmlNode *node, char **text_out);

/* Parses an Amt element into signed minor units of its Ccy. */
int camt_amount(struct camt_state *st, const xmlNode *top, const xmlNode *amt,
                int negative, sqlite3_int64 *cents_out, char currency_out[4]);

/* Reads parent's CdtDbtInd into *negative_out: 1 for DBIT, 0 for CRDT. */
int camt_direction(struct camt_state *st, const xmlNode *top,
                   const xmlNode *parent, int *negative_out);

/* Reads the Dt or DtTm child of holder into a day number. */
int camt_date(struct camt_state *st, const xmlNode *top, const xmlNode *holder,
              int *days_out);

/* Reads one expanded Ntry into one row, or one row per transaction of a
** batch when the options ask for 'batch=split'. */
int camt_read_entry(struct camt_state *st, const xmlNode *ntry);

#endif
