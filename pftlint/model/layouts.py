"""Records in the formats other than OpenAI's, read into the one rule-facing view (pftlint.model.view).

One reader per format (the formats: rules/SOURCES.md §7). Each finds the prompt's
messages, the chosen and the rejected reply, the tools, the scores or labels, and where each
of them is written, and never raises: a value of the wrong type is kept as it is (rules skip
what is not a message) or left out of the view. Messages carry their JSON path as written,
so a finding on a TRL string reply points at ``chosen``, one on a Vertex reply at
``completions[0].completion.parts[0].text``.
"""

from __future__ import annotations

import json
import re

from msgspec import UNSET

from ..profiles.targets import Target
from . import formats
from .typed import TrlTextRecord
from .view import (CHOSEN, MESSAGES, PROMPT, REJECTED, Layout, LooseMessage, Record, made_message, record_view,
                   safe_equal)

_ABSENT = object()


def kind_of(value: object) -> str:
    """What a part is written as: text, messages (a list), message (an object), or the JSON type."""
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "messages"
    if isinstance(value, dict):
        return "message"
    if value is _ABSENT:
        return "absent"
    return "null" if value is None else type(value).__name__


def _messages_at(items: list, path: tuple, start: int = 0) -> list:
    """Items ``start:`` of a list of messages written as OpenAI's (role/content objects), each with its path."""
    return [LooseMessage(item, (*path, i)) if type(item) is dict else item
            for i, item in enumerate(items[start:], start)]


def _side(value: object, path: tuple, role: str) -> list | None:
    """A prompt or a reply as messages: a text is one message of ``role``; None if neither text nor messages."""
    if isinstance(value, str):
        return [made_message(role, value, path)]
    if isinstance(value, list):
        return _messages_at(value, path)
    if isinstance(value, dict):
        return [LooseMessage(value, path)]
    return None


def split_index(chosen, rejected) -> int:
    """Where TRL's ``extract_prompt`` cuts an implicit prompt (its off-by-one included, SOURCES.md §7 T4).

    The longest common prefix, element by element (characters, or whole message objects); a space
    before the first difference goes to the replies; identical or prefix pairs keep their last
    shared element in the replies. TRL raises on an empty side: the view keeps both whole (0).
    """
    n = min(len(chosen), len(rejected))
    if n == 0:
        return 0
    idx = 0
    for idx in range(n):
        if not safe_equal(chosen[idx], rejected[idx]):
            if chosen[idx - 1] == " ":
                idx -= 1
            break
    return idx


class _Parts:
    """What a format's reader found; turned into a Record by :func:`_record`."""

    __slots__ = ("prompt", "prompt_path", "chosen", "chosen_path", "rejected", "rejected_path", "tools",
                 "kinds", "scores", "images", "messages")

    def __init__(self):
        self.prompt = self.chosen = self.rejected = self.messages = None
        self.prompt_path: tuple = ()
        self.chosen_path: tuple = ()
        self.rejected_path: tuple = ()
        self.tools: tuple = ((), None)
        self.kinds: dict | None = None
        self.scores: dict | None = None
        self.images = None


def _tools(data: dict, key: str = "tools") -> tuple:
    """(path, value) of a tools column; a JSON text holding the list is read as TRL reads it."""
    if key not in data:
        return ((), None)
    value = data[key]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            pass
    return ((key,), value)


# -- TRL --------------------------------------------------------------------------------

def _implicit(parts: _Parts, chosen, rejected) -> None:
    """An implicit prompt, split as TRL does: the prompt comes out of chosen, as written there."""
    idx = split_index(chosen, rejected)
    if isinstance(chosen, str):
        prompt = chosen[:idx]
        parts.prompt = [made_message("user", prompt, ("chosen",))] if prompt else []
        parts.chosen = [made_message("assistant", chosen[idx:], ("chosen",))]
        parts.rejected = [made_message("assistant", rejected[idx:], ("rejected",))]
    else:
        parts.prompt = _messages_at(chosen[:idx], ("chosen",))
        parts.chosen = _messages_at(chosen, ("chosen",), idx)
        parts.rejected = _messages_at(rejected, ("rejected",), idx)
    parts.prompt_path, parts.chosen_path, parts.rejected_path = ("chosen",), ("chosen",), ("rejected",)


