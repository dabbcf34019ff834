/*
** camt.053/camt.054 and OFX statements that the format suites' samples
** leave out, written to reach the readers' rarer paths. camt: codes
** padded with white space, CDATA and comments in text, damaged amounts
** and dates, namespaces of other messages, prologs with comments, UTF-16
** files, batches over several NtryDtls and split rows that overflow. OFX:
** headers and bodies as banks write them. Every file is written into a
** fresh mkdtemp directory and removed after the test. Expected values
** follow from the file text, the ISO 20022 and OFX element meanings and
** the field mapping in the header of each reader in ext/.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* ---------------------------------------------------------------------
** camt
*/

#define CAMT_NS_053 "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"

/* A camt.053 document up to the first statement's Id. */
#define CAMT_OPEN                                                              \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                             \
    "<Document xmlns=\"" CAMT_NS_053 "\">\n"                                   \
    "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>\n"                      \
    "<Stmt><Id>S1</Id>\n"
#define CAMT_CLOSE "</Stmt></BkToCstmrStmt></Document>\n"

/* An account in EUR. */
#define CAMT_ACCT                                                              \
    "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy>"         \
    "</Acct>\n"

/* A booked entry of amount (text) in direction (CRDT or DBIT) on
** 2013-06-03; rest goes inside the Ntry after the dates. */
#define CAMT_NTRY(amount, direction, rest)                                     \
    "<Ntry><Amt Ccy=\"EUR\">" amount "</Amt><CdtDbtInd>" direction             \
    "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2013-06-03</Dt></BookgDt>" rest   \
    "</Ntry>\n"

/* A balance of type code, amount in currency, credit, on 2013-06-01. */
#define CAMT_BAL(code, currency, amount)                                       \
    "<Bal><Tp><CdOrPrtry><Cd>" code                                            \
    "</Cd></CdOrPrtry></Tp><Amt Ccy=\"" currency "\">" amount                  \
    "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>"                                \
    "2013-06-01</Dt></Dt></Bal>\n"

/* Codes written with white space around them, as hand-edited or
** indented files have it: the reader trims text, so the padded OPBD,
** CLBD, CRDT and BOOK read as the bare codes however long the padding
** is. Opening 100.00 plus the credit 5.00 is the closing 105.00. */
START_TEST(test_camt_padded_codes)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.xml",
        CAMT_OPEN CAMT_ACCT
        "<Bal><Tp><CdOrPrtry><Cd>\n                OPBD\n"
        "              </Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"EUR\">100.00</Amt><CdtDbtInd>\n"
        "                CRDT\n              </CdtDbtInd>"
        "<Dt><Dt>2013-06-01</Dt></Dt></Bal>\n"
        "<Bal><Tp><CdOrPrtry><Cd>\t\t\t\t\tCLBD\t\t\t\t\t</Cd>"
        "</CdOrPrtry></Tp><Amt Ccy=\"EUR\">105.00</Amt>"
        "<CdtDbtInd>CRDT</CdtDbtInd>"
        "<Dt><Dt>2013-06-03</Dt></Dt></Bal>\n"
        "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT"
        "</CdtDbtInd><Sts>\n                BOOK\n"
        "              </Sts></Ntry>\n" CAMT_CLOSE);
    expect_file_sql(&f,
                    "SELECT opening_balance_cents, closing_balance_cents,"
                    " amount_cents, status FROM bank_statement('%q')",
                    "10000|10500|500|booked");
    expect_file_sql(&f,
                    "SELECT balanced, warning"
                    " FROM bank_statement_balances('%q')",
                    "1|NULL");
    harness_file_remove(&f);
}
END_TEST

