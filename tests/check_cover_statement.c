/*
** MT940 and CSV statements that the format suites' samples leave out,
** written to reach the readers' rarer paths. MT940: :86: narratives in
** the German subfield, Dutch slash-code and free-text layouts (ISO 11649
** references, SEPA keys that wrap, Polish ?38 IBANs, Rabobank /CNTP/),
** odd :61: lines, SWIFT blocks, CR-only line ends and the currency=
** option. CSV: option forms, quoting, line ends and amount shapes. Also
** format detection, file names in messages, and the balance check of
** bank_statement_balances. Every file is written into a fresh mkdtemp
** directory and removed after the test. Expected values follow from the
** file text and the rules in the header of each reader in ext/.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "statement.h"

/* Writes text, expects the error for every column of the mt940 read and
** removes the file. */
static void cover_mt940_error(const char *text, const char *expected)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta", text);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'mt940')",
                          expected);
    harness_file_remove(&f);
}

/* Statement head in EUR (2 decimals) for the entries that follow. */
#define MT940_HEAD                                                             \
    ":20:STMT1\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n"                  \
    ":60F:C130601EUR100,00\r\n"

/* ---------------------------------------------------------------------
** :86: narratives. Each case is the text of one :86: after the :61:
** "1306010601C5,00NTRFNONREF", whose NONREF customer reference gives
** no reference, and the expected memo, counterparty_name,
** counterparty_account, structured_ref and end_to_end_id.
*/

struct narrative_case {
    const char *text;     /* the :86: field, lines separated by CRLF */
    const char *expected; /* memo|name|account|structured_ref|end_to_end */
};

static const struct narrative_case narrative_cases[] = {
    /* Free text. RF18539007547034 is the ISO 11649 example reference
    ** (check digits 18 are right), so it is the structured_ref. */
    {"Invoice 2013-17 RF18539007547034 thanks {ticket 9}",
     "Invoice 2013-17 RF18539007547034 thanks {ticket 9}|NULL|NULL|"
     "RF18539007547034|NULL"},
    /* The same reference in lower case on a second line: lines join with
    ** ' ', and the reference is kept as written. */
    {"Payment for order\r\nrf18539007547034",
     "Payment for order rf18539007547034|NULL|NULL|rf18539007547034|NULL"},
    /* Words shaped like RF references that are not valid ones. XRF... is
    ** inside a word, RF19... has wrong check digits, and RF18 is the first
    ** group of a spaced reference, too short alone. RFX12 has no check
    ** digits, and RF with 24 letters is 26 characters, over the 25 of ISO
    ** 11649. */
    {"Rechnung XRF18539007547034 RF19539007547034 RF18 5390 0754 7034 "
     "RFX12 RFABCDEFGHIJKLMNOPQRSTUVWX",
     "Rechnung XRF18539007547034 RF19539007547034 RF18 5390 0754 7034 "
     "RFX12 RFABCDEFGHIJKLMNOPQRSTUVWX|NULL|NULL|NULL|NULL"},
    /* SEPA keys in free text: SVWZ+ is the memo. The EREF+ value runs to
    ** the next key over the line break. It is 37 characters (Ä counts
    ** one), so it is cut to 35, which end in the blank before "89", and
    ** the blank is dropped. With no RF reference, structured_ref is the
    ** end-to-end id. */
    {"EREF+ÄBCDEFGHIJKLMNOPQRSTUVWXYZ01234567 89\r\nSVWZ+Miete Juni",
     "Miete Juni|NULL|NULL|ÄBCDEFGHIJKLMNOPQRSTUVWXYZ01234567|"
     "ÄBCDEFGHIJKLMNOPQRSTUVWXYZ01234567"},
    /* NOTPROVIDED is SEPA's placeholder for no end-to-end id. */
    {"EREF+NOTPROVIDED SVWZ+Miete Juli", "Miete Juli|NULL|NULL|NULL|NULL"},
    /* Polish German-layout narrative: ?38 has the shape of an IBAN, so it
    ** replaces the national ?31 account; ?32 is the name. */
    {"020?00PRZELEW?20FV 2013/06/17?3010901014?31109010140000071219812874"
     "?32JAN KOWALSKI?38PL61109010140000071219812874",
     "FV 2013/06/17|JAN KOWALSKI|PL61109010140000071219812874|NULL|NULL"},
    /* A ?31 after the ?38 IBAN does not replace it. */
    {"166?00GUTSCHRIFT?20Miete Juni?38DE89370400440532013000?31532013000",
     "Miete Juni|NULL|DE89370400440532013000|NULL|NULL"},
    /* ?38 values without the shape of an IBAN (two capitals, two digits,
    ** 11 to 30 letters or digits) leave the ?31 account. In order: too
    ** short, 35 characters, a digit or a small letter first, a digit or a
    ** small letter second, a letter third or fourth, blanks inside. */
    {"166?20Miete?310532013000?38DE893704004",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?38DE893704004405320130001234567890123",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?381E89370400440532013000",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?38dE89370400440532013000",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?38D189370400440532013000",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?38De89370400440532013000",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?38DEX9370400440532013000",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?38DE8X370400440532013000",
     "Miete|NULL|0532013000|NULL|NULL"},
    {"166?20Miete?310532013000?38DE89 3704 0044 0532 0130 00",
     "Miete|NULL|0532013000|NULL|NULL"},
    /* "EREF+" fills ?20 alone and its value is in ?21: the id is the ?21
    ** text, which ends where the short subfield ends. */
    {"166?00SEPA-GUTSCHRIFT?20EREF+?21E2E-2013-0042?22SVWZ+Rechnung 4711"
     "?32Max Mustermann",
     "Rechnung 4711|Max Mustermann|NULL|E2E-2013-0042|E2E-2013-0042"},
    /* EREF+ in the last purpose subfield runs to the end of the purpose. */
    {"166?00SEPA-GUTSCHRIFT?20SVWZ+Rechnung 4711?21EREF+E2E-0001"
     "?32Max Mustermann",
     "Rechnung 4711|Max Mustermann|NULL|E2E-0001|E2E-0001"},
    /* A '?' that is not followed by two digits is text: "? J", "?5a" and a
    ** "?2" at the very end. The tab that starts ?20 is trimmed. */
    {"166?00GUTSCHRIFT?20\tBezahlt? Ja?21Teil ?5a?22Ende ?2",
     "Bezahlt? Ja Teil ?5a Ende ?2|NULL|NULL|NULL|NULL"},
    /* Free texts that start with digits but not with "NNN?NN". */
    {"1 Stueck Ware", "1 Stueck Ware|NULL|NULL|NULL|NULL"},
    {"12 Raten", "12 Raten|NULL|NULL|NULL|NULL"},
    {"4711 Miete", "4711 Miete|NULL|NULL|NULL|NULL"},
    {"123?Frage", "123?Frage|NULL|NULL|NULL|NULL"},
    {"123?2 Fragen", "123?2 Fragen|NULL|NULL|NULL|NULL"},
    /* ING writes unstructured remittance text as /REMI/USTD//text. The
    ** '/' in "2013/17" starts no key, so it stays in the memo. The EREF
    ** is the NOTPROVIDED placeholder. */
    {"/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U"
     "/NAME/J. JANSEN/REMI/USTD//Factuur 2013/17/EREF/NOTPROVIDED",
     "Factuur 2013/17|J. JANSEN|NL44RABO0123456789|NULL|NULL"},
    /* Rabobank: /CNTP/account/BIC/name/city/ gives the counterparty; the
    ** '/' that ends a value is dropped. */
    {"/EREF/E2E-0001//CNTP/NL44RABO0123456789/RABONL2U/J. JANSEN/UTRECHT"
     "/REMI/Factuur 17/",
     "Factuur 17|J. JANSEN|NL44RABO0123456789|E2E-0001|E2E-0001"},
    /* /NAME/ and /IBAN/ come first, so /CNTP/ does not replace them. */
    {"/NAME/ACME BV/IBAN/NL91ABNA0417164300/CNTP/NL44RABO0123456789"
     "/RABONL2U/OTHER NAME/AMSTERDAM/REMI/Order 88",
     "Order 88|ACME BV|NL91ABNA0417164300|NULL|NULL"},
    /* An empty /EREF/ value gives no id. */
    {"/TRTP/SEPA INCASSO/EREF//REMI/Contributie 2013",
     "Contributie 2013|NULL|NULL|NULL|NULL"},
    /* A line that ends in a blank joins the next without a second one. */
    {"Miete \r\nJuni", "Miete Juni|NULL|NULL|NULL|NULL"},
    /* Slashes but none of the keys: free text. */
    {"/1234/ Miete", "/1234/ Miete|NULL|NULL|NULL|NULL"},
};

