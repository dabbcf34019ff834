/*
** The CSV reader of bank_statement (ext/statement_csv.c) on the samples in
** tests/data/statements/csv/, made for these tests: a Spanish export in
** Latin-1, a German one with Soll/Haben columns, a US one with a UTF-8
** byte-order mark, and damaged files. Expected values are read off the
** sample files by hand (amounts times 100).
*/
#include "harness.h"

#define CSV_DIR "data/statements/csv/"

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

Suite *statement_csv_suite(void)
{
    Suite *s = suite_create("statement_csv");
    TCase *tc = tcase_create("csv");

    tcase_add_test(tc, test_bank_statement_csv_spain_latin1);
    tcase_add_test(tc, test_bank_statement_csv_germany_debit_credit);
    tcase_add_test(tc, test_bank_statement_csv_us_bom);
    tcase_add_test(tc, test_bank_statement_csv_damaged);
    tcase_add_test(tc, test_bank_statement_csv_options);
    suite_add_tcase(s, tc);
    return s;
}