/* Damaged statements: the text between CAMT_OPEN and CAMT_CLOSE, and
** the message (part of it) that bank_statement gives. */
static const struct {
    const char *body;
    const char *error;
} camt_body_failures[] = {
    /* 'a' is not a digit, so this is no decimal at all. */
    {CAMT_ACCT CAMT_NTRY("12.3a", "CRDT", ""),
     "amount '12.3a' is not a decimal number in range"},
    /* A second '.' is not a digit either. */
    {CAMT_ACCT CAMT_NTRY("1.2.3", "CRDT", ""),
     "amount '1.2.3' is not a decimal number in range"},
    /* 18.1050 is 18.105 after its trailing zero: 3 decimals, EUR has 2. */
    {CAMT_ACCT CAMT_NTRY("18.1050", "CRDT", ""),
     "amount '18.1050' has more decimals than EUR allows (2)"},
    {CAMT_ACCT CAMT_NTRY("+5.00", "CRDT", ""), "amount '+5.00' has a sign"},
    /* 20 integer digits exceed 64 bits, whatever the trailing '.'. */
    {CAMT_ACCT CAMT_NTRY("99999999999999999999.", "CRDT", ""),
     "amount '99999999999999999999.' is not a decimal number in range"},
    /* 70 digits do not fit the 63 bytes an amount may have. */
    {CAMT_ACCT CAMT_NTRY("1234567890123456789012345678901234567890"
                         "123456789012345678901234567890",
                         "CRDT", ""),
     "amount is too long"},
    {CAMT_ACCT CAMT_NTRY(" ", "CRDT", ""), "empty amount"},
    /* 20 characters: longer than any direction code. */
    {CAMT_ACCT CAMT_NTRY("5.00", "CREDITDEBITINDICATOR", ""),
     "CdtDbtInd '' is neither CRDT nor DBIT"},
    {CAMT_ACCT "<Ntry><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>\n",
     "element Stmt[1]/Ntry[1]: missing Amt"},
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "</Ntry>\n",
     "element Stmt[1]/Ntry[1]: missing Sts"},
    /* Sts/Cd as version 08 writes the status; BOKD is a typing error. */
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts><Cd>BOKD</Cd></Sts></Ntry>\n",
     "element Stmt[1]/Ntry[1]/Sts/Cd: status 'BOKD' is not BOOK, PDNG, "
     "INFO or FUTR"},
    /* Dt is a date; a time belongs in DtTm. */
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOK</Sts><BookgDt><Dt>2013-06-03T10:00:00</Dt>"
               "</BookgDt></Ntry>\n",
     "'2013-06-03T10:00:00' is not an ISO date"},
    /* DtTm separates date and time with 'T'. */
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOK</Sts><ValDt><DtTm>2013-06-03 10:00:00</DtTm>"
               "</ValDt></Ntry>\n",
     "'2013-06-03 10:00:00' is not an ISO date-time"},
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOK</Sts><BookgDt><Dt>2013-6-3</Dt></BookgDt></Ntry>\n",
     "'2013-6-3' is not an ISO date"},
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOK</Sts><BookgDt><Dt>2013/06/03</Dt></BookgDt>"
               "</Ntry>\n",
     "'2013/06/03' is not an ISO date"},
    /* The letter O in place of the digit 0. */
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOK</Sts><BookgDt><Dt>2013-06-O3</Dt></BookgDt>"
               "</Ntry>\n",
     "'2013-06-O3' is not an ISO date"},
    /* A status of 18 characters is longer than any status code, so the
    ** message cannot quote it. */
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOKEDANDSETTLED</Sts></Ntry>\n",
     "status '' is not BOOK, PDNG, INFO or FUTR"},
    /* 70 characters do not fit the 63 bytes a date may have. */
    {CAMT_ACCT "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
               "<Sts>BOOK</Sts><BookgDt><Dt>2013-06-03"
               "012345678901234567890123456789012345678901234567890123456789"
               "</Dt></BookgDt></Ntry>\n",
     "'(too long)' is not an ISO date"},
    /* The account currency must be an ISO 4217 code. */
    {"<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EURO</Ccy>"
     "</Acct>\n",
     "element Stmt[1]/Acct/Ccy: 'EURO' is not an ISO 4217 currency code"},
    {"<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id>"
     "<Ccy>EUROEUROEU</Ccy></Acct>\n",
     "'(long)' is not an ISO 4217 currency code"},
    {CAMT_ACCT "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>"
               "<CdtDbtInd>CRDT</CdtDbtInd></Bal>\n",
     "element Stmt[1]/Bal[1]: missing Amt"},
    {CAMT_ACCT "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>"
               "<Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>XX</CdtDbtInd></Bal>\n",
     "element Stmt[1]/Bal[1]/CdtDbtInd: CdtDbtInd 'XX' is neither CRDT "
     "nor DBIT"},
};

START_TEST(test_camt_damaged_statements)
{
    struct harness_file f;
    char *text =
        sqlite3_mprintf(CAMT_OPEN "%s" CAMT_CLOSE, camt_body_failures[_i].body);

    ck_assert_ptr_nonnull(text);
    harness_file_write_text(&f, "s.xml", text);
    sqlite3_free(text);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'camt')",
                          camt_body_failures[_i].error);
    harness_file_remove(&f);
}
END_TEST