#define N_NARRATIVE_CASES                                                      \
    ((int)(sizeof(narrative_cases) / sizeof(narrative_cases[0])))

START_TEST(test_mt940_narrative_layouts)
{
    const struct narrative_case *c = &narrative_cases[_i];
    struct harness_file f;
    char *text = sqlite3_mprintf(MT940_HEAD ":61:1306010601C5,00NTRFNONREF\r\n"
                                            ":86:%s\r\n"
                                            ":62F:C130601EUR105,00\r\n",
                                 c->text);

    ck_assert_ptr_nonnull(text);
    harness_file_write_text(&f, "s.sta", text);
    sqlite3_free(text);
    expect_file_sql(&f,
                    "SELECT memo, counterparty_name, counterparty_account,"
                    " structured_ref, end_to_end_id"
                    " FROM bank_statement('%q', 'mt940')",
                    c->expected);
    harness_file_remove(&f);
}
END_TEST

/* ---------------------------------------------------------------------
** The MT940 reader: dates, :61: lines, fields, blocks, options.
*/

/* YY 99 is 1999 (80-99 are the 1900s). A booking date MMDD takes the year
** of the value date. That year moves back when the booking month is more
** than six months later (value 2014-01-02, booking 1231: 2013-12-31). It
** moves on when it is more than six months earlier (value 2013-12-31,
** booking 0102: 2014-01-02). */
START_TEST(test_mt940_booking_year_turns)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            MT940_HEAD ":61:9912311231C1,00NTRFNONREF\r\n"
                                       ":61:1401021231D2,00NTRFNONREF\r\n"
                                       ":61:1312310102C3,00NTRFNONREF\r\n");
    expect_file_sql(&f,
                    "SELECT value_date, booking_date, amount_cents"
                    " FROM bank_statement('%q', 'mt940') ORDER BY entry_index",
                    "1999-12-31|1999-12-31|100\n"
                    "2014-01-02|2013-12-31|-200\n"
                    "2013-12-31|2014-01-02|300");
    harness_file_remove(&f);
}
END_TEST

/* Damaged :61:, balance and :34F: fields, each with the message that
** names the fault. */
START_TEST(test_mt940_damaged_fields)
{
    /* O is not a digit. */
    cover_mt940_error(MT940_HEAD ":61:13O6010601C5,00NTRFNONREF\r\n",
                      ":61: value date '13O601' is not a YYMMDD date");
    /* 30 February in the value date's year 2013. */
    cover_mt940_error(MT940_HEAD ":61:1306010230C5,00NTRFNONREF\r\n",
                      ":61: booking date 0230 does not exist in 2013");
    /* Date and mark, but no amount: 7 bytes, under the 8 needed. */
    cover_mt940_error(MT940_HEAD ":61:130601C\r\n",
                      ":61: '130601C' is too short for a statement line");
    /* R must be followed by C or D to make a reversal mark. */
    cover_mt940_error(MT940_HEAD ":61:1306010601RX5,00NTRFNONREF\r\n",
                      ":61: mark 'RX' is not D, C, RD or RC");
    cover_mt940_error(MT940_HEAD ":61:1306010601R\r\n",
                      ":61: mark 'R' is not D, C, RD or RC");
    /* R after the mark is a funds code only before a digit. */
    cover_mt940_error(MT940_HEAD ":61:1306010601CRX5,00NTRFNONREF\r\n",
                      ":61: amount 'RX5,00NTRFNONREF' is not a EUR amount");
    /* The line ends after the mark. */
    cover_mt940_error(MT940_HEAD ":61:1306010601C\r\n",
                      ":61: amount '' is not a EUR amount");
    /* The line ends after the booking date. */
    cover_mt940_error(MT940_HEAD ":61:1306010601\r\n",
                      ":61: mark '' is not D, C, RD or RC");
    /* 45 digits: the reader takes 40, which overflow 64 bits. */
    cover_mt940_error(":20:STMT1\r\n:60F:C130601EUR"
                      "123456789012345678901234567890123456789012345\r\n",
                      ":60F: amount '12345678901234567890' is not a EUR "
                      "amount");
    /* A lone ',' has no digits. */
    cover_mt940_error(":20:STMT1\r\n:60F:C130601EUR,\r\n",
                      ":60F: amount ',' is not a EUR amount");
    cover_mt940_error(":20:STMT1\r\n:60F:C130601EU1100,00\r\n",
                      ":60F: currency 'EU1' is not an ISO 4217 code");
    cover_mt940_error(":20:STMT1\r\n:34F:EU\r\n",
                      ":34F: 'EU' does not start with a currency code");
    /* A message without its "-}" end, followed by the next one: the
    ** damaged field is still reported. */
    cover_mt940_error(":20:STMT1\r\n:60F:C130601EU1100,00\r\n"
                      "{1:F01BANKDEFFAXXX0000000000}{2:I940BANKDEFFXXXXN}"
                      "{4:\r\n",
                      ":60F: currency 'EU1' is not an ISO 4217 code");
}
END_TEST

