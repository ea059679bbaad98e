"""Text normalisation for lexicon matching, with a map back to the original offsets.

One normaliser serves both locales (replies mix Chinese and English):
- lowercase; full-width ASCII -> half-width (so "，！？" become ",!?");
- traditional Chinese -> simplified, with a small character table of our own
  (the characters our lexicons and customers' typical words use);
- curly quotes -> straight, and apostrophes inside words dropped ("don't" -> "dont"),
  so "dont", "don't" and "don’t" all match one lexicon phrase;
- a few common misspellings -> the right word: English whole words ("definately" ->
  "definitely"), Chinese input-method slips anywhere ("处里" -> "处理").

Every step is either one-char-for-one-char or recorded in an `OffsetMap`, so a match
in the normalised text maps back to a span of the ORIGINAL reply (evidence spans).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

# Traditional -> simplified pairs (written for this project: the characters of our
# lexicons and of typical complaint calls). Characters identical in both scripts are absent.
_TRAD_SIMP_PAIRS = (
    "這这們们個个來来時时會会說说對对還还沒没給给錢钱費费訂订務务業业號号碼码話话電电"
    "聽听應应該该為为麼么問问題题幫帮辦办請请謝谢憤愤氣气態态滿满實实際际確确認认證证"
    "據据記记錄录訴诉騙骗賠赔償偿補补減减權权規规範范則则條条項项約约網网絡络線线斷断"
    "連连師师單单戶户帳账額额餘余銀银貸贷滯滞納纳罰罚徵征報报計计動动轉转過过經经營营"
    "運运門门開开關关閉闭啟启種种類类樣样選选擇择現现馬马盡尽儘尽處处決决讓让見见覺觉"
    "難难煩烦擔担著着憂忧傷伤亂乱東东買买賣卖貨货發发遞递郵邮壞坏損损義义專专員员級级"
    "層层總总長长臺台後后幾几兩两萬万億亿塊块隻只雙双與与從从無无須须將将並并當当於于"
    "兒儿嗎吗歡欢樂乐愛爱間间詢询諮咨設设綁绑鎖锁註注銷销撥拨簡简體体寫写讀读錯错誤误"
    "別别輸输歷历曆历遲迟準准點点鐘钟週周禮礼節节慮虑誠诚懇恳願愿勞劳擾扰惱恼慘惨罵骂"
    "髒脏廢废滾滚憑凭詐诈搶抢惡恶屬属負负責责誰谁爭争論论辯辩護护統统異异況况狀状達达"
    "順顺陸陆續续載载優优惠惠訊讯詳详細细價价貴贵虧亏賺赚賬账標标擁拥擠挤館馆驛驿櫃柜"
    "簽签貼贴遺遗鬧闹驚惊嚇吓緊紧張张諒谅換换聯联繫系係系復复複复頭头腦脑機机視视頻频"
    "寬宽帶带資资勢势養养預预遊游戲戏財财聞闻產产質质違违裝装維维區区鄰邻園园監监訟讼"
    "律律師师麗丽瞭了嗎吗呢呢啊啊嘛嘛麼么體体諒谅醫医療疗險险歲岁親亲愛爱緒绪極极協协"
    "議议議议務务辭辞職职薪薪資资另另變变數数據据卻却雖虽龍龙鳳凤鬥斗氣气爾尔餅饼飯饭"
    "館馆鐵铁窮穷圍围攤摊攔拦偵侦測测試试驗验檢检查查採采購购獎奖勵励讚赞謊谎瞞瞒隱隐"
    "藏藏壓压傳传媒媒體体絕绝對对證证據据紀纪錄录顧顾客客戶户稱称讚赞驗验順顺嚴严厲厉"
    "鬆松聲声響响嘗尝試试盡尽夠够積积極极慣惯例例態态齊齐僅仅總总値值值值傷伤懶懒蟲虫"
    "熱热線线漲涨價价廠厂商商場场團团購购飛飞彈弹窗窗擊击誘诱導导騷骚擾扰簡简訊讯"
    "滾滚閒闲氣气瘋疯狂狂蠢蠢豬猪狗狗腦脑殘残瞎瞎編编嘴嘴髮发紙纸筆笔衛卫儲储蓄蓄"
    "匯汇款款扣扣剋克貸贷逾逾纔才僱雇傭佣幣币鈔钞債债務务催催收收凍冻結结擴扩範范圍围"
    "輕轻鬆松慶庆賀贺壽寿紫紫砂砂壺壶盤盘碗碗餐餐廳厅燈灯罩罩檯台燒烧烤烤鍋锅爐炉"
)
_TRAD_SIMP = {t: s for t, s in zip(_TRAD_SIMP_PAIRS[0::2], _TRAD_SIMP_PAIRS[1::2]) if t != s}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {ord(t): s for t, s in _TRAD_SIMP.items()}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "  # ideographic space
    for quote in "\u2018\u2019\u02bc\u0060\u00b4":
        table[ord(quote)] = "'"
    for quote in "\u201c\u201d\u300c\u300d":
        table[ord(quote)] = '"'
    for dash in "\u2013\u2014":
        table[ord(dash)] = "-"
    table[0x3001] = ","  # 、 enumeration comma
    table[0xFF5E] = "~"
    return table


_TABLE = _build_table()
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class OffsetMap:
    """Maps an index of the normalised text to an index of the original text.

    Stored as breakpoints (normalised start, original start) of runs that are copied
    one-to-one; between breakpoints the offset is constant. Identity when empty.
    """

    norm_starts: tuple[int, ...] = ()
    orig_starts: tuple[int, ...] = ()
    orig_len: int = 0

    def to_original(self, i: int) -> int:
        if not self.norm_starts:
            return min(i, self.orig_len)
        k = bisect.bisect_right(self.norm_starts, i) - 1
        if k < 0:
            return min(i, self.orig_len)
        return min(self.orig_starts[k] + (i - self.norm_starts[k]), self.orig_len)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) for a normalised [start, end) span."""
        s = self.to_original(start)
        e = self.to_original(end) if end > start else s
        return s, max(s, e)