/* Text split into a comment and a CDATA section reads as one text:
** Sts is BOOK, the Ustrd is "Rechnung 4711 & 4712", and white space
** around the amount is trimmed. A Ustrd of blanks adds nothing to the
** memo. A Strd without CdtrRefInf/Ref adds no reference, so the
** structured_ref is the one of the second Strd. */
START_TEST(test_camt_text_in_pieces)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.xml",
        CAMT_OPEN CAMT_ACCT
        "<Ntry><Amt Ccy=\"EUR\">\n  5.00\t</Amt>"
        "<CdtDbtInd><![CDATA[CRDT]]></CdtDbtInd>"
        "<Sts><!-- booked on the 3rd -->BO<![CDATA[OK]]></Sts>"
        "<NtryDtls><TxDtls><RmtInf>"
        "<Ustrd> Rechnung <!-- number --><![CDATA[4711 & 4712]]>"
        "</Ustrd><Ustrd>   </Ustrd>"
        "<Strd><RfrdDocInf><Nb>4711</Nb></RfrdDocInf></Strd>"
        "<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf>"
        "</Strd></RmtInf></TxDtls></NtryDtls></Ntry>\n" CAMT_CLOSE);
    expect_file_sql(&f,
                    "SELECT amount_cents, status, memo, structured_ref"
                    " FROM bank_statement('%q')",
                    "500|booked|Rechnung 4711 & 4712|RF18539007547034");
    harness_file_remove(&f);
}
END_TEST

/* Balances the account currency does not match, or that the statement
** lacks:
**   S1: Acct/Ccy EUR, OPBD and CLBD in USD. Both are left out, and the
**       warning names both, joined by "; ".
**   S2: no Acct/Ccy and no opening: the currency is the CLBD's GBP.
**   S3: a Prtry balance type, ITBD and a Cd of 13 characters (no code
**       has more than 4) are not read. PRCD (the previous
**       closing balance) is the opening when there is no OPBD, and it
**       has no Dt here, so the opening date is NULL. */
START_TEST(test_camt_balance_variants)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.xml",
        "<?xml version=\"1.0\"?>\n<Document xmlns=\"" CAMT_NS_053
        "\">\n<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>\n"
        "<Stmt><Id>S1</Id>\n" CAMT_ACCT
        "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"USD\">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "</Bal>\n" CAMT_BAL(
            "CLBD", "USD",
            "105.00") "</Stmt>\n"
                      "<Stmt><Id>S2</Id><Acct><Id><IBAN>GB29NWBK60161331926819"
                      "</IBAN></Id></Acct>\n" CAMT_BAL(
                          "CLBD", "GBP",
                          "7.00") "</Stmt>\n<Stmt><Id>S3</Id>"
                                  "<Acct><Id><Othr><Id>0532013000</Id></Othr></Id></Acct>\n"
                                  "<Bal><Tp><CdOrPrtry><Prtry>VALUTA</Prtry></CdOrPrtry></Tp>"
                                  "<Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
                                  "</Bal>\n" CAMT_BAL("ITBD", "EUR", "2.00") CAMT_BAL(
                                      "CLOSINGBOOKED", "EUR",
                                      "3.00") "<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp>"
                                              "<Amt Ccy=\"EUR\">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
                                              "</Bal>\n" CAMT_NTRY(
                                                  "1.00", "CRDT",
                                                  "") "</Stmt></BkToCstmrStmt></Document>\n");
    expect_file_sql(
        &f,
        "SELECT statement_id, account, currency, opening_date,"
        " opening_balance_cents, closing_balance_cents, warning"
        " FROM bank_statement_balances('%q')",
        "S1|DE89370400440532013000|EUR|NULL|NULL|NULL|"
        "Stmt[1]/Bal[1]: OPBD balance is in USD, not the account "
        "currency EUR; left out; Stmt[1]/Bal[2]: CLBD balance is in "
        "USD, not the account currency EUR; left out\n"
        "S2|GB29NWBK60161331926819|GBP|NULL|NULL|700|NULL\n"
        "S3|0532013000|EUR|NULL|5000|NULL|NULL");
    harness_file_remove(&f);
}
END_TEST