/* :61: lines as banks write them, one entry each:
**   ntrf... and NTR-... are no transaction type (a capital and three
**     capitals, digits or blanks), so they are part of the customer
**     reference, which becomes the end-to-end id;
**   CR5,00: C is the mark and R a funds code;
**   a blank or a line break between the mark and the amount;
**   NONREF padded to 16 characters and followed by a name (old
**     Rabobank): the name, no account;
**   an IBAN as the customer reference and no details line (ASN): the
**     account, no name;
**   an ETX control character inside the narrative is dropped;
**   a bank reference padded with blanks before the details line;
**   an amount with nothing after it;
**   date, mark and a one-digit amount: 8 bytes, the least a :61: has. */
START_TEST(test_mt940_statement_line_shapes)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            MT940_HEAD
                            ":61:1306010601C5,00ntrfREF-A\r\n"
                            ":61:1306010601C5,01NTR-REF-B\r\n"
                            ":61:1306010601CR5,02NTRFREF-C\r\n"
                            ":61:1306010601C 5,03NTRFREF-D\r\n"
                            ":61:1306010601C\r\n5,04NTRFREF-E\r\n"
                            ":61:1306010601C5,05NTRFNONREF          "
                            "J. JANSEN\r\n"
                            ":61:1306010601C5,06NTRFNL44RABO0123456789\r\n"
                            ":86:Miete\x03 Juni\r\n"
                            ":61:1306010601C5,08NTRFREF-F//B123  \r\n"
                            "DETAILS\r\n"
                            ":61:1306010601C5,07\r\n:61:130601C5\r\n");
    expect_file_sql(&f,
                    "SELECT amount_cents, counterparty_name,"
                    " counterparty_account, end_to_end_id, memo"
                    " FROM bank_statement('%q', 'mt940') ORDER BY entry_index",
                    "500|NULL|NULL|ntrfREF-A|NULL\n"
                    "501|NULL|NULL|NTR-REF-B|NULL\n"
                    "502|NULL|NULL|REF-C|NULL\n"
                    "503|NULL|NULL|REF-D|NULL\n"
                    "504|NULL|NULL|REF-E|NULL\n"
                    "505|J. JANSEN|NULL|NULL|NULL\n"
                    "506|NULL|NL44RABO0123456789|NULL|Miete Juni\n"
                    "508|NULL|NULL|REF-F|NULL\n"
                    "507|NULL|NULL|NULL|NULL\n"
                    "500|NULL|NULL|NULL|NULL");
    harness_file_remove(&f);
}
END_TEST

/* An empty :20: gives no statement id. A :20: whose id is on the next
** line and ends in a tab gives the id, and so does " STMT3" after its
** blank. The 3-character account 123 is too short to end in a currency
** code. The USD that ends the third account comes after the :60F:
** opening balance in EUR, which wins. */
START_TEST(test_mt940_statement_ids)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:\r\n:25:123\r\n:60F:C130601EUR1,00\r\n"
                            ":62F:C130601EUR1,00\r\n"
                            ":20:\r\nSTMT2\t\r\n:25:NL91ABNA0417164300\r\n"
                            ":60F:C130601EUR2,00\r\n:62F:C130601EUR2,00\r\n"
                            ":20: STMT3\r\n:60F:C130601EUR3,00\r\n"
                            ":25:51210600/9223382012USD\r\n");
    expect_file_sql(&f,
                    "SELECT statement_id, account, currency"
                    " FROM bank_statement_balances('%q', 'mt940')",
                    "NULL|123|EUR\nSTMT2|NL91ABNA0417164300|EUR\n"
                    "STMT3|51210600/9223382012USD|EUR");
    harness_file_remove(&f);
}
END_TEST

/* An MT942 in SWIFT blocks with CR line ends (the last line too):
** {2:O942 makes every entry pending and the format mt942, and the :25:
** account ends in the currency EUR. "-12,50 EUR Gebuehr" is narrative
** text, not a message end (more than "-" and 3 characters, no "-}"), and
** "-}{5:...}" ends the message. */
START_TEST(test_mt942_blocks_with_cr_line_ends)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.sta",
        "{1:F01BANKDEFFAXXX0000000000}"
        "{2:O9421200130601BANKDEFFAXXX00000000001306011200N}{4: \r"
        ":20:STMT1\r:25:51210600/9223382012EUR\r:28C:1/1\r"
        ":61:1306010601D5,00NTRFNONREF\r:86:Miete\r"
        "-12,50 EUR Gebuehr\r-}{5:{CHK:123456789ABC}}\r");
    expect_file_sql(&f,
                    "SELECT status, amount_cents, currency, memo, format"
                    " FROM bank_statement('%q', 'mt940')",
                    "pending|-500|EUR|Miete -12,50 EUR Gebuehr|mt942");
    harness_file_remove(&f);
}
END_TEST

/* An intermediate closing balance :62M: in USD and a final :62F: whose
** currency is digits: both are left out, and the warning names both. */
START_TEST(test_mt940_two_closing_warnings)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            MT940_HEAD ":62M:C130601USD100,00\r\n"
                                       ":62F:C130601123100,00\r\n");
    expect_file_sql(&f,
                    "SELECT closing_balance_cents, warning"
                    " FROM bank_statement_balances('%q', 'mt940')",
                    "NULL|the closing balance is in another currency than the "
                    "opening balance: left out; the closing balance has no ISO "
                    "4217 currency: left out");
    harness_file_remove(&f);
}
END_TEST

