#!/usr/bin/env python3
"""Build labelled reconciliation data sets for tests/bench/reconcile_bench.sh.

Usage:
  python3 tests/bench/reconcile_gen.py synthetic OUT.db --size 10000 [--seed 7]
  python3 tests/bench/reconcile_gen.py real OUT.db --csv demo/data/ibm-accounts-receivable.csv

Both write a database with sql/schema.sql, triggers.sql, views.sql and
reconcile.sql loaded (the views that need the extension are created but not
read here), open invoices, unallocated payments, some learned payer aliases,
and a table bench_truth(payment_id, invoice_ids, scenario): the invoice ids
(JSON array, ascending) each payment really pays, or NULL for a payment that
belongs to no invoice.

synthetic: SIZE open invoices of SIZE / 10 customers and SIZE unallocated
payments. Customers are Spanish (70%, EUR, invoices 'F-2024-00042' or
'FAC/2024/0042') or English (30%, 'INV-004512'; a third of them bill in
USD). Payers write memos in Spanish or English with the number as printed,
with its prefix or zeros dropped, with a typo or two digits swapped, glued
or spaced out, or not at all; several numbers for a combined payment; an
IBAN, a date, an amount or a purchase-order number beside it; or a valid or
corrupted RF or Finnish structured reference. Amounts are equal, short by a
bank or card fee, partial, or over. Payer names come as the bank prints
them, in full, truncated, as a trading name or missing; some payers are
known by a learned alias or by payments.customer_id. About 5% of payments
belong to no invoice, 1% are duplicates of another payment, and 0.5% are in
a currency no invoice has (GBP). The scenario column says which case each
payment is.

real: the IBM sample's 2,466 invoices (100 customers), all open, with one
payment per customer and settlement date (several invoices settled on one
day are one combined payment), received on the real settled date, with the
same kinds of noise in memo and amount, plus 5% payments of no invoice.

The same arguments always give the same database (random.Random(seed)).
"""
import argparse
import csv
import datetime
import json
import os
import random
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SQL_DIR = os.path.join(HERE, "..", "..", "sql")

SPANISH_SURNAMES = """Garcia Fernandez Gonzalez Rodriguez Lopez Martinez Sanchez
Perez Gomez Martin Jimenez Ruiz Hernandez Diaz Moreno Alvarez Munoz Romero
Alonso Gutierrez Navarro Torres Dominguez Vazquez Ramos Gil Ramirez Serrano
Blanco Suarez Molina Morales Ortega Delgado Castro Ortiz Rubio Marin Sanz
Iglesias Nunez Medina Garrido Santos Castillo Cortes Lozano Guerrero Cano
Prieto Mendez Calvo Cruz Gallego Vidal Leon Herrera Marquez Pena Flores
Cabrera Campos Vega Fuentes Carrasco Diez Caballero Reyes Nieto Aguilar Pascual
Herrero Montero Lorenzo Hidalgo Gimenez Ibanez Ferrer Duran Santiago Benitez
Mora Vicente Vargas Arias Carmona Crespo Roman Pastor Soto Saez Velasco Moya
Soler Parra Esteban Bravo Gallardo Rojas""".split()

SPANISH_TRADES = """Distribuciones Construcciones Transportes Suministros
Instalaciones Talleres Comercial Inversiones Servicios Hosteleria Ferreteria
Logistica Reformas Electricidad Fontaneria Carpinteria Alimentacion
Consultoria Ingenieria Asesoria Imprenta Muebles Textil Climatizacion
Jardineria Limpiezas Autocares Maderas Pinturas Aceros""".split()

SPANISH_PLACES = """Iberica Levante Norte Sur Castilla Galicia Andalucia
Mediterraneo Atlantico Cantabrica Aragonesa Balear Canaria Central Madrilena
Catalana Valenciana Riojana Navarra Extremena""".split()

