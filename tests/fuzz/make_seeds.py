#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/.

Run it from the repository root after changing a seed below; the files it
writes are committed. Arguments are separated by 0x1F; an input that starts
with 0x1E has a type byte next (2 bits per argument: 0 text, 1 blob,
2 number, 3 NULL), as tests/fuzz/fuzz_common.h describes.
"""
import os
import shutil

SEP = b"\x1f"


def typed(types, *args):
    """Returns an input whose argument i has SQL type types[i]."""
    codes = {"text": 0, "blob": 1, "number": 2, "null": 3}
    byte = 0
    for i, name in enumerate(types):
        byte |= codes[name] << (2 * i)
    return b"\x1e" + bytes([byte]) + SEP.join(args)


def plain(*args):
    """Returns an input whose arguments are all text."""
    return SEP.join(a.encode() if isinstance(a, str) else a for a in args)


CAMT053 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>SEED-1</MsgId><CreDtTm>2013-06-28T18:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>SEED-STMT-1</Id>
   <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
    <Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Dt><Dt>2013-06-27</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
    <Amt Ccy="EUR">1224.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Dt><Dt>2013-06-28</Dt></Dt></Bal>
   <Ntry>
    <Amt Ccy="EUR">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Sts>BOOK</Sts>
    <BookgDt><Dt>2013-06-28</Dt></BookgDt><ValDt><Dt>2013-06-28</Dt></ValDt>
    <AcctSvcrRef>BANK-REF-1</AcctSvcrRef>
    <NtryDtls><TxDtls>
     <Refs><EndToEndId>E2E-1</EndToEndId></Refs>
     <RltdPties><Dbtr><Nm>Acme Trading Ltd</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>GB29NWBK60161331926819</IBAN></Id></DbtrAcct>
     </RltdPties>
     <RmtInf><Ustrd>Invoice INV-2013-0042</Ustrd>
      <Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>
     </RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
   <Ntry>
    <Amt Ccy="EUR">25.50</Amt><CdtDbtInd>DBIT</CdtDbtInd>
    <Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><DtTm>2013-06-28T09:00:00</DtTm></BookgDt>
    <NtryDtls><TxDtls><Amt Ccy="EUR">20.00</Amt></TxDtls>
     <TxDtls><Amt Ccy="EUR">5.50</Amt></TxDtls></NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""

CAMT054 = """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04">
 <BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>SEED-2</MsgId></GrpHdr>
  <Ntfctn>
   <Id>N-1</Id>
   <Acct><Id><Othr><Id>12345678</Id></Othr></Id></Acct>
   <Ntry>
    <Amt Ccy="CHF">99.95</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Sts>PDNG</Sts><ValDt><Dt>2013-07-01</Dt></ValDt>
   </Ntry>
  </Ntfctn>
 </BkToCstmrDbtCdtNtfctn>
