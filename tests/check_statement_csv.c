/*
** The CSV reader of bank_statement (ext/statement_csv.c) on the samples in
** tests/data/statements/csv/, made for these tests: a Spanish export in
** Latin-1, a German one with Soll/Haben columns, a US one with a UTF-8
** byte-order mark, and damaged files. Expected values are read off the
** sample files by hand (amounts times 100).
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "statement.h"

#define CSV_DIR "data/statements/csv/"

/* Writes size bytes of content (NUL bytes allowed) to a scratch file
** under /tmp and returns its path, valid until the next call. */
static const char *csv_scratch(const char *content, size_t size)
{
    static char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/check_statement_csv_%d.csv",
             (int)getpid());
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq((int)fwrite(content, 1, size, f), (int)size);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

/* Runs SELECT columns FROM bank_statement on a scratch file of content
** with options. It checks the rows, or with is_error set, that the error
** contains expected. */
static void csv_expect(const char *content, size_t size, const char *options,
                       const char *columns, const char *expected, int is_error)
{
    sqlite3 *db = harness_open();
    const char *path = csv_scratch(content, size);
    char sql[1024];

    snprintf(sql, sizeof(sql),
             "SELECT %s FROM bank_statement('%s', 'csv', '%s')", columns, path,
             options);
    if (is_error)
        expect_sql_error(db, sql, expected);
    else
        expect_sql(db, sql, expected);
    unlink(path);
    sqlite3_close(db);
}

/* csv_expect for NUL-terminated content. */
#define CSV_EXPECT(content, options, columns, expected)                        \
    csv_expect(content, strlen(content), options, columns, expected, 0)
#define CSV_EXPECT_ERROR(content, options, expected)                           \
    csv_expect(content, strlen(content), options, "*", expected, 1)

#define SPAIN_OPTIONS                                                          \
    "'delimiter=semicolon,decimal=comma,thousands=point,date_order=dmy,"       \
    "encoding=latin1,currency=EUR,date=1,value_date=Fecha valor,"              \
    "memo=Concepto,amount=4'"

/* Latin-1 'Peña' (50 65 F1 61) becomes UTF-8 50 65 C3 B1 61; ';' inside
** quotes stays in the memo; 1.250,00 is 125000 cents. */
START_TEST(test_bank_statement_csv_spain_latin1)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT booking_date, value_date, amount_cents, currency, memo"
               " FROM bank_statement('" CSV_DIR
               "spain_latin1.csv', 'csv', " SPAIN_OPTIONS ")",
               "2013-01-02|2013-01-02|125000|EUR|TRANSFERENCIA DE Peña "
               "Hermanos S.L. FRA 2013-001\n"
               "2013-01-15|2013-01-16|-8437|EUR|RECIBO LUZ IBERDROLA\n"
               "2013-01-31|2013-01-31|-600|EUR|COMISIÓN; MANTENIMIENTO");
    expect_sql(db,
               "SELECT hex(substr(memo, 18, 4)) FROM bank_statement('" CSV_DIR
               "spain_latin1.csv', 'csv', " SPAIN_OPTIONS ") LIMIT 1",
               "5065C3B161");
    sqlite3_close(db);
}
END_TEST

/* Soll is negated, Haben kept; a quoted memo keeps its line break and
** its doubled quotes; skip=2 reads over the two title lines. */
START_TEST(test_bank_statement_csv_germany_debit_credit)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT booking_date, amount_cents, currency,"
               " counterparty_name, counterparty_account, memo, origin FROM "
               "bank_statement('" CSV_DIR "germany_soll_haben.csv', 'csv', "
               "'delimiter=semicolon,decimal=comma,thousands=point,"
               "date_order=dmy,skip=2,date=Buchungstag,value_date=Valuta,"
               "counterparty_name=Auftraggeber/Empfänger,"
               "counterparty_account=IBAN,memo=Verwendungszweck,debit=Soll,"
               "credit=Haben,currency=Währung')",
               "2013-06-03|238000|EUR|Müller GmbH|DE44500105175407324931|"
               "RE 4711 \"Juni\"\nSVWZ Rechnung|line 4\n"
               "2013-06-10|-11900|EUR|Stadtwerke|DE89370400440532013000|"
               "Abschlag Strom|line 6\n"
               "2013-06-28|-490|EUR|Bank|NULL|Kontoführung|line 7");
    sqlite3_close(db);
}
END_TEST