ENGLISH_SURNAMES = """Smith Jones Taylor Brown Williams Wilson Johnson Davies
Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood Jackson
Clarke Patel Khan Lewis James Phillips Mason Mitchell Rose Davis Rodgers Cox
Ward Hughes Edwards Turner Hill Cooper Harris Martin Moore Baker King Allen
Carter Morgan Parker Bennett Price Bell Shaw Murray Cole Ellis Graham Fox
Webb Hunt Palmer Grant Lloyd Holmes Mills Owen Knight Barnes""".split()

ENGLISH_TRADES = """Logistics Engineering Supplies Consulting Builders Foods
Packaging Motors Plastics Electrical Trading Textiles Printing Imports
Systems Solutions Freight Joinery Plumbing Catering Analytics Metals
Furniture Interiors Labs Hardware Marine Software Farms Couriers""".split()

ENGLISH_PLACES = """Northern Southern Western Eastern Highland Thames Mersey
Pennine Atlantic Albion Midland Coastal Kentish Severn Cotswold Humber
Yorkshire Cambrian Solent Wessex""".split()

PERSON_FIRST = """JUAN MARIA JOSE ANA LUIS CARMEN PEDRO LAURA JAVIER ELENA
JOHN SARAH DAVID EMMA PAUL LUCY MARK CLAIRE PETER HELEN""".split()


class Ledger:
    """Rows to write, and the truth for each payment."""

    def __init__(self):
        self.customers = []  # (id, code, name, currency, iban, lang)
        self.invoices = []   # dicts
        self.payments = []   # dicts, with truth and scenario
        self.aliases = []    # (kind, alias, customer_id)
        self.trading_names = set()  # payer names of people, one customer each


def strip_accents(text):
    table = str.maketrans("ÁÉÍÓÚÜÑáéíóúüñÇç", "AEIOUUNaeiouunCc")
    return text.translate(table)


def make_iban(rng, country):
    digits = "".join(rng.choice("0123456789") for _ in range(20))
    bban = digits if country == "ES" else "NWBK" + digits[:14]
    # ISO 13616 check digits: move country + "00" to the end, mod 97.
    rearranged = bban + country + "00"
    number = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(number) % 97
    return "%s%02d%s" % (country, check, bban)


def spaced_iban(iban):
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def spanish_name(rng):
    form = rng.random()
    legal = rng.choice(["S.L.", "S.L.", "S.A.", "SL", "S.L.U."])
    if form < 0.35:
        return "%s %s %s" % (rng.choice(SPANISH_TRADES),
                             rng.choice(SPANISH_SURNAMES), legal)
    if form < 0.6:
        return "%s %s %s" % (rng.choice(SPANISH_SURNAMES),
                             rng.choice(SPANISH_SURNAMES), legal)
    if form < 0.8:
        return "%s %s %s" % (rng.choice(SPANISH_TRADES),
                             rng.choice(SPANISH_PLACES), legal)
    return "%s y %s %s" % (rng.choice(SPANISH_SURNAMES),
                           rng.choice(SPANISH_SURNAMES), legal)


def english_name(rng):
    form = rng.random()
    legal = rng.choice(["Ltd", "Ltd", "Limited", "PLC", "LLP"])
    if form < 0.35:
        return "%s %s %s" % (rng.choice(ENGLISH_SURNAMES),
                             rng.choice(ENGLISH_TRADES), legal)
    if form < 0.6:
        return "%s & %s %s" % (rng.choice(ENGLISH_SURNAMES),
                               rng.choice(ENGLISH_SURNAMES), legal)
    if form < 0.8:
        return "%s %s %s" % (rng.choice(ENGLISH_PLACES),
                             rng.choice(ENGLISH_TRADES), legal)
    return "%s %s %s" % (rng.choice(ENGLISH_SURNAMES),
                         rng.choice(ENGLISH_PLACES), legal)


def bank_payer_name(rng, name):
    """How a bank prints the customer's name on the statement."""
    kind = rng.random()
    if kind < 0.25:
        return name
    upper = strip_accents(name).upper()
    for long, short in ((" S.L.U.", " SLU"), (" S.L.", " SL"), (" S.A.", " SA"),
                        (" LIMITED", " LTD"), (" & ", " AND ")):
        upper = upper.replace(long, short)
    if kind < 0.55:
        return upper
    if kind < 0.75:
        return upper[:rng.randint(18, 24)].rstrip()
    words = upper.split()
    if len(words) > 2 and kind < 0.9:
        return " ".join(words[:-1])  # legal form left out
    return upper.replace(" ", "", 1) if len(words) > 1 else upper


