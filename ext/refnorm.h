#ifndef RECEIVABLES_REFNORM_H
#define RECEIVABLES_REFNORM_H

#include <sqlite3ext.h>

/*
** Reference normalization: turns the ways people write an invoice number
** ('Invoice no. 00123', 'INV-123', 'Fra. nº 123') into one key ('123'), and
** scores how alike two references are. The rules are in ext/refnorm.c.
*/

/* Maximum bytes of the ref_normalize argument. */
#define REFNORM_MAX_BYTES 4000

/* Maximum bytes of each ref_similarity argument. */
#define REFNORM_SIMILARITY_MAX_BYTES 1000

/*
** Normalizes text[0..n-1] into out, which has room for n bytes: the output
** is never longer than the input. Returns the output length, or -1 when
** text is not valid UTF-8, with the byte offset of the bad sequence in
** *invalid_offset_out.
*/
int refnorm_normalize(const unsigned char *text, int n, unsigned char *out,
                      int *invalid_offset_out);

/*
** A reference after ref_normalize, with the byte offsets in it where its
** segments start: each input token, and each switch between digits and
** other characters inside a token, starts a segment.
*/
struct refnorm_key {
    unsigned char text[REFNORM_SIMILARITY_MAX_BYTES];  /* UTF-8, no NUL */
    int length;                                        /* bytes of text */
    short segment_start[REFNORM_SIMILARITY_MAX_BYTES]; /* ascending */
    int segment_count;                                 /* entries used */
};

/*
** Normalizes text[0..n-1], n <= REFNORM_SIMILARITY_MAX_BYTES, into key.
** Returns 1, or 0 when text is not valid UTF-8, with the byte offset of
** the bad sequence in *invalid_offset_out.
*/
int refnorm_key_init(struct refnorm_key *key, const unsigned char *text, int n,
                     int *invalid_offset_out);

/* Returns the ref_similarity score (0..1) of two normalized references. */
double refnorm_similarity(const struct refnorm_key *a,
                          const struct refnorm_key *b);

/* Registers ref_normalize and ref_similarity on db. */
int refnorm_register(sqlite3 *db);

#endif