/* The byte-order mark is skipped (else 'Date' would not be found), m/d/y
** dates, "1,234.56" with thousands=comma, an empty line read over. */
START_TEST(test_bank_statement_csv_us_bom)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT booking_date, amount_cents, currency, memo,"
               " structured_ref, status, origin FROM bank_statement('" CSV_DIR
               "us_bom.csv', 'csv', 'date=Date,amount=Amount,"
               "memo=Description,reference=Reference,date_order=mdy,"
               "thousands=comma,currency=USD')",
               "2013-01-03|123456|USD|ACME Corp, Inc. payment INV-1001|"
               "RF18539007547034|booked|line 2\n"
               "2013-01-15|-1500|USD|Wire fee|NULL|booked|line 3\n"
               "2013-12-31|-123456|USD|Refund \"duplicate\"|TX-9|booked|"
               "line 5");
    expect_sql(db,
               "SELECT count(*), entries_total_cents, balanced FROM "
               "bank_statement_balances('" CSV_DIR "us_bom.csv', 'csv', "
               "'date=1,amount=3,date_order=mdy,thousands=comma,"
               "currency=USD')",
               "1|-1500|NULL");
    sqlite3_close(db);
}
END_TEST

/* Damaged files: each error names the file, the line and the value. */
START_TEST(test_bank_statement_csv_damaged)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "unclosed_quote.csv', 'csv', 'date=1,amount=2,"
                     "currency=EUR')",
                     "unclosed_quote.csv': line 3: the quote opened here is "
                     "never closed");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "wrong_column_count.csv', 'csv', 'date=1,amount=2,"
                     "currency=EUR')",
                     "wrong_column_count.csv': line 3: 2 columns, but the "
                     "header row has 3");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "february_30.csv', 'csv', 'date=1,amount=2,currency=EUR,"
                     "delimiter=semicolon,decimal=comma,date_order=dmy')",
                     "february_30.csv': line 3, column 1 (date): '30/02/2013' "
                     "is not a date that exists (order 'dmy')");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "bad_amount.csv', 'csv', 'date=1,amount=2,currency=EUR')",
                     "bad_amount.csv': line 3, column 2 (amount): '12.3x' is "
                     "not an amount with decimal '.'");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "invalid_utf8.csv', 'csv', 'date=1,amount=2,"
                     "currency=EUR')",
                     "invalid_utf8.csv': line 3: byte 0xF1 is not valid UTF-8");
    sqlite3_close(db);
}
END_TEST

/* Option mistakes are reported before the file is read. */
START_TEST(test_bank_statement_csv_options)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "bad_amount.csv', 'csv', 'amount=2,currency=EUR')",
                     "csv needs the option date=<column>");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "bad_amount.csv', 'csv', 'date=1,amount=2')",
                     "csv needs currency=<ISO 4217 code> or a currency "
                     "column");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "bad_amount.csv', 'csv', 'date=1,amount=2,currency=EUR,"
                     "delimiter=;;')",
                     "invalid csv option 'delimiter=;;'");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "bad_amount.csv', 'csv', 'date=Fecha,amount=2,"
                     "currency=EUR')",
                     "bad_amount.csv': line 1: no column named 'Fecha' for "
                     "date");
    expect_sql_error(db,
                     "SELECT * FROM bank_statement('" CSV_DIR
                     "bad_amount.csv', 'csv', 'date=1,amount=9,currency=EUR')",
                     "line 1: amount=9, but the row has 2 columns");
    sqlite3_close(db);
}
END_TEST