/* Entries read with batch=entry named explicitly:
**   1: two NtryDtls with one TxDtls each are one batch of 2: the memo
**      joins both Ustrd lines, and AddtlNtryInf does not replace it;
**   2: FUTR (a future entry) is pending, and no TxDtls gives no tx_count;
**   3: a credit reversed (RvslInd 1) names the creditor, the party of
**      the original debit;
**   4: an empty RvslInd is no reversal, so the credit names the debtor.
** With batch=split (the option followed by CR LF), entry 1 gives its two
** TxDtls amounts 1.00 and 2.00 as rows 1 and 2; the others stay whole. */
START_TEST(test_camt_entry_variants)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.xml",
        CAMT_OPEN CAMT_ACCT CAMT_NTRY(
            "3.00", "CRDT",
            "<NtryDtls>\n<TxDtls><Amt Ccy=\"EUR\">1.00</Amt>"
            "<RmtInf><Ustrd>Inv 1</Ustrd></RmtInf></TxDtls>\n"
            "</NtryDtls>\n<NtryDtls><TxDtls>"
            "<Amt Ccy=\"EUR\">2.00</Amt><RmtInf><Ustrd>Inv 2"
            "</Ustrd></RmtInf></TxDtls></NtryDtls>\n"
            "<AddtlNtryInf>SAMMLER</AddtlNtryInf>") "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>DBIT"
                                                    "</CdtDbtInd><Sts>FUTR</Sts></Ntry>\n"
                                                    "<Ntry><Amt Ccy=\"EUR\">2.00</Amt><CdtDbtInd>CRDT"
                                                    "</CdtDbtInd><RvslInd>1</RvslInd><Sts>BOOK</Sts>"
                                                    "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Payer A</Nm></Dbtr>"
                                                    "<Cdtr><Nm>Payee B</Nm></Cdtr></RltdPties></TxDtls>"
                                                    "</NtryDtls></Ntry>\n"
                                                    "<Ntry><Amt Ccy=\"EUR\">4.00</Amt><CdtDbtInd>CRDT"
                                                    "</CdtDbtInd><RvslInd/><Sts>BOOK</Sts>"
                                                    "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Payer A</Nm></Dbtr>"
                                                    "<Cdtr><Nm>Payee B</Nm></Cdtr></RltdPties></TxDtls>"
                                                    "</NtryDtls></Ntry>\n" CAMT_CLOSE);
    expect_file_sql(
        &f,
        "SELECT entry_index, status, amount_cents, counterparty_name,"
        " memo, tx_count"
        " FROM bank_statement('%q', 'camt', 'batch=entry')",
        "1|booked|300|NULL|Inv 1 Inv 2|2\n"
        "2|pending|-100|NULL|NULL|NULL\n"
        "3|booked|200|Payee B|NULL|1\n"
        "4|booked|400|Payer A|NULL|1");
    expect_file_sql(&f,
                    "SELECT entry_index, tx_index, amount_cents"
                    " FROM bank_statement('%q', 'camt',"
                    " ' batch=split' || char(13, 10))",
                    "1|1|100\n1|2|200\n2|NULL|-100\n3|NULL|200\n4|NULL|400");
    harness_file_remove(&f);
}
END_TEST

/* Split rows whose sum leaves 64 bits: each TxDtls is the largest amount
** a row can carry (2^63 - 1 cents, 92,233,720,368,547,758.07 EUR), so the
** second overflows, in a credit and in a debit. The warning names each
** entry with the sum before the overflow; the balance check still adds
** the entries' own 1.00 and -1.00. */
START_TEST(test_camt_split_sum_overflows)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.xml",
        CAMT_OPEN CAMT_ACCT CAMT_NTRY(
            "1.00", "CRDT",
            "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">"
            "92233720368547758.07</Amt></TxDtls>"
            "<TxDtls><Amt Ccy=\"EUR\">92233720368547758.07"
            "</Amt></TxDtls></NtryDtls>")
            CAMT_NTRY("1.00", "DBIT",
                      "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">"
                      "92233720368547758.07</Amt></TxDtls>"
                      "<TxDtls><Amt Ccy=\"EUR\">92233720368547758.07"
                      "</Amt></TxDtls></NtryDtls>") CAMT_CLOSE);
    expect_file_sql(
        &f,
        "SELECT entry_count, entries_total_cents, warning"
        " FROM bank_statement_balances('%q', 'camt', 'batch=split')",
        "2|0|Stmt[1]/Ntry[1]: the 2 batch=split rows add up to "
        "92,233,720,368,547,758.07 EUR, not the entry's 1.00 EUR; "
        "Stmt[1]/Ntry[2]: the 2 batch=split rows add up to "
        "-92,233,720,368,547,758.07 EUR, not the entry's -1.00 EUR");
    harness_file_remove(&f);
}
END_TEST

/* Whole documents that are no camt.053 or camt.054 this reader takes,
** or no well-formed XML, and the message each gives. */
static const struct {
    const char *text;
    const char *error;
} camt_document_failures[] = {
    /* camt.052 is the intraday account report. */
    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.02\"/>",
     "namespace 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.02' is not "
     "camt.053 or camt.054 version 02 to 08"},
    /* Variant 002 instead of 001, version 01, text after the version. */
    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.002.02\"/>",
     "is not camt.053 or camt.054 version 02 to 08"},
    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.01\"/>",
     "is not camt.053 or camt.054 version 02 to 08"},
    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02x\"/>",
     "is not camt.053 or camt.054 version 02 to 08"},
    /* A payment initiation, and a Document in no namespace. */
    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"/>",
     "is not camt.053 or camt.054 version 02 to 08"},
    {"<Document/>", "namespace '' is not camt.053 or camt.054"},
    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">"
     "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr>"
     "</BkToCstmrDbtCdtNtfctn></Document>",
     "the message has no <Ntfctn>: a camt.054 file needs at least one"},
    /* The DOCTYPE after a comment in the prolog starts on line 3. */
    {"<?xml version=\"1.0\"?>\n<!-- exported by the bank -->\n"
     "<!DOCTYPE Document>\n<Document xmlns=\"" CAMT_NS_053 "\"/>\n",
     "line 3: a DOCTYPE is not allowed in camt"},
    {"<?xml version=\"1.0\"?>\n", "not well-formed XML"},
    {"<?xml version=\"1.0\"?>\n<", "not well-formed XML"},
    {"<?xml version=\"1.0\"?>\n<!-- never closed", "not well-formed XML"},
    /* Only white space: no document at all. */
    {" \n\t\n", "not well-formed XML"},
    /* Cut short after the account, with blanks and CR LF at the end. */
    {CAMT_OPEN CAMT_ACCT " \t\r\n", "the file ends before its XML is complete"},
};

