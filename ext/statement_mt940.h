#ifndef RECEIVABLES_STATEMENT_MT940_H
#define RECEIVABLES_STATEMENT_MT940_H

#include <sqlite3ext.h>

#include "statement.h"

/*
** Private interface between the MT940 reader (statement_mt940.c) and its
** :86: narrative parser (statement_mt940_narrative.c).
*/

/* What a :86: narrative gives an entry. Every string is owned by the
** struct until handed to the entry (caller frees with sqlite3_free()). */
struct mt940_narrative {
    char *memo;                 /* purpose text, parts joined by ' ' */
    char *counterparty_name;    /* ?32?33, /NAME/ or /CNTP/ name */
    char *counterparty_account; /* ?31, /IBAN/ or /CNTP/ account */
    char *structured_ref;       /* valid RF creditor reference, else EREF */
    char *end_to_end_id;        /* EREF+ or /EREF/, except NOTPROVIDED */
};

/*
** Parses the n bytes of a :86: field (lines joined by '\n') into *out,
** which must be zeroed. Returns SQLITE_OK or SQLITE_NOMEM; any text is
** accepted, because banks write free text there.
*/
int mt940_parse_narrative(const char *text, int n, struct mt940_narrative *out);

/* Frees the strings of *narrative and zeroes it. */
void mt940_narrative_free(struct mt940_narrative *narrative);

/* Returns 1 when the n bytes at text have the shape of an IBAN: two
** capitals, two digits, then 11 to 30 letters or digits. The check digits
** are not verified, because sample and test files carry made-up IBANs. */
int mt940_is_iban(const char *text, int n);

#endif
