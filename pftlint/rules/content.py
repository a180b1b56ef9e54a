"""Content: what the messages say (empty, non-text, identical replies, leaked tokens, escapes).

These rules read the text of every message, so each keeps its per-message
work to C-level string operations (``in``, ``str.count``, compiled regex
searches) and does more only for the rare text that passes a cheap pre-check.
"""

from __future__ import annotations

import re
from typing import Iterator

import msgspec
from msgspec import UNSET

from ..engine.findings import Problem
from ..model import formats
from ..model.view import (CHOSEN, PROMPT, REJECTED, LooseMessage, Record, field_path, is_message, normal_message,
                          safe_equal, text_of)
from ..profiles.targets import Target
from ..tokens import trainer
from . import record_rule, silent_when_typed

_TEXT_PARTS = frozenset(("text", "refusal"))
# Part types that carry media, by what they are (OpenAI chat parts and common variants).
_MEDIA_KIND = {
    "image_url": "image", "image": "image", "input_image": "image",
    "input_audio": "audio", "audio": "audio", "audio_url": "audio",
    "file": "file", "input_file": "file",
    "video": "video", "video_url": "video", "input_video": "video",
}
_OUTPUT_NAMES = {CHOSEN: "the preferred reply", REJECTED: "the non-preferred reply"}
# The two replies of a pair as its format names them: (chosen, rejected) for the messages of the content rules.
_OPENAI_SIDES = ("the preferred output", "the non-preferred output")
_SIDE_NAMES = {"vertex": ("the completion scored 1", "the completion scored 0"),
               "nova": ("the preferred candidate", "the non-preferred candidate"),
               "trl-unpaired": ("the desirable completion", "the undesirable completion")}
_CHOSEN_REJECTED = ("the chosen reply", "the rejected reply")  # TRL and the layouts that follow its names


def side_names(record: Record) -> tuple[str, str]:
    """What the record's format calls its chosen and its rejected reply."""
    if record.openai_layout:
        return _OPENAI_SIDES
    return _SIDE_NAMES.get(record.format, _CHOSEN_REJECTED)


def _part_type(part: object) -> str:
    """The type of a content part, or '' (any JSON value may sit there)."""
    kind = part.get("type") if isinstance(part, dict) else None
    return kind if isinstance(kind, str) else ""


def _which(part: str, index: int, msg, record: Record | None = None) -> str:
    """The message in words, e.g. 'the preferred reply' or 'prompt message 2 (user)' (``record``: the replies
    named as its format names them)."""
    role = msg.role
    role = f" ({role})" if isinstance(role, str) and role else ""
    if part in _OUTPUT_NAMES:
        name = _OUTPUT_NAMES[part] if record is None or record.openai_layout else \
            side_names(record)[part == REJECTED]
        return name + role if index == 0 else f"message {index + 1} of {name}{role}"
    return f"{'prompt message' if part == PROMPT else 'message'} {index + 1}{role}"


# -- empty-content --------------------------------------------------------

@record_rule("empty-content")
def empty_content(record: Record, options: dict) -> Iterator[Problem]:
    # Where the profile wants text in every DPO output, tool calls do not stand in for it.
    outputs_need_text = record.is_dpo and record.target.dpo_output_requires_text
    for path, part, index, msg in record.messages():
        content = msg.content
        needs_text = outputs_need_text and part in _OUTPUT_NAMES
        if isinstance(content, str):
            text = content
        elif isinstance(content, list):
            # Media parts are content; non-dict parts are wrong-type's business.
            if not all(isinstance(p, dict) and _part_type(p) in _TEXT_PARTS for p in content):
                continue
            text = text_of(content) or ""
        elif (content is None or content is UNSET) and needs_text and _makes_calls(msg):
            # null or absent without calls is wrong-type's and missing-key's business
            yield Problem(f"{_which(part, index, msg, record)} has no content, only tool calls: "
                          f"{record.target.title} needs the reply's text in each DPO output; write it in "
                          "'content' (or drop the example)",
                          json_path=field_path(path, msg, "content") if msg.content is not UNSET else path)
            continue
        else:
            continue  # null or absent: a tool call, or missing-key's and wrong-type's business
        if text and not text.isspace():
            continue
        if not needs_text and _makes_calls(msg):
            continue  # the calls are the message
        what = "only whitespace as" if text else "empty"
        yield Problem(f"{_which(part, index, msg, record)} has {what} content; write the text it should hold, "
                      "or drop the message (or the example)", json_path=field_path(path, msg, "content"))