START_TEST(test_camt_damaged_documents)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.xml", camt_document_failures[_i].text);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'camt')",
                          camt_document_failures[_i].error);
    harness_file_remove(&f);
}
END_TEST

/* A comment before the root element is read over. The batch option
** may be followed by ',' and blanks, or by ',' alone, and given twice it
** is an error. batch=whole is no batch mode. */
START_TEST(test_camt_prolog_comment_and_options)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.xml",
        "<?xml version=\"1.0\"?>\n<!-- exported 2013-06-03 -->\n"
        "<Document xmlns=\"" CAMT_NS_053 "\">\n"
        "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>\n"
        "<Stmt><Id>S1</Id>\n" CAMT_ACCT CAMT_NTRY("5.00", "CRDT", "")
            CAMT_CLOSE);
    expect_file_sql(&f,
                    "SELECT amount_cents, format"
                    " FROM bank_statement('%q', NULL, 'batch=entry, ')",
                    "500|camt.053");
    expect_file_sql(&f,
                    "SELECT tx_index FROM bank_statement('%q', NULL,"
                    " 'batch=split,')",
                    "NULL");
    expect_file_sql_error(&f,
                          "SELECT * FROM bank_statement('%q', 'camt',"
                          " 'batch=entry,batch=split')",
                          "camt option 'batch' is given twice");
    expect_file_sql_error(&f,
                          "SELECT * FROM bank_statement('%q', 'camt',"
                          " 'batch=whole')",
                          "unknown camt option 'batch=whole'");
    harness_file_remove(&f);
}
END_TEST

/* Writes text (ASCII) as UTF-16LE with a byte-order mark into f. */
static void cover_write_utf16(struct harness_file *f, const char *text)
{
    size_t n = strlen(text);
    char *wide = malloc(2 * n + 2);
    size_t i;

    ck_assert_ptr_nonnull(wide);
    wide[0] = (char)0xFF;
    wide[1] = (char)0xFE;
    for (i = 0; i < n; i++) {
        wide[2 + 2 * i] = text[i];
        wide[3 + 2 * i] = '\0';
    }
    harness_file_write(f, "s.xml", wide, 2 * n + 2);
    free(wide);
}

/* camt in UTF-16, as Windows tools save XML: libxml2 reads it from its
** byte-order mark. The DOCTYPE check on the raw bytes cannot see a
** UTF-16 DOCTYPE, so libxml2's reader finds it and the file is still
** rejected. */
START_TEST(test_camt_utf16_documents)
{
    struct harness_file f;

    cover_write_utf16(&f, "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
                          "<Document xmlns=\"" CAMT_NS_053 "\">\n"
                          "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId>"
                          "</GrpHdr>\n<Stmt><Id>S1</Id>\n" CAMT_ACCT CAMT_NTRY(
                              "5.00", "CRDT", "") CAMT_CLOSE);
    expect_file_sql(&f,
                    "SELECT statement_id, amount_cents"
                    " FROM bank_statement('%q', 'camt')",
                    "S1|500");
    harness_file_remove(&f);
    cover_write_utf16(&f, "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
                          "<!DOCTYPE Document>\n"
                          "<Document xmlns=\"" CAMT_NS_053 "\"/>\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'camt')",
                          "a DOCTYPE is not allowed in camt");
    harness_file_remove(&f);
}
END_TEST

/* ---------------------------------------------------------------------
** OFX
*/

/* The SGML header of OFX 1.02; the body follows a blank line. */
#define OFX_HEADER                                                             \
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\n"        \
    "ENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\n"                 \
    "OLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"

/* A checking account statement in EUR up to its transaction list. */
#define OFX_STMT_OPEN                                                          \
    "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO"     \
    "</STATUS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>37040044"               \
    "<ACCTID>0532013000<ACCTTYPE>CHECKING</BANKACCTFROM>"                      \
    "<BANKTRANLIST><DTSTART>20130601<DTEND>20130630\r\n"
#define OFX_STMT_CLOSE                                                         \
    "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n"

/* A credit of 5.00 on 2013-06-03; rest goes inside the STMTTRN. */
#define OFX_TRN(rest)                                                          \
    "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130603<TRNAMT>5.00<FITID>T1" rest     \
    "</STMTTRN>\r\n"