def _trl(data: dict) -> _Parts:
    parts = _Parts()
    prompt, chosen, rejected = data.get("prompt", _ABSENT), data.get("chosen"), data.get("rejected")
    parts.kinds = {PROMPT: kind_of(prompt), CHOSEN: kind_of(chosen), REJECTED: kind_of(rejected)}
    same_kind = type(chosen) is type(rejected) and isinstance(chosen, (str, list))
    # No prompt: TRL extracts it. A text prompt with message-list replies (HuggingFaceH4's UltraFeedback):
    # TRL up to 0.28 dropped the text and extracted the prompt from the lists; read it that way.
    if same_kind and (prompt is _ABSENT or (isinstance(prompt, str) and isinstance(chosen, list))):
        _implicit(parts, chosen, rejected)
    else:
        parts.prompt = _side(prompt, ("prompt",), "user") if prompt is not _ABSENT else None
        parts.chosen = _side(chosen, ("chosen",), "assistant")
        parts.rejected = _side(rejected, ("rejected",), "assistant")
        parts.prompt_path, parts.chosen_path, parts.rejected_path = ("prompt",), ("chosen",), ("rejected",)
    parts.tools = _tools(data)
    if "score_chosen" in data or "score_rejected" in data:  # HuggingFaceH4's UltraFeedback
        parts.scores = {CHOSEN: data.get("score_chosen"), REJECTED: data.get("score_rejected")}
    images = data.get("images", data.get("image", _ABSENT))
    parts.images = None if images is _ABSENT else images
    return parts


def _trl_unpaired(data: dict) -> _Parts:
    """KTO's rows: one completion and a boolean label (true: desirable)."""
    parts = _Parts()
    prompt, completion, label = data.get("prompt"), data.get("completion"), data.get("label")
    parts.kinds = {PROMPT: kind_of(prompt), "completion": kind_of(completion)}
    parts.prompt, parts.prompt_path = _side(prompt, ("prompt",), "user"), ("prompt",)
    reply = _side(completion, ("completion",), "assistant")
    if label is False:
        parts.rejected, parts.rejected_path = reply, ("completion",)
    else:
        parts.chosen, parts.chosen_path = reply, ("completion",)
    parts.scores = {"label": label}
    parts.tools = _tools(data)
    return parts


# -- Anthropic HH -----------------------------------------------------------------------

_HH_TURN = re.compile(r"\n\n(Human|Assistant): ?")
_ASSISTANT = "\n\nAssistant:"


def _hh(data: dict) -> _Parts:
    """Transcripts: the shared dialogue up to the last Assistant marker is the prompt (as TRL's HH script)."""
    parts = _Parts()
    chosen, rejected = data.get("chosen"), data.get("rejected")
    parts.kinds = {CHOSEN: kind_of(chosen), REJECTED: kind_of(rejected)}
    parts.prompt_path, parts.chosen_path, parts.rejected_path = ("chosen",), ("chosen",), ("rejected",)
    if not (isinstance(chosen, str) and isinstance(rejected, str)):
        parts.prompt = []
        parts.chosen = _side(chosen, ("chosen",), "assistant")
        parts.rejected = _side(rejected, ("rejected",), "assistant")
        return parts
    n = 0
    limit = min(len(chosen), len(rejected))
    while n < limit and chosen[n] == rejected[n]:
        n += 1
    cut = chosen.rfind(_ASSISTANT, 0, n)
    if cut < 0:
        end = 0
    else:
        end = cut + len(_ASSISTANT)
        if chosen[end:end + 1] == " " and rejected[end:end + 1] == " ":
            end += 1
    turns = _HH_TURN.split(chosen[:cut] if cut >= 0 else "")
    prompt = []
    if turns and turns[0].strip():  # text before the first marker
        prompt.append(made_message("user", turns[0], ("chosen",)))
    for i in range(1, len(turns) - 1, 2):
        prompt.append(made_message("user" if turns[i] == "Human" else "assistant", turns[i + 1], ("chosen",)))
    parts.prompt = prompt
    parts.chosen = [made_message("assistant", chosen[end:], ("chosen",))]
    parts.rejected = [made_message("assistant", rejected[end:], ("rejected",))]
    return parts