def _makes_calls(msg) -> bool:
    return bool(msg.tool_calls or msg.function_call)  # UNSET is false


# -- non-text-content -----------------------------------------------------

# Typed contents are strings: no part, no medium, no mix of forms. Other formats than OpenAI's: only
# those whose trainer reads text alone (Vertex AI's; their parts are read into the view's part form).
@record_rule("non-text-content", guard=silent_when_typed)
def non_text_content(record: Record, options: dict) -> Iterator[Problem]:
    if not record.openai_layout and record.format not in formats.TEXT_ONLY:
        return
    target = record.target
    dpo = record.is_dpo
    images = 0
    over = ()  # the JSON path of the first image past the profile's limit
    limit = target.max_images_per_example
    parts = False  # any content written as a list of parts (only then can forms be mixed)
    for path, which, index, msg in record.messages():
        content = msg.content
        if not isinstance(content, list):
            continue
        parts = True
        for i, part in enumerate(content):
            kind = _MEDIA_KIND.get(_part_type(part))
            if kind is None:
                continue
            where = (*field_path(path, msg, "content"), i)
            if dpo:
                yield Problem(f"{kind} part in a DPO example: preference fine-tuning is text-only; "
                              f"describe the {kind} in text, or train on it in a supervised file",
                              json_path=where)
                continue
            if kind != "image":
                yield Problem(f"{kind} part in a training message: fine-tuning accepts text and images only; "
                              f"replace the {kind} with text", json_path=where)
                continue
            images += 1
            if limit is not None and images == limit + 1:
                over = where
            if msg.role != "user":
                yield Problem(f"image part in {_which(which, index, msg)}: images are allowed in user "
                              "messages only; move the image to the user turn or describe it in text",
                              json_path=where)
            elif target.image_url_prefixes and _part_type(part) == "image_url":
                yield from _image_url(part, where, target)
    if over:
        yield Problem(f"the example holds {images} images; {target.title} accepts at most {limit} per example: "
                      "split it into several examples, or drop the images it does not need", json_path=over)
    if parts and target.uniform_content:
        yield from _mixed_content(record)
    if parts and dpo and target.string_content:
        yield from _part_lists(record)


def _part_lists(record: Record) -> Iterator[Problem]:
    """Content written as a list of text parts where the profile's DPO format writes a string (Fireworks)."""
    for path, part, index, msg in record.messages():
        content = msg.content
        # a list with media is reported above; other items are wrong-type's
        if isinstance(content, list) and all(isinstance(p, dict) and _part_type(p) in _TEXT_PARTS for p in content):
            yield Problem(f"{_which(part, index, msg, record)} has a list of parts; the {record.target.title} "
                          "preference format writes each message's content as a string: join the texts into "
                          "one string", json_path=field_path(path, msg, "content"))


def _image_url(part: dict, where: tuple, target: Target) -> Iterator[Problem]:
    """An image_url part whose URL the profile's prefixes do not allow (Together: base64 data URLs)."""
    prefixes = target.image_url_prefixes
    holder = part.get("image_url")
    url = holder.get("url") if isinstance(holder, dict) else None
    accepted = ", ".join(f"{p}..." for p in prefixes)
    if not isinstance(url, str):
        example = f'{{"type": "image_url", "image_url": {{"url": "{prefixes[0]}..."}}}}'
        yield Problem(f"the image part has no URL string; {target.title} reads the image from image_url.url: "
                      f"write {example}", json_path=where)
    elif not url.startswith(prefixes):
        shown = url if len(url) <= 40 else url[:40] + "..."
        yield Problem(f"image URL {shown!r} is not accepted by {target.title}, which takes only base64 data URLs "
                      f"({accepted}); embed the image base64-encoded as one of these types (download it first "
                      "if it is a web address)", json_path=(*where, "image_url", "url"))


