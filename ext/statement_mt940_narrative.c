/*
** The :86: narrative of an MT940/MT942 statement line, read into memo,
** counterparty and references. Part of the MT940 reader; see
** statement_mt940.c for the field mapping.
**
** Usage:
**   SELECT memo, counterparty_name, structured_ref
**     FROM bank_statement('june.sta', 'mt940');
**
** Three layouts are told apart by their start:
**   - German structured (DFÜ-Abkommen / DK): a 3-digit transaction code
**     (blanks before it are allowed), then subfields '?NN': ?20-?29 and
**     ?60-?63 purpose, ?31 account, ?32-?33 name, and ?38, the IBAN
**     that Polish banks add, which replaces ?31 when it has the shape of
**     an IBAN. Subfields wrap at 27 characters: purpose subfields are
**     joined by ' ' except after a full one, whose word continues; names
**     and key values are joined without a space.
**   - Dutch slash codes: '/NAME/', '/REMI/', '/EREF/', '/IBAN/', '/CNTP/'.
**   - Anything else is free text; its lines are joined by ' '.
** In German and free text, the SEPA keys EREF+, KREF+, MREF+, CRED+,
** DEBT+, SVWZ+, ABWA+, ABWE+, IBAN+ and BIC+ split the purpose: SVWZ+ is
** the memo and EREF+ the end-to-end id, cut to the 35 characters SEPA
** allows.
**
** LIMITS
**   - Only '?' is read as the German subfield separator.
**   - A free-text narrative gives no counterparty.
*/
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "creditor_ref.h"
#include "statement_mt940.h"

/* Marks a subfield or line boundary in a purpose string: SEPA keys and
** their values may be cut at a boundary, so key matching skips it. */
#define MT940_BOUNDARY '\x01'

/* Width of a German ?20-?29 purpose subfield. */
#define MT940_SUBFIELD_WIDTH 27

/* Most characters of a SEPA end-to-end id (ISO 20022 Max35Text). */
#define MT940_MAX_END_TO_END_CHARS 35

/* SEPA purpose keys of the German banking standard, with their '+'. */
static const char *const mt940_sepa_keys[] = {
    "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+",
    "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+",
};

#define MT940_N_SEPA_KEYS                                                      \
    ((int)(sizeof(mt940_sepa_keys) / sizeof(*mt940_sepa_keys)))

/* Dutch slash-code keys; a value runs until the next "/KEY/". */
static const char *const mt940_slash_keys[] = {
    "TRTP", "IBAN", "BIC",  "NAME", "REMI", "EREF",    "ORDP",      "BENM",
    "ID",   "CSID", "MARF", "RTRN", "PREF", "SVCL",    "ADDR",      "ULTC",
    "ULTD", "ULTB", "ISDT", "CNTP", "PURP", "SCOR",    "ISSR",      "RTYP",
    "OCMT", "CHGS", "EXCH", "BUSP", "ACCW", "CDTRREF", "CDTRREFTP",
};

#define MT940_N_SLASH_KEYS                                                     \
    ((int)(sizeof(mt940_slash_keys) / sizeof(*mt940_slash_keys)))

void mt940_narrative_free(struct mt940_narrative *narrative)
{
    sqlite3_free(narrative->memo);
    sqlite3_free(narrative->counterparty_name);
    sqlite3_free(narrative->counterparty_account);
    sqlite3_free(narrative->structured_ref);
    sqlite3_free(narrative->end_to_end_id);
    memset(narrative, 0, sizeof(*narrative));
}

static int mt940_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int mt940_is_alnum(char c)
{
    return mt940_is_digit(c) || (c >= 'A' && c <= 'Z') ||
           (c >= 'a' && c <= 'z');
}

static int mt940_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == MT940_BOUNDARY;
}

