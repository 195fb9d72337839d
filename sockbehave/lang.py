"""The languages sockbehave speaks to learners: English (the scenarios' own text) and Chinese (zh-CN).

Owns: reading and validating each topic folder's ``zh.toml`` (the Chinese title, claim and
explanation of its scenarios), choosing a scenario's text in a language, and the fixed words
that ``explain``, the site and the matrix page (``report.html``) put around that text. Shape
of ``zh.toml``::

    ["tcp.send-empty"]                  # a scenario id defined in this topic folder
    title = "TCP 的 send(b'') 返回 0，对方什么也收不到"
    claim = "..."
    explanation = '''..."''"..'''       # ``double backticks`` mark code, as in docstrings

Every entry needs all three fields as non-empty strings and nothing else; an id that the
folder does not define, a missing or extra field, bad TOML or bad UTF-8 is one ``CatalogError``
naming the file. A scenario without an entry falls back to English (a user's catalog need not
be translated; the shipped one is, and a test keeps it so). Outcomes, errno names, step names
and sources are never translated: they are what a learner will see on their own screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._toml import toml
from .catalog import Catalog
from .display import path_text, printable
from .errors import CatalogError
from .scenario import Scenario

__all__ = ["FIELDS", "LANGS", "ZH_FILE", "Text", "heading", "label", "load_zh", "text_of"]

LANGS = ("en", "zh")
ZH_FILE = "zh.toml"
FIELDS = ("title", "claim", "explanation")
#: A zh.toml larger than this is not a translation of a few scenarios.
MAX_BYTES = 1 << 20


@dataclass(frozen=True)
class Text:
    """What a learner reads about one scenario, in one language."""

    title: str
    claim: str
    explanation: str


def _entry(path: Path, sid: str, value: object, ids: set[str]) -> Text:
    where = f"{path_text(path)}: [{printable(repr(sid))}]"
    if sid not in ids:
        known = ", ".join(sorted(ids))
        raise CatalogError(f"{where} is not a scenario of this topic folder (its scenarios: {known})")
    if not isinstance(value, dict):
        raise CatalogError(f"{where} must be a table with {', '.join(FIELDS)}")
    extra = sorted(set(value) - set(FIELDS))
    if extra:
        raise CatalogError(f"{where}: unknown field {printable(repr(extra[0]))} (fields are {', '.join(FIELDS)})")
    for name in FIELDS:
        field = value.get(name)
        if field is None:
            raise CatalogError(f"{where}: missing {name}")
        if not isinstance(field, str) or not field.strip():
            raise CatalogError(f"{where}: {name} must be a non-empty string")
    return Text(value["title"].strip(), value["claim"].strip(), value["explanation"].strip())


def _load_file(path: Path, ids: set[str]) -> dict[str, Text]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path_text(path)}: cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise CatalogError(f"{path_text(path)}: larger than {MAX_BYTES} bytes")
    try:
        data = toml.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CatalogError(f"{path_text(path)}: not UTF-8") from None
    except toml.TOMLDecodeError as exc:
        raise CatalogError(f"{path_text(path)}: not valid TOML: {printable(exc)}") from None
    return {sid: _entry(path, sid, value, ids) for sid, value in data.items()}


def load_zh(catalog: Catalog) -> dict[str, Text]:
    """The Chinese text of every scenario that has one, by id, from the ``zh.toml`` beside it.
    Raises ``CatalogError`` naming the file for any malformed one."""
    folders: dict[Path, set[str]] = {}
    for sc in catalog.scenarios:
        if sc.source_file:
            folders.setdefault(Path(sc.source_file).parent, set()).add(sc.id)
    found: dict[str, Text] = {}
    for folder in sorted(folders):
        path = folder / ZH_FILE
        if path.is_file():
            found.update(_load_file(path, folders[folder]))
    return found


def text_of(sc: Scenario, lang: str, zh: Mapping[str, Text]) -> Text:
    """``sc``'s text in ``lang``; English where no translation exists."""
    if lang == "zh" and sc.id in zh:
        return zh[sc.id]
    return Text(sc.title, sc.claim, sc.explanation)


