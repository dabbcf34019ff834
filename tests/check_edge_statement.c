/*
** Damaged statement files that the format suites' samples leave out. For
** MT940 these are a closing balance in another currency or with no currency
** code, a balance date that does not exist, an unknown :61: mark, the E
** (expected) marks of MT942 and a :34F: floor limit without a currency.
** Each file is written into a fresh mkdtemp directory and removed after the
** test.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Opening EUR 100,00 on 2013-06-01, one credit of 5,00. The entry is read
** with the opening's currency: 500 cents. The USD closing balance is left
** out with a warning, so closing_balance_cents is NULL. */
START_TEST(test_mt940_closing_in_other_currency)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130601EUR100,00\r\n"
                            ":61:1306010601C5,00NTRFNONREF\r\n"
                            ":62F:C130601USD105,00\r\n");
    expect_file_sql(&f,
                    "SELECT amount_cents, currency, opening_balance_cents,"
                    " closing_balance_cents FROM bank_statement('%q', 'mt940')",
                    "500|EUR|10000|NULL");
    expect_file_sql(&f,
                    "SELECT instr(warning, 'another currency') > 0"
                    " FROM bank_statement_balances('%q', 'mt940')",
                    "1");
    harness_file_remove(&f);
}
END_TEST

/* A closing balance whose currency field is digits is left out with a
** warning. The same fault in an opening balance stops the read. */
START_TEST(test_mt940_balance_without_currency)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130601EUR100,00\r\n"
                            ":62F:C130601123105,00\r\n");
    expect_file_sql(
        &f,
        "SELECT instr(warning, 'no ISO 4217') > 0, closing_balance_cents"
        " FROM bank_statement_balances('%q', 'mt940')",
        "1|NULL");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130601E1R100,00\r\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'mt940')",
                          ":60F: currency 'E1R' is not an ISO 4217 code");
    harness_file_remove(&f);
}
END_TEST

/* 2013 is not a leap year, so 130229 (29 February 2013) does not exist. */
START_TEST(test_mt940_balance_date_does_not_exist)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130229EUR100,00\r\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'mt940')",
                          "130229 does not exist (2013-02-29)");
    harness_file_remove(&f);
}
END_TEST

/* A balance shorter than mark, date, currency and one digit (11 bytes),
** and a balance with text after the amount. */
START_TEST(test_mt940_balance_short_or_trailing)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130601EUR\r\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'mt940')",
                          "is not C or D, YYMMDD, currency and amount");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130601EUR100,00XY\r\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'mt940')",
                          ":60F: unexpected text 'XY' after the amount");
    harness_file_remove(&f);
}
END_TEST

/* X is not a mark (D, C, RD, RC, ED or EC). RD is a reversed debit, so it
** is a credit of 2,50 = 250. ED is an expected debit of 1,00 = -100. */
START_TEST(test_mt940_entry_marks)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130601EUR100,00\r\n"
                            ":61:1306010601X5,00NTRFNONREF\r\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'mt940')",
                          ":61: mark 'X5' is not D, C, RD or RC");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":60F:C130601EUR100,00\r\n"
                            ":61:1306010601RD2,50NTRFNONREF\r\n"
                            ":61:1306010601ED1,00NTRFNONREF\r\n");
    expect_file_sql(&f,
                    "SELECT group_concat(amount_cents, ',') FROM"
                    " (SELECT amount_cents FROM bank_statement('%q', 'mt940')"
                    "  ORDER BY entry_index)",
                    "250,-100");
    harness_file_remove(&f);
}
END_TEST

/* The MT942 floor limit must start with a currency code. */
START_TEST(test_mt942_floor_limit_without_currency)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n"
                            ":34F:1000,00\r\n");
    expect_file_sql_error(
        &f, "SELECT * FROM bank_statement('%q', 'mt942')",
        ":34F: '1000,00' does not start with a currency code");
    harness_file_remove(&f);
}
END_TEST