/* No header, columns by index, tab delimiter, single quotes (a doubled
** quote and a quoted tab), the currency column with the currency= option
** for its empty cell, and JPY without decimals. Values read off the
** content below. */
START_TEST(test_bank_statement_csv_index_columns)
{
    CSV_EXPECT(
        "2013-03-01\t2013-03-02\t'O''Brien Ltd'\tGB29NWBK60161331926819\t"
        "(1,234.50)\tGBP\t'Invoice 7\tpaid'\tRF18539007547034\tTX1\t"
        "GB33BUKB20201555555555\n"
        "2013-03-04\t\tTokyo KK\t\t1500\tJPY\tmemo2\t\tTX2\t\n"
        "2013-03-05\t\tx\t\t2.5-\t\tm3\t\t\t\n",
        "header=no,delimiter=tab,quote=single,thousands=comma,date=1,"
        "value_date=2,counterparty_name=3,counterparty_account=4,amount=5,"
        "currency=6,currency=EUR,memo=7,reference=8,bank_txn_id=9,"
        "account=10",
        "booking_date, value_date, amount_cents, currency, counterparty_name,"
        " counterparty_account, memo, structured_ref, bank_txn_id, account,"
        " origin",
        "2013-03-01|2013-03-02|-123450|GBP|O'Brien Ltd|"
        "GB29NWBK60161331926819|Invoice 7\tpaid|RF18539007547034|TX1|"
        "GB33BUKB20201555555555|line 1\n"
        "2013-03-04|NULL|1500|JPY|Tokyo KK|NULL|memo2|NULL|TX2|"
        "GB33BUKB20201555555555|line 2\n"
        "2013-03-05|NULL|-250|EUR|x|NULL|m3|NULL|NULL|"
        "GB33BUKB20201555555555|line 3");
}
END_TEST

/* Signs: '+' in front, parentheses, '-' at the end; thousands grouped
** by three with ',', ' ' and '\''. Cents worked out by hand. */
START_TEST(test_bank_statement_csv_amount_signs)
{
    CSV_EXPECT("date,amount\n2013-01-01,+1.00\n2013-01-02,(2.50)\n"
               "2013-01-03,3.00-\n2013-01-04,\"-1,000,000.01\"\n",
               "date=1,amount=2,thousands=comma,currency=USD", "amount_cents",
               "100\n-250\n-300\n-100000001");
    CSV_EXPECT("date;amount\n2013-01-01;1 234,56\n",
               "date=1,amount=2,delimiter=semicolon,decimal=comma,"
               "thousands=space,currency=EUR",
               "amount_cents", "123456");
    CSV_EXPECT("date,amount\n2013-01-01,1'234.56\n",
               "date=1,amount=2,thousands=apostrophe,currency=CHF",
               "amount_cents", "123456");
}
END_TEST

/* Amounts that would be misread if a separator or sign were dropped. */
START_TEST(test_bank_statement_csv_amount_errors)
{
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,\"1,00.00\"\n",
                     "date=1,amount=2,thousands=comma,currency=USD",
                     "line 2, column 2 (amount): '1,00.00' is not an amount "
                     "with decimal '.' and thousands=comma");
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,\",100.00\"\n",
                     "date=1,amount=2,thousands=comma,currency=USD",
                     "line 2, column 2 (amount): ',100.00' is not an amount");
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,(-5.00)\n",
                     "date=1,amount=2,currency=USD",
                     "line 2, column 2 (amount): '(-5.00)' is not an amount");
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,1.005\n",
                     "date=1,amount=2,currency=EUR",
                     "line 2, column 2 (amount): '1.005' has more decimals "
                     "than the currency allows (2); check the currency and "
                     "the decimal= option");
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,1.5\n",
                     "date=1,amount=2,currency=JPY",
                     "line 2, column 2 (amount): '1.5' has more decimals "
                     "than the currency allows (0)");
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,\n",
                     "date=1,amount=2,currency=EUR",
                     "line 2, column 2 (amount): '' is empty");
    CSV_EXPECT_ERROR("date,debit,credit\n2013-01-01,,\n",
                     "date=1,debit=2,credit=3,currency=EUR",
                     "line 2, column 2 (debit): '' is empty, and so is the "
                     "other amount column");
}
END_TEST