/* {2:I940 is an MT940 input message, and text after {4: on its line is a
** field of its own. The {1: block has a line of its own. */
START_TEST(test_mt940_field_after_block_four)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            "{1:F01BANKDEFFAXXX0000000000}\n"
                            "{2:I940BANKDEFFXXXXN}{4::20:STMT9\n"
                            ":25:DE89370400440532013000\n:60F:C130601EUR1,00\n"
                            ":61:1306010601C5,00NTRFNONREF\n-}\n");
    expect_file_sql(&f,
                    "SELECT statement_id, status, amount_cents"
                    " FROM bank_statement('%q', 'mt940')",
                    "STMT9|booked|500");
    harness_file_remove(&f);
}
END_TEST

/* A line that contains only ':' joins a tag on the next line (Sparkasse).
** Otherwise it is text of the open field, so "Miete" ":" "Juni" are three
** free-text lines. A ':' that ends the file is the last line of the
** narrative "Pacht in" ":EUR", where ":EUR" is no tag because no colon
** follows "EUR". A ':' line before any field, and after the message end,
** is read over. */
START_TEST(test_mt940_lone_colon_lines)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.sta",
        ":\r\nBank header\r\n" MT940_HEAD
        ":61:1306010601C5,00NTRFNONREF\r\n:86:Miete\r\n:\r\n"
        "Juni\r\n:61:1306010601C6,00NTRFNONREF\r\n:86:Pacht in\r\n"
        ":EUR\r\n"
        ":\r\n");
    expect_file_sql(&f,
                    "SELECT memo FROM bank_statement('%q', 'mt940')"
                    " ORDER BY entry_index",
                    "Miete : Juni\nPacht in :EUR :");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.sta",
                            MT940_HEAD ":62F:C130601EUR100,00\r\n-\r\n:\r\n");
    expect_file_sql(&f,
                    "SELECT opening_balance_cents, closing_balance_cents"
                    " FROM bank_statement_balances('%q', 'mt940')",
                    "10000|10000");
    harness_file_remove(&f);
}
END_TEST

/* :86: fields before any :61: describe the statement and are not read;
** two :86: fields after a :61: are one narrative of two lines. */
START_TEST(test_mt940_repeated_information_fields)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            MT940_HEAD ":86:Kontoauszug Juni\r\n:86:Seite 1\r\n"
                                       ":61:1306010601C5,00NTRFNONREF\r\n"
                                       ":86:Line one\r\n:86:Line two\r\n");
    expect_file_sql(&f, "SELECT memo FROM bank_statement('%q', 'mt940')",
                    "Line one Line two");
    harness_file_remove(&f);
}
END_TEST

/* The currency= option, with blanks, tabs and an empty item around it,
** gives a statement without any currency USD: 5,00 is 500 cents; so does
** the option followed by a ','. Given twice it is an error, even with the
** same value, and the misspelt 'currenzy=USD' is an unknown option. */
START_TEST(test_mt940_currency_option_forms)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.sta",
                            ":20:S1\r\n:25:DE12345\r\n"
                            ":61:1306010601C5,00NTRFNONREF\r\n");
    expect_file_sql(&f,
                    "SELECT amount_cents, currency FROM bank_statement('%q',"
                    " 'mt940', ' \tcurrency=USD\t ,, ')",
                    "500|USD");
    expect_file_sql(&f,
                    "SELECT amount_cents, currency FROM bank_statement('%q',"
                    " 'mt940', 'currency=USD,')",
                    "500|USD");
    expect_file_sql_error(&f,
                          "SELECT * FROM bank_statement('%q', 'mt940',"
                          " 'currenzy=USD')",
                          "unknown mt940 option 'currenzy=USD'");
    expect_file_sql_error(&f,
                          "SELECT * FROM bank_statement('%q', 'mt940',"
                          " 'currency=USD,currency=USD')",
                          "mt940 option 'currency' is given twice");
    harness_file_remove(&f);
}
END_TEST

/* ---------------------------------------------------------------------
** CSV. Options are given as an SQL expression, so that a test can pass
** control characters with char().
*/

/* Writes content to s.csv and expects the rows of columns. */
static void cover_csv_expect(const char *content, const char *options_sql,
                             const char *columns, const char *expected)
{
    struct harness_file f;
    char *sql;
    sqlite3 *db;

    harness_file_write(&f, "s.csv", content, strlen(content));
    sql = sqlite3_mprintf("SELECT %s FROM bank_statement('%q', 'csv', %s)",
                          columns, f.path, options_sql);
    ck_assert_ptr_nonnull(sql);
    db = harness_open();
    expect_sql(db, sql, expected);
    sqlite3_close(db);
    sqlite3_free(sql);
    harness_file_remove(&f);
}

/* Writes content to s.csv and expects an error that contains expected. */
static void cover_csv_error(const char *content, const char *options_sql,
                            const char *expected)
{
    struct harness_file f;
    char *sql;
    sqlite3 *db;

    harness_file_write(&f, "s.csv", content, strlen(content));
    sql = sqlite3_mprintf("SELECT * FROM bank_statement('%q', 'csv', %s)",
                          f.path, options_sql);
    ck_assert_ptr_nonnull(sql);
    db = harness_open();
    expect_sql_error(db, sql, expected);
    sqlite3_close(db);
    sqlite3_free(sql);
    harness_file_remove(&f);
}

/* A German export with ':' as the delimiter (any other printable ASCII
** character may be given). The options have tabs around an item, a blank
** after '=', an empty item, a trailing ',', and header=yes and
** encoding=utf-8 spelt out. A currency column gives each row's code:
** 1.250,00 EUR is 125000 cents, -12,50 USD is -1250. Blanks around a
** cell are trimmed. */
START_TEST(test_csv_option_forms)
{
    cover_csv_expect("Buchungstag:Betrag:Waehrung:Text\r\n"
                     "03.06.2013:1.250,00:EUR:Miete\r\n"
                     "04.06.2013:-12,50:USD:  Gebuehr \r\n",
                     "char(9) || 'delimiter=:' || char(9) || ',,header=yes,"
                     "encoding=utf-8,decimal=comma,thousands=point,"
                     "date_order=dmy,date=Buchungstag,amount=Betrag,"
                     "currency=Waehrung,memo= Text,'",
                     "booking_date, amount_cents, currency, memo",
                     "2013-06-03|125000|EUR|Miete\n"
                     "2013-06-04|-1250|USD|Gebuehr");
}
END_TEST

