"""Shared e-mails (issue 5, seed 004): Message-ID normalization and .eml parsing.

The normalization tests use every example format seed 004 gives (how Siebel
CRM Desktop reads $MessageID from Notes, Outlook and web mail), named after
the format; the parse tests read realistic mails in tests/data/mail/.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from crmdesk.errors import MailUnreadable, UserError
from crmdesk.model.mail import (MAX_BYTES, MailMessage, html_to_text, normalize_message_id,
                                parse_eml)

DATA = Path(__file__).resolve().parents[1] / "data" / "mail"


def read(name: str) -> MailMessage:
    return parse_eml((DATA / name).read_bytes(), name)


# -- Message-ID: every example format of seed 004 --------------------------------

def test_notes_to_notes_keeps_hex_value_1() -> None:
    """<OFhex1-ONhex2-hex3@domain>: hex_value_1 identifies the mail."""
    value = "<OF9264F990.72075AF4-ONC2257A3A.0059D96B-C2257A3A.0059E71C@LocalDomain>"
    assert normalize_message_id(value) == "9264F990.72075AF4"


def test_notes_multiple_recipients_domino_and_pop3_are_one_mail() -> None:
    """One mail to a Domino and a POP3 account: the two ids differ only in the domain."""
    domino = "<OF19ABE5FC.FFEB1AEC-ONC2257A9A.004F2A95-C2257A9A.004F30C1@LocalDomain>"
    pop3 = "<OF19ABE5FC.FFEB1AEC-ONC2257A9A.004F2A95-C2257A9A.004F30C1@ld8.example.com>"
    assert normalize_message_id(domino) == normalize_message_id(pop3) == "19ABE5FC.FFEB1AEC"


def test_notes_hex_value_2_and_3_are_ignored() -> None:
    one = "<OF19ABE5FC.FFEB1AEC-ONC2257A9A.004F2A95-C2257A9A.004F30C1@LocalDomain>"
    other = "<OF19ABE5FC.FFEB1AEC-ON00000000.00000000-11111111.11111111@LocalDomain>"
    assert normalize_message_id(one) == normalize_message_id(other)


def test_notes_hex_is_case_insensitive() -> None:
    upper = "<OF9264F990.72075AF4-ONC2257A3A.0059D96B-C2257A3A.0059E71C@LocalDomain>"
    assert normalize_message_id(upper.lower()) == normalize_message_id(upper)


def test_web_mail_keeps_the_part_before_the_domain() -> None:
    value = "<CAAZgRMT1vmoPfWQjnwNgJqC3xLNj-hgHA6tmEecha4sDN04+CA@mail.example.com>"
    assert normalize_message_id(value) == "CAAZgRMT1vmoPfWQjnwNgJqC3xLNj-hgHA6tmEecha4sDN04+CA"


def test_web_mail_id_keeps_its_case() -> None:
    """Gmail ids are case-sensitive base64: two ids differing in case are two mails."""
    one = normalize_message_id("<CAAZgRMT1vmoPfWQjnwNgJqC3xLNj@mail.example.com>")
    other = normalize_message_id("<caazgrmt1vmopfwqjnwngjqc3xlnj@mail.example.com>")
    assert one != other


def test_outlook_drops_the_surname_and_the_domain() -> None:
    """<hex$hex$hex$@Surname@domain>: the surname (@Cheng) is ignored too."""
    value = "<00fa01cdac74$b5b0f770$2112e650$@Cheng@example.com>"
    assert normalize_message_id(value) == "00fa01cdac74$b5b0f770$2112e650$"
    assert normalize_message_id("<00FA01CDAC74$B5B0F770$2112E650$@cheng@other.example>") \
        == normalize_message_id(value)


def test_header_text_around_the_id_is_ignored() -> None:
    folded = "\r\n <CAAZgRMT1vmoPfWQjnwNgJqC3xLNj-hgHA6tmEecha4sDN04+CA@mail.example.com> "
    assert normalize_message_id(folded) == "CAAZgRMT1vmoPfWQjnwNgJqC3xLNj-hgHA6tmEecha4sDN04+CA"
    assert normalize_message_id("CAAZgRMT1vmoPfWQjnwNgJqC3xLNj@mail.example.com") \
        == "CAAZgRMT1vmoPfWQjnwNgJqC3xLNj"


def test_short_originator_keeps_its_domain() -> None:
    """"1234@host" is not unique by itself: two hosts' 1234 are two mails."""
    assert normalize_message_id("<1234@Mail.One.example>") == "1234@mail.one.example"
    assert normalize_message_id("<1234@mail.two.example>") != \
        normalize_message_id("<1234@mail.one.example>")