/* Currency cells: an invalid code, and an empty cell without currency=. */
/*
** Messages that name the likely cause. "1,234.00" with thousands= left at
** none failed as "not an amount"; the ',' is a group separator, so the
** message names thousands=comma (and '.' names thousands=point when the
** decimal is a comma). 1.005 has 3 decimals and EUR 2 (ISO 4217), and
** 1.000 passes because the extra digit is a zero.
*/
START_TEST(test_bank_statement_csv_amount_error_hints)
{
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,\"1,234.00\"\n",
                     "date=1,amount=2,currency=USD",
                     "line 2, column 2 (amount): '1,234.00' is not an amount "
                     "with decimal '.' and no thousands separator; if ',' "
                     "groups digits, pass thousands=comma");
    CSV_EXPECT_ERROR("date;amount\n2013-01-01;1.234,00\n",
                     "delimiter=semicolon,decimal=comma,date=1,amount=2,"
                     "currency=EUR",
                     "if '.' groups digits, pass thousands=point");
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,1.005\n",
                     "date=1,amount=2,currency=EUR",
                     "'1.005' has more decimals than the currency allows (2)");
    CSV_EXPECT("date,amount\n2013-01-01,1.000\n",
               "date=1,amount=2,currency=EUR", "amount_cents", "100");
}
END_TEST

/* Two roles on one column is a typo, by index or by header name; the
** message names the column and both roles. */
START_TEST(test_bank_statement_csv_column_mapped_twice)
{
    CSV_EXPECT_ERROR("date,amount\n2013-01-01,1.00\n",
                     "date=1,amount=1,currency=EUR",
                     "csv maps column 1 to both date and amount; give each "
                     "column at most one role");
    CSV_EXPECT_ERROR("date,amount,memo\n2013-01-01,1.00,x\n",
                     "date=date,amount=2,memo=Amount,currency=EUR",
                     "csv maps column 2 to both amount and memo");
}
END_TEST

START_TEST(test_bank_statement_csv_currency_errors)
{
    CSV_EXPECT_ERROR("date,amount,ccy\n2013-01-01,1.00,EURO\n",
                     "date=1,amount=2,currency=3",
                     "line 2, column 3 (currency): 'EURO' is not an ISO "
                     "4217 currency code");
    CSV_EXPECT_ERROR("date,amount,ccy\n2013-01-01,1.00,\n",
                     "date=1,amount=2,currency=ccy",
                     "line 2, column 3 (currency): '' is empty and no "
                     "currency= option is given");
}
END_TEST

/* Dates: a 2-digit year and a wrong order are rejected, never guessed. */
START_TEST(test_bank_statement_csv_date_errors)
{
    CSV_EXPECT_ERROR("date,amount\n02/01/13,1.00\n",
                     "date=1,amount=2,date_order=dmy,currency=EUR",
                     "line 2, column 1 (date): '02/01/13' is not a date in "
                     "order 'dmy' with a 4-digit year");
    CSV_EXPECT_ERROR("date,amount\n01/31/2013,1.00\n",
                     "date=1,amount=2,date_order=dmy,currency=EUR",
                     "line 2, column 1 (date): '01/31/2013' is not a date "
                     "that exists (order 'dmy')");
    CSV_EXPECT_ERROR("date,amount,valuta\n2013-01-02,1.00,2013-13-01\n",
                     "date=1,amount=2,value_date=3,currency=EUR",
                     "line 2, column 3 (value_date): '2013-13-01' is not a "
                     "date that exists");
}
END_TEST

