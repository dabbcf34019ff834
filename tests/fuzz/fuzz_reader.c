/*
** libFuzzer targets for the bank statement readers, called directly on the
** fuzz input as statement_load calls them on a file's bytes. The build
** compiles this file once per reader with -DFUZZ_READER=<function> and
** -DFUZZ_FORMAT='"<format name>"', the name statement_load would set.
**
** Input: "<options>\x1F<file content>", or the content alone (options
** NULL). The buffer handed to the reader is exactly the content, without
** a terminating NUL, so ASan reports a reader that reads past its end.
**
** What a run checks, besides ASan and UBSan: SQLITE_ERROR comes with a
** message "bank_statement: ..."; every string the reader stores is valid
** UTF-8; dates exist; currencies are three upper-case letters; every entry
** points at a statement that exists; a batch index is within its count.
*/
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "fuzz_common.h"
#include "statement.h"

#if !defined(FUZZ_READER) || !defined(FUZZ_FORMAT)
#error "compile with -DFUZZ_READER=statement_read_<x> -DFUZZ_FORMAT='\"<x>\"'"
#endif

/* Checks that text, when present, is valid UTF-8. */
static void fuzz_check_text(const char *text, const char *field)
{
    if (text != NULL &&
        !fuzz_valid_utf8((const unsigned char *)text, strlen(text)))
        fuzz_fail("a string the reader stored is not valid UTF-8", field);
}

/* Checks that a day number is STATEMENT_NO_DATE or a date that exists. */
static void fuzz_check_date(int days, const char *field)
{
    int year;
    int month;
    int day;

    if (days == STATEMENT_NO_DATE)
        return;
    date_civil_from_days(days, &year, &month, &day);
    if (!date_is_valid(year, month, day) ||
        date_days_from_civil(year, month, day) != days)
        fuzz_fail("the reader stored a date that does not exist", field);
}

/* Checks that a currency, when present, is three upper-case letters. */
static void fuzz_check_currency(const char *code, const char *field)
{
    if (code == NULL)
        return;
    if (strlen(code) != 3 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' ||
        code[1] > 'Z' || code[2] < 'A' || code[2] > 'Z')
        fuzz_fail("the reader stored a currency that is no ISO 4217 code",
                  field);
}

static void fuzz_check_statement(const struct statement_info *info)
{
    fuzz_check_text(info->statement_id, "statement_id");
    fuzz_check_text(info->account, "account");
    fuzz_check_currency(info->currency, "statement currency");
    fuzz_check_text(info->warning, "warning");
    fuzz_check_date(info->opening_date, "opening_date");
    fuzz_check_date(info->closing_date, "closing_date");
}

static void fuzz_check_entry(const struct statement_file *file,
                             const struct statement_entry *entry)
{
    if (entry->statement_index < 0 ||
        entry->statement_index >= file->n_statements)
        fuzz_fail("an entry points at no statement", file->format);
    fuzz_check_date(entry->booking_date, "booking_date");
    fuzz_check_date(entry->value_date, "value_date");
    fuzz_check_currency(entry->currency, "currency");
    fuzz_check_currency(entry->entry_currency, "entry_currency");
    fuzz_check_text(entry->counterparty_name, "counterparty_name");
    fuzz_check_text(entry->counterparty_account, "counterparty_account");
    fuzz_check_text(entry->memo, "memo");
    fuzz_check_text(entry->structured_ref, "structured_ref");
    fuzz_check_text(entry->bank_txn_id, "bank_txn_id");
    fuzz_check_text(entry->origin, "origin");
    fuzz_check_text(entry->end_to_end_id, "end_to_end_id");
    if (entry->pending != 0 && entry->pending != 1)
        fuzz_fail("pending is neither 0 nor 1", file->format);
    if (entry->tx_index < 0 || entry->tx_index > entry->tx_count)
        fuzz_fail("tx_index is outside 0..tx_count", file->format);
}

static void fuzz_check_file(const struct statement_file *file)
{
    int i;

    if (file->n_entries > 0 && file->n_statements == 0)
        fuzz_fail("entries without a statement", file->format);
    for (i = 0; i < file->n_statements; i++)
        fuzz_check_statement(&file->statements[i]);
    for (i = 0; i < file->n_entries; i++)
        fuzz_check_entry(file, &file->entries[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* statement_register does this in the extension; the readers rely on
    ** libxml2 being initialised before first use. */
    statement_camt_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct statement_file file;
    struct fuzz_arg args[2];
    char *options = NULL;
    char *content;
    char *err = NULL;
    int rc;

    if (fuzz_split(data, size, args, 2) == 2) {
        options =
            statement_strdup((const char *)args[0].data, (int)args[0].size);
        args[0] = args[1];
    }
    /* An exact-size copy: the fuzzer's own buffer may be shared. */
    content = malloc(args[0].size ? args[0].size : 1);
    if (content == NULL)
        return 0;
    if (args[0].size > 0)
        memcpy(content, args[0].data, args[0].size);
    memset(&file, 0, sizeof(file));
    file.path = statement_strdup("fuzz.input", -1);
    file.format = statement_strdup(FUZZ_FORMAT, -1);
    rc = FUZZ_READER(&file, content, args[0].size, options, &err);
    if (rc == SQLITE_ERROR)
        fuzz_check_message(err);
    else if (rc == SQLITE_OK)
        fuzz_check_file(&file);
    else if (rc != SQLITE_NOMEM)
        fuzz_fail("the reader returned neither OK, ERROR nor NOMEM", err);
    sqlite3_free(err);
    statement_file_free(&file);
    sqlite3_free(options);
    free(content);
    return 0;
}
