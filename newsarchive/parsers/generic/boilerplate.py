"""Text that marks furniture rather than the article: the opening words of boilerplate blocks
("Читайте также", "Комментарии", "Поделиться"...), photo credits, label lines ("Автор:",
"Просмотров:"), and the headings that introduce a section of comments or related links.
"""

from __future__ import annotations

import re
from typing import Any, Final

from newsarchive.parsers.generic.helpers import text_of
from newsarchive.parsers.generic.names import HEADINGS

BOILER_START: Final = re.compile(
    r"^\W{0,3}(?:читайте\s+(?:также|нас|ещ[её]|по\s+теме)|смотрите\s+также|также\s+читайте"
    r"|по\s+теме\b|похожие\s+(?:новости|материалы|записи|статьи|публикации)|другие\s+новости"
    r"|ещ[её]\s+новости|последние\s+(?:новости|материалы)|самое\s+(?:читаемое|популярное)"
    r"|популярное|рекомендуем|лента\s+новостей|главное\s+за\s+день|новости\s+партн[её]ров"
    r"|поделиться|поделитесь|подписывайтесь|подпишитесь|подписаться|присоединяйтесь|следите\s+за"
    r"|реклама\b|на\s+правах\s+рекламы|комментари|обсуждени|мнения\s+читателей|отзывы"
    r"|добав\w+\s+комментари|оставить\s+(?:комментарий|мнение)|всего\s+комментариев"
    r"|оцените|рейтинг\b|понравил|теги\b|метки\b|ключевые\s+слова|курс[ыа]?\s+валют|погода\b"
    r"|если\s+вы\s+(?:нашли|заметили)\s+ошибку|нашли\s+ошибку|версия\s+для\s+печати"
    r"|©|copyright)",
    re.IGNORECASE,
)
CREDIT: Final = re.compile(
    r"^\W{0,3}(?:фото|фотография|источник\s+фото|иллюстрация|видео|кадр|коллаж)\s*(?::|—|–|-|/)",
    re.IGNORECASE,
)
LABEL_LINE: Final = re.compile(
    r"^(?:автор|авторы|источник|фото|текст|теги|метки|ключевые\s+слова|редактор|корреспондент"
    r"|рубрика|категория|опубликовано|обновлено|добавлено|размещено|просмотров|подготовил[а]?"
    r"|дата(?:\s+публикации)?)\s*:?\s",
    re.IGNORECASE,
)

# A heading that names a section of boilerplate, and nothing else: "Комментарии (2)",
# "Читайте также", "Похожие новости" (not "Комментарий эксперта").
_SECTION_HEADING: Final = re.compile(
    r"^\W*(?:\d+\s+)?(?:комментари[йияев]{0,2}|обсуждение|мнения\s+читателей|отзывы"
    r"|читайте\s+также|смотрите\s+также|по\s+теме|похожие\s+\w+|другие\s+\w+|ещ[её]\s+\w+"
    r"|последние\s+\w+|популярное|самое\s+\w+|рекомендуем|лента\s+новостей)\W*(?:\(\d+\)\W*)?$",
    re.IGNORECASE,
)


def after_section_heading(el: Any) -> bool:
    """Whether ``el`` follows a boilerplate section heading among its siblings (with no
    other heading of that rank or higher between them): "<h3>Комментарии</h3><div>...".
    """
    for sibling in el.itersiblings(preceding=True):
        tag = sibling.tag
        if tag in HEADINGS:
            text = text_of(sibling)
            return len(text) <= 60 and _SECTION_HEADING.match(text) is not None
    return False


def boiler_heading(el: Any, size: int) -> bool:
    """A block introduced by a boilerplate heading: "Комментарии (3)", "Читайте также".

    A long block (``size``: its raw text length) that opens with a copyright line is not a
    footer: it is an article under its photo's credit ("© Provided by ...").
    """
    for piece in el.itertext():
        head = piece[:200].strip()
        if head:
            if len(head) > 60 or len(piece) >= 300:
                return False
            found = BOILER_START.match(head)
            return found is not None and not (size > _CREDITED_TEXT and _COPYRIGHT.match(head))
    return False


_COPYRIGHT: Final = re.compile(r"^\W{0,3}(?:©|\(c\)|copyright)", re.IGNORECASE)
_CREDITED_TEXT: Final = 800  # characters: more than a footer holds