/* Quoting: text after a closing quote is damage; quote=none keeps quotes
** as text. */
START_TEST(test_bank_statement_csv_quoting)
{
    CSV_EXPECT_ERROR("date,amount,memo\n2013-01-02,1.00,\"ab\"c\n",
                     "date=1,amount=2,memo=3,currency=EUR",
                     "line 2: text after the closing quote of column 3");
    CSV_EXPECT("date,amount,memo\n2013-01-02,1.00,\"x\"\n",
               "date=1,amount=2,memo=3,quote=none,currency=EUR", "memo",
               "\"x\"");
}
END_TEST

/* Lines ended by CR alone count as lines, in rows and in errors; a quoted
** line break moves the line of the next row. */
START_TEST(test_bank_statement_csv_line_numbers)
{
    CSV_EXPECT("date,amount,memo\r2013-01-02,1.00,\"a\rb\"\r"
               "2013-01-03,2.00,c\r",
               "date=1,amount=2,memo=3,currency=EUR", "origin",
               "line 2\nline 4");
    CSV_EXPECT_ERROR("date,amount\r2013-01-02,1.00\r2013-02-30,2.00\r",
                     "date=1,amount=2,currency=EUR",
                     "line 3, column 1 (date): '2013-02-30' is not a date "
                     "that exists (order 'ymd')");
    CSV_EXPECT_ERROR("date,amount,memo\r2013-01-02,1.00,a\r"
                     "2013-01-03,1.00,Pe\xF1"
                     "a\r",
                     "date=1,amount=2,memo=3,currency=EUR",
                     "line 3: byte 0xF1 is not valid UTF-8");
}
END_TEST

/* A NUL byte would cut a cell short, so it is an error in either
** encoding. */
START_TEST(test_bank_statement_csv_nul_byte)
{
    static const char content[] = "date,amount\n2013-01-02,1\0.00\n";

    csv_expect(content, sizeof(content) - 1, "date=1,amount=2,currency=EUR",
               "*", "line 2: NUL byte", 1);
    csv_expect(content, sizeof(content) - 1,
               "date=1,amount=2,currency=EUR,encoding=latin1", "*",
               "line 2: NUL byte", 1);
}
END_TEST

/* Without a header, the first row sets the column count. */
START_TEST(test_bank_statement_csv_no_header_count)
{
    CSV_EXPECT_ERROR("2013-01-02,1.00,a\n2013-01-03,2.00\n",
                     "header=no,date=1,amount=2,currency=EUR",
                     "line 2: 2 columns, but the first row has 3");
}
END_TEST

/* Header names match in any ASCII case; option mistakes name the option. */
START_TEST(test_bank_statement_csv_option_errors)
{
    CSV_EXPECT("Date,AMOUNT\n2013-01-02,1.00\n",
               "date=date,amount=Amount,currency=EUR", "amount_cents", "100");
    CSV_EXPECT_ERROR("date,amount\n", "date=1,amount=2,debit=2,currency=EUR",
                     "csv takes amount= or debit=/credit=, not both");
    CSV_EXPECT_ERROR("date,amount\n",
                     "date=1,amount=2,decimal=comma,thousands=comma,"
                     "currency=EUR",
                     "csv decimal and thousands separators are the same");
    /* A header name from the options is quoted as text: the bytes 0xFF
    ** 0xFE are not UTF-8, so each becomes '?', and the message stays
    ** valid UTF-8 (the fuzzer found it copied raw). */
    CSV_EXPECT_ERROR("date,amount\n", "date=\xff\xfe,amount=2,currency=EUR",
                     "line 1: no column named '?" "?' for date");
    /* A 0-byte file has not even the header row an export always has. */
    CSV_EXPECT_ERROR("", "date=1,amount=2,currency=EUR",
                     "the file is empty, with no header row");
    csv_expect("", 0, "date=1,amount=2,currency=EUR,header=no", "count(*)",
               "0", 0);
    /* 92233720368547758.08 EUR is 9223372036854775808 cents, one more
    ** than the largest INTEGER. */
    CSV_EXPECT_ERROR("date,amount\n2024-01-02,92233720368547758.08\n",
                     "date=1,amount=2,currency=EUR",
                     "'92233720368547758.08' is more than 9223372036854775807 "
                     "minor units");
    CSV_EXPECT_ERROR("date,amount\n", "date=1,amount=2,colour=red",
                     "invalid csv option 'colour=red'; the options are "
                     "listed in the header of ext/statement_csv.c and in "
                     "sql/REFERENCE.md");
    /* A long option is cut to text_excerpt's 60 bytes and "...". */
    CSV_EXPECT_ERROR(
        "date,amount\n",
        "date=1,amount=2,currency=EUR,colour=1234567890123456789012345678901234567890123456789012345678901234567890",
        "invalid csv option 'colour=12345678901234567890123456789012345678901234567890123...'");
    /* A repeated option used to let the last value win silently, so
    ** 'currency=EUR,currency=USD' read EUR amounts as USD. A currency
    ** code and a currency column are two options (the index-column test
    ** gives both). */
    CSV_EXPECT_ERROR("date,amount\n",
                     "date=1,amount=2,currency=EUR,currency=USD",
                     "csv option 'currency' is given twice; keep one value");
    CSV_EXPECT_ERROR("date,amount\n", "date=1,amount=2,currency=EUR,date=2",
                     "csv option 'date' is given twice; keep one value");
}
END_TEST

