#ifndef RECEIVABLES_CREDITOR_REF_H
#define RECEIVABLES_CREDITOR_REF_H

#include <sqlite3ext.h>

/*
** Structured creditor references: the reference a creditor prints on the
** invoice so that the payer's bank can pass it back unchanged, protected by
** check digits. Three schemes are read:
**   - ISO 11649 'RF': 'RF', 2 check digits, 1 to 21 letters or digits
**     (MOD 97-10 over the payload, then 'RF' and the check digits);
**   - Finnish national reference (viitenumero): 4 to 20 digits, the last a
**     check digit from weights 7, 3, 1 repeated from the right;
**   - Belgian structured communication (OGM/VCS): 12 digits printed as
**     +++123/4567/89002+++ (or with '*'), the last 2 being the first 10
**     modulo 97, with 97 in place of 0.
** Spaces inside a reference are ignored, as banks print them in groups.
*/

/* Maximum letters or digits of an ISO 11649 payload. */
#define CREDITOR_REF_RF_MAX_PAYLOAD 21

/* Maximum digits of a Finnish reference, check digit included. */
#define CREDITOR_REF_FI_MAX_DIGITS 20

/* Room for any payload plus a terminator. */
#define CREDITOR_REF_PAYLOAD_SIZE 24

/* Scheme of a reference; CREDITOR_REF_NONE when the text has no known shape. */
enum creditor_ref_scheme {
    CREDITOR_REF_NONE,
    CREDITOR_REF_RF,      /* ISO 11649 */
    CREDITOR_REF_FINNISH, /* viitenumero */
    CREDITOR_REF_BELGIAN  /* structured communication */
};

/* A parsed reference. */
struct creditor_ref {
    enum creditor_ref_scheme scheme; /* shape it has */
    int valid;                       /* 1 when the check digits agree */
    char payload
        [CREDITOR_REF_PAYLOAD_SIZE]; /* the part naming the invoice:
                                      ** RF: the characters after the check
                                      ** digits, upper case; Finnish: digits
                                      ** before the check digit; Belgian: the
                                      ** first 10 digits; NUL-terminated */
    int payload_len;                 /* bytes in payload */
};

/*
** Parses text[0..n-1] as a whole reference. An RF or '+++...+++' shape is
** always tried; bare digits (Finnish, or 12 Belgian digits without the
** '+++') only when bare_digits is 1, because any digit run in a memo has a
** one-in-ten chance of a right Finnish check digit. Returns 1 and fills
** *out when the text has one of the shapes, valid or not (out->valid
** tells); 0 when it has none.
*/
int creditor_ref_parse(const char *text, int n, int bare_digits,
                       struct creditor_ref *out);

/*
** Writes the ISO 11649 check digits ("02".."98") of payload[0..n-1], 1 to
** 21 ASCII letters or digits (either case). Returns 1, or 0 when the
** payload is not of that form.
*/
int creditor_ref_rf_check_digits(const char *payload, int n, char out[3]);

/*
** Returns the Finnish check digit (0..9) of base[0..n-1], 3 to 19 ASCII
** digits, or -1 when base is not of that form.
*/
int creditor_ref_fi_check_digit(const char *base, int n);

/*
** Returns the Belgian check number (1..97) of the 10 ASCII digits at
** base, or -1 when they are not 10 digits.
*/
int creditor_ref_be_check(const char *base);

/* Registers creditor_ref_valid, creditor_ref_payload, creditor_ref_make. */
int creditor_ref_register(sqlite3 *db);

#endif