def test_empty_and_overlong_ids() -> None:
    assert normalize_message_id("") == normalize_message_id("<>") == ""
    long = normalize_message_id("<" + "a" * 1000 + "@example.com>")
    assert long.startswith("sha256:") and len(long) < 100


# -- parsing realistic mails ------------------------------------------------------

def test_outlook_mail() -> None:
    mail = read("outlook.eml")
    assert mail.message_id == "00fa01cdac74$b5b0f770$2112e650$"
    assert mail.subject == "RE: Quote for 120 seats"
    assert mail.sent == datetime(2012, 10, 9, 12, 21, 5, tzinfo=timezone.utc)
    assert (mail.sender, mail.sender_name) == ("casey.cheng@example.com", "Casey Cheng")
    assert mail.to == ("anna.weber@acme.example", "tom.baker@acme.example")
    assert mail.cc == ("jonas.richter@example.com",)
    assert mail.names["anna.weber@acme.example"] == "Weber, Anna"
    assert mail.body.startswith("Hi Anna,\n\nPlease find attached the revised quote")
    assert "<p" not in mail.body                       # text/plain chosen over HTML
    assert mail.attachments == ("Quote 2012-118.pdf",)


def test_gmail_mail() -> None:
    mail = read("gmail.eml")
    assert mail.message_id == "CAAZgRMT1vmoPfWQjnwNgJqC3xLNj-hgHA6tmEecha4sDN04+CA"
    assert mail.sent == datetime(2012, 10, 10, 9, 14, 10, tzinfo=timezone.utc)
    assert mail.sender == "anna.weber@acme.example" and mail.to == ("casey.cheng@example.com",)
    assert "thanks \u2013 we\u2019ll sign the quote next week." in mail.body  # quoted-printable
    assert mail.attachments == ()


def test_thunderbird_mail() -> None:
    mail = read("thunderbird.eml")
    assert mail.message_id == "5b1f0c4e-9d3a-4c2e-8f0b-3a7d2e1c9f44"
    assert mail.sender == "lena.vogel@globex.example"          # lower case
    assert mail.cc == ("casey.cheng@example.com", "lena.vogel@globex.example")
    assert mail.recipients() == ("jonas.richter@example.com", "casey.cheng@example.com",
                                 "lena.vogel@globex.example")
    assert "anbei unser Angebot f\u00fcr den Wartungsvertrag." in mail.body   # 8bit UTF-8
    assert mail.attachments == ("Angebot M\u00fcller.pdf",)                  # RFC 2231 name


def test_html_only_mail_becomes_text() -> None:
    mail = read("html_only.eml")
    assert mail.message_id == "9264F990.72075AF4"                         # Lotus Notes
    assert mail.body == ("Hallo Frau Weber,\n\nanbei das Angebot f\u00fcr 120 Lizenzen & "
                         "Schulung.\n\n- Preis: 48.000 \u20ac\n- Laufzeit: 3 Jahre\n\n"
                         "Viele Gr\u00fc\u00dfe\nJonas Richter")      # &nbsp; as a blank
    assert "alert" not in mail.body and "color" not in mail.body    # script and style gone
    assert mail.attachments == ()                       # the inline logo is no attachment


