"""Crawl the Wagtail admin as a user and find the English left on the screens they open.

``crawl(client)`` follows every admin link the user is shown (plus the choosers and the
add forms that only scripts open), at most a few URLs of each shape, and gathers the
visible text: text nodes, the attributes people read (placeholder, title, aria-label,
alt, button values), the sidebar's labels and the admin script's strings.

``english(strings)`` keeps those with an English word in them: a word of Wagtail's or
Django's English messages that is not also a Vietnamese word written without marks
(taken from Django's Vietnamese catalogue), outside ``ALLOWED`` proper names.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

# Proper names and technical words that stay as they are in Vietnamese.
ALLOWED = {
    "wagtail",
    "ocop",
    "facebook",
    "zalo",
    "youtube",
    "google",
    "microsoft",
    "markdown",
    "url",
    "urls",
    "id",
    "pdf",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "heic",
    "avif",
    "svg",
    "csv",
    "xlsx",
    "json",
    "xml",
    "html",
    "email",
    "e-mail",
    "vnd",
    "vietqr",
    "gs1",
    "gtin",
    "ean",
    "sku",
    "api",
    "og",
    "seo",
    "slug",
    "vi",
    "en",
    "gravatar",
    "market",
    "postmart",
    "ctrl",
    "alt",
    "shift",
    "cmd",
    "esc",
    "tab",
    "enter",
    "px",
    "kb",
    "mb",
    "gb",
    "tb",
    "utc",
    "admin",
    "ok",
    "unicode",
    "ascii",
    "utf",
    "root",  # the title of Wagtail's root page
    "javascript",
    "menu",  # used as is in Vietnamese
    "meta",  # the company, and the HTML tag
    "open",  # Open Graph
    "graph",
    "header",  # HTTP header
    "hmac",
    "sha256",
}
# Vietnamese words that are also English ones.
VIETNAMESE_ASCII = {"may", "in", "an", "ban", "to", "do", "me", "con", "so", "tin", "cho", "gian", "sao", "ma", "no"}
# Whole strings that are data, not the admin's words: time zone names, user names, model labels.
# Wagtail's page search gives its "1–9 of 9 <pages>" header no model name ("None"): its bug.
IGNORED = re.compile(r"^[A-Z][A-Za-z_]+/[A-Za-z_/+-]+$|^user\d+$|^[a-z_]+\.[a-z_]+$|^\d+–\d+ trên \d+ None$")

# Links that change state on GET, download files or leave the admin chrome.
SKIP = re.compile(
    r"/logout/|/jsi18n|/api/|/preview|/view_draft/|/revisions/\d+/view/|/export|[?&]export=|/bulk/"
    r"|/documents/\d+/[^/]+$|/originals/|/serve/|/images/\d+/generate_url/|/unpublish/|/delete/|/lock/|/unlock/"
)
MAX_PER_SHAPE = 2


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


class _Text(HTMLParser):
    """Visible text of an admin page."""

    READ_ATTRS = ("placeholder", "title", "aria-label", "alt", "data-w-tooltip-content-value")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._script_id = None
        self._script: list[str] = []
        self._hidden: list = []  # [tag, depth] of an element with the hidden attribute

    VOID = {"input", "img", "br", "hr", "meta", "link", "source", "area", "col", "embed", "wbr", "use"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._hidden:
            if tag == self._hidden[0]:
                self._hidden[1] += 1
            return
        if "hidden" in attrs and any(name.endswith("-counter") for name in attrs):  # a script fills it in
            self._hidden = [tag, 1]
            return
        if tag == "script":
            self._script_id = attrs.get("id") if attrs.get("type") == "application/json" else "-"
            self._script = []
            return
        if tag == "style":
            self._skip += 1
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and (attrs.get("type") or "").lower() == "hidden":
            return
        for name in self.READ_ATTRS:
            if attrs.get(name):
                self.strings.append(attrs[name])
        if tag == "input" and (attrs.get("type") or "").lower() in {"submit", "button"} and attrs.get("value"):
            self.strings.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._hidden:
            if tag == self._hidden[0]:
                self._hidden[1] -= 1
                if not self._hidden[1]:
                    self._hidden = []
            return
        if tag == "script":
            if self._script_id in {"wagtail-sidebar-props", "wagtail-config"}:
                self._json("".join(self._script), self._script_id)
            self._script_id = None
        elif tag == "style":
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if self._hidden:
            return
        if self._script_id is not None:
            self._script.append(data)
        elif not self._skip:
            self.strings.append(data)

    def _json(self, text, kind):
        try:
            data = json.loads(text)
        except ValueError:
            return
        if kind == "wagtail-config":
            data = data.get("STRINGS", {})
        else:
            self.links.extend(re.findall(r'"(/admin/[^"]*)"', text))
        self.strings.extend(_labels(data))


def _labels(data):
    """Strings of a JSON blob that read as labels (not URLs, icon names or keys)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in {"_type", "url", "icon_name", "name", "classname", "classnames", "attrs", "_id"}:
                yield from _labels(value)
    elif isinstance(data, list):
        for item in data:
            yield from _labels(item)
    elif isinstance(data, str):
        if data.startswith(("/", "http", "#", "icon-", "wagtail.")) or re.fullmatch(r"[a-z0-9_.:-]*", data):
            return
        yield data


