#ifndef RECEIVABLES_UTF8_H
#define RECEIVABLES_UTF8_H

#include <stdint.h>

#include <sqlite3ext.h>

/*
** UTF-8 decoding and validation shared by the text functions. Valid UTF-8
** here is RFC 3629: 1 to 4 bytes per character, no overlong form, no
** surrogate (U+D800..U+DFFF), nothing above U+10FFFF. An embedded NUL is a
** valid character (U+0000).
*/

/* Outcome of utf8_to_code_points. */
enum utf8_status {
    UTF8_OK,      /* every byte decoded */
    UTF8_INVALID, /* a byte sequence is not valid UTF-8 */
    UTF8_TOO_LONG /* more code points than the caller's capacity */
};

/*
** Decodes the character at text[0..n-1] into *code_point_out. Returns its
** length in bytes (1-4), or 0 when the bytes are not valid UTF-8 or n is 0.
*/
int utf8_decode(const unsigned char *text, int n, uint32_t *code_point_out);

/* Writes code_point (at most U+10FFFF) as UTF-8 and returns its length. */
int utf8_encode(uint32_t code_point, unsigned char out[4]);

/*
** Decodes n bytes into out, which has room for max code points. Sets
** *count_out to the number of code points: all of them on UTF8_OK, the
** whole text's count on UTF8_TOO_LONG (only the first max are stored), the
** count before the bad byte on UTF8_INVALID. *invalid_offset_out gets the
** byte offset of the first invalid sequence on UTF8_INVALID.
** Text of bytes below 0x80 takes a fast path without decoding.
*/
enum utf8_status utf8_to_code_points(const unsigned char *text, int n,
                                     uint32_t *out, int max, int *count_out,
                                     int *invalid_offset_out);

/*
** Reads SQL argument `argument` (1-based, for the message) of function_name
** as code points into out, room for max. Integers and reals are read in
** their text form, as SQLite converts them. Returns 1 on success. Returns 0
** after setting an error on ctx when the text is not valid UTF-8, has more
** than max code points, or memory runs out. The caller handles SQL NULL
** first.
*/
int utf8_arg_code_points(sqlite3_context *ctx, const char *function_name,
                         int argument, sqlite3_value *value, uint32_t *out,
                         int max, int *count_out);

/*
** Reads SQL argument `argument` as at most max_bytes bytes of text, without
** validating it: *text_out is borrowed from SQLite and valid until the
** value changes. Returns 1, or 0 after setting an error on ctx (too long,
** out of memory). The caller handles SQL NULL first.
*/
int utf8_arg_bytes(sqlite3_context *ctx, const char *function_name,
                   int argument, sqlite3_value *value, int max_bytes,
                   const unsigned char **text_out, int *n_out);

/*
** Sets the error "<function_name>: argument N is not valid UTF-8 ..." on
** ctx, quoting the text and the bad byte at invalid_offset.
*/
void utf8_result_error_invalid(sqlite3_context *ctx, const char *function_name,
                               int argument, const unsigned char *text, int n,
                               int invalid_offset);

#endif