/* Quoting and line ends:
**   quote=single: a doubled '' is one quote;
**   quote=none: double quotes are text;
**   a quoted cell with a CR-only line break, closed by the last byte of
**     the file, and one with a CRLF line break;
**   a last row that ends in its delimiter, or in a cell, without a line
**     end;
**   CR-only line ends with skip=1 over a title line, and blank CRLF
**     lines between rows. */
START_TEST(test_csv_quotes_and_line_ends)
{
    cover_csv_expect("date,amount,memo\n2013-06-03,5.00,'it''s paid'\n",
                     "'date=date,amount=amount,memo=memo,currency=EUR,"
                     "quote=single'",
                     "memo", "it's paid");
    cover_csv_expect("date,amount,memo\n2013-06-03,5.00,\"raw\"\n",
                     "'date=date,amount=amount,memo=memo,currency=EUR,"
                     "quote=none'",
                     "memo", "\"raw\"");
    cover_csv_expect("date,amount,memo\r\n2013-06-03,5.00,\"line1\rline2\"",
                     "'date=date,amount=amount,memo=memo,currency=EUR'",
                     "hex(memo)", "6C696E65310D6C696E6532");
    cover_csv_expect("date,amount,memo\r\n2013-06-03,5.00,\"a\r\nb\"\r\n",
                     "'date=date,amount=amount,memo=memo,currency=EUR'",
                     "hex(memo)", "610D0A62");
    cover_csv_expect("date,amount,memo\n2013-06-03,5.00,Miete\n"
                     "2013-06-04,6.00,",
                     "'date=date,amount=amount,memo=memo,currency=EUR'",
                     "amount_cents, memo", "500|Miete\n600|NULL");
    cover_csv_expect("date,amount\n2013-06-03,5.00",
                     "'date=date,amount=amount,currency=EUR'", "amount_cents",
                     "500");
    cover_csv_expect("Export Konto 0532013000\rdate,amount,memo\r"
                     "2013-06-03,5.00,Miete\r\r2013-06-04,6.00,Pacht\r",
                     "'date=date,amount=amount,memo=memo,currency=EUR,"
                     "skip=1'",
                     "booking_date, amount_cents, memo",
                     "2013-06-03|500|Miete\n2013-06-04|600|Pacht");
    cover_csv_expect("date,amount\r\n2013-06-03,5.00\r\n\r\n\r\n"
                     "2013-06-04,6.00\r\n",
                     "'date=date,amount=amount,currency=EUR'", "amount_cents",
                     "500\n600");
}
END_TEST

/* Amount shapes that are read:
**   only a credit column mapped, so there is no debit to subtract;
**   Swiss apostrophes grouping thousands, with a leading '+';
**   (12.00) and 12.00- are negative;
**   an empty value_date cell leaves the value date NULL. */
START_TEST(test_csv_amount_shapes)
{
    cover_csv_expect("date,credit\n2013-06-03,5.00\n",
                     "'date=date,credit=credit,currency=EUR'", "amount_cents",
                     "500");
    cover_csv_expect("date,valuta,amount\n2013-06-03,,+1'250.00\n"
                     "2013-06-04,2013-06-05,(12.00)\n2013-06-05,,12.00-\n",
                     "'date=date,value_date=valuta,amount=amount,"
                     "currency=CHF,thousands=apostrophe'",
                     "value_date, amount_cents",
                     "NULL|125000\n2013-06-05|-1200\nNULL|-1200");
}
END_TEST

/* Options that are invalid or name no column, on a file with the header
** date,amount and one row, and the error each gives. */
static const struct {
    const char *options_sql;
    const char *error;
} csv_option_cases[] = {
    /* A delimiter may be one printable ASCII character other than '"',
    ** or a name; none names no delimiter. */
    {"'date=1,amount=2,currency=EUR,delimiter=\"'",
     "invalid csv option 'delimiter=\"'"},
    {"'date=1,amount=2,currency=EUR,delimiter=' || char(1)",
     "invalid csv option 'delimiter="},
    {"'date=1,amount=2,currency=EUR,delimiter=' || char(127)",
     "invalid csv option 'delimiter="},
    {"'date=1,amount=2,currency=EUR,delimiter=ab'",
     "invalid csv option 'delimiter=ab'"},
    {"'date=1,amount=2,currency=EUR,delimiter=none'",
     "invalid csv option 'delimiter=none'"},
    {"'date=1,amount=2,currency=EUR,decimal=space'",
     "invalid csv option 'decimal=space'"},
    {"'date=1,amount=2,currency=EUR,thousands=semicolon'",
     "invalid csv option 'thousands=semicolon'"},
    /* Separators other than delimiter are given by name only. */
    {"'date=1,amount=2,currency=EUR,thousands=x'",
     "invalid csv option 'thousands=x'"},
    /* skip takes at most 6 digits, and at least one. */
    {"'date=1,amount=2,currency=EUR,skip=1234567'",
     "invalid csv option 'skip=1234567'"},
    {"'date=1,amount=2,currency=EUR,skip='", "invalid csv option 'skip='"},
    {"'date=1,amount=2,currency=EUR,skip=-1'", "invalid csv option 'skip=-1'"},
    {"'date=1,amount=2,currency=EUR,header'", "invalid csv option 'header'"},
    {"'date=1,amount=2,credit=2,currency=EUR'",
     "csv takes amount= or debit=/credit=, not both"},
    /* 0 is no 1-based index and 10000 is past the 1000 an index may
    ** have, so both are header names; 1000 is an index. */
    {"'date=1,amount=0,currency=EUR'", "no column named '0' for amount"},
    {"'date=1,amount=10000,currency=EUR'",
     "no column named '10000' for amount"},
    {"'date=1,amount=1000,currency=EUR'",
     "amount=1000, but the row has 2 columns"},
    /* Only three capitals are a currency code; eur names a column. */
    {"'date=1,amount=2,currency=eur'", "no column named 'eur' for currency"},
    {"'date=1,amount=2,currency=EU1'", "no column named 'EU1' for currency"},
};