/*
** Copies text[0..n-1] into a new string: boundaries become separator
** (' ', or nothing when separator is 0), blanks at both ends are dropped.
** Sets *out to NULL for text that is blank. Returns SQLITE_OK or
** SQLITE_NOMEM; caller frees *out with sqlite3_free().
*/
static int mt940_copy_value(const char *text, int n, char separator, char **out)
{
    char *copy;
    int len = 0;
    int i;

    *out = NULL;
    while (n > 0 && mt940_is_blank(*text)) {
        text++;
        n--;
    }
    while (n > 0 && mt940_is_blank(text[n - 1]))
        n--;
    if (n == 0)
        return SQLITE_OK;
    copy = sqlite3_malloc64((sqlite3_uint64)n + 1);
    if (copy == NULL)
        return SQLITE_NOMEM;
    for (i = 0; i < n; i++) {
        if (text[i] != MT940_BOUNDARY)
            copy[len++] = text[i];
        else if (separator != 0 && len > 0 && copy[len - 1] != ' ' &&
                 i + 1 < n && text[i + 1] != ' ')
            copy[len++] = separator;
    }
    copy[len] = '\0';
    *out = copy;
    return SQLITE_OK;
}

/* Returns 1 when key matches text at i, boundaries between its characters
** skipped, and sets *end_out after it. The key must start a word. */
static int mt940_match_key(const char *text, int n, int i, const char *key,
                           int *end_out)
{
    int k = 0;

    if (i > 0 && mt940_is_alnum(text[i - 1]))
        return 0;
    while (key[k] != '\0' && i < n) {
        if (text[i] == MT940_BOUNDARY && k > 0) {
            i++;
            continue;
        }
        if (text[i] != key[k])
            return 0;
        i++;
        k++;
    }
    if (key[k] != '\0')
        return 0;
    *end_out = i;
    return 1;
}

/* Returns the index of the SEPA key at text[i], or -1; *end_out is set
** after the key. */
static int mt940_sepa_key_at(const char *text, int n, int i, int *end_out)
{
    int k;

    for (k = 0; k < MT940_N_SEPA_KEYS; k++)
        if (mt940_match_key(text, n, i, mt940_sepa_keys[k], end_out))
            return k;
    return -1;
}

/* Finds the value of SEPA key number wanted in text: sets *start_out and
** *len_out and returns 1, or returns 0 when the key is absent. */
static int mt940_sepa_value(const char *text, int n, int wanted, int *start_out,
                            int *len_out)
{
    int i;
    int end;
    int start = -1;

    for (i = 0; i < n; i++) {
        int key = mt940_sepa_key_at(text, n, i, &end);
        if (key < 0)
            continue;
        if (start >= 0) {
            *start_out = start;
            *len_out = i - start;
            return 1;
        }
        if (key == wanted)
            start = end;
        i = end - 1;
    }
    if (start < 0)
        return 0;
    *start_out = start;
    *len_out = n - start;
    return 1;
}

/* Returns the index of key in mt940_sepa_keys. */
static int mt940_sepa_index(const char *key)
{
    int k;

    for (k = 0; k < MT940_N_SEPA_KEYS; k++)
        if (strcmp(mt940_sepa_keys[k], key) == 0)
            return k;
    return -1;
}

/*
** Finds a valid ISO 11649 reference ("RF18 5390 0754 7034" is not
** joined; "RF18539007547034" is) in memo and copies it to *out. Returns
** SQLITE_OK (also when none is found) or SQLITE_NOMEM.
*/
static int mt940_find_rf(const char *memo, char **out)
{
    int i;

    for (i = 0; memo != NULL && memo[i] != '\0'; i++) {
        struct creditor_ref ref;
        int len = 0;
        if ((i > 0 && mt940_is_alnum(memo[i - 1])) ||
            (memo[i] != 'R' && memo[i] != 'r') ||
            (memo[i + 1] != 'F' && memo[i + 1] != 'f'))
            continue;
        while (len < 26 && mt940_is_alnum(memo[i + len]))
            len++;
        if (len < 5 || len > 25 || mt940_is_alnum(memo[i + len]))
            continue;
        if (creditor_ref_parse(memo + i, len, 0, &ref) &&
            ref.scheme == CREDITOR_REF_RF && ref.valid) {
            *out = statement_strdup(memo + i, len);
            return *out ? SQLITE_OK : SQLITE_NOMEM;
        }
    }
    return SQLITE_OK;
}