/* Entities and character references in text. &amp; &gt; &lt; and &nbsp;
** (U+00A0) are decoded. &#x4a; &#X4B; &#76; are J K L, &#xe9; is é, and
** &#x1F600; is U+1F600, past the surrogates. &foo;, &#; and the '&' of
** "AT&T" (no ';' within 12 bytes) stay as written. A NAME of references
** to a blank and a tab is empty after trimming. */
START_TEST(test_ofx_entities_in_text)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.ofx",
        OFX_HEADER OFX_STMT_OPEN OFX_TRN(
            "<NAME>AT&T Wireless<MEMO>Rock &amp; Roll &gt; "
            "Jazz &lt;3 &#x4a;&#X4B;&#76; &#xe9;&nbsp;x &foo; "
            "&#; &#x1F600;") OFX_TRN("<NAME>&#32;&#9;") OFX_STMT_CLOSE);
    expect_file_sql(&f,
                    "SELECT counterparty_name, memo"
                    " FROM bank_statement('%q', 'ofx')",
                    "AT&T Wireless|Rock & Roll > Jazz <3 JKL "
                    "\xc3\xa9\xc2\xa0"
                    "x &foo; &#; \xf0\x9f\x98\x80\n"
                    "NULL|NULL");
    harness_file_remove(&f);
}
END_TEST

/* Character references that name no character. In order: letters that
** are no hex digits (Z, g, é), a '-', a letter in a decimal reference,
** NUL, a UTF-16 surrogate, and past U+10FFFF in hex. In decimal the
** reader stops past U+10FFFF at the eighth digit. The last has no digits
** at all. */
static const char *const ofx_bad_references[] = {
    "&#xZZ;", "&#xg1;",   "&#x\xc3\xa9;", "&#x-1;",      "&#1a;",
    "&#0;",   "&#xD800;", "&#x110000;",   "&#99999999;", "&#x;",
};

START_TEST(test_ofx_invalid_references)
{
    struct harness_file f;
    char *text = sqlite3_mprintf(
        OFX_HEADER OFX_STMT_OPEN OFX_TRN("<MEMO>Ref %s") OFX_STMT_CLOSE,
        ofx_bad_references[_i]);

    ck_assert_ptr_nonnull(text);
    harness_file_write_text(&f, "s.ofx", text);
    sqlite3_free(text);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          "is not a valid character reference");
    harness_file_remove(&f);
}
END_TEST

/* Headers as banks write them:
**   a UTF-8 byte-order mark before the SGML header;
**   ENCODING:USASCII and no CHARSET, with the windows-1252 byte 0xE9:
**     read as windows-1252, so the name is Café;
**   an OFX 2 XML header that declares UTF-8 over the same byte, and
**     CHARSET:1250 (Central European), are errors naming the header;
**   a header with no body, and a body of only a processing instruction
**     and a comment, hold no OFX element. */
START_TEST(test_ofx_header_variants)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.ofx",
                            "\xEF\xBB\xBF" OFX_HEADER OFX_STMT_OPEN OFX_TRN("")
                                OFX_STMT_CLOSE);
    expect_file_sql(&f, "SELECT amount_cents FROM bank_statement('%q')", "500");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.ofx",
                            "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n"
                            "ENCODING:USASCII\r\n\r\n" OFX_STMT_OPEN OFX_TRN(
                                "<NAME>Caf\xE9") OFX_STMT_CLOSE);
    expect_file_sql(&f,
                    "SELECT counterparty_name FROM bank_statement('%q', 'ofx')",
                    "Caf\xc3\xa9");
    harness_file_remove(&f);
    harness_file_write_text(
        &f, "s.ofx",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
        "<?OFX OFXHEADER=\"200\" VERSION=\"211\" SECURITY=\"NONE\""
        " OLDFILEUID=\"NONE\" NEWFILEUID=\"NONE\"?>\r\n" OFX_STMT_OPEN OFX_TRN(
            "<NAME>Caf\xE9</NAME>") OFX_STMT_CLOSE);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          "byte 0xE9 is not UTF-8, and the header declares "
                          "'UTF-8'; convert the file to UTF-8");
    harness_file_remove(&f);
    harness_file_write_text(
        &f, "s.ofx",
        "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n"
        "ENCODING:USASCII\r\nCHARSET:1250\r\n\r\n" OFX_STMT_OPEN OFX_TRN(
            "<NAME>Caf\xE9") OFX_STMT_CLOSE);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          "byte 0xE9 is not UTF-8, and the header declares "
                          "'1250'");
    harness_file_remove(&f);
    harness_file_write_text(&f, "s.ofx", OFX_HEADER);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          "no <OFX> element");
    harness_file_remove(&f);
    harness_file_write_text(
        &f, "s.ofx",
        "<?xml version=\"1.0\"?>\r\n<!-- nothing to report -->\r\n");
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          "no <OFX> element");
    harness_file_remove(&f);
}
END_TEST