# -- Vertex AI Gemini -------------------------------------------------------------------

# Parts that are not text, by the key that holds them (Vertex AI's inlineData / fileData carry a
# MIME type; Nova's image / video / document blocks name their kind), as the view's part types.
_MEDIA_PARTS = {"image": "image", "video": "video", "document": "file"}
_MIME_KINDS = {"image": "image", "audio": "input_audio", "video": "video"}


def _view_part(part: object) -> object:
    """A part of another format as the view's OpenAI-style part: {"type": "text", "text": ...} or {"type": media}."""
    if type(part) is not dict:
        return part
    if isinstance(part.get("text"), str):
        return {"type": "text", "text": part["text"]}
    for key in ("inlineData", "fileData", "inline_data", "file_data"):
        blob = part.get(key)
        if type(blob) is dict:
            mime = blob.get("mimeType", blob.get("mime_type"))
            major = mime.split("/", 1)[0] if isinstance(mime, str) else ""
            return {"type": _MIME_KINDS.get(major, "file")}
    for key, kind in _MEDIA_PARTS.items():
        if key in part:
            return {"type": kind}
    return part


def _joined_parts(value: object, path: tuple, text_key: str = "text") -> tuple[object, tuple]:
    """(content, its path) of a list of ``{"text": ...}`` parts: the texts joined; anything else as it is.

    A list holding a part that is not text (an image, a file) stays a list of parts, in the view's
    part form, so that the content rules see the medium (non-text-content), not an empty text."""
    if not isinstance(value, list):
        return value, path
    texts = [p[text_key] for p in value if isinstance(p, dict) and isinstance(p.get(text_key), str)]
    if len(texts) < len(value) and any(type(p) is dict and text_key not in p for p in value):
        return [_view_part(p) for p in value], path
    if len(value) == 1 and texts:
        return texts[0], (*path, 0, text_key)
    return "".join(texts), path


def _mapped(turn: object, path: tuple, roles: dict, content_key: str, role: object = _ABSENT,
            role_path: tuple | None = None) -> object:
    """A turn of another format as a message: its role mapped to a chat role, its content parts joined.

    The role's path is where it is written (``role_path``: another object's, as a Nova candidate's);
    a role the format does not name stays as written (invalid-role reads it there)."""
    if type(turn) is not dict:
        return turn
    raw_role = turn.get("role", UNSET) if role is _ABSENT else role
    mapped = roles.get(raw_role, raw_role) if isinstance(raw_role, str) else raw_role
    content, content_path = _joined_parts(turn.get(content_key, UNSET), (*path, content_key))
    paths = {"content": content_path, "role": role_path if role_path is not None else (*path, "role")}
    return made_message(mapped, content, path, paths, raw=turn)


_VERTEX_ROLES = formats.TURN_ROLES[formats.VERTEX]
_VERTEX_SYSTEM = formats.SYSTEM_KEYS[formats.VERTEX]