/* Length in bytes of the first max_chars UTF-8 characters of text. */
static int mt940_utf8_prefix(const char *text, int max_chars)
{
    int len = 0;
    int chars = 0;

    while (text[len] != '\0') {
        if (((unsigned char)text[len] & 0xC0) != 0x80 && chars++ == max_chars)
            break;
        len++;
    }
    return len;
}

/*
** Cleans the end-to-end id and derives structured_ref: the id is cut to
** the 35 characters SEPA allows (an EndToEndId is Max35Text), because a
** subfield that continues it runs on into the next text, and
** NOTPROVIDED counts as no id. structured_ref is a valid RF reference
** found in the memo, else the end-to-end id.
*/
static int mt940_finish_references(struct mt940_narrative *out)
{
    char *id = out->end_to_end_id;
    int rc;

    if (id != NULL) {
        int len = mt940_utf8_prefix(id, MT940_MAX_END_TO_END_CHARS);
        while (len > 0 && id[len - 1] == ' ')
            len--;
        id[len] = '\0';
        if (len == 0 || strcmp(id, "NOTPROVIDED") == 0) {
            sqlite3_free(id);
            out->end_to_end_id = NULL;
        }
    }
    rc = mt940_find_rf(out->memo, &out->structured_ref);
    if (rc == SQLITE_OK && out->structured_ref == NULL &&
        out->end_to_end_id != NULL) {
        out->structured_ref = statement_strdup(out->end_to_end_id, -1);
        if (out->structured_ref == NULL)
            rc = SQLITE_NOMEM;
    }
    return rc;
}

/* Returns the length of the n bytes at value up to the first boundary
** that follows text, or n when there is none. */
static int mt940_until_boundary(const char *value, int n)
{
    int i;
    int seen_text = 0;

    for (i = 0; i < n; i++) {
        if (value[i] == MT940_BOUNDARY && seen_text)
            return i;
        seen_text |= !mt940_is_blank(value[i]);
    }
    return n;
}

/*
** Fills memo, end_to_end_id and structured_ref from a purpose text with
** boundaries: the SVWZ+ value is the memo when present, else the whole
** purpose. With subfield_boundaries set (German layout), a boundary
** only follows a subfield shorter than the width, so the EREF+ value
** ends there. In free text every line break is a boundary and a value
** may wrap over it.
*/
static int mt940_read_purpose(const char *purpose, int n,
                              int subfield_boundaries,
                              struct mt940_narrative *out)
{
    int start;
    int len;
    int rc;

    if (mt940_sepa_value(purpose, n, mt940_sepa_index("SVWZ+"), &start, &len))
        rc = mt940_copy_value(purpose + start, len, ' ', &out->memo);
    else
        rc = mt940_copy_value(purpose, n, ' ', &out->memo);
    if (rc == SQLITE_OK &&
        mt940_sepa_value(purpose, n, mt940_sepa_index("EREF+"), &start, &len)) {
        if (subfield_boundaries)
            len = mt940_until_boundary(purpose + start, len);
        rc = mt940_copy_value(purpose + start, len, 0, &out->end_to_end_id);
    }
    if (rc == SQLITE_OK)
        rc = mt940_finish_references(out);
    return rc;
}

/* Returns 1 when flat starts like a German structured narrative: three
** digits and a '?NN' subfield. */
static int mt940_is_german(const char *flat, int n)
{
    return n >= 6 && mt940_is_digit(flat[0]) && mt940_is_digit(flat[1]) &&
           mt940_is_digit(flat[2]) && flat[3] == '?' &&
           mt940_is_digit(flat[4]) && mt940_is_digit(flat[5]);
}

/* Returns the end of the subfield value that starts at i: the next '?NN'
** or n. */
static int mt940_subfield_end(const char *flat, int n, int i)
{
    for (; i < n; i++)
        if (flat[i] == '?' && i + 2 < n && mt940_is_digit(flat[i + 1]) &&
            mt940_is_digit(flat[i + 2]))
            return i;
    return n;
}

int mt940_is_iban(const char *text, int n)
{
    int i;

    if (n < 15 || n > 34 || text[0] < 'A' || text[0] > 'Z' || text[1] < 'A' ||
        text[1] > 'Z' || !mt940_is_digit(text[2]) || !mt940_is_digit(text[3]))
        return 0;
    for (i = 4; i < n; i++)
        if (!mt940_is_alnum(text[i]))
            return 0;
    return 1;
}