#: The fixed words around the scenarios' text, by language.
_LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "claim": "The claim",
        "answer": "The answer, per OS",
        "steps": "steps",
        "step": "step",
        "example": "A standalone example",
        "example_note": "plain Python, standard library only: paste it into a lesson and run it on any OS",
        "code": "The code",
        "code_note": "runs under sockbehave run --scenario",
        "step_by_step": "Step by step (outcome, evidence, sources below)",
        "sources": "Sources",
        "references": "References",
        "matrix": "In the matrix",
        "page": "Its page",
        "what_happens": "What really happens",
        "note": "note",
        "and": "; ",
        "bytes": "Bytes are shown literally up to {n}; errno names are POSIX-style on every OS.",
        "home": "Matrix",
        "claims": "Claims",
        "language": "中文",
        "pictures": "Pictures",
        "claims_title": "What tutorials claim, and what really happens",
        "claims_intro": "Each scenario tests one claim that socket tutorials make or rely on.",
        "index_intro": "Each scenario's → opens its page: the explanation, the answer per OS with its sources, and the code.",
        # The matrix page (report.html): its ids, anchors, URL parameters and outcomes stay English.
        "m_title": "sockbehave: socket behaviour by OS",
        "m_h1": "Socket behaviour by OS",
        "m_catalog": "catalog",
        "m_reports_n": "{n} reports",
        "m_intro": "each cell rests on a real run, else the simulator (a {prediction}), else the table's expectation, "
        "whose evidence level is drawn heavier the stronger it is (observed, tested by an upstream suite on that OS, "
        "documented, inferred, unknown). Within a row, cells with the same outcome share a colour; rows where every "
        "OS agrees are folded.",
        "m_colon": ": ",
        "m_topic": "Topic",
        "m_os": "OS",
        "m_category": "Category",
        "m_rows": "Rows",
        "m_all": "all",
        "m_where_differ": "where OSes differ",
        "m_all_rows": "all",
        "m_show_agree": "show rows where OSes agree",
        "m_show_all": "show all rows",
        "m_clear": "clear filters",
        "m_none": "No row matches these filters.",
        "m_none_folded": "No row where the OSes differ matches these filters; {n} rows where they agree are folded.",
        "m_folded": "{n} rows where every OS agrees are folded.",
        "m_differ": "OSes differ",
        "m_agree": "all OSes agree",
        "m_step_head": "scenario · step",
        "m_not_in_catalog": "not in the current catalog",
        "m_page_link": "the scenario's page",
        "m_cite": "link to this cell",
        "m_verdict": "verdict: ",
        "m_evidence": "evidence: ",
        "m_real": "real",
        "m_predicted": "predicted",
        "m_table": "table",
        "m_no_entry": "no entry",
        "m_goal": "non-Linux cells tested or documented: {cited} of {cells} ({share}; goal {goal}: {met})",
        "m_met": "met",
        "m_not_met": "not met",
        "m_sim_gap": "known simulator gap:",
        "m_varies": "varies by run",
        "m_prediction": "prediction",
        "m_prediction_unknown": "prediction, table: unknown",
        "m_ev_title": "Evidence behind the tables",
        "m_ev_head": "evidence (table cells)",
        "m_stale": "Stale reports",
        "m_stale_why": " (made with another catalog version): ",
        "m_reports": "Reports",
        "m_report_heads": "report|OS (variant)|backend|Python|kernel|created|catalog",
        "m_footer": "Cite a cell by its link (the # in its corner). Generated by {cmd}.",
        # verdicts, what a cell rests on (report.matrix) and evidence levels (tables.EVIDENCE)
        "as expected": "as expected",
        "unexpected": "unexpected",
        "new": "new",
        "known gap": "known gap",
        "not run": "not run",
        "observed on a real OS": "observed on a real OS",
        "simulated": "simulated",
        "documented only": "documented only",
        "observed": "observed",
        "tested": "tested",
        "documented": "documented",
        "inferred": "inferred",
        "unknown": "unknown",
        # The pictures (report.timeline, report.pictures): segment names, calls, outcomes stay English.
        "t_title": "{id} on simulated {os}: packet timeline",
        "t_none": "No timeline: {why}",
        "t_no_segments": "the scenario exchanged no segments",
        "t_axis": "virtual time / socket call → result",
        "t_legend": "Drawn from the simulator's trace, not from a capture. SYN, SYN-ACK and ACK are the handshake,\n"
        "modelled as one exchange; data n is n bytes reaching the peer's buffer; ACKs of data and of FIN,\n"
        "windows and retransmission timing are not modelled and not drawn. Dashed: dropped or unanswered.\n"
        "ICMP host unreachable is not modelled. Left: each socket call when it returned, and its result.\n"
        "One lifeline per address: a listener and the connections it accepted share theirs.",
        "t_legend_calls": "Left: each socket call when it returned, and its result.",
        "t_axis_time": "virtual time",
        "t_capped": "Trace capped at {n} events: {dropped} later events are not shown.",
        "t_error": "The run ended with an error: {error}",
        "t_desc": "{segments} segments and {calls} socket calls between {lanes} endpoints",
        "t_no_address": "socket {n} (no address)",
        "t_raised": "raised",
        "t_caption": "{os} (simulated): what the simulator predicts goes over loopback.",
        "t_cannot": " The simulator cannot run this scenario here: {error}",
        "t_gaps": " Known simulator gaps on this OS: ",
        "t_gap": "step {step}: {gap}",
        "p_legend": "Evidence (the table's level; a real run counts as observed):",
        "p_paren": " ({x})",
        "p_differs": "real run differs",
        "p_on": "on",
        "p_off": "off",
        "p_rebind": "bind() again: works, or its error",
        "p_new_socket": "new socket →",
        "p_old_socket": "old socket",
        "p_bind_works": "bind works",
        "p_reuse_item": "old {old}/new {new} {outcome}",
        "p_reuse_title": "Restarting a server while its old connection is in TIME_WAIT: SO_REUSEADDR on the old and new "
        "socket, per OS",
        "p_reuse_caption": "Restarting a server while its old connection is in TIME_WAIT: does bind work? "
        "Per OS, by whether the old and the new socket set SO_REUSEADDR.",
        "p_arrival": "sent; arrival ?",
        "p_received": "sent and received",
        "p_recv": "sent; recv: {outcome}",
        "p_size": "{size} bytes ({family})",
        "p_udp_item": "{os} {size}: {word} ({evidence})",
        "p_udp_note": "Not to scale. 1472 = 1500 (Ethernet MTU) - 20 - 8: no limit, a fragmentation threshold.",
        "p_udp_title": "UDP datagram sizes on loopback: what sendto and recv do with 1472, 9216, 65507 and 65527 bytes, "
        "per OS",
        "p_udp_caption": "UDP datagram sizes: what each OS does with a datagram of each size on loopback.",
        "p_completed": "connections completed before the first accept()",
        "p_backlog_item": "listen({backlog}) on {os}: {label}",
        "p_backlog_title": "How many connections the accept queue completes for listen(0), listen(1) and listen(5), per OS",
        "p_backlog_caption": "The listen() backlog: connections completed before the first accept, per OS.",
        "p_drawn": " Drawn from the tables; heavier means stronger evidence.",
    },
    "zh": {
        "claim": "常见说法",
        "answer": "各操作系统上的答案",
        "steps": "步骤",
        "step": "步骤",
        "example": "可独立运行的示例",
        "example_note": "纯 Python，只用标准库：可以直接放进课堂，在任何操作系统上运行",
        "code": "场景代码",
        "code_note": "通过 sockbehave run --scenario 运行",
        "step_by_step": "逐步结果（结果、证据；来源列在下面）",
        "sources": "来源",
        "references": "参考资料",
        "matrix": "在矩阵中查看",
        "page": "场景页面",
        "what_happens": "实际情况",
        "note": "注",
        "and": "；",
        "bytes": "不超过 {n} 字节的数据按原样显示；各系统上的 errno 名称都采用 POSIX 写法。",
        "home": "矩阵",
        "claims": "常见说法",
        "language": "English",
        "pictures": "图示",
        "claims_title": "教程里的说法与实际情况",
        "claims_intro": "每个场景检验一条套接字教程提出或默认的说法。",
        "index_intro": "点击场景标题后的 → 打开它的页面：解释、各系统上的答案与来源，以及代码。",
        "m_title": "sockbehave：各操作系统上的套接字行为",
        "m_h1": "各操作系统上的套接字行为",
        "m_catalog": "场景目录版本",
        "m_reports_n": "{n} 份报告",
        "m_intro": "每个单元格的依据依次是：真实运行的结果；没有真实运行时，模拟器的结果（即{prediction}）；"
        "两者都没有时，表格中的预期。表格预期的证据越强，字体越粗（observed 实测、tested 上游测试套件在该系统上测过、"
        "documented 有文档、inferred 推断、unknown 未知）。同一行里结果相同的单元格颜色相同；各系统结果一致的行默认折叠。",
        "m_colon": "：",
        "m_topic": "主题",
        "m_os": "操作系统",
        "m_category": "判定",
        "m_rows": "显示",
        "m_all": "全部",
        "m_where_differ": "各系统结果不同的行",
        "m_all_rows": "全部行",
        "m_show_agree": "显示各系统结果一致的行",
        "m_show_all": "显示全部行",
        "m_clear": "清除筛选",
        "m_none": "没有符合这些筛选条件的行。",
        "m_none_folded": "没有符合这些筛选条件、且各系统结果不同的行；另有 {n} 行各系统结果一致，已折叠。",
        "m_folded": "另有 {n} 行各系统结果一致，已折叠。",
        "m_differ": "各系统不同",
        "m_agree": "各系统一致",
        "m_step_head": "场景 · 步骤",
        "m_not_in_catalog": "不在当前场景目录中",
        "m_page_link": "场景页面",
        "m_cite": "链接到这个单元格",
        "m_verdict": "判定：",
        "m_evidence": "证据：",
        "m_real": "实测",
        "m_predicted": "预测",
        "m_table": "表格",
        "m_no_entry": "无条目",
        "m_goal": "非 Linux 单元格中经上游测试套件验证或有文档的：{cited} / {cells}（{share}；目标 {goal}：{met}）",
        "m_met": "已达到",
        "m_not_met": "未达到",
        "m_sim_gap": "已知的模拟器差距：",
        "m_varies": "每次运行结果不同",
        "m_prediction": "预测",
        "m_prediction_unknown": "预测，表格：未知",
        "m_ev_title": "表格背后的证据",
        "m_ev_head": "证据等级（表格单元格数）",
        "m_stale": "过期的报告",
        "m_stale_why": "（用另一个场景目录版本生成）：",
        "m_reports": "报告",
        "m_report_heads": "报告|操作系统（变体）|后端|Python|内核|生成时间|场景目录",
        "m_footer": "引用某个单元格时，用它右上角的 # 链接。由 {cmd} 生成。",
        "as expected": "符合预期",
        "unexpected": "不符合预期",
        "new": "新结果",
        "known gap": "已知差距",
        "not run": "未运行",
        "observed on a real OS": "真实系统上实测",
        "simulated": "模拟",
        "documented only": "仅有表格",
        "observed": "实测",
        "tested": "测试套件验证",
        "documented": "有文档",
        "inferred": "推断",
        "unknown": "未知",
        "t_title": "{id} 在模拟的 {os} 上：报文时间线",
        "t_none": "没有时间线：{why}",
        "t_no_segments": "这个场景没有交换任何报文段",
        "t_axis": "虚拟时间 / 套接字调用 → 结果",
        "t_legend": "根据模拟器的记录画出，不是抓包结果。SYN、SYN-ACK、ACK 是三次握手，模拟器把它当作一次交换；\n"
        "data n 表示 n 字节数据到达对方的接收缓冲区；数据和 FIN 的确认（ACK）、窗口和重传时机都没有模拟，\n"
        "也不画出。虚线：报文被丢弃或没有回应。ICMP 主机不可达没有模拟。\n"
        "左侧：每个套接字调用返回的时刻及其结果。\n"
        "每个地址一条生命线：监听套接字和它 accept 得到的连接共用同一条。",
        "t_legend_calls": "左侧：每个套接字调用返回的时刻及其结果。",
        "t_axis_time": "虚拟时间",
        "t_capped": "记录只保留前 {n} 个事件：后面的 {dropped} 个事件没有画出。",
        "t_error": "这次运行以错误结束：{error}",
        "t_desc": "{lanes} 个端点之间的 {segments} 个报文段和 {calls} 次套接字调用",
        "t_no_address": "套接字 {n}（没有地址）",
        "t_raised": "抛出",
        "t_caption": "{os}（模拟）：模拟器预测的回环接口上的报文往来。",
        "t_cannot": "模拟器无法在这个系统上运行这个场景：{error}",
        "t_gaps": "这个系统上已知的模拟器差距：",
        "t_gap": "步骤 {step}：{gap}",
        "p_legend": "证据（表格中的证据等级；真实运行的结果算作实测）：",
        "p_paren": "（{x}）",
        "p_differs": "真实运行结果不同",
        "p_on": "开",
        "p_off": "关",
        "p_rebind": "再次 bind()：成功，或返回的错误",
        "p_new_socket": "新套接字 →",
        "p_old_socket": "旧套接字",
        "p_bind_works": "bind 成功",
        "p_reuse_item": "旧套接字{old}/新套接字{new}：{outcome}",
        "p_reuse_title": "旧连接处于 TIME_WAIT 时重启服务器：新旧套接字是否设置 SO_REUSEADDR，各系统的结果",
        "p_reuse_caption": "旧连接还处于 TIME_WAIT 时重启服务器，bind 能成功吗？"
        "按新旧套接字是否设置 SO_REUSEADDR，列出各操作系统的结果。",
        "p_arrival": "已发送；是否到达：?",
        "p_received": "发送成功并收到",
        "p_recv": "已发送；recv：{outcome}",
        "p_size": "{size} 字节（{family}）",
        "p_udp_item": "{os} {size} 字节：{word}（{evidence}）",
        "p_udp_note": "未按比例绘制。1472 = 1500（以太网 MTU）- 20 - 8：它不是上限，只是开始分片的阈值。",
        "p_udp_title": "回环接口上的 UDP 数据报大小：各系统的 sendto 和 recv 如何处理 1472、9216、65507 和 65527 字节",
        "p_udp_caption": "UDP 数据报大小：各操作系统在回环接口上如何处理不同大小的数据报。",
        "p_completed": "第一次 accept() 之前已完成的连接数",
        "p_backlog_item": "{os} 上的 listen({backlog})：{label}",
        "p_backlog_title": "listen(0)、listen(1)、listen(5) 时，各系统的 accept 队列能完成多少个连接",
        "p_backlog_caption": "listen() 的 backlog：各操作系统在第一次 accept 之前完成的连接数。",
        "p_drawn": "根据表格绘制；线条越粗，证据越强。",
    },
}


def label(lang: str, key: str) -> str:
    """One fixed phrase in ``lang`` (``KeyError`` for a key no renderer should use)."""
    return _LABELS[lang][key]


def heading(lang: str, key: str, detail: str = "", then: str = "") -> str:
    """``Label (detail): then`` in English, ``标签（detail）：then`` in Chinese (full-width
    punctuation, which needs no space after it)."""
    if lang == "zh":
        return (f"{label(lang, key)}（{detail}）：" if detail else f"{label(lang, key)}：") + then
    return (f"{label(lang, key)} ({detail}):" if detail else f"{label(lang, key)}:") + (f" {then}" if then else "")