START_TEST(test_csv_invalid_options)
{
    cover_csv_error("date,amount\n2013-06-03,5.00\n",
                    csv_option_cases[_i].options_sql,
                    csv_option_cases[_i].error);
}
END_TEST

/* Rows whose cells cannot be read, after the header date,amount,currency
** (date;amount;currency where the options make ';' the delimiter), with
** the options date, amount and currency by name plus options, and the
** error each gives. */
static const struct {
    const char *row;
    const char *options;
    const char *error;
} csv_cell_cases[] = {
    /* Group separators without a thousands= option: the message names
    ** the option that would read them. */
    {"2013-06-03,1 250.00,EUR", "", "pass thousands=space"},
    {"2013-06-03,1'250.00,EUR", "", "pass thousands=apostrophe"},
    /* 20 digits are more than a signed 64-bit count holds. */
    {"2013-06-03,12345678901234567890),EUR", "",
     "is more than 9223372036854775807 minor units"},
    /* 70 digits: longer than the 63 bytes an amount may have. */
    {"2013-06-03,1234567890123456789012345678901234567890"
     "123456789012345678901234567890,EUR",
     "", "is more than 9223372036854775807 minor units"},
    {"2013-06-03,1.2501,EUR", "",
     "has more decimals than the currency allows (2)"},
    {"2013-06-03,12a,EUR", "", "'12a' is not an amount with decimal '.'"},
    /* A sign inside the parentheses, and signs at both ends. */
    {"2013-06-03,(-12.00),EUR", "", "is not an amount with decimal '.'"},
    {"2013-06-03,-12.00-,EUR", "", "is not an amount with decimal '.'"},
    {"2013-06-03,(+12.00),EUR", "", "is not an amount with decimal '.'"},
    {"2013-06-03,+12.00-,EUR", "", "is not an amount with decimal '.'"},
    /* Thousands separators must group the digits by three. */
    {"2013-06-03;.250,00;EUR", ",delimiter=;,decimal=comma,thousands=point",
     "line 2, column 2 (amount): '.250,00' is not an amount with decimal "
     "',' and thousands=point"},
    {"2013-06-03;1.25,00;EUR",
     ",delimiter=semicolon,decimal=comma,"
     "thousands=point",
     "'1.25,00' is not an amount with decimal ',' and thousands=point"},
    {"2013-06-03;1250.000,00;EUR",
     ",delimiter=semicolon,decimal=comma,"
     "thousands=point",
     "'1250.000,00' is not an amount with decimal ','"},
    {"2013-06-03;1.250,0.5;EUR",
     ",delimiter=semicolon,decimal=comma,"
     "thousands=point",
     "'1.250,0.5' is not an amount with decimal ','"},
    {",5.00,EUR", "", "line 2, column 1 (date): '' is not a date"},
    {"2013-06-03,5.00,eur", "",
     "line 2, column 3 (currency): 'eur' is not an ISO 4217 currency code"},
    {"2013-06-03,5.00,\"EUR\"x", "",
     "line 2: text after the closing quote of column 3"},
    /* The file ends with a CR inside an open quote. */
    {"2013-06-03,5.00,\"EUR\r", "",
     "line 2: the quote opened here is never closed"},
};

START_TEST(test_csv_unreadable_cells)
{
    int semicolon = strstr(csv_cell_cases[_i].options, "delimiter=") != NULL;
    const char *row = csv_cell_cases[_i].row;
    int ends_in_cr = row[strlen(row) - 1] == '\r';
    char *content = sqlite3_mprintf(
        "%s\n%s%s", semicolon ? "date;amount;currency" : "date,amount,currency",
        row, ends_in_cr ? "" : "\n");
    char *options =
        sqlite3_mprintf("'date=date,amount=amount,currency=currency%s'",
                        csv_cell_cases[_i].options);

    ck_assert_ptr_nonnull(content);
    ck_assert_ptr_nonnull(options);
    cover_csv_error(content, options, csv_cell_cases[_i].error);
    sqlite3_free(content);
    sqlite3_free(options);
}
END_TEST

/* Debit and credit columns: an unreadable debit, and both empty with only
** a credit column mapped. 257 columns are more than a row may have. An
** empty file with header=no has no rows. */
START_TEST(test_csv_debit_credit_and_limits)
{
    sqlite3_str *wide = sqlite3_str_new(NULL);
    char *row;
    int i;

    cover_csv_error("date,soll,haben\n2013-06-03,x,\n",
                    "'date=date,debit=soll,credit=haben,currency=EUR'",
                    "line 2, column 2 (debit): 'x' is not an amount");
    cover_csv_error("date,haben\n2013-06-03,\n",
                    "'date=date,credit=haben,currency=EUR'",
                    "line 2, column 2 (credit): '' is empty, and so is the "
                    "other amount column");
    for (i = 0; i < 257; i++)
        sqlite3_str_appendall(wide, i ? ",x" : "x");
    sqlite3_str_appendall(wide, "\n");
    row = sqlite3_str_finish(wide);
    ck_assert_ptr_nonnull(row);
    cover_csv_error(row, "'date=1,amount=2,currency=EUR'",
                    "line 1: more than 256 columns");
    sqlite3_free(row);
    cover_csv_expect("", "'date=1,amount=2,currency=EUR,header=no'", "count(*)",
                     "0");
}
END_TEST

/* A file that ends before its header row is rejected like an empty
** file, because it is more likely a failed export than a statement with
** no entries. The line named is the one after the last line read:
**   two title lines, skip=1, no line end at the end: line 2;
**   two blank CRLF lines: line 3;
**   skip=5 over a file of two lines: line 3.
** With header=no, blank lines are an empty statement. */
START_TEST(test_csv_ends_before_header)
{
    cover_csv_error("Kontoauszug 0532013000",
                    "'date=1,amount=2,currency=EUR,skip=1'",
                    "line 2: the file ends before its header row");
    cover_csv_error("\r\n\r\n", "'date=1,amount=2,currency=EUR'",
                    "line 3: the file ends before its header row");
    cover_csv_error("Kontoauszug\nJuni 2013\n",
                    "'date=1,amount=2,currency=EUR,skip=5'",
                    "line 3: the file ends before its header row");
    cover_csv_expect("\r\n\r\n", "'date=1,amount=2,currency=EUR,header=no'",
                     "count(*)", "0");
}
END_TEST

