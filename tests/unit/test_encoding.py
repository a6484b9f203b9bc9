"""Encoding detection and the page decode: each legacy Cyrillic encoding at a headline's, a
paragraph's and a page's length, Western and East Asian controls, and mislabelled pages read
through ``extract_article`` (figures: ``benchmarks/encoding.py``)."""

from __future__ import annotations

import codecs
import os
from datetime import UTC, datetime

import pytest

from newsarchive.parsers.encoding import decode_page, detect_encoding
from newsarchive.parsers.generic import extract_article
from newsarchive.parsers.timestamps import published_from_html

NOW = datetime(2025, 12, 12, 13, 0, tzinfo=UTC)
CYRILLIC = ["cp1251", "koi8_r", "iso8859_5", "mac_cyrillic", "cp866"]

# Without «», — and №: KOI8-R, ISO-8859-5 and cp866 have none of them.
HEADLINE = "Ташкентский зоопарк получил двух амурских тигров из Новосибирска"
SHORT_HEADLINES = ["Результаты поиска: ставка", "Сборная Узбекистана вышла на чемпионат мира"]
PARAGRAPH = (
    "Хокимият Наманганской области сообщил, что до конца года капитально отремонтируют 40 "
    "улиц. На работы выделено 120 миллиардов сумов из местного бюджета, подрядчиков выбрали "
    "на открытом тендере. Жители ещё в марте жаловались на ямы и лужи; первыми ремонтируют "
    "улицы у школ и поликлиник, остальные - до середины декабря."
)
PAGE_TEXT = "\n\n".join(
    [
        PARAGRAPH,
        "В Самарканде прошёл международный марафон. Победителем основной дистанции стал бегун "
        "из Кении, лучшим из узбекистанских спортсменов стал житель Бухары. Организаторы "
        "говорят, что в следующем году забег получит золотой статус Всемирной лёгкой атлетики.",
        "Синоптики обещают, что к выходным снег растает, а днём потеплеет до плюс пяти. Ночью "
        "по области до минус восьми, на дорогах гололедица; ГАИ просит водителей не спешить и "
        "держать дистанцию. Коммунальные службы вывели на улицы Ташкента 300 единиц техники.",
        "Центральный банк Узбекистана оставил ключевую ставку без изменений, на уровне 13,5 "
        "процента годовых. Регулятор объяснил решение тем, что инфляция замедляется, но ещё "
        "выше целевого уровня; следующее заседание по ставке пройдёт в январе.",
    ]
    * 4
)


@pytest.mark.parametrize("encoding", ["utf-8", *CYRILLIC])
@pytest.mark.parametrize("text", [HEADLINE, *SHORT_HEADLINES, PARAGRAPH, PAGE_TEXT])
def test_cyrillic_text_decodes_exactly(encoding: str, text: str) -> None:
    data = text.encode(encoding)
    assert data.decode(detect_encoding(data)) == text


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "Un troisième Français a été tué dans le tremblement de terre, à Marrakech."),
        ("cp1252", "Die Bürger können die Straßenbahn ab März wieder nutzen, sagte der Senat."),
        ("shift_jis", "東京都は新しい条例を発表しました。住民の意見を聞いて決めたということです。"),
        ("gb18030", "新华社北京十二月十一日电，今年全国粮食总产量再创历史新高。"),
    ],
)
def test_other_languages_decode_exactly(encoding: str, text: str) -> None:
    data = text.encode(encoding)
    assert data.decode(detect_encoding(data)) == text


def test_the_guess_reads_text_past_a_long_ascii_head() -> None:
    # The sample starts at the first non-ASCII byte: 100 KB of script first do not hide it.
    data = b"<script>" + b"var x = 1;\n" * 10_000 + b"</script>" + PARAGRAPH.encode("koi8_r")
    assert detect_encoding(data) == "koi8_r"


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff" * 10, b"\x00\x80" * 1000, os.urandom(100_000), b"\xd0" * 4_000_001],
)
def test_never_raises_and_names_a_codec(data: bytes) -> None:
    assert codecs.lookup(detect_encoding(data))
    assert isinstance(decode_page(data), str)


TITLE = "Озеленение Ташкента: высадят сто тысяч деревьев"
PAGE = f"""<html><head>{{meta}}<title>{TITLE}</title></head><body>
<article><h1>{TITLE}</h1>
<p>{PARAGRAPH}</p>
<p>В хокимияте говорят, что саженцы закупят у местных питомников, а поливать их будут жители
махаллей; за каждым двором закрепят по два дерева.</p>
</article></body></html>"""
BODY = (
    PARAGRAPH + "\n\nВ хокимияте говорят, что саженцы закупят у местных питомников, а поливать "
    "их будут жители махаллей; за каждым двором закрепят по два дерева."
)


@pytest.mark.parametrize(
    ("meta", "encoding"),
    [
        ('<meta charset="utf-8">', "cp1251"),  # a windows-1251 site whose template says UTF-8
        ('<meta charset="utf-8">', "koi8_r"),
        ('<meta charset="utf-8">', "mac_cyrillic"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "iso8859_5"),
        ('<meta charset="windows-1251">', "utf-8"),  # moved to UTF-8, the template was not
        ('<meta charset="koi8-r">', "utf-8"),
        ('<meta charset="x-mac-cyrillic">', "mac_cyrillic"),  # a label Python does not know
        ("", "cp866"),
    ],
)
def test_mislabelled_pages_read_right(meta: str, encoding: str) -> None:
    art = extract_article(PAGE.format(meta=meta).encode(encoding), now=NOW)
    assert art.title == TITLE
    assert art.body == BODY


def test_a_stray_bad_byte_in_utf8_keeps_utf8() -> None:
    html = PAGE.format(meta='<meta charset="utf-8">').replace("саженцы", "саж\x00енцы")
    data = html.encode().replace(b"\x00", b"\xff")
    assert decode_page(data) == html.replace("\x00", "\ufffd")


def test_published_from_html_decodes_bytes_as_the_extractor_does() -> None:
    """A windows-1251 page that declares no charset: its Russian date line is read."""
    page = (
        '<html><body><h1>Снег в Ташкенте</h1><div class="date">11 декабря 2025, 17:13</div>'
        "<p>В Ташкенте выпал первый снег, и коммунальные службы вышли на улицы.</p></body></html>"
    ).encode("cp1251")
    now = datetime(2025, 12, 12, 13, 0, tzinfo=UTC)
    found = published_from_html(page, now=now, tz="Asia/Tashkent")
    assert found is not None
    assert found.isoformat() == "2025-12-11T17:13:00+05:00"