def visible_strings(html: str) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    strings = [" ".join(s.split()) for s in parser.strings]
    return [s for s in strings if s], parser.links


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    strings: Counter = field(default_factory=Counter)
    where: dict[str, str] = field(default_factory=dict)


def crawl(client, start: list[str], *, limit: int = 400) -> Crawl:
    result = Crawl()
    queue = list(start)
    seen, shapes = set(), Counter()
    while queue and len(result.visited) < limit:
        url = urldefrag(queue.pop(0))[0]
        path = urlsplit(url).path
        if url in seen or not path.startswith("/admin/") or SKIP.search(url):
            continue
        seen.add(url)
        shape = _shape(path) + (
            "?" + "&".join(sorted(k.split("=")[0] for k in urlsplit(url).query.split("&")))
            if urlsplit(url).query
            else ""
        )
        if shapes[shape] >= MAX_PER_SHAPE:
            continue
        shapes[shape] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            result.errors[url] = response.status_code
            continue
        result.visited.append(url)
        content_type = response.get("Content-Type", "")
        body = response.content.decode()
        if "json" in content_type:
            try:
                data = json.loads(body)
            except ValueError:
                continue
            body = data.get("html") or data.get("htmlFragment") or "" if isinstance(data, dict) else ""
        elif "html" not in content_type:
            continue
        strings, links = visible_strings(body)
        for s in strings:
            result.strings[s] += 1
            result.where.setdefault(s, url)
        for link in links:
            if link.startswith("/admin/") and link not in seen:
                queue.append(link)
    return result


# --- what is English -------------------------------------------------------------------------


def _msgids(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = []
    for block in re.findall(r'^msgid(?:_plural)? ((?:".*"\n?)+)', text, flags=re.M):
        found.append("".join(re.findall(r'"(.*)"', block)))
    return found


def _msgstrs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [
        "".join(re.findall(r'"(.*)"', b)) for b in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', text, flags=re.M)
    ]


WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


@functools.cache
def vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(English words of the admin's messages, ASCII words that are also Vietnamese)."""
    import django
    import wagtail

    english: set[str] = set()
    for po in Path(wagtail.__file__).parent.glob("**/locale/en/LC_MESSAGES/django*.po"):
        for msgid in _msgids(po):
            english.update(w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)[sd]|\{\w*\}|%[sd]", " ", msgid)))
    vietnamese: set[str] = set()
    root = Path(django.__file__).parent
    for po in [root / "conf/locale/vi/LC_MESSAGES/django.po", *root.glob("contrib/*/locale/vi/LC_MESSAGES/django.po")]:
        if po.exists():
            for msgstr in _msgstrs(po):
                vietnamese.update(w.lower() for w in WORD.findall(msgstr))
    return frozenset(english), frozenset(vietnamese)


VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


def english_words(text: str) -> list[str]:
    english, vietnamese = vocabulary()
    text = re.sub(r"https?://\S+|\S+@\S+|\{\w*\}|%\(\w+\)[sd]|\buser\d+\b", " ", text)
    found = []
    for word in WORD.findall(text):
        low = word.lower()
        if low in ALLOWED or low in vietnamese or low in VIETNAMESE_ASCII or len(low) < 2:
            continue
        if low in english:
            found.append(word)
    return found


def english(strings, ignore=()) -> dict[str, list[str]]:
    """The strings with English words in them, and those words."""
    ignored = set(ignore)
    out = {}
    for s in strings:
        if s in ignored or IGNORED.match(s):
            continue
        words = english_words(s)
        if words:
            out[s] = words
    return out