def add_days(day, n):
    return day + datetime.timedelta(days=n)


def iso(day):
    return day.isoformat()


# ---- Invoice numbers and references ---------------------------------------

def number_variants(rng, inv):
    """The number as a payer may write it, with the kind of variation."""
    series, year, serial, width = inv["series"], inv["year"], inv["serial"], inv["width"]
    printed = inv["number"]
    kind = rng.random()
    if kind < 0.45:
        return printed, "exact"
    if kind < 0.55:
        return printed.lower() if rng.random() < 0.5 else printed.replace("-", " "), "exact"
    if series == "INV":
        options = [str(serial), "INV" + str(serial), "INV %d" % serial,
                   "%0*d" % (width, serial), "#%d" % serial]
    elif series == "FAC":
        options = ["%d/%d" % (year, serial), "FAC %d/%d" % (year, serial),
                   "FAC%d%0*d" % (year, width, serial), "%d-%0*d" % (year, width, serial)]
    else:
        options = ["%d-%d" % (year, serial), "F%d/%d" % (year, serial),
                   "F-%d-%d" % (year, serial), "F%d%0*d" % (year, width, serial),
                   "%d/%0*d" % (year, width, serial)]
    if kind < 0.8:
        return rng.choice(options), "dropped"
    return typo(rng, printed), "typo"


def typo(rng, printed):
    """One digit substituted, two neighbours swapped, or one dropped/added."""
    positions = [i for i, c in enumerate(printed) if c.isdigit()]
    tail = positions[-4:] if len(positions) >= 4 else positions
    kind = rng.random()
    chars = list(printed)
    i = rng.choice(tail)
    if kind < 0.4:
        pairs = [j for j in tail if j + 1 < len(chars) and chars[j + 1].isdigit()
                 and chars[j] != chars[j + 1]]
        if pairs:
            j = rng.choice(pairs)
            chars[j], chars[j + 1] = chars[j + 1], chars[j]
            return "".join(chars)
    if kind < 0.7:
        chars[i] = rng.choice([d for d in "0123456789" if d != chars[i]])
        return "".join(chars)
    if kind < 0.85:
        del chars[i]
        return "".join(chars)
    chars.insert(i, rng.choice("0123456789"))
    return "".join(chars)


def rf_reference(payload):
    rearranged = payload + "RF00"
    number = "".join(str(int(c, 36)) for c in rearranged)
    return "RF%02d%s" % (98 - int(number) % 97, payload)


def fi_reference(digits):
    weights = [7, 3, 1]
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


def structured_reference(rng, inv):
    compact = "".join(c for c in inv["number"] if c.isalnum()).upper()
    if rng.random() < 0.6 or not any(c.isdigit() for c in compact):
        ref = rf_reference(compact)
        return " ".join(ref[i:i + 4] for i in range(0, len(ref), 4)) if rng.random() < 0.5 else ref
    return fi_reference("".join(c for c in compact if c.isdigit()))


def corrupt_reference(rng, ref):
    """Changes one digit so the check digits no longer agree."""
    chars = list(ref)
    positions = [i for i, c in enumerate(chars) if c.isdigit() and i >= 4] or \
        [i for i, c in enumerate(chars) if c.isdigit()]
    i = rng.choice(positions)
    chars[i] = str((int(chars[i]) + rng.randint(1, 9)) % 10)
    return "".join(chars)


# ---- Memo text -------------------------------------------------------------

SPANISH_SINGLE = ["Pago factura {n}", "PAGO FRA {n}", "Transferencia {n}",
                  "FRA. {n}", "Abono factura n\u00ba {n}", "Factura {n} {who}",
                  "{n}", "PAGO {n} {who}", "Liquidacion fra {n}",
                  "Pago fra.{n} gracias"]