def test_encoded_word_subject_and_names() -> None:
    mail = read("encoded_subject.eml")
    assert mail.subject == "\u00c4nderung des Vertrags \u2013 bitte pr\u00fcfen"
    assert mail.sender_name == "M\u00fcller, Hans"          # a comma inside an encoded word
    assert mail.names["joerg.saenger@example.com"] == "J\u00f6rg S\u00e4nger"
    assert mail.sent == datetime(2012, 10, 15, 9, 30, tzinfo=timezone.utc)   # -0000
    assert "bitte pr\u00fcfen Sie die \u00c4nderungen." in mail.body        # Latin-1 body
    assert mail.message_id == "20121015093000.1F2A3B4C"


def test_mail_without_message_id_gets_a_stand_in_both_copies_share() -> None:
    raw = (b"From: Anna <anna@acme.example>\r\nTo: casey@example.com\r\nSubject: Hi\r\n"
           b"Date: Mon, 15 Oct 2012 09:30:00 +0000\r\n\r\nHello\r\n")
    one, two = parse_eml(raw), parse_eml(raw.replace(b"Hello", b"Hello (forwarded)"))
    assert one.message_id.startswith("crmdesk:") and one.message_id == two.message_id
    assert parse_eml(raw.replace(b"Subject: Hi", b"Subject: Other")).message_id \
        != one.message_id


def test_bad_or_missing_date_is_none() -> None:
    raw = b"From: anna@acme.example\r\nSubject: x\r\nDate: sometime soon\r\n\r\nbody"
    assert parse_eml(raw).sent is None
    assert parse_eml(raw.replace(b"Date: sometime soon\r\n", b"")).sent is None


def test_mbox_from_line_is_skipped() -> None:
    raw = b"From anna@acme.example Mon Oct 15 09:30:00 2012\n" + (DATA / "gmail.eml").read_bytes()
    assert parse_eml(raw).sender == "anna.weber@acme.example"


def test_html_to_text_keeps_words_apart() -> None:
    html = "<p>a</p><p>b <i>c</i> d</p><table><tr><td>x</td><td>y</td></tr></table>"
    assert html_to_text(html) == "a\n\nb c d\n\nx y"


# -- garbage: refused with words ---------------------------------------------------

def refused(data: bytes, name: str = "mail.eml") -> str:
    with pytest.raises(MailUnreadable) as caught:
        parse_eml(data, name)
    assert isinstance(caught.value, UserError)       # shown with its own words
    assert caught.value.name == name
    return caught.value.message


def test_garbage_no_from_line() -> None:
    text = refused((DATA / "no_from.eml").read_bytes(), "no_from.eml")
    assert "no From line" in text and ".eml" in text


def test_garbage_plain_text_file() -> None:
    text = refused((DATA / "not_a_mail.txt").read_bytes(), "not_a_mail.txt")
    assert "does not look like an e-mail" in text and "Save the e-mail" in text


def test_garbage_binary_and_empty() -> None:
    assert "does not look like an e-mail" in refused(bytes(range(256)) * 40)
    assert "empty" in refused(b"  \r\n")


def test_garbage_outlook_msg_file_is_named() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    assert "Outlook .msg" in refused(data, "quote.msg")


def test_garbage_from_without_address() -> None:
    assert "no e-mail address" in refused(b"From: Anna Weber\r\nSubject: x\r\n\r\nbody")


def test_garbage_huge_file() -> None:
    text = refused(b"From: a@b.example\r\n\r\n" + b"x" * (MAX_BYTES + 1))
    assert "25 MB" in text


def test_garbage_parts_nested_thousands_deep() -> None:
    nested = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                      for i in range(3000))
    text = refused(b"From: a@b.example\r\nSubject: nest\r\n" + nested + b"\r\nhi\r\n")
    assert "structure is damaged" in text