/* Reads a German structured narrative (line breaks already removed). */
static int mt940_read_german(const char *flat, int n,
                             struct mt940_narrative *out)
{
    sqlite3_str *purpose = sqlite3_str_new(NULL);
    sqlite3_str *name = sqlite3_str_new(NULL);
    int i = mt940_subfield_end(flat, n, 3);
    int purpose_part_len = 0;
    int rc = SQLITE_OK;

    while (i < n && rc == SQLITE_OK) {
        int code = (flat[i + 1] - '0') * 10 + (flat[i + 2] - '0');
        int end = mt940_subfield_end(flat, n, i + 3);
        const char *value = flat + i + 3;
        int len = end - (i + 3);
        if ((code >= 20 && code <= 29) || (code >= 60 && code <= 63)) {
            /* A full 27-character subfield was cut by the width, so the
            ** next one continues its word; a shorter one ended early. */
            if (purpose_part_len < MT940_SUBFIELD_WIDTH)
                sqlite3_str_appendchar(purpose, 1, MT940_BOUNDARY);
            sqlite3_str_append(purpose, value, len);
            purpose_part_len = len;
        } else if (code == 32 || code == 33) {
            sqlite3_str_appendchar(name, 1, MT940_BOUNDARY);
            sqlite3_str_append(name, value, len);
        } else if (code == 31 && out->counterparty_account == NULL) {
            rc = mt940_copy_value(value, len, 0, &out->counterparty_account);
        } else if (code == 38 && mt940_is_iban(value, len)) {
            sqlite3_free(out->counterparty_account);
            rc = mt940_copy_value(value, len, 0, &out->counterparty_account);
        }
        i = end;
    }
    if (rc == SQLITE_OK &&
        (sqlite3_str_errcode(purpose) || sqlite3_str_errcode(name)))
        rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK)
        rc = mt940_read_purpose(sqlite3_str_value(purpose),
                                sqlite3_str_length(purpose), 1, out);
    if (rc == SQLITE_OK && sqlite3_str_length(name) > 0)
        rc = mt940_copy_value(sqlite3_str_value(name), sqlite3_str_length(name),
                              0, &out->counterparty_name);
    sqlite3_free(sqlite3_str_finish(purpose));
    sqlite3_free(sqlite3_str_finish(name));
    return rc;
}

/* Returns the position of the first "/KEY/" of mt940_slash_keys at or
** after from, or n; *key_end_out is set after it. */
static int mt940_next_slash_key(const char *flat, int n, int from,
                                int *key_end_out)
{
    int i;
    int k;

    for (i = from; i < n; i++) {
        if (flat[i] != '/')
            continue;
        for (k = 0; k < MT940_N_SLASH_KEYS; k++) {
            int len = (int)strlen(mt940_slash_keys[k]);
            if (i + len + 1 < n && flat[i + len + 1] == '/' &&
                memcmp(flat + i + 1, mt940_slash_keys[k], (size_t)len) == 0) {
                *key_end_out = i + len + 2;
                return i;
            }
        }
    }
    *key_end_out = n;
    return n;
}

/* Finds the value of slash key key in flat: sets *start_out and *len_out
** (trailing '/' dropped) and returns 1, or returns 0. */
static int mt940_slash_value(const char *flat, int n, const char *key,
                             int *start_out, int *len_out)
{
    int key_end;
    int at = mt940_next_slash_key(flat, n, 0, &key_end);

    while (at < n) {
        int next_end;
        int next = mt940_next_slash_key(flat, n, key_end, &next_end);
        int klen = key_end - at - 2;
        if ((int)strlen(key) == klen && memcmp(flat + at + 1, key, klen) == 0) {
            int len = next - key_end;
            while (len > 0 && flat[key_end + len - 1] == '/')
                len--;
            *start_out = key_end;
            *len_out = len;
            return 1;
        }
        at = next;
        key_end = next_end;
    }
    return 0;
}