def _mixed_content(record: Record) -> Iterator[Problem]:
    """One finding when an example writes some contents as strings and others as part lists."""
    first = None  # (form, part, index, message) of the first string or list content
    for path, part, index, msg in record.messages():
        content = msg.content
        form = "string content" if isinstance(content, str) else "a list of parts" \
            if isinstance(content, list) else None
        if form is None:
            continue  # null or another type: a tool call, or wrong-type's business
        if first is None:
            first = (form, part, index, msg)
        elif form != first[0]:
            yield Problem(f"{_which(part, index, msg, record)} has {form}, but "
                          f"{_which(first[1], first[2], first[3], record)} has {first[0]}: "
                          f"{record.target.title} rejects an example that mixes the two; write every message "
                          "of the example as a list of parts ([{\"type\": \"text\", \"text\": \"...\"}, ...]), "
                          "or every one as a string", json_path=field_path(path, msg, "content"))
            return


# -- identical-outputs / near-identical-outputs ---------------------------

def _output_pair(record: Record) -> tuple[list, list] | None:
    preferred, rejected = record.preferred, record.rejected
    if preferred and rejected:  # both lists, neither empty
        return preferred, rejected
    return None


def _as_json(items: list) -> list:
    """An output list as JSON in OpenAI's layout (typed messages compare by their fields; a Nova candidate
    without its preference label)."""
    return [normal_message(item) if type(item) is LooseMessage else item for item in items]


def _same(a: object, b: object) -> bool:
    """JSON equality: unlike Python's ==, true is not 1 and 1 is not 1.0. Iterative (any depth)."""
    stack = [(a, b)]
    while stack:
        a, b = stack.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, dict):
            if a.keys() != b.keys():  # type: ignore[union-attr]
                return False
            stack.extend((v, b[k]) for k, v in a.items())  # type: ignore[index]
        elif isinstance(a, list):
            if len(a) != len(b):  # type: ignore[arg-type]
                return False
            stack.extend(zip(a, b))  # type: ignore[call-overload]
        elif a != b:
            return False
    return True


def _identical(preferred: list, rejected: list) -> bool:
    # == rules out almost every pair at C speed (a struct's == is looser than JSON's, never stricter);
    # _same only confirms a rare match, on the plain JSON values.
    preferred, rejected = _as_json(preferred), _as_json(rejected)
    return safe_equal(preferred, rejected) and _same(msgspec.to_builtins(preferred), msgspec.to_builtins(rejected))


@record_rule("identical-outputs", methods=("dpo",))
def identical_outputs(record: Record, options: dict) -> Iterator[Problem]:
    pair = _output_pair(record)
    if pair is not None and _identical(*pair):
        chosen, rejected = side_names(record)
        yield Problem(f"{rejected} is identical to {chosen}: the pair teaches DPO "
                      "nothing (its loss has zero gradient) and wastes tokens; write a worse reply or drop "
                      "the example", json_path=record.paths[REJECTED] or None)


_HEAD = 64


def _head(text: str) -> list[str]:
    """The first folded words of a text (its last, maybe cut, word dropped when the text is longer)."""
    words = text[:_HEAD].casefold().split()
    return words[:-1] if len(text) > _HEAD else words


def _heads_agree(preferred: list, rejected: list) -> bool:
    """A cheap necessary condition for equal folded outputs: each pair of texts starts alike."""
    for a, b in zip(preferred, rejected):
        if is_message(a) and is_message(b):
            text_a, text_b = text_of(a.content), text_of(b.content)
            if text_a is not None and text_b is not None:
                # The first character decides most pairs without copying (lstrip returns
                # the text itself when it has no leading whitespace).
                if text_a.lstrip()[:1].casefold()[:1] != text_b.lstrip()[:1].casefold()[:1]:
                    return False
                head_a, head_b = _head(text_a), _head(text_b)
                n = min(len(head_a), len(head_b))
                if head_a[:n] != head_b[:n]:
                    return False
    return True