/*
** Reading a CSV takes memory for the file and one row, not for every row
** (the reader streams). 100,000 rows of 24 bytes make a 2.4 MB file.
** Parsed whole, as before the reader streamed, the peak was 20.5 MB, so
** the bound of the file's size plus 1 MiB fails if the rows pile up
** again. Measured with SQLite's own count of its allocations, which
** includes every sqlite3_malloc64 of the reader.
*/
START_TEST(test_bank_statement_csv_memory_bounded)
{
    enum { ROWS = 100000 };
    char *path =
        sqlite3_mprintf("/tmp/check_statement_csv_big_%d.csv", (int)getpid());
    char *rows_sql = sqlite3_mprintf(
        "SELECT count(*), sum(amount_cents), max(entry_index) FROM "
        "bank_statement(%Q, 'csv', 'date=1,amount=2,memo=3,currency=EUR')",
        path);
    char *balances_sql = sqlite3_mprintf(
        "SELECT entry_count, entries_total_cents, currency FROM "
        "bank_statement_balances(%Q, 'csv', "
        "'date=1,amount=2,memo=3,currency=EUR')",
        path);
    FILE *f = fopen(path, "wb");
    sqlite3 *db = harness_open();
    long file_bytes;
    sqlite3_int64 before;
    sqlite3_int64 peak;
    int i;

    ck_assert_ptr_nonnull(f);
    fputs("date,amount,memo\n", f);
    for (i = 0; i < ROWS; i++)
        fprintf(f, "2013-01-02,1.00,R%06d\n", i);
    file_bytes = ftell(f);
    ck_assert_int_eq(fclose(f), 0);

    /* The sum is ROWS times 100 cents. */
    before = sqlite3_memory_used();
    sqlite3_memory_highwater(1);
    expect_sql(db, rows_sql, "100000|10000000|100000");
    peak = sqlite3_memory_highwater(0) - before;
    ck_assert_msg(peak < file_bytes + 1024 * 1024,
                  "bank_statement peaked at %lld bytes for a %ld-byte file",
                  (long long)peak, file_bytes);

    /* The balances read every row for the total, one at a time too. */
    before = sqlite3_memory_used();
    sqlite3_memory_highwater(1);
    expect_sql(db, balances_sql, "100000|10000000|EUR");
    peak = sqlite3_memory_highwater(0) - before;
    ck_assert_msg(peak < file_bytes + 1024 * 1024,
                  "bank_statement_balances peaked at %lld bytes for a "
                  "%ld-byte file",
                  (long long)peak, file_bytes);
    unlink(path);
    sqlite3_free(balances_sql);
    sqlite3_free(rows_sql);
    sqlite3_free(path);
    sqlite3_close(db);
}
END_TEST

