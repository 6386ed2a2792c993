"""Title, agency, year reported on, stated date, and the layout used."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ..layouts import LAYOUTS, REPORT_NAME, T2_ARTICLE, template_for_year
from ..text import NUMERAL, LazyPattern, alternation, kept_if_short, norm_label, squeeze
from .tokens import Token

_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_CN_NUM = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"(20\d{2}|19\d{2})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})\s*日?")
# (the year's first character as a class of its own: a pattern that starts with a
# repeat is tried at every position of the text, one that starts with a class skips to it)
_CN_DATE = re.compile(rf"([〇零○一二三四五六七八九O][〇零○一二三四五六七八九O]{{3}})\s*年\s*({NUMERAL}{{1,2}})\s*月\s*({NUMERAL}{{1,3}})\s*日")
# (时间 at the start or after white space; the look-behind stands after 时 so that
# every branch starts with a character the engine can skip to)
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|成文日期|发文日期|日期|时(?<!\S时)间)\s*[:：]\s*(.+)")
# a field of a CMS metadata table, in a cell of its own (发布日期 | 2021-04-09 17:05:00)
_DATE_FIELD = re.compile(r"^(?:发布时间|发布日期|成文日期|发文日期|公开日期|生成日期)$")
# a field of a CMS metadata table naming the publisher
_AGENCY_FIELD = re.compile(r"^(?:发布机构|发文机关|发布单位|来源|信息来源|主办单位|公开主体)[:：]?$")
# a date whose 年 and 月 were lost (（20201231日）)
_GLUED_DATE = re.compile(r"((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])日")
_STAT_PERIOD = re.compile(r"(?:统计期限|统计时限|统计周期|统计时间|统计期|数据统计|所列数据)[^。]{0,30}?(20\d{2})\s*年\s*1\s*月\s*1\s*日")
# a year as a report writes it (2023年, 2023 年度)
_YEAR_TEXT = r"(?:19|20)\d{2}\s*年度?"
# the names a report gives itself in its title, and the shorter words a title ends with
_REPORT_NAMES = (REPORT_NAME, "政府信息公开年度报告", "信息公开工作年度报告", "政府信息公开工作报告", "政务公开工作年度报告")
_TITLE_WORDS = (*_REPORT_NAMES, "年度报告", "工作报告")
# a field name in front of a title (a crawler's or a CMS's "标题：…" line)
_TITLE_FIELD = re.compile(r"^(?:标题|题目|名称|文章标题)[:：]")
AGENCY_END = re.compile(r"(人民政府|政府|委员会|管委会|管理委员会|办公室|办公厅|局|厅|委|办|院|署|部|中心|所|站|会|处|分局|街道|镇|乡|片区管理局|公司|队|馆)$")


def _cn_small(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_NUM.get(s[1], 0)
    if len(s) >= 2 and s[1] == "十":
        return _CN_NUM.get(s[0], 0) * 10 + (_CN_NUM.get(s[2], 0) if len(s) > 2 else 0)
    return _CN_NUM.get(s, 0)


def parse_date(text: str) -> str | None:
    """The first date in a text, ISO formatted."""
    m = _DATE.search(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _CN_DATE.search(text)
        if not m:
            return None
        y = int("".join(str(_CN_NUM.get(c, 0)) for c in m.group(1)))
        mo, d = _cn_small(m.group(2)), _cn_small(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def is_date_line(text: str) -> bool:
    t = squeeze(text)
    m = _DATE.search(t) or _CN_DATE.search(t)
    return bool(m) and len(t) - (m.end() - m.start()) <= 30 and (m.end() >= len(t) - 1)


_TITLE_TAILS = ("年度报告", "工作年度报告", "工作报告", "报告", "政府信息公开", "信息公开", "政务公开")


_ENDS_SENTENCE = re.compile(r"[。;；:：,，]$")
_TITLE_HEAD = re.compile(r"(19|20)\d{2}年|政府信息公开|政务公开|" + AGENCY_END.pattern[:-1])  # (a title's first line)
_TITLE_QUOTES = re.compile(r"[《》“”\"]")
_A_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")
_YEAR_WORD = re.compile(_YEAR_TEXT)
_ABOUT_HEAD = re.compile(r"^关于")
_ABOUT_TAIL = re.compile(r"(关于|的)$")
_NAME_NOTE = re.compile(r"[(（][^()（）]{1,20}[)）]$")
_DIGIT = re.compile(r"\d")
_YEARS_TALKED = re.compile(r"(20\d{2}|19\d{2})年(?!\d{1,2}月\d{1,2}日前)")


def find_title(tokens: list[Token], doc_title: str | None) -> tuple[str | None, int]:
    """The report title and the index of its token (-1 if it came from the container)."""
    for i, t in enumerate(tokens[:60]):
        if t.grid or len(t.norm) > 80 or _BREADCRUMB.search(t.norm):
            continue
        if "报告" in t.norm[-8:] + t.norm and any(w in t.norm for w in _TITLE_WORDS):
            if "。" in t.norm:  # a sentence that names the report (特编制某局2023年…报告。), not a title line
                m = _TITLE_IN_TEXT.search(t.norm)
                if m is None:
                    continue
                return _named_title(m.group(0)), i
            title = _TITLE_FIELD.sub("", t.norm)
            # a title broken after its agency (孝感市人民政府办公室 / 2020年政府信息公开工作年度报告)
            if i > 0 and _YEAR_START.match(title):
                prev = tokens[i - 1]
                if not prev.grid and prev.norm and len(prev.norm) <= 30 and plausible_agency(prev.norm):
                    title = prev.norm + title
            # a title broken over two lines (…政府信息公开工作 / 年度报告)
            if i > 0 and title.startswith(_TITLE_TAILS):
                prev = tokens[i - 1]
                if not prev.grid and prev.norm and len(prev.norm) <= 40 and not _ENDS_SENTENCE.search(prev.norm):
                    if _TITLE_HEAD.search(prev.norm):
                        title = prev.norm + title
            # the agency on the line above a title that starts without one
            if i > 0 and title.startswith(("政府信息公开", "信息公开", "政务公开")):
                prev = tokens[i - 1].norm
                if prev and len(prev) <= 30 and AGENCY_END.search(prev):
                    title = prev + title
            return title, i
    # a body run into one paragraph starts with its title (岚市监综〔2017〕13号
    # 平潭综合实验区市场监督管理局 2016年度政府信息公开工作年度报告 根据…)
    for t in [t for t in tokens[:5] if not t.grid and len(t.norm) > 80]:
        head = t.text[:160]
        m = _TITLE_IN_TEXT.search(head) if _YEAR_REPORT_ALONE.search(head) else None
        if m:
            return _named_title(m.group(0)), tokens.index(t)
    if doc_title:
        return norm_label(doc_title), -1
    return None, -1


_YEAR_REPORT = (
    _YEAR_TEXT + r"\s*"
    "(?:" + "|".join(_REPORT_NAMES) + ")"
)
_TITLE_IN_TEXT = re.compile(r"[^\s。，,;；:：《》“”\"()（）]{2,40}?\s*" + _YEAR_REPORT)
# 编制 the verb ("compiled"), not the 编制 of 机构编制委员会(办公室), an agency in every county
_COMPILED = "编制(?!委员会|办)"
# the verbs a sentence of the opening puts before the title it names (…要求，特编制某局2023年
# 政府信息公开工作年度报告。/ 现公布某市人民政府2023年度… / 编制本报告现向社会公开某乡2019年…):
# the sentence's, not the title's (公开/发布 before 办/中心/委员会 are an agency's: 政务公开办公室)
_LEAD_IN = LazyPattern(r"(?:" + _COMPILED + r"|(?:公布|公开|发布)(?!办|中心|委员会)|印发|编写|撰写|形成)了?|现将|特将")


def _named_title(found: str) -> str:
    """A title found in running text (:data:`_TITLE_IN_TEXT`), from after the last verb that
    introduces it (before its year: the report's name holds 公开 itself), without the word the
    report calls itself by (编制我局2021年度… names 2021年度…: 我局 is the sentence's)."""
    year = _YEAR_REPORT_ALONE.search(found)
    cut = 0
    for m in _LEAD_IN.finditer(found, 0, year.start() if year else len(found)):
        cut = m.end()
    title = norm_label(found[cut:])
    self_ref = _SELF_REFERENCE.match(title)
    return title[self_ref.end() :] if self_ref and self_ref.end() < len(title) else title


# the title's year and words alone: where they are not, the title cannot be (asked first:
# the agency part before them is tried at every place of the text, 40 lengths each)
_YEAR_REPORT_ALONE = re.compile(_YEAR_REPORT)


def agency_from_title(title: str | None) -> str | None:
    if not title:
        return None
    t = _TITLE_QUOTES.sub("", title)
    # the agency stands before the year (会仪镇人民政府2021年信息公开年度报告,
    # 某国资委2020政府信息公开…) or after it (2024年上海市科委政府信息公开…)
    y = _A_YEAR.search(t)
    if y and t[: y.start()].strip(" ,，:：、"):
        t = t[: y.start()]
    else:
        t = _YEAR_WORD.sub("", t)
    for w in ("政府信息公开", "政务公开", "信息公开", "年度报告", "工作报告"):
        k = t.find(w)
        if k >= 0:
            rest = t[k + len(w) :]
            m = AGENCY_END.match(rest)
            if m and m.end() == len(rest):  # the office named after the work: 某县政务公开办公室
                break
            t = t[:k]
            break
    t = t.strip(" ,，:：、")
    t = _ABOUT_HEAD.sub("", t)
    t = _ABOUT_TAIL.sub("", t)
    if t.endswith("人民") and "人民政府" in title:
        t += "政府"  # 桂洋镇人民政府信息公开… cut inside 政府
    return t or None


# page chrome: "您当前所在位置: 首页 > 部门公开信息 > 乡镇 > …"
_BREADCRUMB = re.compile(r">.*>|当前(?:所在)?位置|当前页面")
_YEAR_START = re.compile(r"^(?:19|20)\d{2}\s*年")
# words that make a phrase a sentence, not a name
_NOT_NAME = re.compile(r"[>|<:：;；,，。、!?《》“”()（）\[\]]|根据|按照|公布|" + _COMPILED + r"|做好|报告|本年|我们|通过|认真|^(?:我|本|该|全)")
_NOT_TITLE_NAME = re.compile(r"[>|<:：;；,，。!?]|根据|按照|公布|" + _COMPILED + r"|做好|本年|我们|通过|认真|^(?:我|本|该|全)")
_NAME_END = re.compile(AGENCY_END.pattern[:-2] + r"|区|县|市|州|盟|旗|省|自治区|新区|开发区|实验区)$")


def plausible_agency(name: str | None) -> bool:
    """A phrase that can be an agency's name: short, no sentence words or
    page chrome, ending as agency and place names end (局, 镇, 办公室, …区)."""
    if not name or not 2 <= len(name) <= 40:
        return False
    # a name with a note in brackets at its end: 高新区(新市区)
    core = _NAME_NOTE.sub("", name)
    return not _NOT_NAME.search(core) and bool(_NAME_END.search(core)) and not _DIGIT.search(name)


# a name in running text (an agency's, lazily: what follows it decides where it ends)
_NAME_RUN = r"(?P<name>[^\s，。,、；;:：《》“”()（）\d]{2,30}?)"

# the agency named in the opening sentence: 现公布某局2020年度政府信息公开工作年度报告;
# 特向社会公布2020年某镇人民政府信息公开工作年度报告; 现向社会公开某乡2019年…
_LEAD_AGENCY = re.compile(
    r"(?:公布|公开|发布|涵盖|现将)\s*(?:" + _YEAR_TEXT + r")?\s*" + _NAME_RUN + r"\s*(?:" + _YEAR_TEXT + r")?\s*"
    r"(?:政府信息公开|信息公开|政务公开)(?:工作)?(?:年度)?报告"
)


def agency_in_text(tokens: list[Token]) -> str | None:
    """The agency the opening text names when the page has no title."""
    for t in tokens[:12]:
        if t.grid:
            continue
        for m in _LEAD_AGENCY.finditer(t.norm[:400]):
            name = m.group("name")
            if name.endswith("人民") and t.norm[m.end("name") : m.end("name") + 2] == "政府":
                name += "政府"
            if plausible_agency(name):
                return name
    return None


def find_agency(tokens: list[Token], title: str | None, title_index: int, doc_agency: str | None) -> str | None:
    a = agency_from_title(title)
    if a and not _BREADCRUMB.search(a) and not _NOT_TITLE_NAME.search(a):
        return a
    a = agency_in_text(tokens)
    if a:
        return a
    # the line just below the title (a cover page) …
    if title_index >= 0:
        for t in tokens[title_index + 1 : title_index + 3]:
            if t.norm and len(t.norm) <= 30 and AGENCY_END.search(t.norm) and not _DATE.search(t.norm):
                return t.norm
    if doc_agency:
        return norm_label(doc_agency)
    # a CMS metadata table before the report (发布机构 | 某某局 | 发文日期 | …)
    for k, t in enumerate(tokens[:40]):
        if t.grid and _AGENCY_FIELD.match(t.norm) and k + 1 < len(tokens) and tokens[k + 1].line == t.line:
            cand = tokens[k + 1].norm
            if plausible_agency(cand):
                return cand
    # … or the signature above the date at the end
    tail = [t for t in tokens[-8:] if t.norm and not t.grid]
    for k in range(len(tail) - 1, 0, -1):
        if is_date_line(tail[k].text):
            cand = tail[k - 1].norm
            if len(cand) <= 30 and AGENCY_END.search(cand):
                return cand
    return agency_it_calls_itself(tokens)


# the report speaking of itself (我局, 我镇, 我街道) …
_SELF_WORDS = "局|镇|乡|委|办|院|厅|署|区|县|市|州|街道|街|中心|站|所|馆|队|部|会|处|公司"
_SELF = LazyPattern(r"我(" + _SELF_WORDS + ")")
# … as a title named in a sentence may start (编制我局2021年度… / 现将本单位2020年…)
_SELF_REFERENCE = LazyPattern(r"[我本](?:单位|机关|部门|" + _SELF_WORDS + r")(?=\d)")
# … and a name standing where a report puts its own: the subject of an opening sentence
# (今年以来，某区林业局认真贯彻…) or the office the reader is sent to (请与某镇人民政府联系,
# 请与某局(地址:…))
_SUBJECT = LazyPattern(
    r"(?:^|[。，,；;\n])\s*(?:(?:19|20)\d{2}\s*年(?:度|以来)?|今年以来|本年度|一年来)\s*[，,]?\s*"
    + _NAME_RUN + r"\s*(?:认真|坚持|高度重视|严格|按照|深入|全面|紧紧|围绕|始终|不断|积极|持续|进一步)"
)
_CONTACT = LazyPattern(r"请(?:与|联系)\s*" + _NAME_RUN + r"\s*(?:联系|联络|[(（])")
# … or the agency whose disclosure work the report says it does (为认真做好某局政府信息公开工作，我局…)
_WORK = LazyPattern(r"(?:做好|推进|加强|规范)\s*" + _NAME_RUN + r"\s*的?(?:政府信息公开|政务公开)工作")
_SELF_SUFFIX = LazyPattern(r"(?:人民政府|政府|办事处)$")
# the agency's own office the reader is sent to (请与某局办公室联系: the 局's)
_OWN_OFFICE = LazyPattern(r"(?:党政|综合|行政)?(?:办公室|办)$")


# … or the agency whose office compiled the report (本报告由某镇人民政府党政办公室编制: the 镇人民政府's)
_COMPILER = LazyPattern(
    r"由\s*" + _NAME_RUN + r"\s*(?:党政|综合)?(?:办公室|办公厅|办)\s*(?:根据[^。]{0,80}?)?(?:负责)?(?:编制|编写|汇总|起草)"
)


def agency_it_calls_itself(tokens: list[Token]) -> str | None:
    """The agency a report names only in its text: the one whose office compiled it, or the
    subject of an opening sentence, the one whose disclosure work it does or the office it
    sends the reader to — the last three where the report calls itself by that name's own word
    (我局 for 某区林业局, 我镇 for 某镇人民政府), so that a department's report that sends its
    reader to the government's 公开办 is not taken for the 公开办's."""
    text = "\n".join(t.norm for t in tokens[:40] if not t.grid)[:6000]
    for m in _COMPILER.finditer(text, 0, 1500):  # (said in the opening; the office is the agency's own)
        if plausible_agency(m.group("name")):
            return m.group("name")
    selves = set(_SELF.findall(text))
    if not selves:
        return None
    for pattern in (_SUBJECT, _WORK, _CONTACT):
        for m in pattern.finditer(text):
            name = m.group("name")
            if _calls_itself(name, selves):
                return name
            office = _OWN_OFFICE.search(name) if pattern is _CONTACT else None
            if office is not None and _calls_itself(name[: office.start()], selves):
                return name[: office.start()]
    return None


def _calls_itself(name: str, selves: set[str]) -> bool:
    """Is ``name`` an agency whose name ends in a word the report calls itself by (我委: 某县卫生健康委员会)?"""
    end = _NAME_END.search(_SELF_SUFFIX.sub("", name)) if plausible_agency(name) else None
    return end is not None and any(w in end.group(0) for w in selves)


def find_year(title: str | None, tokens: list[Token], published: str | None) -> int | None:
    if title:
        m = _YEAR.search(title)
        if m:
            return int(m.group(1))
    text = "".join(t.norm for t in tokens[:400] if not t.grid)
    m = _STAT_PERIOD.search(text)
    if m:
        return int(m.group(1))
    # the year most talked about in the opening text
    years = Counter(int(y) for y in _YEARS_TALKED.findall(text[:3000]))
    if years:
        top = years.most_common()
        best = top[0][1]
        cands = sorted(y for y, c in top if c == best)
        if published:
            py = int(published[:4])
            prior = [y for y in cands if y < py or (y == py and published[5:7] == "12")]
            if prior:
                return max(prior)
        return cands[0]
    if published:
        return int(published[:4]) - 1
    return None


# what may follow a 落款 date: nothing, or the page's attachments and footers
_AFTER_SIGNATURE = ("附件", "附表", "来源", "抄送", "(此件", "（此件", "打印", "关闭")
_SENTENCE_END = "。；;!！?？)）\n"


_SIGNER = re.compile(r"([^\s。；;，,:：]{2,40})$")  # the words before a 落款 date, the agency's place


def signature(text: str) -> tuple[int, str] | None:
    """The 落款 of a (possibly glued) text: (where it starts, its date text).

    The last date that ends the text or is followed only by attachments or
    page footers, preceded by the end of a sentence or by the signing agency
    (``…情况。 平潭综合实验区某局2025年1月27日 附件下载``)."""
    found = None
    for m in list(_DATE.finditer(text)) + list(_CN_DATE.finditer(text)):
        after = text[m.end() :].lstrip()
        if after and not after.startswith(_AFTER_SIGNATURE):
            continue
        before = text[: m.start()].rstrip()
        start = len(before)
        sig = _SIGNER.search(before, max(0, len(before) - 40))  # (a match starts in the last 40 characters)
        if sig and AGENCY_END.search(sig.group(1)):
            before = before[: sig.start()]
            start = sig.start()
            # the agency stands on its own (after white space or a sentence end)
            tail_ok = not before.strip() or before != before.rstrip() or before.rstrip()[-1] in _SENTENCE_END
        else:
            tail_ok = not before or before[-1] in _SENTENCE_END or text[m.start() - 1 : m.start()].isspace()
        if not tail_ok:
            continue
        if found is None or m.start() > found[2]:
            found = (start, m.group(0), m.start())
    return (found[0], found[1]) if found else None


def _signature_date(text: str) -> str | None:
    sig = signature(text)
    return parse_date(squeeze(sig[1])) if sig else None


def find_published(tokens: list[Token], doc_published: str | None, prose: list[int] | None = None) -> str | None:
    """The date the document states: its 落款 first, then a 发布时间 of the page.
    ``prose``: the places of the tokens that are not grid cells, when known (tokens.StreamIndex)."""
    # 落款: the last short line that ends with a date …
    for t in reversed(tokens[-12:]):
        if not t.grid and is_date_line(t.text):
            return parse_date(squeeze(t.text))
    # … or a date that closes a paragraph (glued page text, a 落款 before the 附件)
    last = [tokens[i] for i in prose[-12:]] if prose is not None else [t for t in tokens if not t.grid][-12:]
    for t in last[::-1]:
        if len(t.text) < 8:
            continue
        d = _signature_date(t.text)
        if d:
            return d
    if doc_published:
        d = parse_date(doc_published)
        if d:
            return d
    for k, t in enumerate(tokens[:40]):
        m = _PUBLISHED.search(t.text)
        if m:
            d = parse_date(m.group(1))
            if d:
                return d
        if t.grid and _DATE_FIELD.match(t.norm) and k + 1 < len(tokens):
            d = parse_date(tokens[k + 1].text)
            if d:
                return d
    # a date line right under the title (cover page)
    for t in tokens[:8]:
        if not t.grid and is_date_line(t.text) and len(t.norm) <= 14:
            return parse_date(t.norm)
        m = _GLUED_DATE.search(t.norm)
        if not t.grid and m and len(t.norm) <= 14:
            return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None


# a piece of a header word broken over lines is short (本年新, 制作数量)
_PIECE = 8


@cache
def _markers() -> tuple[dict[str, list[str]], re.Pattern[str]]:
    """Each marker phrase (normalised) with the layouts that have it (a layout once for each
    time it lists the phrase), and one pattern that finds any of them."""
    owners: dict[str, list[str]] = {}
    for k, lay in LAYOUTS.items():
        for m in lay.markers:
            owners.setdefault(norm_label(m), []).append(k)
    return owners, re.compile(alternation(owners))


@cache
def _markers_hold_digits() -> bool:
    """Whether a marker phrase holds a digit: where none does, a text of digits alone (most
    cells of a table) neither holds a marker nor completes one begun before it."""
    return any(ch.isdecimal() for m in _markers()[0] for ch in m)


@kept_if_short(16384)  # (header cells and labels repeat within a report and from one to the next)
def _holds_marker(text: str) -> bool:
    """Whether a text holds a marker phrase of any layout."""
    return _markers()[1].search(text) is not None


def detect_template(tokens: list[Token], year: int | None) -> tuple[str | None, dict[str, int]]:
    """The layout the document uses, from the header phrases only one layout has."""
    counts = {k: 0 for k in LAYOUTS}
    owners = _markers()[0]
    holds_marker = _holds_marker
    digits_skip = not _markers_hold_digits()
    prev = ""
    for t in tokens:
        norm = t.norm
        if not norm or (digits_skip and norm.isdecimal()) or len(norm) > 200:
            prev = ""
            continue
        short = len(norm) <= _PIECE
        # a header word split over two cells or lines (本年新 / 制作数量) counts
        # where it is whole, as the join of two short pieces
        joined = prev + norm if prev and short else ""
        if holds_marker(joined or norm):  # (joined holds norm) most tokens name no marker at all
            for m, layouts in owners.items():
                if m in norm or (joined and m in joined and m not in prev):
                    for k in layouts:
                        counts[k] += 1
        prev = norm if short and not t.value else ""
    if counts["2019"] == 0 and counts["2021"] == 0:
        anchors = (T2_ARTICLE, *(norm_label(k) for k in LAYOUTS["2021"].table("t3").row("new").match_keys()))
        has_table = any(len(t.norm) < 60 and any(a in t.norm for a in anchors) for t in tokens)
        if not has_table:
            if year is not None and year <= 2018:
                return "pre2019", counts
            return None, counts
        return template_for_year(year) if year and year >= 2019 else "2021", counts
    return ("2019" if counts["2019"] > counts["2021"] else "2021"), counts