ENGLISH_SINGLE = ["Payment invoice {n}", "INV {n}", "{n}", "Payment for {n} thanks",
                  "Ref {n}", "{who} {n}", "Invoice {n} payment", "PAYMENT {n}",
                  "Inv. no. {n}", "Settlement of {n}"]
SPANISH_MULTI = ["Pago facturas {list}", "FRAS {list}", "Transferencia {list}",
                 "Facturas {list} {who}", "{list}"]
ENGLISH_MULTI = ["Payment invoices {list}", "INV {list}", "{list}",
                 "Invoices {list} {who}", "Settlement {list}"]
SPANISH_NOREF = ["PAGO", "TRANSFERENCIA", "Pago proveedor", "{who}",
                 "Pago pendiente", "Transferencia {who}", "", "PAGO VARIAS FACTURAS",
                 "Liquidacion mes"]
ENGLISH_NOREF = ["PAYMENT", "Transfer", "{who}", "Monthly payment", "",
                 "BACS PAYMENT", "Payment on account", "Invoices due"]
NO_INVOICE_MEMOS = ["Devolucion", "Reembolso gastos", "Payment", "Refund",
                    "Anticipo pedido {po}", "PO {po}", "Deposit", "Fianza",
                    "Ref {po}", "Order {po}", "Cuota socio", "Donacion"]


def short_who(rng, name):
    words = strip_accents(name).upper().split()
    return " ".join(words[:rng.randint(1, min(2, len(words)))])


def add_noise(rng, memo, customer, amount_cents, received, lang):
    """Adds the look-alike numbers a memo carries: IBAN, date, amount, PO."""
    extras = []
    if rng.random() < 0.12:
        extras.append(("IBAN " if rng.random() < 0.5 else "") +
                      spaced_iban(customer[4] if rng.random() < 0.7
                                  else make_iban(rng, "ES")))
    if rng.random() < 0.18:
        day = add_days(received, -rng.randint(0, 40))
        extras.append(day.strftime("%d/%m/%Y") if lang == "es" or rng.random() < 0.3
                      else iso(day))
    if rng.random() < 0.1:
        euros, cents = divmod(amount_cents, 100)
        extras.append(("%s,%02d EUR" % ("{:,}".format(euros).replace(",", "."), cents))
                      if lang == "es" else "%d.%02d" % (euros, cents))
    if rng.random() < 0.08:
        extras.append("PO %d" % rng.randint(1000, 99999))
    if not extras:
        return memo
    rng.shuffle(extras)
    if rng.random() < 0.5:
        return (memo + " " + " ".join(extras)).strip()
    return (" ".join(extras) + " " + memo).strip()


# ---- Amounts ---------------------------------------------------------------