def _fold_text(text: str) -> str:
    return " ".join(text.casefold().split())


def _folded(output: list) -> list:
    """What the model is trained to say: role, text folded for case and whitespace, calls."""
    folded = []
    for msg in output:
        if not is_message(msg):
            folded.append(msg)
            continue
        content = msg.content
        text = text_of(content)
        # an absent key counts as null, as it always did
        folded.append((_or_null(msg.role), _fold_text(text) if text is not None else _or_null(content),
                       _or_null(msg.tool_calls), _or_null(msg.function_call)))
    return folded


def _or_null(value):
    return None if value is UNSET else value


@record_rule("near-identical-outputs", methods=("dpo",))
def near_identical_outputs(record: Record, options: dict) -> Iterator[Problem]:
    pair = _output_pair(record)
    if pair is None or len(pair[0]) != len(pair[1]) or not _heads_agree(*pair) or _identical(*pair):
        return  # different, or identical-outputs' case
    if safe_equal(_folded(pair[0]), _folded(pair[1])):
        chosen, rejected = side_names(record)
        yield Problem(f"{rejected} differs from {chosen} only in case or whitespace: "
                      "DPO learns almost nothing from the pair; make the two replies differ in substance, "
                      "or drop the example", json_path=record.paths[REJECTED] or None)


# -- special-token-in-content ---------------------------------------------

# The tokens, in two compiled patterns by their first character. A pattern that starts
# with one literal character is scanned at memchr-like speed (250-480 MB/s here); one
# pattern for both, starting with the class [<[], runs at 35 MB/s. A C-level `in` test
# skips each pattern for the many texts without its character. <s> and </s> are BOS and
# EOS only at the very start or end of a text (and not as a pair around it); anywhere
# else they are HTML strikethrough.
_ANGLE_TOKEN = re.compile(
    r"<(?:"
    r"\|[A-Za-z0-9_]{1,40}\|>"                  # <|endoftext|> <|im_start|> <|eot_id|> <|start|> <|user|> ...
    r"|｜[^｜\s]{1,40}｜>"                        # DeepSeek: <｜begin▁of▁sentence｜>
    r"|</?SYS>>"                                 # Llama 2: <<SYS>> <</SYS>>
    r"|(?:start|end)_of_turn>"                   # Gemma
    r"|/?s>)"                                    # Llama, Mistral BOS / EOS (see _leaked_token)
)
_BRACKET_TOKEN = re.compile(r"\[/?(?:INST|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS|SYSTEM_PROMPT)\]")  # Llama 2, Mistral


def _edge_tokens(text: str) -> tuple[str, ...]:
    """<s> as the very start or </s> as the very end of a text, each without the other."""
    stripped = text.strip()
    edges: tuple[str, ...] = ()
    if stripped.startswith("<s>") and "</s>" not in text:
        edges += ("<s>",)
    if stripped.endswith("</s>") and "<s>" not in text:
        edges += ("</s>",)
    return edges


def _first_angle_token(text: str) -> tuple[int, str] | None:
    edges = None
    for match in _ANGLE_TOKEN.finditer(text):
        token = match.group()
        if token == "<s>" or token == "</s>":
            if edges is None:
                edges = _edge_tokens(text)
            if token not in edges:
                continue  # HTML strikethrough
        return match.start(), token
    return None


def _leaked_token(text: str) -> str | None:
    """The first special token in a text, or None."""
    found = []
    if "<" in text:
        angle = _first_angle_token(text)
        if angle is not None:
            found.append(angle)
    if "[" in text:
        match = _BRACKET_TOKEN.search(text)
        if match is not None:
            found.append((match.start(), match.group()))
    return min(found)[1] if found else None