def _vertex(data: dict) -> _Parts:
    parts = _Parts()
    contents, completions = data.get("contents"), data.get("completions")
    prompt: list = []
    system = data.get(_VERTEX_SYSTEM)
    if isinstance(system, dict):
        content, path = _joined_parts(system.get("parts", UNSET), (_VERTEX_SYSTEM, "parts"))
        prompt.append(made_message("system", content, (_VERTEX_SYSTEM,), {"content": path}, raw=system))
    if isinstance(contents, list):
        prompt.extend(_mapped(turn, ("contents", i), _VERTEX_ROLES, "parts") for i, turn in enumerate(contents))
    parts.prompt, parts.prompt_path = prompt, ("contents",)
    parts.kinds = {PROMPT: kind_of(contents), "completions": kind_of(completions)}
    if isinstance(completions, list):
        scored = {}
        for j, item in enumerate(completions):
            score = item.get("score") if type(item) is dict else None
            if type(score) in (int, float) and score in (0, 1) and score not in scored:
                scored[score] = j
        order = [scored.get(1, 0), scored.get(0, 1)]  # by score; the order written where scores do not tell
        sides = []
        for j in order:
            item = completions[j] if j < len(completions) else None
            completion = item.get("completion") if type(item) is dict else None
            path = ("completions", j, "completion")
            sides.append(([_mapped(completion, path, _VERTEX_ROLES, "parts")] if type(completion) is dict else None,
                          path, item.get("score") if type(item) is dict else None))
        (parts.chosen, parts.chosen_path, chosen_score), (parts.rejected, parts.rejected_path, rejected_score) = sides
        parts.scores = {CHOSEN: chosen_score, REJECTED: rejected_score}
    return parts


# -- Amazon Nova ------------------------------------------------------------------------

_NOVA_ROLES = formats.TURN_ROLES[formats.NOVA]
_NOVA_SYSTEM = formats.SYSTEM_KEYS[formats.NOVA]


def _nova(data: dict) -> _Parts:
    parts = _Parts()
    messages = data.get("messages")
    if not (isinstance(messages, list) and messages and type(messages[-1]) is dict):
        messages = [{}]  # no turns to read: no prompt, no candidates
    prompt: list = []
    system = data.get(_NOVA_SYSTEM)
    if isinstance(system, list):
        content, path = _joined_parts(system, (_NOVA_SYSTEM,))
        prompt.append(made_message("system", content, (_NOVA_SYSTEM,), {"content": path},
                                   raw={_NOVA_SYSTEM: system}))
    last = len(messages) - 1
    prompt.extend(_mapped(turn, ("messages", i), _NOVA_ROLES, "content") for i, turn in enumerate(messages[:last]))
    parts.prompt, parts.prompt_path = prompt, ("messages",)
    final = messages[last]
    candidates = final.get("candidates")
    parts.kinds = {PROMPT: kind_of(messages), "candidates": kind_of(candidates)}
    if isinstance(candidates, list):
        labelled = {}
        for j, item in enumerate(candidates):
            label = item.get("preferenceLabel") if type(item) is dict else None
            if isinstance(label, str) and label not in labelled:
                labelled[label] = j
        order = [labelled.get("preferred", 0), labelled.get("non-preferred", 1)]
        role_path = ("messages", last, "role")  # the candidates' role is the final turn's, written once for both
        sides = []
        for j in order:
            item = candidates[j] if j < len(candidates) else None
            path = ("messages", last, "candidates", j)
            sides.append(([_mapped(item, path, _NOVA_ROLES, "content", role=final.get("role", "assistant"),
                                   role_path=role_path)]
                          if type(item) is dict else None, path,
                          item.get("preferenceLabel") if type(item) is dict else None))
        (parts.chosen, parts.chosen_path, chosen_label), (parts.rejected, parts.rejected_path, rejected_label) = sides
        parts.scores = {CHOSEN: chosen_label, REJECTED: rejected_label}
    return parts


# -- flat text columns: UltraFeedback (argilla), LLaMA-Factory alpaca ranking, axolotl chatml ---------

_PROMPT_KEYS = ("prompt", "input", "question", "instruction")  # axolotl's order of precedence