/* Copies the value of slash key key into *out (NULL when absent). */
static int mt940_copy_slash(const char *flat, int n, const char *key,
                            char **out)
{
    int start;
    int len;

    if (*out != NULL || !mt940_slash_value(flat, n, key, &start, &len))
        return SQLITE_OK;
    /* ING writes /REMI/USTD//text/ for unstructured remittance text. */
    if (strcmp(key, "REMI") == 0 && len >= 6 &&
        memcmp(flat + start, "USTD//", 6) == 0) {
        start += 6;
        len -= 6;
    }
    return mt940_copy_value(flat + start, len, 0, out);
}

/* Reads the /CNTP/account/bic/name/city/ form of the counterparty. */
static int mt940_read_cntp(const char *flat, int n, struct mt940_narrative *out)
{
    int start;
    int len;
    int part = 0;
    int from;
    int i;
    int rc = SQLITE_OK;

    if (!mt940_slash_value(flat, n, "CNTP", &start, &len))
        return SQLITE_OK;
    from = start;
    for (i = start; i <= start + len && rc == SQLITE_OK; i++) {
        if (i < start + len && flat[i] != '/')
            continue;
        if (part == 0 && out->counterparty_account == NULL)
            rc = mt940_copy_value(flat + from, i - from, 0,
                                  &out->counterparty_account);
        else if (part == 2 && out->counterparty_name == NULL)
            rc = mt940_copy_value(flat + from, i - from, 0,
                                  &out->counterparty_name);
        part++;
        from = i + 1;
    }
    return rc;
}

/* Reads a Dutch slash-code narrative (line breaks already removed). */
static int mt940_read_slash(const char *flat, int n,
                            struct mt940_narrative *out)
{
    int rc = mt940_copy_slash(flat, n, "REMI", &out->memo);

    if (rc == SQLITE_OK)
        rc = mt940_copy_slash(flat, n, "NAME", &out->counterparty_name);
    if (rc == SQLITE_OK)
        rc = mt940_copy_slash(flat, n, "IBAN", &out->counterparty_account);
    if (rc == SQLITE_OK)
        rc = mt940_read_cntp(flat, n, out);
    if (rc == SQLITE_OK)
        rc = mt940_copy_slash(flat, n, "EREF", &out->end_to_end_id);
    if (rc == SQLITE_OK)
        rc = mt940_finish_references(out);
    return rc;
}

/* Returns 1 when flat is a slash-code narrative: it starts with '/' and
** names one of the keys that carry what an entry needs. */
static int mt940_is_slash(const char *flat, int n)
{
    static const char *const keys[] = {"/NAME/", "/REMI/", "/EREF/",
                                       "/IBAN/", "/CNTP/", "/TRTP/"};
    int i;
    int k;

    if (n == 0 || flat[0] != '/')
        return 0;
    for (i = 0; i < n; i++)
        for (k = 0; k < 6; k++)
            if (i + 6 <= n && memcmp(flat + i, keys[k], 6) == 0)
                return 1;
    return 0;
}

int mt940_parse_narrative(const char *text, int n, struct mt940_narrative *out)
{
    char *flat = sqlite3_malloc64((sqlite3_uint64)n + 1);
    int flat_len = 0;
    int lines_len = 0;
    int leading = 0;
    int i;
    int rc;

    if (flat == NULL)
        return SQLITE_NOMEM;
    /* Structured layouts wrap at a fixed width, so their lines join
    ** without a separator. */
    for (i = 0; i < n; i++)
        if (text[i] != '\n' && text[i] != '\r')
            flat[flat_len++] = text[i];
    while (leading < flat_len && flat[leading] == ' ')
        leading++;
    if (mt940_is_german(flat + leading, flat_len - leading))
        rc = mt940_read_german(flat + leading, flat_len - leading, out);
    else if (mt940_is_slash(flat, flat_len))
        rc = mt940_read_slash(flat, flat_len, out);
    else {
        /* Free text: each line break is a boundary. */
        for (i = 0; i < n; i++)
            if (text[i] != '\r')
                flat[lines_len++] = text[i] == '\n' ? MT940_BOUNDARY : text[i];
        rc = mt940_read_purpose(flat, lines_len, 0, out);
    }
    sqlite3_free(flat);
    if (rc != SQLITE_OK)
        mt940_narrative_free(out);
    return rc;
}