def fee_short(rng, cents):
    if rng.random() < 0.5:
        fee = rng.choice([50, 100, 150, 200, 250, 300, 500, 750, 1000, 1200])
    else:
        fee = int(round(cents * rng.uniform(0.012, 0.029)))
    fee = max(1, min(fee, cents // 4))
    return cents - fee


def pay_amount(rng, cents):
    """The amount paid for an invoice and what kind of amount it is."""
    kind = rng.random()
    if kind < 0.78:
        return cents, "equal"
    if kind < 0.9:
        return fee_short(rng, cents), "fee"
    if kind < 0.94:
        return max(1, int(cents * rng.uniform(0.3, 0.7))), "partial"
    if kind < 0.97:
        return cents + rng.randint(1, 500), "over_small"
    return cents + rng.randint(1000, max(1001, cents // 2)), "over"


# ---- Synthetic ledger ------------------------------------------------------

def make_customers(rng, ledger, count):
    """Customers with distinct names, as a customer master has them."""
    taken = set()
    for cid in range(1, count + 1):
        lang = "es" if rng.random() < 0.7 else "en"
        name = spanish_name(rng) if lang == "es" else english_name(rng)
        while name.upper() in taken:
            name = spanish_name(rng) if lang == "es" else english_name(rng)
        taken.add(name.upper())
        currency = "USD" if lang == "en" and rng.random() < 0.33 else "EUR"
        iban = make_iban(rng, "ES" if lang == "es" else "GB")
        code = "C%06d" % cid
        ledger.customers.append((cid, code, name, currency, iban, lang))


def make_invoices(rng, ledger, count):
    """Invoices spread over customers, numbered per series in date order."""
    start = datetime.date(2023, 7, 1)
    drafts = []
    for _ in range(count):
        cust = rng.choice(ledger.customers)
        issue = add_days(start, rng.randint(0, 540))
        drafts.append((issue, cust))
    drafts.sort(key=lambda d: d[0])
    serial_of = {}
    for invoice_id, (issue, cust) in enumerate(drafts, start=1):
        if cust[5] == "en":
            series, width = "INV", 6
        else:
            series, width = ("FAC", 4) if cust[0] % 4 == 0 else ("F", 5)
        key = (series, issue.year if series != "INV" else 0)
        serial_of[key] = serial_of.get(key, 0) + 1
        serial = serial_of[key]
        if series == "INV":
            number = "INV-%0*d" % (width, serial)
        elif series == "FAC":
            number = "FAC/%d/%0*d" % (issue.year, width, serial)
        else:
            number = "F-%d-%0*d" % (issue.year, width, serial)
        cents = int(rng.lognormvariate(11.0, 1.1)) // 100 * 100 + \
            (rng.choice([0, 0, 0, 50, 99]) if rng.random() < 0.5 else rng.randint(0, 99))
        cents = max(cents, 1500)
        if rng.random() < 0.15:
            cents = rng.choice([12100, 24200, 36300, 48400, 60500, 121000, 9900, 19900])
        ledger.invoices.append({
            "invoice_id": invoice_id, "number": number, "customer": cust,
            "issue": issue, "due": add_days(issue, rng.choice([15, 30, 30, 30, 45, 60])),
            "cents": cents, "currency": cust[3], "series": series,
            "year": issue.year, "serial": serial, "width": width})


def payer_fields(rng, cust, ledger, learned):
    """payer_name, payer_account, customer_id of a payment by cust."""
    kind = rng.random()
    account = cust[4] if rng.random() < 0.7 else None
    if kind < 0.08:
        return None, None, cust[0]  # card or direct debit: customer known
    if kind < 0.16:
        trading = learned.get(cust[0])
        if trading is None:
            # A person who pays for the company: first name and two
            # surnames, distinct across customers.
            surnames = SPANISH_SURNAMES if cust[5] == "es" else ENGLISH_SURNAMES
            while trading is None or trading in ledger.trading_names:
                trading = "%s %s %s" % (rng.choice(PERSON_FIRST),
                                        rng.choice(surnames).upper(),
                                        rng.choice(surnames).upper())
            ledger.trading_names.add(trading)
            learned[cust[0]] = trading
            if rng.random() < 0.6:
                ledger.aliases.append(("name", trading, cust[0]))
        return trading, account, None
    if kind < 0.24:
        return None, account or cust[4], None
    if kind < 0.28:
        return None, None, None
    return bank_payer_name(rng, cust[2]), account, None


def single_memo(rng, inv, lang, who):
    written, variation = number_variants(rng, inv)
    template = rng.choice(SPANISH_SINGLE if lang == "es" else ENGLISH_SINGLE)
    return template.format(n=written, who=who).strip(), variation


def multi_memo(rng, invs, lang, who):
    parts = []
    variations = set()
    for inv in invs:
        written, variation = number_variants(rng, inv)
        parts.append(written)
        variations.add(variation)
    joiner = rng.choice([", ", " ", " y " if lang == "es" else " and ", "; "])
    template = rng.choice(SPANISH_MULTI if lang == "es" else ENGLISH_MULTI)
    worst = "exact"
    if "dropped" in variations:
        worst = "dropped"
    if "typo" in variations:
        worst = "typo"
    return template.format(list=joiner.join(parts), who=who).strip(), worst


def received_for(rng, inv):
    kind = rng.random()
    if kind < 0.01:
        return add_days(inv["issue"], -rng.randint(1, 10))  # paid in advance
    return max(inv["issue"], add_days(inv["due"], rng.randint(-20, 45)))


def new_payment(ledger, cust, received, cents, currency, memo, structured,
                payer, truth, scenario):
    name, account, customer_id = payer
    ledger.payments.append({
        "customer_id": customer_id, "received": received, "cents": cents,
        "currency": currency, "payer_name": name, "payer_account": account,
        "reference": memo, "structured_ref": structured,
        "truth": truth, "scenario": scenario})


def pay_single(rng, ledger, inv, learned):
    cust = inv["customer"]
    lang = cust[5]
    payer = payer_fields(rng, cust, ledger, learned)
    who = short_who(rng, cust[2]) if rng.random() < 0.3 else ""
    cents, amount_kind = pay_amount(rng, inv["cents"])
    received = received_for(rng, inv)
    structured = None
    kind = rng.random()
    if kind < 0.07:
        structured = structured_reference(rng, inv)
        memo, variation = rng.choice(["", "PAGO", "Payment", who]), "structured"
    elif kind < 0.085:
        structured = corrupt_reference(rng, structured_reference(rng, inv))
        memo, variation = rng.choice(["", "PAGO", "Payment"]), "structured_invalid"
    elif kind < 0.2:
        memo = rng.choice(SPANISH_NOREF if lang == "es" else ENGLISH_NOREF).format(who=who)
        variation = "noref"
    elif kind < 0.23:
        memo = ("factura %d" if lang == "es" else "invoice %d") % inv["serial"]
        variation = "serial"
    else:
        memo, variation = single_memo(rng, inv, lang, who)
    memo = add_noise(rng, memo, cust, cents, received, lang)
    truth = [inv["invoice_id"]]
    new_payment(ledger, cust, received, cents, inv["currency"], memo, structured,
                payer, truth, "single_%s_%s" % (variation, amount_kind))
    if amount_kind == "partial" and rng.random() < 0.5:
        rest = inv["cents"] - cents
        memo2, _ = single_memo(rng, inv, lang, who)
        new_payment(ledger, cust, add_days(received, rng.randint(5, 30)), rest,
                    inv["currency"], memo2, None, payer, truth, "single_second_partial")


def pay_combined(rng, ledger, invs, learned):
    cust = invs[0]["customer"]
    lang = cust[5]
    payer = payer_fields(rng, cust, ledger, learned)
    who = short_who(rng, cust[2]) if rng.random() < 0.3 else ""
    total = sum(inv["cents"] for inv in invs)
    cents, amount_kind = (total, "equal") if rng.random() < 0.85 else (fee_short(rng, total), "fee")
    received = max(received_for(rng, inv) for inv in invs)
    if rng.random() < 0.6:
        memo, variation = multi_memo(rng, invs, lang, who)
    else:
        memo = rng.choice(SPANISH_NOREF if lang == "es" else ENGLISH_NOREF).format(who=who)
        variation = "noref"
    memo = add_noise(rng, memo, cust, cents, received, lang)
    truth = sorted(inv["invoice_id"] for inv in invs)
    new_payment(ledger, cust, received, cents, invs[0]["currency"], memo, None,
                payer, truth, "combined%d_%s_%s" % (len(invs), variation, amount_kind))


def pay_nothing(rng, ledger, customers):
    """A payment of no invoice: refunds, deposits, strangers, advances."""
    received = add_days(datetime.date(2023, 9, 1), rng.randint(0, 500))
    cents = int(rng.lognormvariate(10.5, 1.2)) + 100
    memo = rng.choice(NO_INVOICE_MEMOS).format(po=rng.randint(1000, 999999))
    currency = "EUR" if rng.random() < 0.85 else "USD"
    if rng.random() < 0.3:
        cust = rng.choice(customers)
        payer = (bank_payer_name(rng, cust[2]), None, None)
        currency = cust[3]
        scenario = "none_customer"
    else:
        payer = ("%s %s %s" % (rng.choice(PERSON_FIRST), rng.choice(SPANISH_SURNAMES).upper(),
                               rng.choice(SPANISH_SURNAMES).upper()),
                 make_iban(rng, "ES") if rng.random() < 0.5 else None, None)
        scenario = "none_stranger"
    ledger.payments.append({
        "customer_id": None, "received": received, "cents": cents,
        "currency": currency, "payer_name": payer[0], "payer_account": payer[1],
        "reference": memo, "structured_ref": None, "truth": None,
        "scenario": scenario})


def duplicate_of(rng, ledger, payment):
    copy = dict(payment)
    copy["received"] = add_days(payment["received"], rng.randint(0, 3))
    copy["truth"] = None
    copy["scenario"] = "none_duplicate"
    ledger.payments.append(copy)


def foreign_payment(rng, ledger):
    ledger.payments.append({
        "customer_id": None,
        "received": add_days(datetime.date(2023, 9, 1), rng.randint(0, 500)),
        "cents": rng.randint(5000, 500000), "currency": "GBP",
        "payer_name": "%s %s" % (rng.choice(PERSON_FIRST), rng.choice(ENGLISH_SURNAMES).upper()),
        "payer_account": make_iban(rng, "GB"), "reference": "INV %d" % rng.randint(1, 30000),
        "structured_ref": None, "truth": None, "scenario": "none_currency"})


def plan_payments(rng, ledger, target):
    """Pays the invoices customer by customer, then pads to target."""
    learned = {}
    by_customer = {}
    for inv in ledger.invoices:
        by_customer.setdefault(inv["customer"][0], []).append(inv)
    for cid in sorted(by_customer):
        invs = sorted(by_customer[cid], key=lambda i: (i["issue"], i["invoice_id"]))
        i = 0
        while i < len(invs):
            kind = rng.random()
            if kind < 0.07:
                i += 1  # still unpaid
                continue
            if kind < 0.13 and i + 1 < len(invs):
                size = min(len(invs) - i, rng.choice([2, 2, 2, 3, 3, 4]))
                pay_combined(rng, ledger, invs[i:i + size], learned)
                i += size
                continue
            pay_single(rng, ledger, invs[i], learned)
            i += 1
    # Room for 1% duplicates, 0.5% foreign currency and 5% of no invoice;
    # the trim comes first so that every duplicate keeps its original.
    room = target - int(target * 0.01) - int(target * 0.005) - int(target * 0.05)
    if len(ledger.payments) > room:
        keep = sorted(rng.sample(range(len(ledger.payments)), room))
        ledger.payments = [ledger.payments[k] for k in keep]
    singles = [p for p in ledger.payments if p["scenario"].startswith("single")]
    for _ in range(int(target * 0.01)):
        duplicate_of(rng, ledger, rng.choice(singles))
    for _ in range(int(target * 0.005)):
        foreign_payment(rng, ledger)
    while len(ledger.payments) < target:
        pay_nothing(rng, ledger, ledger.customers)


def learn_accounts(rng, ledger):
    """Half the customers' accounts are known from earlier confirmations."""
    for cust in ledger.customers:
        if rng.random() < 0.5:
            ledger.aliases.append(("account", spaced_iban(cust[4])
                                   if rng.random() < 0.5 else cust[4], cust[0]))


# ---- Real data (IBM sample) ------------------------------------------------

def parse_us_date(text):
    month, day, year = (int(x) for x in text.split("/"))
    return datetime.date(year, month, day)


def real_ledger(rng, csv_path):
    ledger = Ledger()
    customer_ids = {}
    rows = []
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            rows.append(row)
            code = row["customerID"]
            if code not in customer_ids:
                customer_ids[code] = len(customer_ids) + 1
                cid = customer_ids[code]
                ledger.customers.append((cid, code, code, "USD",
                                         make_iban(rng, "GB"), "en"))
    for invoice_id, row in enumerate(rows, start=1):
        cust = ledger.customers[customer_ids[row["customerID"]] - 1]
        euros, _, cents = row["InvoiceAmount"].partition(".")
        amount = int(euros) * 100 + int((cents + "00")[:2])
        ledger.invoices.append({
            "invoice_id": invoice_id, "number": row["invoiceNumber"],
            "customer": cust, "issue": parse_us_date(row["InvoiceDate"]),
            "due": parse_us_date(row["DueDate"]), "cents": amount,
            "currency": "USD", "series": "INV", "year": 0,
            "serial": int(row["invoiceNumber"]), "width": len(row["invoiceNumber"]),
            "settled": parse_us_date(row["SettledDate"])})
    groups = {}
    for inv in ledger.invoices:
        groups.setdefault((inv["customer"][0], inv["settled"]), []).append(inv)
    learned = {}
    for key in sorted(groups, key=lambda k: (k[1], k[0])):
        invs = sorted(groups[key], key=lambda i: (i["issue"], i["invoice_id"]))
        for inv in invs:
            inv["received"] = inv["settled"]
        if len(invs) == 1:
            pay_real_single(rng, ledger, invs[0], learned)
        else:
            pay_combined(rng, ledger, invs, learned)
            ledger.payments[-1]["received"] = key[1]
    target = int(len(ledger.payments) * 1.05)
    while len(ledger.payments) < target:
        pay_nothing(rng, ledger, ledger.customers)
        ledger.payments[-1]["currency"] = "USD"
        ledger.payments[-1]["received"] = add_days(datetime.date(2012, 1, 15),
                                                   rng.randint(0, 700))
    return ledger


def pay_real_single(rng, ledger, inv, learned):
    pay_single(rng, ledger, inv, learned)
    for p in ledger.payments[-2:]:
        if p["truth"] == [inv["invoice_id"]] and p["scenario"] != "single_second_partial":
            p["received"] = inv["settled"]


# ---- Writing ---------------------------------------------------------------

def load_schema(db):
    for name in ("schema.sql", "triggers.sql", "views.sql", "reconcile.sql"):
        with open(os.path.join(SQL_DIR, name)) as f:
            db.executescript(f.read())


def write_ledger(path, ledger):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    load_schema(db)
    db.execute("UPDATE settings SET as_of = '2025-06-30'")
    db.executemany(
        "INSERT INTO customers (customer_id, code, name, currency) VALUES (?, ?, ?, ?)",
        [(c[0], c[1], c[2], c[3]) for c in ledger.customers])
    db.executemany(
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date, due_date,"
        " total_cents, currency) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(i["invoice_id"], i["number"], i["customer"][0], iso(i["issue"]),
          iso(i["due"]), i["cents"], i["currency"]) for i in ledger.invoices])
    rows = []
    truth = []
    for pid, p in enumerate(ledger.payments, start=1):
        rows.append((pid, p["customer_id"], iso(p["received"]), p["cents"],
                     p["currency"], p["payer_name"], p["payer_account"], p["reference"],
                     p["structured_ref"], "bench", "b%d" % pid))
        truth.append((pid, json.dumps(p["truth"], separators=(",", ":"))
                      if p["truth"] else None, p["scenario"]))
    db.executemany(
        "INSERT INTO payments (payment_id, customer_id, received_date, amount_cents,"
        " currency, payer_name, payer_account, reference, structured_ref, source,"
        " external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany(
        "INSERT OR IGNORE INTO payer_aliases (kind, alias, customer_id) VALUES (?, ?, ?)",
        ledger.aliases)
    db.execute("CREATE TABLE bench_truth (payment_id INTEGER PRIMARY KEY,"
               " invoice_ids TEXT, scenario TEXT NOT NULL)")
    db.executemany("INSERT INTO bench_truth VALUES (?, ?, ?)", truth)
    db.commit()
    db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=["synthetic", "real"])
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--csv", default=os.path.join(
        HERE, "..", "..", "demo", "data", "ibm-accounts-receivable.csv"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.kind == "synthetic":
        ledger = Ledger()
        make_customers(rng, ledger, max(1, args.size // 10))
        make_invoices(rng, ledger, args.size)
        learn_accounts(rng, ledger)
        plan_payments(rng, ledger, args.size)
    else:
        ledger = real_ledger(rng, args.csv)
        learn_accounts(rng, ledger)
    write_ledger(args.out, ledger)
    print("%s: %d customers, %d invoices, %d payments" % (
        args.out, len(ledger.customers), len(ledger.invoices), len(ledger.payments)),
        file=sys.stderr)


if __name__ == "__main__":
    main()
