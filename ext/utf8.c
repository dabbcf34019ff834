/*
** UTF-8 helpers for the text functions: decode one character or a whole
** argument into code points, with the checks that RFC 3629 requires, and
** the error messages the SQL functions raise on invalid or oversized text.
**
** Usage (from C):
**   uint32_t code_points[100];
**   int count;
**   if (!utf8_arg_code_points(ctx, "levenshtein", 1, argv[0], code_points,
**                             100, &count))
**       return;
**
** LIMITS
**   - Byte counts are int, as sqlite3_value_bytes returns them.
**   - No normalization form is applied: 'e' + U+0301 and U+00E9 are
**     different code point sequences.
*/
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "dates.h" /* text_excerpt, text_result_errorf */
#include "utf8.h"

int utf8_decode(const unsigned char *text, int n, uint32_t *code_point_out)
{
    uint32_t code_point;
    int len;
    int i;

    if (n <= 0)
        return 0;
    if (text[0] < 0x80) {
        *code_point_out = text[0];
        return 1;
    }
    /* 0x80..0xC1 are continuation bytes or start overlong 2-byte forms,
    ** and 0xF5..0xFF would start code points above U+10FFFF. */
    if (text[0] < 0xC2 || text[0] > 0xF4)
        return 0;
    if (text[0] < 0xE0)
        len = 2;
    else if (text[0] < 0xF0)
        len = 3;
    else
        len = 4;
    if (n < len)
        return 0;
    code_point = text[0] & (0x7Fu >> len);
    for (i = 1; i < len; i++) {
        if ((text[i] & 0xC0) != 0x80)
            return 0;
        code_point = (code_point << 6) | (text[i] & 0x3Fu);
    }
    if ((len == 3 && code_point < 0x800) ||
        (len == 4 && (code_point < 0x10000 || code_point > 0x10FFFF)) ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    *code_point_out = code_point;
    return len;
}

int utf8_encode(uint32_t code_point, unsigned char out[4])
{
    if (code_point < 0x80) {
        out[0] = (unsigned char)code_point;
        return 1;
    }
    if (code_point < 0x800) {
        out[0] = (unsigned char)(0xC0 | (code_point >> 6));
        out[1] = (unsigned char)(0x80 | (code_point & 0x3F));
        return 2;
    }
    if (code_point < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (code_point >> 12));
        out[1] = (unsigned char)(0x80 | ((code_point >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (code_point & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (code_point >> 18));
    out[1] = (unsigned char)(0x80 | ((code_point >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((code_point >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (code_point & 0x3F));
    return 4;
}

/* The general path of utf8_to_code_points, from byte offset start on. */
static enum utf8_status decode_from(const unsigned char *text, int n, int start,
                                    uint32_t *out, int max, int *count_out,
                                    int *invalid_offset_out)
{
    int count = start;
    int i = start;

    while (i < n) {
        uint32_t code_point = text[i];
        int len =
            code_point < 0x80 ? 1 : utf8_decode(text + i, n - i, &code_point);

        if (len == 0) {
            *count_out = count;
            *invalid_offset_out = i;
            return UTF8_INVALID;
        }
        if (count < max)
            out[count] = code_point;
        count++;
        i += len;
    }
    *count_out = count;
    return count > max ? UTF8_TOO_LONG : UTF8_OK;
}

/*
** Widens 16 bytes of ASCII into 16 code points. Returns 0, with out
** unspecified, when a byte is 0x80 or above. SSE2, which every x86-64
** processor has, does it in a few instructions; other processors get the
** plain loop.
*/
static int widen_ascii_16(const unsigned char *text, uint32_t *out)
{
#if defined(__SSE2__)
    __m128i bytes = _mm_loadu_si128((const __m128i *)text);
    __m128i zero = _mm_setzero_si128();
    __m128i low;
    __m128i high;

    if (_mm_movemask_epi8(bytes) != 0)
        return 0;
    low = _mm_unpacklo_epi8(bytes, zero);
    high = _mm_unpackhi_epi8(bytes, zero);
    _mm_storeu_si128((__m128i *)out, _mm_unpacklo_epi16(low, zero));
    _mm_storeu_si128((__m128i *)(out + 4), _mm_unpackhi_epi16(low, zero));
    _mm_storeu_si128((__m128i *)(out + 8), _mm_unpacklo_epi16(high, zero));
    _mm_storeu_si128((__m128i *)(out + 12), _mm_unpackhi_epi16(high, zero));
    return 1;
#else
    uint64_t words[2];
    int k;

    memcpy(words, text, sizeof(words));
    if ((words[0] | words[1]) & 0x8080808080808080u)
        return 0;
    for (k = 0; k < 16; k++)
        out[k] = text[k];
    return 1;
#endif
}

enum utf8_status utf8_to_code_points(const unsigned char *text, int n,
                                     uint32_t *out, int max, int *count_out,
                                     int *invalid_offset_out)
{
    int limit = n < max ? n : max;
    int i = 0;

    /* ASCII: one byte is one code point and there is nothing to validate.
    ** A block with another byte is left to the loops below. */
    while (i + 16 <= limit && widen_ascii_16(text + i, out + i))
        i += 16;
    for (; i < limit && text[i] < 0x80; i++)
        out[i] = text[i];
    if (i == n) {
        *count_out = n;
        return UTF8_OK;
    }
    return decode_from(text, n, i, out, max, count_out, invalid_offset_out);
}

void utf8_result_error_invalid(sqlite3_context *ctx, const char *function_name,
                               int argument, const unsigned char *text, int n,
                               int invalid_offset)
{
    char excerpt[TEXT_EXCERPT_SIZE];

    text_excerpt(text, n, excerpt);
    text_result_errorf(
        ctx,
        "%s: argument %d is not valid UTF-8 (byte 0x%02X at offset %d of '%s'); pass text encoded as UTF-8",
        function_name, argument, text[invalid_offset], invalid_offset, excerpt);
}

/* Reads value's text, or sets the out-of-memory error and returns 0. */
static int read_text(sqlite3_context *ctx, sqlite3_value *value,
                     const unsigned char **text_out, int *n_out)
{
    const unsigned char *text = sqlite3_value_text(value);
    int n = sqlite3_value_bytes(value);

    /* A NULL pointer with 0 bytes is read as '', not as out of memory, in
    ** case a zero-length value comes back as NULL. */
    if (text == NULL && n == 0)
        text = (const unsigned char *)"";
    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return 0;
    }
    *text_out = text;
    *n_out = n;
    return 1;
}

int utf8_arg_code_points(sqlite3_context *ctx, const char *function_name,
                         int argument, sqlite3_value *value, uint32_t *out,
                         int max, int *count_out)
{
    const unsigned char *text;
    enum utf8_status status;
    int invalid_offset = 0;
    int n;

    if (!read_text(ctx, value, &text, &n))
        return 0;
    status = utf8_to_code_points(text, n, out, max, count_out, &invalid_offset);
    if (status == UTF8_OK)
        return 1;
    if (status == UTF8_INVALID)
        utf8_result_error_invalid(ctx, function_name, argument, text, n,
                                  invalid_offset);
    else
        text_result_errorf(
            ctx,
            "%s: argument %d is longer than the limit of %d code points (it has %d); shorten it first, e.g. with substr(x, 1, %d)",
            function_name, argument, max, *count_out, max);
    return 0;
}

int utf8_arg_bytes(sqlite3_context *ctx, const char *function_name,
                   int argument, sqlite3_value *value, int max_bytes,
                   const unsigned char **text_out, int *n_out)
{
    if (!read_text(ctx, value, text_out, n_out))
        return 0;
    if (*n_out <= max_bytes)
        return 1;
    text_result_errorf(
        ctx,
        "%s: argument %d is longer than the limit of %d bytes (it has %d); shorten it first, e.g. with substr(x, 1, %d)",
        function_name, argument, max_bytes, *n_out, max_bytes / 4);
    return 0;
}