/* statement_load reads a whole CSV file without a stream: two rows of
** header=no data, 5.00 and -1.25 EUR. A bad third row fails the load
** and leaves the file empty. */
START_TEST(test_statement_load_reads_csv_whole)
{
    struct statement_file file;
    struct harness_file f;
    char *err = NULL;

    harness_file_write_text(&f, "s.sta", "2013-06-03,5.00\n2013-06-04,-1.25\n");
    memset(&file, 0, sizeof(file));
    ck_assert_int_eq(statement_load(f.path, "csv",
                                    "date=1,amount=2,currency=EUR,header=no",
                                    &file, &err),
                     SQLITE_OK);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(file.n_entries, 2);
    ck_assert_int_eq(file.at_end, 1);
    ck_assert_int_eq((int)file.entries[0].amount_cents, 500);
    ck_assert_int_eq((int)file.entries[1].amount_cents, -125);
    ck_assert_str_eq(file.entries[1].currency, "EUR");
    statement_file_free(&file);
    harness_file_remove(&f);
    harness_file_write_text(
        &f, "s.sta", "2013-06-03,5.00\n2013-06-04,-1.25\n2013-06-05,x\n");
    memset(&file, 0, sizeof(file));
    ck_assert_int_eq(statement_load(f.path, "csv",
                                    "date=1,amount=2,currency=EUR,header=no",
                                    &file, &err),
                     SQLITE_ERROR);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "line 3, column 2 (amount): 'x'"));
    ck_assert_int_eq(file.n_entries, 0);
    sqlite3_free(err);
    harness_file_remove(&f);
}
END_TEST

/* ---------------------------------------------------------------------
** Format detection, file names, and bank_statement_balances.
*/

/* MT940 is detected after blanks and line ends, and by a first line with
** a three-character tag: a snippet from :60F: to :62F: without :20:,
** where 100.00 + 5.00 = 105.00. An XML prolog followed by text, and a
** prolog that never ends, are no format. */
START_TEST(test_detection_edge_shapes)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.sta", " \t\r\n" MT940_HEAD ":61:1306010601C5,00NTRFNONREF\r\n");
    expect_file_sql(&f, "SELECT format, amount_cents FROM bank_statement('%q')",
                    "mt940|500");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.sta",
                            ":60F:C130601EUR100,00\r\n"
                            ":61:1306010601C5,00NTRFNONREF\r\n"
                            ":62F:C130601EUR105,00\r\n");
    expect_file_sql(&f,
                    "SELECT opening_balance_cents, closing_balance_cents,"
                    " balanced FROM bank_statement_balances('%q')",
                    "10000|10500|1");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.sta",
                            "<?xml version=\"1.0\"?>\nnot a statement\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q')",
                          "cannot tell the file format");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.sta", "<?xml version=\"1.0\"");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q')",
                          "cannot tell the file format");
    harness_file_remove(&f);
}
END_TEST

/* Contents that detection must not take for a format. ":2a:" and ":20a:"
** have a small letter and ":60F" no closing colon, so none is a SWIFT
** tag. A later line that starts with :20: still makes MT940. XML prologs
** with no root element are no format either. */
START_TEST(test_detect_format_near_misses)
{
    static const struct {
        const char *text;
        const char *format; /* NULL: no format */
    } cases[] = {
        {":2a:x\r\n:20:STMT1\r\n", "mt940"},
        {":2a:x\r\n", NULL},
        {":20a:x\r\n", NULL},
        {":60F", NULL},
        {"<?xml version=\"1.0\"?>\n", NULL},
        {"<?xml version=\"1.0\"?>\n<", NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *format =
            statement_detect_format(cases[i].text, strlen(cases[i].text));
        if (cases[i].format == NULL)
            ck_assert_msg(format == NULL, "case %d: detected %s", (int)i,
                          format);
        else
            ck_assert_str_eq(format, cases[i].format);
    }
}
END_TEST

/* The file does not exist, and its name has a control character (0x01),
** a C1 control (U+0085, bytes C2 85), a byte that is not UTF-8 (0xFF) and
** é (C3 A9). The message quotes each byte of the first three as '?' and
** é as it is. */
START_TEST(test_path_with_unprintable_bytes)
{
    struct harness_file f;
    char *sql;
    sqlite3 *db = harness_open();

    harness_file_write_text(&f, "s.sta", MT940_HEAD);
    sql = sqlite3_mprintf("SELECT * FROM bank_statement('%q/a\x01"
                          "b\xc2\x85"
                          "c\xff"
                          "d\xc3\xa9.sta')",
                          f.dir);
    ck_assert_ptr_nonnull(sql);
    expect_sql_error(db, sql, "cannot open '");
    expect_sql_error(db, sql, "/a?b??c?d\xc3\xa9.sta': ");
    sqlite3_free(sql);
    sqlite3_close(db);
    harness_file_remove(&f);
}
END_TEST

/* Constraints on the path column that are not '=' give bank_statement no
** path; a second equal path is checked by SQLite against the column. */
START_TEST(test_path_constraint_forms)
{
    struct harness_file f;
    sqlite3 *db = harness_open();
    char *sql;

    harness_file_write_text(&f, "s.sta",
                            MT940_HEAD ":61:1306010601C5,00NTRFNONREF\r\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement WHERE path > '%q'",
                          "bank_statement: missing path; use "
                          "bank_statement(path [, format [, options]])");
    sql = sqlite3_mprintf("SELECT amount_cents FROM bank_statement"
                          " WHERE path = '%q' AND path = '%q'",
                          f.path, f.path);
    ck_assert_ptr_nonnull(sql);
    expect_sql(db, sql, "500");
    sqlite3_free(sql);
    sqlite3_close(db);
    harness_file_remove(&f);
}
END_TEST

/* Entry totals that cannot be formed:
**   Stmt 1 (opening 100.00, closing 107.00 EUR) has entries of 5.00 EUR,
**     1.00 USD and 2.00 EUR: no total, so balanced is NULL though both
**     balances are known;
**   Stmt 2 has an OPBD in USD, left out with a warning, and an entry in
**     GBP: both warnings, joined by "; ". */
START_TEST(test_balances_without_total)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.sta",
        "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:"
        "tech:xsd:camt.053.001.02\">\n<BkToCstmrStmt><GrpHdr><MsgId>M1"
        "</MsgId></GrpHdr>\n<Stmt><Id>S1</Id><Acct><Id><IBAN>"
        "DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"EUR\">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n"
        "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"EUR\">107.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n"
        "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "<Sts>BOOK</Sts></Ntry>\n"
        "<Ntry><Amt Ccy=\"USD\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "<Sts>BOOK</Sts></Ntry>\n"
        "<Ntry><Amt Ccy=\"EUR\">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "<Sts>BOOK</Sts></Ntry>\n</Stmt>\n"
        "<Stmt><Id>S2</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN>"
        "</Id><Ccy>EUR</Ccy></Acct>\n"
        "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"USD\">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n"
        "<Ntry><Amt Ccy=\"GBP\">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "<Sts>BOOK</Sts></Ntry>\n</Stmt></BkToCstmrStmt></Document>\n");
    expect_file_sql(
        &f,
        "SELECT statement_id, entry_count, entries_total_cents,"
        " balanced, warning FROM bank_statement_balances('%q')",
        "S1|3|NULL|NULL|entry Stmt[1]/Ntry[2] is in USD, not EUR: "
        "no entries total\n"
        "S2|1|NULL|NULL|Stmt[2]/Bal[1]: OPBD balance is in USD, not "
        "the account currency EUR; left out; entry Stmt[2]/Ntry[1] "
        "is in GBP, not EUR: no entries total");
    harness_file_remove(&f);
}
END_TEST