/* currency=eur is not a capital ISO code, so it is an unknown option. */
START_TEST(test_mt940_lower_case_currency_option)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:REF1\r\n:25:DE12345\r\n:28C:1/1\r\n");
    expect_file_sql_error(&f,
                          "SELECT * FROM bank_statement('%q', 'mt940',"
                          " 'currency=eur')",
                          "unknown mt940 option 'currency=eur'");
    harness_file_remove(&f);
}
END_TEST

/* The SGML header of OFX 1.x; the body follows a blank line. */
#define OFX_HEADER                                                             \
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\n"        \
    "ENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\n"                 \
    "OLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"

/* A bank statement in EUR around one transaction: the text between
** OFX_OPEN and OFX_CLOSE is the STMTTRN's content. */
#define OFX_OPEN                                                               \
    OFX_HEADER "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR"             \
               "<BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT"
#define OFX_CLOSE                                                              \
    "</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n"

/* Tag names in lower case are read as upper case, and DTPOSTED may carry a
** time and a zone after the date. 12.5 EUR is 1250 cents. */
START_TEST(test_ofx_lower_case_tags_and_zone)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.sta",
        OFX_HEADER "<ofx><bankmsgsrsv1><stmttrnrs><stmtrs><curdef>EUR"
                   "<banktranlist><stmttrn><trntype>CREDIT"
                   "<dtposted>20130601120000.000[-5:EST]<trnamt>12.5<fitid>A1"
                   "</stmttrn></banktranlist></stmtrs></stmttrnrs>"
                   "</bankmsgsrsv1></ofx>\r\n");
    expect_file_sql(&f,
                    "SELECT booking_date, amount_cents, currency, bank_txn_id"
                    " FROM bank_statement('%q', 'ofx')",
                    "2013-06-01|1250|EUR|A1");
    harness_file_remove(&f);
}
END_TEST

/* Damaged OFX bodies and the error each one gives. */
static const struct {
    const char *text;
    const char *error;
} ofx_failures[] = {
    /* 2013 has no 30 February. */
    {OFX_OPEN "<DTPOSTED>20130230<TRNAMT>1.00" OFX_CLOSE,
     "STMTRS[1]/STMTTRN[1]/DTPOSTED: '20130230' is not a date that exists"},
    /* Seven digits are not a YYYYMMDD date. */
    {OFX_OPEN "<DTPOSTED>2013060<TRNAMT>1.00" OFX_CLOSE,
     "'2013060' is not an OFX date"},
    /* A zone that opens with [ must end with ]. */
    {OFX_OPEN "<DTPOSTED>20130601[-5<TRNAMT>1.00" OFX_CLOSE,
     "'20130601[-5' is not an OFX date"},
    /* A letter after the date is neither time nor zone. */
    {OFX_OPEN "<DTPOSTED>20130601T1200<TRNAMT>1.00" OFX_CLOSE,
     "'20130601T1200' is not an OFX date"},
    /* No TRNAMT element at all. */
    {OFX_OPEN "<DTPOSTED>20130601" OFX_CLOSE,
     "STMTRS[1]/STMTTRN[1]: missing TRNAMT"},
    /* No DTPOSTED element at all. */
    {OFX_OPEN "<TRNAMT>1.00" OFX_CLOSE,
     "STMTRS[1]/STMTTRN[1]: missing DTPOSTED"},
    /* No CURDEF and no CURRENCY in the transaction. */
    {OFX_HEADER "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><BANKTRANLIST>"
                "<STMTTRN><DTPOSTED>20130601<TRNAMT>1.00" OFX_CLOSE,
     "STMTRS[1]/STMTTRN[1]: no currency"},
    /* A transaction must sit inside a statement. */
    {OFX_HEADER "<OFX><STMTTRN><DTPOSTED>20130601<TRNAMT>1.00</STMTTRN>"
                "</OFX>\r\n",
     "STMTTRN outside a STMTRS or CCSTMTRS"},
    /* A statement may not open inside another. */
    {OFX_HEADER "<OFX><STMTRS><CURDEF>EUR<CCSTMTRS></CCSTMTRS></STMTRS>"
                "</OFX>\r\n",
     "a statement inside STMTRS[1]"},
    /* Investment statements are rejected by name. */
    {OFX_HEADER "<OFX><INVSTMTRS></INVSTMTRS></OFX>\r\n",
     "investment statements (INVSTMTRS) are not supported"},
    /* A CDATA section that the file never closes. */
    {OFX_OPEN "<DTPOSTED>20130601<TRNAMT>1.00<MEMO><![CDATA[abc" OFX_CLOSE,
     "<MEMO>: CDATA section without ]]>"},
    /* Closing an aggregate that is not open. */
    {OFX_HEADER "<OFX></STMTRS></OFX>\r\n", "</STMTRS> without <STMTRS>"},
    /* A blank inside a tag name; the message quotes 20 bytes from the <. */
    {OFX_HEADER "<OFX><A B></OFX>\r\n", "malformed tag '<A B></OFX>'"},
    /* The body must open with OFX. */
    {OFX_HEADER "<FOO></FOO>\r\n", "the body starts with <FOO>, not <OFX>"},
};