@dataclass(frozen=True)
class Normalised:
    text: str
    offsets: OffsetMap


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # Rare characters (e.g. 'İ') grow when lowercased: fall back to per-char lowering.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# The caller's line is normalised by several detectors for every reply of a turn: remember the
# last few results. The key holds the typo table by identity, and the entry keeps that table
# alive, so an id is never reused while its entry stands. Results are immutable.
_RECENT: dict[tuple[str, int], tuple[Mapping[str, str] | None, "Normalised"]] = {}


def normalise(text: str, typos: Mapping[str, str] | None = None) -> Normalised:
    """Normalise `text` for matching; see the module docstring for the steps."""
    key = (text, id(typos))
    hit = _RECENT.get(key)
    if hit is not None and hit[0] is typos:
        return hit[1]
    out = _normalise(text, typos)
    if len(text) <= 4000:  # a pasted novel is not kept
        if len(_RECENT) >= 256:
            _RECENT.clear()
        _RECENT[key] = (typos, out)
    return out


# A typo table's Chinese entries as one pattern (Chinese has no spaces to find words by); kept
# with the table, as _RECENT keeps it, so an id is never reused while its entry stands.
_SLIPS: dict[int, tuple[Mapping[str, str], re.Pattern[str] | None]] = {}


def _cjk_slips(typos: Mapping[str, str]) -> re.Pattern[str] | None:
    hit = _SLIPS.get(id(typos))
    if hit is None or hit[0] is not typos:
        keys = sorted((k for k in typos if not k.isascii()), key=len, reverse=True)
        hit = _SLIPS[id(typos)] = (typos, re.compile("|".join(map(re.escape, keys))) if keys else None)
    return hit[1]


def _normalise(text: str, typos: Mapping[str, str] | None) -> Normalised:
    base = _lower_same_length(text).translate(_TABLE)
    edits: list[tuple[int, int, str]] = [(m.start(), m.end(), "") for m in _APOSTROPHE.finditer(base)]
    if typos:
        edits.extend(
            (m.start(), m.end(), typos[m.group()]) for m in _WORD.finditer(base) if m.group() in typos
        )
        slips = _cjk_slips(typos)
        if slips is not None:
            edits.extend((m.start(), m.end(), typos[m.group()]) for m in slips.finditer(base))
    if not edits:
        return Normalised(base, OffsetMap(orig_len=len(text)))
    edits.sort()
    pieces: list[str] = []
    norm_starts: list[int] = [0]
    orig_starts: list[int] = [0]
    pos = 0  # position in base (= original: translation keeps length)
    out_len = 0
    for start, end, repl in edits:
        if start < pos:  # overlapping edit (cannot happen with these patterns); skip
            continue
        pieces.append(base[pos:start])
        out_len += start - pos
        if repl:
            pieces.append(repl)
            norm_starts.append(out_len)
            orig_starts.append(start)
            out_len += len(repl)
        pos = end
        norm_starts.append(out_len)
        orig_starts.append(end)
    pieces.append(base[pos:])
    return Normalised("".join(pieces), OffsetMap(tuple(norm_starts), tuple(orig_starts), len(text)))


@lru_cache(maxsize=4096)
def normalise_phrase(text: str) -> str:
    """Normalise a lexicon phrase the same way replies are (without typo fixing)."""
    return normalise(text).text


def to_simplified(text: str) -> str:
    """Traditional -> simplified for the characters in our table (length-preserving)."""
    return text.translate({ord(t): s for t, s in _TRAD_SIMP.items()})