</Document>
"""

OFX_SGML = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1
<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD
<BANKACCTFROM><BANKID>121000248<ACCTID>4411223344<ACCTTYPE>CHECKING
</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20130601<DTEND>20130630
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130628120000[-5:EST]
<TRNAMT>1,234.56<FITID>F-1<NAME>ACME CORP<MEMO>INV 0042 &amp; 0043
</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20130629<TRNAMT>-10.00<FITID>F-2
</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>5000.00<DTASOF>20130630</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""

OFX_XML = """<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>2</TRNUID>
<CCSTMTRS><CURDEF>EUR</CURDEF>
<CCACCTFROM><ACCTID>5555</ACCTID></CCACCTFROM>
<BANKTRANLIST><DTSTART>20130101</DTSTART><DTEND>20130131</DTEND>
<STMTTRN><TRNTYPE>PAYMENT</TRNTYPE><DTPOSTED>20130115</DTPOSTED>
<TRNAMT>-42.00</TRNAMT><FITID>X9</FITID><NAME>M\u00fcller GmbH</NAME>
<CURRENCY><CURRATE>1.0</CURRATE><CURSYM>EUR</CURSYM></CURRENCY>
</STMTTRN></BANKTRANLIST>
<LEDGERBAL><BALAMT>-42.00</BALAMT><DTASOF>20130131</DTASOF></LEDGERBAL>
</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>
"""

MT940 = """{1:F01BANKDEFFXXXX0000000000}{2:I940BANKDEFFXXXXN}{4:
:20:STMT-2013-06
:25:DE89370400440532013000
:28C:00042/001
:60F:C130627EUR1000,00
:61:1306280628CR250,00NTRFREF-1//BANK-1
:86:166?00GUTSCHRIFT?20INVOICE INV-2013-0042?32ACME TRADING LTD
:61:130628DR25,50NCHGNONREF
:86:Bank charges
:62F:C130628EUR1224,50
-}
"""

CSV = """date,amount,currency,payer,memo
2013-06-28,250.00,EUR,Acme Trading Ltd,Invoice INV-2013-0042
2013-06-28,-25.50,EUR,Bank,"charges, June"
"""

SEEDS = {
    "parse_date": [
        plain("2013-01-31"), plain("2/28/2013", "mdy"),
        plain("31.01.2013", "dmy"), plain("2013-02-29"),
        plain("2013/1/31", "YMD"), plain("1/2/13", "mdy"),
        plain(" 2013-01-31 \t"), plain("9999-12-31"), plain("0001-01-01"),
        plain("2012-02-29", "ymd"), plain("29.02.2100", "dmy"),
        typed(["number", "text"], b"20130131", b"ymd"),
        typed(["text", "null"], b"2013-01-31", b""),
    ],
    "days_overdue": [
        plain("2013-02-01", "2013-03-03", "45"),
        plain("2013-02-01", "2013-01-29", "0"),
        plain("2013-02-30", "2013-03-01", "-1"),
        typed(["text", "text", "number"], b"0001-01-01", b"9999-12-31",
              b"30.0"),
        typed(["text", "text", "number"], b"2013-12-31", b"2014-01-01",
              b"91"),
        typed(["text", "text", "blob"], b"2013-01-01", b"2013-01-01", b"7"),
    ],
    "parse_amount": [
        plain("$ 1,234.56"), plain("1.234,56", ","), plain("(120.00)"),
        plain("120.00-"), plain("-12,5 EUR", ","), plain("1'234.50 CHF"),
        typed(["text", "text", "number"], b"1,234", b".", b"0"),
        typed(["text", "text", "number"], b"JPY 1,500", b".", b"0"),
        plain("\u20ac1.234,56"), plain("US$ 12"), plain("\u2212 5.00"),
        plain("1\u202f234,56\u00a0EUR", ","), plain("92233720368547758.07"),
        plain("1,23,456.00"), plain("1e5"), plain("KWD 1.234", ".", "3"),
    ],
    "format_money": [
        typed(["number"], b"123456"),
        typed(["number", "text"], b"-5", b"USD"),
        typed(["number", "text"], b"1234", b"JPY"),
        typed(["number", "text"], b"1234", b"KWD"),
        typed(["number", "text"], b"9223372036854775807", b"CLF"),
        typed(["number", "text"], b"-9223372036854775808", b"EUR"),
        typed(["number", "text"], b"12.5", b"usd"),
        plain("100", "EUR"),
    ],
    "ref_normalize": [
        plain("Invoice no. 00123"), plain("FACTURA N\u00ba 0042/2013"),
        plain("INV00123"), plain("Fra. 4521"),
        plain("\uff26\uff41\uff43\uff54 \uff11\uff12"),
        plain("Stra\u00dfe 12"), plain("n.\u00ba 12"),
        plain("e\u0301cole\u00ad12\u200b3"), plain("\u2116 0000"),
        plain("\u0424\u0430\u043a\u0442\u0443\u0440\u0430 7"),
    ],
    "ref_similarity": [
        plain("INV-2013-004512 ACME", "4512"), plain("Fra. 4521", "4512"),
        plain("RF18 5390 0754 7034", "539007547034"),
        plain("Invoice #", "123"), plain("A1B2C3", "C3B2A1"),
    ],
    "similarity": [
        plain("kitten", "sitting"), plain("CA", "ABC"),
        plain("MARTHA", "MARHTA"), plain("M\u00fcller", "Mueller"),
        plain("", "abc"), plain("\U0001F600x", "x\U0001F600"),
        plain("a" * 70, "b" * 70),
    ],
    "creditor_ref": [
        plain("RF18 5390 0754 7034", "F20240042"),
        plain("rf", "f2024 0042"), plain("fi", "1234561"),
        plain("be", "20240042"), plain("+++002/0240/04222+++", "1"),
        plain("***002/0240/04222***", "97"), plain("002024004226", ""),
        typed(["null", "text"], b"", b"1"),
    ],
    "reconcile_candidates": [
        plain("INV-2013-0042", "ALPHA TRADING", "10000"),
        plain("inv 2013-0043 and 0042", "Alpha", "12500"),
        plain("RF18539007547034", "Beta GmbH", "7500"),
        plain("4512", "beta", "0.5"),
        typed(["number", "number", "number"], b"0.9", b"2", b"1.5"),
        plain("", "", ""),
    ],
    "ar_aging": [
        plain("2013-06-30"),
        typed(["text", "number", "number"], b"2013-06-30", b"1", b"2"),
        plain("2013-02-30"), plain(""), plain("0001-01-01"),
        typed(["number"], b"20130630"),
        typed(["null", "number"], b"", b"1"),
    ],
    "bank_statement": [
        typed(["null", "null", "text"], b"", b"", CAMT053.encode()),
        plain("camt", "batch=split", CAMT053),
        plain("camt.054", "", CAMT054),
        typed(["null", "null", "text"], b"", b"", OFX_SGML.encode()),
        plain("ofx", "", OFX_XML),
        plain("mt940", "", MT940),
        plain("csv", "", CSV),
        plain("xls", "", "not a statement"),
        typed(["null", "null", "text"], b"", b"", b""),
    ],
    "reader_camt": [
        CAMT053.encode(), plain("batch=split", CAMT053), CAMT054.encode(),
        plain("batch=entry", CAMT054), b"<Document/>",
    ],
    "reader_ofx": [OFX_SGML.encode(), OFX_XML.encode(), b"OFXHEADER:100\n"],
    "reader_mt940": [MT940.encode(), MT940.split("{4:\n")[1].encode()],
    # The second seed is a header of one empty quoted cell, which once
    # made the named-column lookup offset a null pointer.
    "reader_csv": [
        CSV.encode(),
        plain("date=date,amount=amount,currency=EUR", '""\n2013-06-01,1\n'),
    ],
}


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for target, seeds in SEEDS.items():
        folder = os.path.join(root, target)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for i, seed in enumerate(seeds, 1):
            with open(os.path.join(folder, "seed-%02d" % i), "wb") as f:
                f.write(seed)


if __name__ == "__main__":
    main()
