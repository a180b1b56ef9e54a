"""Generate realistic, clean preference (DPO) or supervised JSONL files of any size.

    python benchmarks/generate.py --size 50MB --out benchmarks/data/dpo-50MB.jsonl
    python benchmarks/generate.py --size 2MiB --out sft.jsonl --method supervised --seed 7

The records look like the real files in ../shared/corpus/real: Python's default
``json.dumps`` layout with raw UTF-8 (``ensure_ascii=False``), a system prompt in
most records, multi-turn inputs in some, long-tailed lengths (a mean near
3.4 KB per DPO record), accented, CJK and emoji text, code with ``"\\n"`` inside
its strings, and tool definitions and tool calls in a few. Every record is clean
under pftlint's default rules (``pftlint check`` reports nothing), so a benchmark
measures the cost of linting a good file, the common case.

The output is deterministic: the same ``--seed``, ``--size`` and ``--method``
always give the same bytes. The file is written as it is generated (one record
in memory at a time) and never exceeds the requested size; it ends within one
record of it. ``MB`` is 10**6 bytes, ``MiB`` 2**20 (so a 500MB file stays under
OpenAI's 512 MB upload limit).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
from pathlib import Path
from typing import Iterator

# Every record stays under this many UTF-8 bytes, hence under this many tokens:
# well inside the smallest per-example limit of a current model (16,385).
MAX_RECORD_BYTES = 15_000

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]I?B|B)?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``50MB`` -> 50_000_000, ``2MiB`` -> 2_097_152, ``1500`` -> 1500 (bytes)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 500KB, 50MB, 2MiB)")
    number, unit = match.groups()
    return int(float(number) * _UNITS[(unit or "").upper()])


# -- vocabulary -----------------------------------------------------------------------------

_WORDS = """
the a an of to in for on with by from as at into over under about between through during
after before without within across against among toward upon beyond and or but so because
although while if when where which that this these those it its their our your his her we
you they he she i is are was were be been being has have had do does did can could should
would may might must will shall not no all any each every some many more most less few
system data model value result function method process request response server client user
file line record field table query index cache memory thread network packet buffer stream
error warning message output input format schema version release update change patch build
test suite case coverage benchmark latency throughput config option flag setting default
policy account customer order invoice payment refund shipping product price discount tax
report summary analysis chart trend growth revenue margin budget forecast quarter year month
week day hour minute second time date schedule meeting agenda note decision owner team
project task issue ticket milestone deadline risk scope goal plan step phase stage review
design pattern interface module package library framework tool script command terminal shell
window screen button page form label link image photo video audio sound voice music song
river mountain forest ocean island city village country region climate weather rain snow
wind storm temperature pressure energy power battery engine motor vehicle train plane ship
doctor patient symptom treatment dose hospital clinic health diet exercise sleep stress
student teacher school lesson course exam grade book chapter story author reader language
history science physics chemistry biology mathematics geometry algebra equation proof theorem
simple complex quick slow large small long short high low early late new old good better best
clear careful correct wrong exact rough useful helpful important common rare safe secure
explain describe compare define list show check verify confirm measure compute estimate
choose select sort filter group merge split join parse encode decode validate convert
write read open close start stop run call return raise handle store load save send receive
first second third next last final initial basic advanced standard custom local remote
public private internal external primary secondary optional required automatic manual
""".split()

_NAMES = ("Alice", "Bob", "Chen", "Dana", "Elodie", "Farid", "Grace", "Hiro", "Ingrid", "Jose",
          "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Soren", "Tomas")

_FOREIGN = (
    # (language, sentence); raw UTF-8 in the file, as in the orca sample
    ("French", "Le café de la gare ouvre à sept heures, même le dimanche."),
    ("French", "Pourriez-vous vérifier la facture reçue la semaine dernière ?"),
    ("French", "MM. Georges Colombier et Élise Marchand (pour un rappel au Règlement) sont arrivés."),
    ("German", "Die Größe der Datei überschreitet das zulässige Maximum für Übertragungen."),
    ("German", "Könnten Sie mir bitte erklären, wie die Straßenbahn fährt?"),
    ("Spanish", "¿Dónde está la estación de tren más cercana? Mañana salgo temprano."),
    ("Spanish", "La niña comió piña y jalapeños en el almuerzo del miércoles."),
    ("Portuguese", "A reunião de amanhã foi adiada por causa da previsão de chuva."),
    ("Vietnamese", "Tôi muốn đặt một bàn cho bốn người vào tối thứ Bảy."),
    ("Turkish", "Gelecek hafta İstanbul'a gideceğim ve müzeleri ziyaret edeceğim."),
    ("Polish", "Zażółć gęślą jaźń — to zdanie zawiera wszystkie polskie znaki."),
    ("Russian", "Пожалуйста, проверьте отчёт и отправьте его до пятницы."),
    ("Greek", "Η συνάντηση θα γίνει στην αίθουσα τρία στις δέκα το πρωί."),
    ("Chinese", "请帮我把这段文字翻译成英文，并保留原来的格式。"),
    ("Chinese", "今天的天气很好，我们下午去公园散步吧。"),
    ("Japanese", "この関数はリストを受け取り、重複を取り除いた新しいリストを返します。"),
    ("Japanese", "明日の会議は午後三時に変更になりました。"),
    ("Korean", "이 문서를 요약하고 중요한 결정 사항을 목록으로 정리해 주세요."),
    ("Arabic", "يرجى إرسال التقرير النهائي قبل نهاية الأسبوع."),
    ("Hindi", "कृपया इस लेख का सारांश तीन वाक्यों में लिखिए।"),
)

_EMOJI = ("🙂", "🚀", "✅", "⚠️", "📈", "🎉", "🔥", "💡", "🤔", "👍", "🌧️", "☕", "📦", "🧪", "❤️")

_SYSTEM_PROMPTS = (
    "You are a helpful assistant.",
    "You are a helpful assistant. Answer concisely and accurately.",
    "You are an AI assistant. User will you give you a task. Your goal is to complete the task as "
    "faithfully as you can. While performing the task think step-by-step and justify your steps.",
    "You are an AI assistant that helps people find information. Provide a detailed answer so the "
    "user does not need to search elsewhere to understand the answer.",
    "You are a senior software engineer. Review code carefully, point out bugs and suggest fixes "
    "with short code examples.",
    "You are a customer support agent for an online store. Be polite, specific and brief; never "
    "promise refunds that policy does not allow.",
    "You are a sales-call classifier. Given a call transcript, return the caller intent, the call "
    "outcome, and a buy propensity score in [0,1].",
    "You are a translation assistant. Translate faithfully, keep names and numbers unchanged, and "
    "preserve the formatting of the original.",
    "You are a math tutor. Explain each step and check the final answer.",
    "You are a data analyst. When you are given a table, summarise the trend and name the outliers.",
    "Tu es un assistant qui répond en français, de manière claire et polie.",
    "You are a medical information assistant. Give general information only and advise seeing a "
    "doctor for a diagnosis.",
)

_CODE_TEMPLATES = (
    ('python', '''def {fn}(path):
    """Read {noun} records from a file and count them by {attr}."""
    counts = {{}}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key = line.split("\\t")[{i}].strip()
            counts[key] = counts.get(key, 0) + 1
    print("\\n".join(f"{{k}}: {{v}}" for k, v in sorted(counts.items())))
    return counts
'''),
    ('python', '''import json

def {fn}(items, limit={n}):
    """Write the first {n} {noun} items as JSON lines."""
    out = []
    for item in items[:limit]:
        out.append(json.dumps({{"{attr}": item, "ok": True}}))
    return "\\n".join(out) + "\\n"
'''),
    ('python', '''class {cls}:
    def __init__(self, {attr}):
        self.{attr} = {attr}

    def __repr__(self):
        return f"{cls}({attr}={{self.{attr}!r}})"

    def render(self):
        lines = [f"- {{part}}" for part in str(self.{attr}).split(",")]
        return "{noun}:\\n" + "\\n".join(lines)
'''),
    ('javascript', '''function {fn}(list) {{
  const seen = new Set();
  const result = [];
  for (const {attr} of list) {{
    if (!seen.has({attr})) {{
      seen.add({attr});
      result.push({attr});
    }}
  }}
  console.log(`kept ${{result.length}} of ${{list.length}}\\n`);
  return result;
}}
'''),
    ('sql', '''SELECT {attr}, COUNT(*) AS total, AVG(price) AS avg_price
FROM {noun}s
WHERE created_at >= DATE '2024-0{i}-01'
GROUP BY {attr}
HAVING COUNT(*) > {n}
ORDER BY total DESC;
'''),
    ('bash', '''#!/usr/bin/env bash
set -euo pipefail
for f in data/{noun}_*.csv; do
  printf '%s\\n' "$f"
  cut -d, -f{i} "$f" | sort | uniq -c | sort -rn | head -n {n}
done
'''),
    ('go', '''func {fn}(values []int) (int, error) {{
	if len(values) == 0 {{
		return 0, fmt.Errorf("no {noun} values\\n")
	}}
	total := 0
	for _, v := range values {{
		total += v * {n}
	}}
	return total / len(values), nil
}}
'''),
)

_TOOLS = {
    "get_weather": ({"city": "string", "unit": "string"},
                    "Get the current weather for a city"),
    "get_stock_price": ({"symbol": "string", "period": "string"},
                        "Get the stock price for a ticker over a period"),
    "search_docs": ({"query": "string", "top_k": "integer"},
                    "Search the product documentation and return the best passages"),
    "create_ticket": ({"title": "string", "priority": "string", "assignee": "string"},
                      "Create a support ticket"),
    "convert_currency": ({"amount": "number", "from_currency": "string", "to_currency": "string"},
                         "Convert an amount between two currencies"),
    "lookup_order": ({"order_id": "string"}, "Look up an order by its id"),
}

_ARGUMENT_VALUES = {
    "city": ("Paris", "São Paulo", "Zürich", "Tokyo", "Nairobi", "Austin"),
    "unit": ("celsius", "fahrenheit"),
    "symbol": ("GS", "HD", "MSFT", "NVDA", "SAP"),
    "period": ("1d", "5d", "1mo", "ytd"),
    "query": ("refund policy", "reset password", "export to CSV", "rate limits", "délai de livraison"),
    "title": ("Login fails after update", "Invoice total is wrong", "Export stuck at 99%"),
    "priority": ("low", "normal", "high"),
    "from_currency": ("USD", "EUR", "JPY"),
    "to_currency": ("GBP", "CHF", "INR"),
    "order_id": ("A-1023", "B-7781", "C-0042", "D-5310"),
}

_STARTERS = ("Sure.", "Here is how to do it.", "Good question.", "Short answer first:", "Let's see.",
             "There are a few parts to this.", "It depends on the setup, but usually:", "Of course.")
_BAD_STARTERS = ("Hmm.", "I'm not sure, but", "Just do it the usual way.", "Maybe.", "Well,",
                 "It is obvious:", "As everyone knows,")


class Generator:
    """Makes one record at a time from a seeded random source."""

    def __init__(self, seed: int = 0, method: str = "dpo"):
        if method not in ("dpo", "supervised", "trl"):
            raise ValueError(f"unknown method {method!r}; use dpo, supervised or trl")
        self.method = method
        self.rng = random.Random(seed)
        rng = self.rng
        # A pool of sentences, reused the way real datasets reuse phrasing; prompts also get
        # a fresh sentence each so that no two records (or inputs) are the same.
        self.sentences = [self._fresh_sentence() for _ in range(3000)]
        self.count = 0
        self._foreign = self._emoji = 0.0  # per-sentence shares, drawn per record
        self._call = rng.randrange(10**6)

    # -- text -------------------------------------------------------------------------------
    def _fresh_sentence(self, low: int = 6, high: int = 22) -> str:
        rng = self.rng
        words = rng.choices(_WORDS, k=rng.randint(low, high))
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words)), rng.choice(_NAMES))
        if rng.random() < 0.12:
            words.insert(rng.randrange(len(words)), str(rng.randint(2, 9999)))
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice("....?!")

    def _paragraph(self, chars: int) -> str:
        rng, pool, foreign, emoji = self.rng, self.sentences, self._foreign, self._emoji
        parts, size = [], 0
        while size < chars:
            r = rng.random()
            if r < foreign:
                s = rng.choice(_FOREIGN)[1]
            elif r < emoji:
                s = rng.choice(pool) + " " + rng.choice(_EMOJI)
            else:
                s = rng.choice(pool)
            parts.append(s)
            size += len(s) + 1
        return " ".join(parts)

    def _text(self, chars: int) -> str:
        """Prose of about ``chars`` characters: paragraphs, sometimes a list or numbered steps."""
        rng = self.rng
        if chars < 160:
            return self._paragraph(chars)
        style = rng.random()
        if style < 0.15:
            n = max(2, min(9, chars // 120))
            items = [self._paragraph(chars // n) for _ in range(n)]
            head = self._paragraph(60)
            return head + "\n\n" + "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
        if style < 0.25:
            n = max(2, min(8, chars // 150))
            items = [self._paragraph(chars // n) for _ in range(n)]
            return "\n".join(f"Step {i}: {item}\n" for i, item in enumerate(items, 1)).rstrip()
        if style < 0.32:
            n = max(2, min(10, chars // 80))
            return self._paragraph(50) + "\n" + "\n".join(f"- {self._paragraph(chars // n)}" for _ in range(n))
        paragraphs = max(1, chars // 400)
        return "\n\n".join(self._paragraph(chars // paragraphs) for _ in range(paragraphs))

    def _code(self) -> str:
        rng = self.rng
        lang, template = rng.choice(_CODE_TEMPLATES)
        code = template.format(
            fn=rng.choice(("load", "count", "collect", "dedupe", "average", "render")) + "_"
            + rng.choice(("items", "rows", "orders", "events", "users")),
            cls=rng.choice(("Report", "Invoice", "Ticket", "Sensor", "Batch")),
            noun=rng.choice(("order", "event", "user", "invoice", "sensor")),
            attr=rng.choice(("name", "status", "region", "owner", "kind")),
            i=rng.randint(1, 9), n=rng.randint(2, 50),
        )
        return f"```{lang}\n{code}```"

    def _length(self, median: float, sigma: float, cap: int) -> int:
        return max(20, min(cap, int(self.rng.lognormvariate(math.log(median), sigma))))

    def _answer(self, scale: float, good: bool) -> str:
        rng = self.rng
        chars = self._length(600 * scale if good else 420 * scale, 1.0, int(3200 * scale))
        starter = rng.choice(_STARTERS if good else _BAD_STARTERS)
        if rng.random() < 0.08:
            return f"{starter} {self._paragraph(120)}\n\n{self._code()}\n\n{self._text(max(80, chars // 2))}"
        return f"{starter} {self._text(chars)}"

    def _user_prompt(self, scale: float) -> str:
        rng = self.rng
        question = self._fresh_sentence(8, 24).rstrip(".!") + "?"
        kind = rng.random()
        if kind < 0.35:
            return question
        if kind < 0.45:
            sentence = rng.choice(_FOREIGN)[1]
            return f"{sentence} {self._fresh_sentence(4, 10)}\n\nTranslate to English"
        if kind < 0.55:
            # pasted structured data: pretty-printed JSON inside the content (real newlines)
            data = {"id": rng.randrange(10**8), "name": rng.choice(_NAMES),
                    "items": [{"sku": f"SKU-{rng.randrange(10**5)}", "qty": rng.randint(1, 9),
                               "note": rng.choice(self.sentences)} for _ in range(rng.randint(1, 12))]}
            return f"{question}\n\n{json.dumps(data, indent=2, ensure_ascii=False)}"
        if kind < 0.62:
            return f"{question}\n\n{self._code()}"
        if kind < 0.72:
            # a transcript or document pasted in: the long tail of inputs
            turns = [f"[{rng.choice(('REP', 'PROSPECT', 'AGENT', 'CALLER'))}]: {self._paragraph(self._length(220, 0.7, 900))}"
                     for _ in range(rng.randint(3, 14))]
            return "\n\n".join(turns) + "\n\n" + question
        return f"{self._text(self._length(500 * scale, 0.9, int(4000 * scale)))}\n\n{question}"

    # -- tools ------------------------------------------------------------------------------
    def _tool_definitions(self, names: list[str]) -> list[dict]:
        tools = []
        for name in names:
            params, description = _TOOLS[name]
            tools.append({"type": "function", "function": {
                "name": name, "description": description,
                "parameters": {"type": "object",
                               "properties": {p: {"type": t, "description": f"The {p.replace('_', ' ')}"}
                                              for p, t in params.items()},
                               "required": list(params)[:1]}}})
        return tools

    def _arguments(self, name: str) -> str:
        rng = self.rng
        values = {}
        for p, t in _TOOLS[name][0].items():
            if t == "integer":
                values[p] = rng.randint(1, 20)
            elif t == "number":
                values[p] = round(rng.uniform(1, 5000), 2)
            else:
                values[p] = rng.choice(_ARGUMENT_VALUES.get(p, _NAMES))
        return json.dumps(values, ensure_ascii=False)

    def _tool_exchange(self) -> tuple[list[dict], list[dict]]:
        """Tool definitions, and an assistant turn that calls some followed by their answers."""
        rng = self.rng
        names = rng.sample(sorted(_TOOLS), rng.randint(1, 3))
        calls, answers = [], []
        for name in rng.sample(names, rng.randint(1, len(names))):
            self._call += 1
            call_id = f"call_{self._call:x}"
            calls.append({"id": call_id, "type": "function",
                          "function": {"name": name, "arguments": self._arguments(name)}})
            answers.append({"role": "tool", "tool_call_id": call_id,
                            "content": json.dumps({"status": "ok", "result": self._paragraph(80)},
                                                  ensure_ascii=False)})
        return self._tool_definitions(names), [{"role": "assistant", "tool_calls": calls}, *answers]

    # -- records ----------------------------------------------------------------------------
    def _conversation(self, scale: float) -> tuple[list[dict], dict]:
        """Input messages (ending with a user or tool turn) and the extra top-level keys."""
        rng = self.rng
        messages: list[dict] = []
        extra: dict = {}
        if rng.random() < 0.75:
            messages.append({"role": "system", "content": rng.choice(_SYSTEM_PROMPTS)})
        if rng.random() < 0.2:  # multi-turn context
            for _ in range(rng.randint(1, 3)):
                messages.append({"role": "user", "content": self._fresh_sentence(6, 20)})
                messages.append({"role": "assistant", "content": self._text(self._length(300 * scale, 0.8, 1200))})
        messages.append({"role": "user", "content": self._user_prompt(scale)})
        r = rng.random()
        if r < 0.04:
            tools, exchange = self._tool_exchange()
            messages.extend(exchange)
            extra = {"tools": tools, "parallel_tool_calls": rng.random() < 0.7}
        elif r < 0.07:
            extra = {"tools": [], "parallel_tool_calls": True}
        return messages, extra

    def record(self, scale: float = 1.0) -> dict:
        rng = self.rng
        self.count += 1
        # most records are plain ASCII English; some carry accents, CJK or emoji throughout
        mood = rng.random()
        self._foreign, self._emoji = (0.05, 0.08) if mood < 0.1 else (0.0, 0.03) if mood < 0.15 else (0.0, 0.0)
        messages, extra = self._conversation(scale)
        if self.method == "supervised":
            answer = {"role": "assistant", "content": self._answer(scale, True)}
            if rng.random() < 0.1:
                for m in messages:
                    if m["role"] == "assistant" and "content" in m:
                        m["weight"] = 0
                answer["weight"] = 1
            return {"messages": [*messages, answer], **extra}
        good, bad = self._answer(scale, True), self._answer(scale, False)
        chosen, rejected = [{"role": "assistant", "content": good}], [{"role": "assistant", "content": bad}]
        if self.method == "trl":  # the same pair in TRL's conversational layout (TRL takes no parallel_tool_calls)
            return {"prompt": messages, "chosen": chosen, "rejected": rejected,
                    **({"tools": extra["tools"]} if "tools" in extra else {})}
        return {"input": {"messages": messages, **extra}, "preferred_output": chosen, "non_preferred_output": rejected}

    def lines(self) -> Iterator[bytes]:
        """Endless encoded JSONL lines, each under MAX_RECORD_BYTES."""
        while True:
            scale = 1.0
            while True:
                line = (json.dumps(self.record(scale), ensure_ascii=False) + "\n").encode("utf-8")
                if len(line) <= MAX_RECORD_BYTES:
                    break
                scale /= 2
            yield line


def generate(out, size: int, method: str = "dpo", seed: int = 0) -> tuple[int, int]:
    """Write records to the binary stream ``out`` until the next would pass ``size`` bytes.

    Returns (records, bytes written).
    """
    written = records = 0
    for line in Generator(seed, method).lines():
        if written + len(line) > size:
            break
        out.write(line)
        written += len(line)
        records += 1
    return records, written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", required=True, help="file size: 500KB, 50MB, 2MiB, or bytes")
    parser.add_argument("--out", required=True, help="output path (- for standard output)")
    parser.add_argument("--method", choices=("dpo", "supervised", "trl"), default="dpo",
                        help="trl: the DPO records in TRL's conversational layout")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        size = parse_size(args.size)
    except ValueError as exc:
        parser.error(str(exc))
    if args.out == "-":
        records, written = generate(sys.stdout.buffer, size, args.method, args.seed)
    else:
        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "wb", buffering=1 << 20) as out:
            records, written = generate(out, size, args.method, args.seed)
        os.replace(tmp, path)
    print(f"{args.out}: {records} {args.method} records, {written} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