def _flat(data: dict) -> _Parts:
    parts = _Parts()
    prompt: list = []
    system = data.get("system")
    if isinstance(system, str) and system:
        prompt.append(made_message("system", system, ("system",)))
    history = data.get("history")
    if isinstance(history, list):  # LLaMA-Factory: [[query, response], ...]
        for i, turn in enumerate(history):
            if isinstance(turn, list) and len(turn) == 2:
                prompt.append(made_message("user", turn[0], ("history", i, 0)))
                prompt.append(made_message("assistant", turn[1], ("history", i, 1)))
    if "instruction" in data and "prompt" not in data and "question" not in data:
        instruction, query = data.get("instruction"), data.get("input")
        key = "instruction"
        # LLaMA-Factory joins instruction and input with a line break
        text = f"{instruction}\n{query}" if isinstance(instruction, str) and isinstance(query, str) and query \
            else instruction
    else:
        key = next((k for k in _PROMPT_KEYS if k in data), "prompt")
        text = data.get(key)
    user = _side(text, (key,), "user")
    if user is not None:
        prompt.extend(user)
    parts.prompt, parts.prompt_path = prompt, (key,)
    chosen_key = "chosen" if "chosen" in data else "chosen_response"
    rejected_key = "rejected" if "rejected" in data else "rejected_response"
    chosen, rejected = data.get(chosen_key), data.get(rejected_key)
    parts.kinds = {PROMPT: kind_of(data.get(key, _ABSENT)), CHOSEN: kind_of(chosen), REJECTED: kind_of(rejected)}
    parts.chosen, parts.chosen_path = _side(chosen, (chosen_key,), "assistant"), (chosen_key,)
    parts.rejected, parts.rejected_path = _side(rejected, (rejected_key,), "assistant"), (rejected_key,)
    if "chosen_avg_rating" in data or "rejected_avg_rating" in data:
        parts.scores = {CHOSEN: data.get("chosen_avg_rating"), REJECTED: data.get("rejected_avg_rating")}
    parts.tools = _tools(data)
    return parts


# -- ShareGPT (LLaMA-Factory, axolotl) --------------------------------------------------

# LLaMA-Factory's default tags: human, gpt, system, observation (a tool's result), function_call.
_SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                   "system": "system", "observation": "tool", "function_call": "assistant", "tool": "tool"}


def _sharegpt_turn(turn: object, path: tuple) -> object:
    if type(turn) is not dict:
        return turn
    if "from" not in turn:
        return LooseMessage(turn, path)
    who = turn["from"]
    role = _SHAREGPT_ROLES.get(who, who) if isinstance(who, str) else who
    return made_message(role, turn.get("value", UNSET), path, {"role": (*path, "from"), "content": (*path, "value")},
                        raw=turn)


def _sharegpt_turns(data: dict) -> tuple[list, tuple]:
    key = "conversations" if "conversations" in data else "messages"
    turns = data.get(key)
    out: list = []
    system = data.get("system")
    if isinstance(system, str) and system:
        out.append(made_message("system", system, ("system",)))
    if isinstance(turns, list):
        out.extend(_sharegpt_turn(turn, (key, i)) for i, turn in enumerate(turns))
    return out, (key,)


def _sharegpt_ranking(data: dict) -> _Parts:
    parts = _Parts()
    parts.prompt, parts.prompt_path = _sharegpt_turns(data)
    chosen, rejected = data.get("chosen"), data.get("rejected")
    parts.kinds = {PROMPT: kind_of(data.get(parts.prompt_path[0])), CHOSEN: kind_of(chosen),
                   REJECTED: kind_of(rejected)}
    for name, value in ((CHOSEN, chosen), (REJECTED, rejected)):
        if isinstance(value, dict):
            side = [_sharegpt_turn(value, (name,))]
        elif isinstance(value, list):
            side = [_sharegpt_turn(turn, (name, i)) for i, turn in enumerate(value)]
        else:
            side = _side(value, (name,), "assistant")
        setattr(parts, name, side)
        setattr(parts, f"{name}_path", (name,))
    parts.tools = _tools(data)
    return parts