START_TEST(test_ofx_damaged_bodies)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta", ofx_failures[_i].text);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          ofx_failures[_i].error);
    harness_file_remove(&f);
}
END_TEST

/* OFX takes no options, so any text but blanks is an error. */
START_TEST(test_ofx_rejects_options)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.sta", OFX_OPEN "<DTPOSTED>20130601<TRNAMT>1.00" OFX_CLOSE);
    expect_file_sql_error(&f,
                          "SELECT * FROM bank_statement('%q', 'ofx', 'x=1')",
                          "ofx takes no options");
    expect_file_sql(
        &f, "SELECT amount_cents FROM bank_statement('%q', 'ofx', '  ')",
        "100");
    harness_file_remove(&f);
}
END_TEST

/* A camt.053 version 02 statement in EUR: CAMT_OPEN, the entry's elements
** up to its amount, then CAMT_CLOSE. */
#define CAMT_NS "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
#define CAMT_OPEN                                                              \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                             \
    "<Document xmlns=\"" CAMT_NS "\"><BkToCstmrStmt><Stmt><Id>S1</Id>"         \
    "<Acct><Id><IBAN>NL26VAYB8060476890</IBAN></Id><Ccy>EUR</Ccy></Acct>"      \
    "<Ntry>"
#define CAMT_CLOSE "</Ntry></Stmt></BkToCstmrStmt></Document>\n"
#define CAMT_DATES                                                             \
    "<Sts>BOOK</Sts><BookgDt><Dt>2013-06-01</Dt></BookgDt>"                    \
    "<ValDt><Dt>2013-06-01</Dt></ValDt>"