/* Two credits of the largest amount a row carries (2^63 - 1 cents) add
** up past 64 bits, and so do two such debits. */
START_TEST(test_balances_total_overflows)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.sta",
        ":20:UP\r\n:60F:C130601EUR0,00\r\n"
        ":61:1306010601C92233720368547758,07NTRFNONREF\r\n"
        ":61:1306010601C92233720368547758,07NTRFNONREF\r\n"
        ":20:DOWN\r\n:60F:C130601EUR0,00\r\n"
        ":61:1306010601D92233720368547758,07NTRFNONREF\r\n"
        ":61:1306010601D92233720368547758,07NTRFNONREF\r\n");
    expect_file_sql(&f,
                    "SELECT statement_id, entries_total_cents, warning"
                    " FROM bank_statement_balances('%q', 'mt940')",
                    "UP|NULL|the entries total overflows\n"
                    "DOWN|NULL|the entries total overflows");
    harness_file_remove(&f);
}
END_TEST

/* bank_statement_balances reads a CSV stream to its end, so a bad row
** after a good one fails it. */
START_TEST(test_balances_csv_bad_row)
{
    cover_csv_error("date,amount\n2013-06-03,5.00\n2013-06-04,x\n",
                    "'date=date,amount=amount,currency=EUR'",
                    "line 3, column 2 (amount): 'x' is not an amount");
    {
        struct harness_file f;
        char *sql;
        sqlite3 *db = harness_open();

        harness_file_write(&f, "s.csv",
                           "date,amount\n2013-06-03,5.00\n2013-06-04,x\n",
                           strlen("date,amount\n2013-06-03,5.00\n"
                                  "2013-06-04,x\n"));
        sql = sqlite3_mprintf("SELECT * FROM bank_statement_balances('%q',"
                              " 'csv', 'date=date,amount=amount,"
                              "currency=EUR')",
                              f.path);
        ck_assert_ptr_nonnull(sql);
        expect_sql_error(db, sql,
                         "line 3, column 2 (amount): 'x' is not an amount");
        sqlite3_free(sql);
        sqlite3_close(db);
        harness_file_remove(&f);
    }
}
END_TEST

Suite *cover_statement_suite(void)
{
    Suite *s = suite_create("cover_statement");
    TCase *narrative = tcase_create("mt940_narrative");
    TCase *reader = tcase_create("mt940_reader");
    TCase *csv = tcase_create("csv");
    TCase *tables = tcase_create("tables");

    tcase_add_loop_test(narrative, test_mt940_narrative_layouts, 0,
                        N_NARRATIVE_CASES);
    suite_add_tcase(s, narrative);
    tcase_add_test(reader, test_mt940_booking_year_turns);
    tcase_add_test(reader, test_mt940_damaged_fields);
    tcase_add_test(reader, test_mt940_statement_line_shapes);
    tcase_add_test(reader, test_mt940_statement_ids);
    tcase_add_test(reader, test_mt940_two_closing_warnings);
    tcase_add_test(reader, test_mt942_blocks_with_cr_line_ends);
    tcase_add_test(reader, test_mt940_field_after_block_four);
    tcase_add_test(reader, test_mt940_lone_colon_lines);
    tcase_add_test(reader, test_mt940_repeated_information_fields);
    tcase_add_test(reader, test_mt940_currency_option_forms);
    suite_add_tcase(s, reader);
    tcase_add_test(csv, test_csv_option_forms);
    tcase_add_test(csv, test_csv_quotes_and_line_ends);
    tcase_add_test(csv, test_csv_amount_shapes);
    tcase_add_loop_test(
        csv, test_csv_invalid_options, 0,
        (int)(sizeof(csv_option_cases) / sizeof(csv_option_cases[0])));
    tcase_add_loop_test(
        csv, test_csv_unreadable_cells, 0,
        (int)(sizeof(csv_cell_cases) / sizeof(csv_cell_cases[0])));
    tcase_add_test(csv, test_csv_debit_credit_and_limits);
    tcase_add_test(csv, test_csv_ends_before_header);
    tcase_add_test(csv, test_statement_load_reads_csv_whole);
    suite_add_tcase(s, csv);
    tcase_add_test(tables, test_detection_edge_shapes);
    tcase_add_test(tables, test_detect_format_near_misses);
    tcase_add_test(tables, test_path_with_unprintable_bytes);
    tcase_add_test(tables, test_path_constraint_forms);
    tcase_add_test(tables, test_balances_without_total);
    tcase_add_test(tables, test_balances_total_overflows);
    tcase_add_test(tables, test_balances_csv_bad_row);
    suite_add_tcase(s, tables);
    return s;
}