def _sharegpt_chat(data: dict) -> _Parts:
    parts = _Parts()
    parts.messages, parts.prompt_path = _sharegpt_turns(data)
    parts.tools = _tools(data)
    return parts


# -- axolotl chat_template.default ------------------------------------------------------

def _chat_template(data: dict) -> _Parts:
    parts = _Parts()
    messages = data.get("messages")
    parts.prompt = _side(messages, ("messages",), "user") or []
    parts.prompt_path = ("messages",)
    parts.kinds = {PROMPT: kind_of(messages)}
    for name in (CHOSEN, REJECTED):
        value = data.get(name)
        parts.kinds[name] = kind_of(value)
        if isinstance(value, list) and value:  # axolotl uses the last message of a list
            side = _messages_at(value, (name,), len(value) - 1)
        else:
            side = _side(value, (name,), "assistant")
        setattr(parts, name, side)
        setattr(parts, f"{name}_path", (name,))
    return parts


# -- supervised: prompt / completion ----------------------------------------------------

def _prompt_completion(data: dict) -> _Parts:
    parts = _Parts()
    messages = (_side(data.get("prompt"), ("prompt",), "user") or []) + \
        (_side(data.get("completion"), ("completion",), "assistant") or [])
    parts.messages, parts.prompt_path = messages, ()
    parts.tools = _tools(data)
    return parts


_READERS = {
    formats.TRL: _trl, formats.TRL_UNPAIRED: _trl_unpaired, formats.HH: _hh, formats.VERTEX: _vertex,
    formats.NOVA: _nova, formats.ULTRAFEEDBACK_ARGILLA: _flat, formats.ALPACA_RANKING: _flat,
    formats.AXOLOTL_CHATML: _flat, formats.AXOLOTL_CHAT_TEMPLATE: _chat_template,
    formats.SHAREGPT_RANKING: _sharegpt_ranking, formats.SHAREGPT: _sharegpt_chat,
    formats.PROMPT_COMPLETION: _prompt_completion,
}


def other_record(data: dict, fmt: str, method: str, target: Target, line: int = 1, text: str = "") -> Record:
    """The view of a record written in format ``fmt`` (not OpenAI's layout)."""
    reader = _READERS.get(fmt)
    parts = reader(data) if reader is not None else _Parts()
    entries = []
    if parts.messages is not None:
        entries.append((parts.prompt_path, MESSAGES, parts.messages))
    for name, items, path in ((PROMPT, parts.prompt, parts.prompt_path), (CHOSEN, parts.chosen, parts.chosen_path),
                              (REJECTED, parts.rejected, parts.rejected_path)):
        if items is not None:
            entries.append((path, name, items))
    record = Record(method, target, line, text, False, data, data, entries, parts.tools, parts.chosen,
                    parts.rejected, parts.prompt, fmt)
    record.layout = Layout({PROMPT: parts.prompt_path, CHOSEN: parts.chosen_path, REJECTED: parts.rejected_path,
                            MESSAGES: parts.prompt_path}, parts.kinds, parts.scores, parts.images)
    return record


def view_of(value, fmt: str, method: str, target: Target, line: int = 1, text: str = "",
            parts: dict | None = None) -> Record:
    """The view of a decoded record in any format: a dict, or a typed struct (pftlint.model.typed)."""
    if type(value) is TrlTextRecord:  # typed for the reader's speed; its texts become messages as a dict's do
        return other_record({"prompt": value.prompt, "chosen": value.chosen, "rejected": value.rejected}, fmt,
                            method, target, line, text)
    if type(value) is not dict or fmt == formats.DPO or fmt == formats.SUPERVISED:
        return record_view(value, method, target, line, text, parts)
    return other_record(value, fmt, method, target, line, text)