/* Damaged camt documents, the format requested and the error. */
static const struct {
    const char *text;
    const char *format;
    const char *error;
} camt_failures[] = {
    /* Version 09 is past the 02 to 08 that are read. */
    {"<?xml version=\"1.0\"?>\n<Document xmlns=\""
     "urn:iso:std:iso:20022:tech:xsd:camt.053.001.09\"/>\n",
     "camt", "is not camt.053 or camt.054 version 02 to 08"},
    /* The root must be Document. */
    {"<?xml version=\"1.0\"?>\n<Foo xmlns=\"" CAMT_NS "\"/>\n", "camt",
     "root element is <Foo>, not a camt <Document>"},
    /* A camt.053 file asked for as camt.054. */
    {CAMT_OPEN
     "<Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>" CAMT_DATES
         CAMT_CLOSE,
     "camt.054", "the file is camt.053, not the camt.054 requested"},
    /* A camt.053 Document contains BkToCstmrStmt. */
    {"<?xml version=\"1.0\"?>\n<Document xmlns=\"" CAMT_NS "\">"
     "<BkToCstmrDbtCdtNtfctn/></Document>\n",
     "camt",
     "element <BkToCstmrDbtCdtNtfctn> is not the expected <BkToCstmrStmt>"},
    /* CdtDbtInd gives the direction, so the amount has no sign. */
    {CAMT_OPEN
     "<Amt Ccy=\"EUR\">-1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>" CAMT_DATES
         CAMT_CLOSE,
     "camt", "amount '-1.00' has a sign"},
    /* EUR has 2 decimals. */
    {CAMT_OPEN
     "<Amt Ccy=\"EUR\">1.005</Amt><CdtDbtInd>CRDT</CdtDbtInd>" CAMT_DATES
         CAMT_CLOSE,
     "camt", "amount '1.005' has more decimals than EUR allows"},
    /* Only CRDT and DBIT are directions. */
    {CAMT_OPEN "<Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>XX</CdtDbtInd>" CAMT_DATES
         CAMT_CLOSE,
     "camt", "CdtDbtInd 'XX' is neither CRDT nor DBIT"},
    /* An Amt with no currency attribute. */
    {CAMT_OPEN
     "<Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>" CAMT_DATES CAMT_CLOSE,
     "camt", "missing Ccy attribute"},
    /* Currency codes are capitals. */
    {CAMT_OPEN
     "<Amt Ccy=\"eur\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>" CAMT_DATES
         CAMT_CLOSE,
     "camt", "Ccy 'eur' is not an ISO 4217 currency code"},
    /* A booking date element with no date inside. */
    {CAMT_OPEN "<Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOK</Sts><BookgDt></BookgDt>" CAMT_CLOSE,
     "camt", "has neither Dt nor DtTm"},
    /* 2013 is not a leap year. */
    {CAMT_OPEN
     "<Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
     "<Sts>BOOK</Sts><BookgDt><Dt>2013-02-29</Dt></BookgDt>" CAMT_CLOSE,
     "camt", "date '2013-02-29' does not exist"},
};

START_TEST(test_camt_damaged_documents)
{
    struct harness_file f;
    char sql[128];

    harness_file_write_text(&f, "s.sta", camt_failures[_i].text);
    snprintf(sql, sizeof(sql), "SELECT * FROM bank_statement('%%q', '%s')",
             camt_failures[_i].format);
    expect_file_sql_error(&f, sql, camt_failures[_i].error);
    harness_file_remove(&f);
}
END_TEST

/* Bad CSV options and the error each gives; the file has the header
** date,amount,memo and one row. */
static const struct {
    const char *options;
    const char *error;
} csv_option_failures[] = {
    /* quote takes double, single or none. */
    {"date=date,amount=amount,currency=EUR,quote=back",
     "invalid csv option 'quote=back'"},
    /* A tab cannot group digits. */
    {"date=date,amount=amount,currency=EUR,thousands=tab",
     "invalid csv option 'thousands=tab'"},
    /* skip takes digits only. */
    {"date=date,amount=amount,currency=EUR,skip=1x",
     "invalid csv option 'skip=1x'"},
    /* header takes yes or no. */
    {"date=date,amount=amount,currency=EUR,header=maybe",
     "invalid csv option 'header=maybe'"},
    /* encoding takes utf-8 or latin1. */
    {"date=date,amount=amount,currency=EUR,encoding=utf-16",
     "invalid csv option 'encoding=utf-16'"},
    /* A column option needs a column. */
    {"date=date,amount=amount,currency=EUR,memo=",
     "invalid csv option 'memo='"},
    /* 1.000 could be one thousand or one. */
    {"date=date,amount=amount,currency=EUR,decimal=point,thousands=point",
     "csv decimal and thousands separators are the same"},
    {"date=date,amount=amount,debit=2,currency=EUR",
     "csv takes amount= or debit=/credit=, not both"},
    {"date=date,currency=EUR",
     "csv needs amount=<column>, or debit= and credit= columns"},
    {"amount=amount,currency=EUR", "csv needs the option date=<column>"},
    {"date=date,amount=amount",
     "csv needs currency=<ISO 4217 code> or a currency column"},
};