/* Tags and aggregates as writers produce them:
**   a comment and a declaration in the body are read over;
**   Quicken's INTU.BID and a name with '_' and '-' are leaves the
**     reader does not keep;
**   closing tags in lower case, with a blank before '>', and an opening
**     tag with a blank before '>';
**   a STATUS without SEVERITY is no error;
**   LEDGERBAL without DTASOF gives a closing balance of 12.34 without a
**     date;
**   a LEDGERBAL outside the statement is not read;
**   the second transaction is in USD (CURRENCY/CURSYM), the first in the
**     statement's EUR. */
START_TEST(test_ofx_tag_shapes)
{
    struct harness_file f;

    harness_file_write_text(
        &f, "s.ofx",
        OFX_HEADER
        "<!-- generated by the bank -->\r\n<!DOCTYPE OFX>"
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</STATUS>"
        "<INTU.BID>3000<X_BANK-REF>7</SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>EUR"
        "<BANKTRANLIST>" OFX_TRN("<NAME >ACME GmbH</name ><MEMO>Miete</memo>") OFX_TRN(
            "<CURRENCY><CURRATE>1.1<CURSYM>USD</CURRENCY>") "</BANKTRANLIST><LEDGERBAL><BALAMT>12.34</LEDGERBAL>"
                                                            "</STMTRS><LEDGERBAL><BALAMT>99.99<DTASOF>20130630"
                                                            "</LEDGERBAL></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n");
    expect_file_sql(&f,
                    "SELECT counterparty_name, memo, currency,"
                    " closing_balance_cents FROM bank_statement('%q')",
                    "ACME GmbH|Miete|EUR|1234\nNULL|NULL|USD|1234");
    expect_file_sql(&f,
                    "SELECT closing_date, closing_balance_cents"
                    " FROM bank_statement_balances('%q')",
                    "NULL|1234");
    harness_file_remove(&f);
}
END_TEST

/* Damaged OFX files and the error each gives. */
static const struct {
    const char *text;
    const char *error;
} ofx_body_failures[] = {
    /* OFX amounts have no thousands separator. */
    {OFX_HEADER OFX_STMT_OPEN
     "<STMTTRN><DTPOSTED>20130603<TRNAMT>1,234.56</STMTTRN>" OFX_STMT_CLOSE,
     "'1,234.56' is not a decimal amount with at most 2 decimals (EUR)"},
    /* The letter O in place of the digit 0. */
    {OFX_HEADER OFX_STMT_OPEN
     "<STMTTRN><DTPOSTED>2013O603<TRNAMT>1.00</STMTTRN>" OFX_STMT_CLOSE,
     "'2013O603' is not an OFX date"},
    {OFX_HEADER OFX_STMT_OPEN
     "<STMTTRN><DTPOSTED>20130603<TRNAMT></TRNAMT></STMTTRN>" OFX_STMT_CLOSE,
     "STMTRS[1]/STMTTRN[1]: empty TRNAMT"},
    {OFX_HEADER "<OFX><STMTRS><BANKTRANLIST></BANKTRANLIST>"
                "<LEDGERBAL><BALAMT>5.00</LEDGERBAL></STMTRS></OFX>\r\n",
     "STMTRS[1]/LEDGERBAL: BALAMT '5.00' has no currency because CURDEF is "
     "missing or empty"},
    {OFX_HEADER "<OFX><STMTRS><CURDEF>EURO</STMTRS></OFX>\r\n",
     "STMTRS[1]: CURDEF 'EURO' is not an ISO 4217 currency code"},
    /* An error response without CODE or MESSAGE. */
    {OFX_HEADER "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><SEVERITY>ERROR"
                "</STATUS></SONRS></SIGNONMSGSRSV1></OFX>\r\n",
     "STATUS: the bank reported error ?; the file holds no statement"},
    /* </STMTRS> closes the STMTTRN too, which has no DTPOSTED. */
    {OFX_HEADER "<OFX><STMTRS><CURDEF>EUR<BANKTRANLIST><STMTTRN>"
                "<TRNAMT>5.00</STMTRS></OFX>\r\n",
     "STMTRS[1]/STMTTRN[1]: missing DTPOSTED"},
    {OFX_HEADER "<OFX><></OFX>\r\n", "malformed tag '<></OFX>'"},
    /* 70 letters: tag names have at most 63 bytes. */
    {OFX_HEADER "<OFX><ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "ABCDEFGHIJKLMN>1</OFX>\r\n",
     "malformed tag '<ABCDEFGHIJKLMNOPQRS'"},
    /* A trailer after the OFX element, starting with a control byte that
    ** the message shows as '?'. */
    {OFX_HEADER OFX_STMT_OPEN OFX_STMT_CLOSE "\x01trailer",
     "text '?trailer' outside any element"},
    {OFX_HEADER "<OFX><!-- never closed", "'<!-- never closed' is never "
                                          "closed"},
    /* Cut short inside a closing tag, and after a '<'. */
    {OFX_HEADER OFX_STMT_OPEN "<STMTTRN><NAME>ACME</NA",
     "malformed tag '</NA'"},
    /* A closing tag with blanks but no '>' before the end of the file,
    ** and one with text before its '>'. */
    {OFX_HEADER OFX_STMT_OPEN "<STMTTRN><NAME>ACME</NAME  ",
     "malformed tag '</NAME  '"},
    {OFX_HEADER OFX_STMT_OPEN "<STMTTRN><NAME>ACME</NAME x>",
     "malformed tag '</NAME x>'"},
    /* '~' is not allowed in a tag name. */
    {OFX_HEADER "<OFX><BANK~ID>1</OFX>\r\n",
     "malformed tag '<BANK~ID>1</OFX>'"},
    /* OFX dates have no dashes. */
    {OFX_HEADER OFX_STMT_OPEN
     "<STMTTRN><DTPOSTED>2013-06-03<TRNAMT>1.00</STMTTRN>" OFX_STMT_CLOSE,
     "'2013-06-03' is not an OFX date"},
    {OFX_HEADER "<OFX><STMTRS><CURDEF>EUR<LEDGERBAL><BALAMT>n/a"
                "</LEDGERBAL></STMTRS></OFX>\r\n",
     "STMTRS[1]/LEDGERBAL/BALAMT: 'n/a' is not a decimal amount"},
    {OFX_HEADER OFX_STMT_OPEN "<", "malformed tag '<'"},
};