/* A row that fails after earlier rows were returned fails the statement,
** and LIMIT stops before it, because rows are read as the query requests
** them. */
START_TEST(test_bank_statement_csv_error_after_rows)
{
    static const char content[] = "date,amount\n2013-01-02,1.00\n"
                                  "2013-01-03,2.00\n2013-02-30,3.00\n";

    const char *path = csv_scratch(content, sizeof(content) - 1);
    char *sql = sqlite3_mprintf("SELECT amount_cents FROM bank_statement(%Q, "
                                "'csv', 'date=1,amount=2,currency=EUR') "
                                "LIMIT 2",
                                path);
    sqlite3 *db = harness_open();

    expect_sql(db, sql, "100\n200");
    unlink(path);
    sqlite3_free(sql);
    sqlite3_close(db);
    csv_expect(content, sizeof(content) - 1, "date=1,amount=2,currency=EUR",
               "count(*)", "line 4, column 1 (date): '2013-02-30'", 1);
}
END_TEST

/* The whole file is read into memory, CSV included, so a file over
** STATEMENT_MAX_FILE_BYTES (64 MiB) is rejected before any byte is read.
** A sparse file of 64 MiB + 1 byte costs no disk space. */
START_TEST(test_bank_statement_csv_file_too_large)
{
    const char *path = csv_scratch("date,amount\n", 12);
    char *sql = sqlite3_mprintf("SELECT count(*) FROM bank_statement(%Q, "
                                "'csv', 'date=1,amount=2,currency=EUR')",
                                path);
    char *message = sqlite3_mprintf("bank_statement: '%s' is larger than the "
                                    "64 MiB limit; split it into smaller "
                                    "files",
                                    path);
    sqlite3 *db = harness_open();

    ck_assert_int_eq(truncate(path, STATEMENT_MAX_FILE_BYTES + 1L), 0);
    expect_sql_error(db, sql, message);
    unlink(path);
    sqlite3_free(sql);
    sqlite3_free(message);
    sqlite3_close(db);
}
END_TEST

Suite *statement_csv_suite(void)
{
    Suite *s = suite_create("statement_csv");
    TCase *tc = tcase_create("csv");

    tcase_add_test(tc, test_bank_statement_csv_spain_latin1);
    tcase_add_test(tc, test_bank_statement_csv_germany_debit_credit);
    tcase_add_test(tc, test_bank_statement_csv_us_bom);
    tcase_add_test(tc, test_bank_statement_csv_damaged);
    tcase_add_test(tc, test_bank_statement_csv_options);
    tcase_add_test(tc, test_bank_statement_csv_index_columns);
    tcase_add_test(tc, test_bank_statement_csv_amount_signs);
    tcase_add_test(tc, test_bank_statement_csv_amount_errors);
    tcase_add_test(tc, test_bank_statement_csv_amount_error_hints);
    tcase_add_test(tc, test_bank_statement_csv_column_mapped_twice);
    tcase_add_test(tc, test_bank_statement_csv_currency_errors);
    tcase_add_test(tc, test_bank_statement_csv_date_errors);
    tcase_add_test(tc, test_bank_statement_csv_quoting);
    tcase_add_test(tc, test_bank_statement_csv_line_numbers);
    tcase_add_test(tc, test_bank_statement_csv_nul_byte);
    tcase_add_test(tc, test_bank_statement_csv_no_header_count);
    tcase_add_test(tc, test_bank_statement_csv_option_errors);
    tcase_add_test(tc, test_bank_statement_csv_memory_bounded);
    tcase_add_test(tc, test_bank_statement_csv_error_after_rows);
    tcase_add_test(tc, test_bank_statement_csv_file_too_large);
    suite_add_tcase(s, tc);
    return s;
}