@record_rule("special-token-in-content")
def special_token_in_content(record: Record, options: dict) -> Iterator[Problem]:
    spec = options["tokenizer"]  # the model's tokenizer: its own special tokens too (pftlint.tokens.trainer)
    for path, part, index, msg in record.messages():
        text = text_of(msg.content)
        token = _leaked_token(text) if text else None
        if spec and text:
            token = _model_token(text, spec, token)
        if token is None:
            continue
        where = field_path(path, msg, "content")
        if spec and token == trainer.special_tokens(spec).added_bos and text.lstrip().startswith(token):
            yield Problem(f"{_which(part, index, msg, record)} starts with the BOS text {token!r}, and the trainer "
                          "adds the BOS itself (the tokenizer for text, the chat template for messages): the sequence gets "
                          "two BOS tokens; remove the BOS text from the data", json_path=where)
        else:
            yield Problem(f"{_which(part, index, msg, record)} contains the special token {token!r}, left over "
                          "from a chat template: the provider applies its own template; remove the token (and the "
                          "template text around it)", json_path=where)


def _model_token(text: str, spec: str, pattern_token: str | None) -> str | None:
    """The first special token of the text, the model's own included (the earlier of the two)."""
    found = trainer.first_special_token(text, spec)
    if found is None:
        return pattern_token
    if pattern_token is None or found[0] <= text.find(pattern_token):
        return found[1]
    return pattern_token


# -- literal-escape-in-content --------------------------------------------

# Spans where a literal \n is legitimate: quoted string literals (an escaped quote \" opens
# nothing, and a single quote opens only where no letter precedes it, so "don't" opens
# nothing) and Windows paths up to the next space (C:\new\notes).
_LEGIT_ESCAPES = re.compile(
    r'(?<!\\)"(?:[^"\\]|\\.)*"'
    r"|(?<![A-Za-z0-9\\])'(?:[^'\\]|\\.){0,200}'(?![A-Za-z0-9])"  # bounded: an unclosed ' costs 200 steps
    r"|\b[A-Z]:\\(?!n(?![a-z]))[^\s\"']*"  # C:\Users, C:\new; not "A:\n\n1." (a label, then breaks)
)
# \n that starts a LaTeX command (\neq, \nabla, \nu, \notin, ...) is not a line break.
_ESCAPED_NEWLINE = re.compile(
    r"\\n(?!(?:abla|e|eq|eg|exists|i|u|ot|otin|mid|leq|geq|less|gtr|subseteq|supseteq|parallel|cong|sim"
    r"|prec|succ|vdash|atural|ormalsize|onumber|olimits|oindent|ewline|ewpage|ewcommand|ewenvironment"
    r"|leftarrow|rightarrow|Leftarrow|Rightarrow|leftrightarrow)(?![A-Za-z]))"
)


def escaped_newlines(text: str, minimum: int = 3) -> int:
    """How many literal backslash-n stand for line breaks in a text without real ones (0 if too few)."""
    # memchr-speed tests first: most texts have no backslash, or real newlines.
    if "\\" not in text or "\n" in text or text.count("\\n") < minimum:
        return 0
    if len(text) > 1 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]  # json.dumps(text) stored as the text: the quotes are part of the mistake
    count = len(_ESCAPED_NEWLINE.findall(_LEGIT_ESCAPES.sub(" ", text)))
    return count if count >= minimum else 0


@record_rule("literal-escape-in-content")
def literal_escape_in_content(record: Record, options: dict) -> Iterator[Problem]:
    minimum = max(options["min-escapes"], 1)  # the engine fills in the documented default (an int)
    for path, part, index, msg in record.messages():
        text = text_of(msg.content)
        count = escaped_newlines(text, minimum) if text else 0
        if count:
            yield Problem(f"{_which(part, index, msg, record)} holds {count} literal '\\n' and no line break: "
                          "the text was JSON-encoded twice; decode it once more (json.loads) before writing the record",
                          json_path=field_path(path, msg, "content"))