START_TEST(test_ofx_damaged_files)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.ofx", ofx_body_failures[_i].text);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          ofx_body_failures[_i].error);
    harness_file_remove(&f);
}
END_TEST

/* 65 nested aggregates, one more than the reader allows, and a NUL byte
** in a memo. */
START_TEST(test_ofx_depth_and_nul)
{
    static const char nul_memo[] = OFX_HEADER OFX_STMT_OPEN
        "<STMTTRN><DTPOSTED>20130603<TRNAMT>1.00<MEMO>a\0b</STMTTRN>" OFX_STMT_CLOSE;
    struct harness_file f;
    sqlite3_str *text = sqlite3_str_new(NULL);
    char *deep;
    int i;

    sqlite3_str_appendall(text, OFX_HEADER "<OFX>");
    for (i = 0; i < 64; i++)
        sqlite3_str_appendall(text, "<AGG>");
    deep = sqlite3_str_finish(text);
    ck_assert_ptr_nonnull(deep);
    harness_file_write_text(&f, "s.ofx", deep);
    sqlite3_free(deep);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          "<AGG>: elements nest deeper than 64");
    harness_file_remove(&f);
    harness_file_write(&f, "s.ofx", nul_memo, sizeof(nul_memo) - 1);
    expect_file_sql_error(&f, "SELECT * FROM bank_statement('%q', 'ofx')",
                          "NUL byte in text");
    harness_file_remove(&f);
}
END_TEST

Suite *cover_statement2_suite(void)
{
    Suite *s = suite_create("cover_statement2");
    TCase *camt = tcase_create("camt");
    TCase *ofx = tcase_create("ofx");

    tcase_add_test(camt, test_camt_padded_codes);
    tcase_add_loop_test(
        camt, test_camt_damaged_statements, 0,
        (int)(sizeof(camt_body_failures) / sizeof(camt_body_failures[0])));
    tcase_add_test(camt, test_camt_text_in_pieces);
    tcase_add_test(camt, test_camt_balance_variants);
    tcase_add_test(camt, test_camt_entry_variants);
    tcase_add_test(camt, test_camt_split_sum_overflows);
    tcase_add_loop_test(camt, test_camt_damaged_documents, 0,
                        (int)(sizeof(camt_document_failures) /
                              sizeof(camt_document_failures[0])));
    tcase_add_test(camt, test_camt_prolog_comment_and_options);
    tcase_add_test(camt, test_camt_utf16_documents);
    suite_add_tcase(s, camt);
    tcase_add_test(ofx, test_ofx_entities_in_text);
    tcase_add_loop_test(
        ofx, test_ofx_invalid_references, 0,
        (int)(sizeof(ofx_bad_references) / sizeof(ofx_bad_references[0])));
    tcase_add_test(ofx, test_ofx_header_variants);
    tcase_add_test(ofx, test_ofx_tag_shapes);
    tcase_add_loop_test(
        ofx, test_ofx_damaged_files, 0,
        (int)(sizeof(ofx_body_failures) / sizeof(ofx_body_failures[0])));
    tcase_add_test(ofx, test_ofx_depth_and_nul);
    suite_add_tcase(s, ofx);
    return s;
}