START_TEST(test_csv_bad_options)
{
    struct harness_file f;
    char *sql;

    harness_file_write_text(&f, "s.sta",
                            "date,amount,memo\n2013-06-01,1.50,x\n");
    sql = sqlite3_mprintf("SELECT * FROM bank_statement('%%q', 'csv', %Q)",
                          csv_option_failures[_i].options);
    ck_assert_ptr_nonnull(sql);
    expect_file_sql_error(&f, sql, csv_option_failures[_i].error);
    sqlite3_free(sql);
    harness_file_remove(&f);
}
END_TEST

/* With decimal=comma and thousands=point, 1.234,50 is 1234.50 = 123450
** cents; semicolons separate the columns. */
START_TEST(test_csv_comma_decimal)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta", "date;amount\n2013-06-01;1.234,50\n");
    expect_file_sql(
        &f,
        "SELECT amount_cents FROM bank_statement('%q', 'csv',"
        " 'date=date,amount=amount,currency=EUR,delimiter=semicolon,"
        "decimal=comma,thousands=point')",
        "123450");
    harness_file_remove(&f);
}
END_TEST

/* Blanks on both sides of '=' are layout, as after ',': 'amount = amount'
** names the column amount, so 1.50 reads as 150 cents. */
START_TEST(test_csv_blanks_around_equals)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta", "date,amount\n2013-06-01,1.50\n");
    expect_file_sql(&f,
                    "SELECT amount_cents FROM bank_statement('%q', 'csv',"
                    " 'date = date, amount = amount, currency = EUR')",
                    "150");
    harness_file_remove(&f);
}
END_TEST

/* A header row of one empty quoted cell stores no cell text, so the
** named-column lookup must raise "no column named", not read a null buffer. */
START_TEST(test_csv_empty_header_cell)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta", "\"\"\n2013-06-01,1.50\n");
    expect_file_sql_error(&f,
                          "SELECT * FROM bank_statement('%q', 'csv',"
                          " 'date=date,amount=amount,currency=EUR')",
                          "line 1: no column named 'date' for date");
    harness_file_remove(&f);
}
END_TEST

Suite *edge_statement_suite(void)
{
    Suite *s = suite_create("edge_statement");
    TCase *mt940 = tcase_create("mt940");
    TCase *ofx = tcase_create("ofx");
    TCase *camt = tcase_create("camt");
    TCase *csv = tcase_create("csv");

    tcase_add_test(mt940, test_mt940_closing_in_other_currency);
    tcase_add_test(mt940, test_mt940_balance_without_currency);
    tcase_add_test(mt940, test_mt940_balance_date_does_not_exist);
    tcase_add_test(mt940, test_mt940_balance_short_or_trailing);
    tcase_add_test(mt940, test_mt940_entry_marks);
    tcase_add_test(mt940, test_mt942_floor_limit_without_currency);
    tcase_add_test(mt940, test_mt940_lower_case_currency_option);
    suite_add_tcase(s, mt940);
    tcase_add_test(ofx, test_ofx_lower_case_tags_and_zone);
    tcase_add_loop_test(ofx, test_ofx_damaged_bodies, 0,
                        (int)(sizeof(ofx_failures) / sizeof(ofx_failures[0])));
    tcase_add_test(ofx, test_ofx_rejects_options);
    suite_add_tcase(s, ofx);
    tcase_add_loop_test(
        camt, test_camt_damaged_documents, 0,
        (int)(sizeof(camt_failures) / sizeof(camt_failures[0])));
    suite_add_tcase(s, camt);
    tcase_add_loop_test(
        csv, test_csv_bad_options, 0,
        (int)(sizeof(csv_option_failures) / sizeof(csv_option_failures[0])));
    tcase_add_test(csv, test_csv_comma_decimal);
    tcase_add_test(csv, test_csv_empty_header_cell);
    tcase_add_test(csv, test_csv_blanks_around_equals);
    suite_add_tcase(s, csv);
    return s;
}
