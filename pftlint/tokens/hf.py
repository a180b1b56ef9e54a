"""The model's own tokenizer and chat template, offline: what a trainer like TRL turns a record into.

``--tokenizer`` names a ``tokenizer.json``, a folder holding one, or a model id (``ORG/NAME``, optionally
``ORG/NAME@REVISION``) found in the local Hugging Face cache: ``$HF_HUB_CACHE``, else ``$HF_HOME/hub``,
else ``~/.cache/huggingface/hub``, in the ``models--ORG--NAME/snapshots/<commit>`` layout, the commit
read from ``refs/<revision>`` (``refs/main`` by default). Nothing is ever downloaded: a model that is
not in the cache is an error telling the user how to fetch its two files.

The tokenizer is the ``tokenizers`` library (Rust) and the chat template is rendered with Jinja2, the
optional extra ``pftlint[hf]``. The template comes from ``chat_template.jinja`` in the folder, else
from ``tokenizer_config.json`` (a string, or a list of named templates: the one named ``default``).
It is rendered as ``transformers``' ``apply_chat_template`` renders it: a sandboxed, immutable Jinja2
environment (the template is data found on disk, never code to trust) with ``trim_blocks`` and
``lstrip_blocks``, loop controls, ``{% generation %}`` blocks, ``raise_exception``, ``strftime_now``
and a ``tojson`` that does not escape HTML, and the special tokens (``bos_token``, ``eos_token``...)
as variables. The rendered text is tokenized without adding special tokens: the template writes them.

Records are tokenized as TRL's ``DPOTrainer`` tokenizes them: a conversational prompt is rendered with
``add_generation_prompt=True``, prompt+reply as one conversation; a standard (text) prompt and
prompt+reply are tokenized as text with the tokenizer's own special tokens (its post-processor, so a
BOS if the model adds one), the EOS text appended to the reply unless it already ends with it. The
``add_bos_token``/``add_eos_token`` switches some ``tokenizer_config.json`` files hold are not applied:
``tokenizer.json``'s post-processor decides.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..errors import PftlintError

HF_EXTRA = "pip install 'pftlint[hf]'"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "tokenizer_config.json"
TEMPLATE_FILE = "chat_template.jinja"
SPECIAL_TOKENS_FILE = "special_tokens_map.json"
# The special tokens transformers passes to a chat template by name.
NAMED_SPECIAL_TOKENS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
# A Hugging Face model id: NAME or ORG/NAME, optionally @REVISION.
_MODEL_ID = re.compile(r"(?P<repo>[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?)(?:@(?P<revision>[\w./-]+))?")
_COMMIT = re.compile(r"[0-9a-f]{40}")


class ModelTokenizerError(PftlintError):
    """A tokenizer that cannot be found or loaded offline, or a missing extra (exit status 2)."""


class RenderError(ValueError):
    """A record the chat template refuses (its ``raise_exception``) or fails on: the message says why."""


# -- where the files are -------------------------------------------------------------------------------
def hub_cache(environ: Mapping[str, str] = os.environ) -> Path:
    """The Hugging Face hub cache folder, as huggingface_hub finds it (without importing it)."""
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if environ.get(name):
            return Path(environ[name]).expanduser()
    if environ.get("HF_HOME"):
        return Path(environ["HF_HOME"]).expanduser() / "hub"
    cache = Path(environ["XDG_CACHE_HOME"]).expanduser() if environ.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return cache / "huggingface" / "hub"


def resolve(spec: str, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder holding ``tokenizer.json`` for ``spec`` (a file, a folder or a cached model id)."""
    if not spec:
        raise ModelTokenizerError("the tokenizer is empty; name a tokenizer.json, a folder or a model id (ORG/NAME)")
    path = Path(spec).expanduser()
    if path.is_file():
        return path.parent if path.name == TOKENIZER_FILE else _not_a_tokenizer(spec)
    if path.is_dir():
        if (path / TOKENIZER_FILE).is_file():
            return path
        raise ModelTokenizerError(f"{spec}: the folder holds no {TOKENIZER_FILE}; name the folder of a Hugging Face "
                                  "tokenizer (the one holding tokenizer.json and tokenizer_config.json)")
    found = _MODEL_ID.fullmatch(spec)
    if found is None or ".." in spec or "--" in found["repo"]:
        raise ModelTokenizerError(f"{spec}: no such file or folder, and not a model id (ORG/NAME)")
    return _cached_snapshot(found["repo"], found["revision"] or "main", hub_cache(environ))


def _not_a_tokenizer(spec: str) -> Path:
    raise ModelTokenizerError(f"{spec}: not a {TOKENIZER_FILE}; name the tokenizer.json file or its folder")


def _cached_snapshot(repo: str, revision: str, cache: Path) -> Path:
    model = cache / f"models--{repo.replace('/', '--')}"
    snapshots = model / "snapshots"
    ref = model / "refs" / revision
    commit = None
    if ref.is_file():
        commit = ref.read_text(encoding="utf-8", errors="replace").strip()
    elif _COMMIT.fullmatch(revision):
        commit = revision
    elif revision == "main" and snapshots.is_dir():  # a cache copied without its refs: one snapshot is the one
        only = [entry.name for entry in snapshots.iterdir() if entry.is_dir()]
        commit = only[0] if len(only) == 1 else None
    folder = snapshots / commit if commit else None
    if folder is not None and (folder / TOKENIZER_FILE).is_file():
        return folder
    at = "" if revision == "main" else f" --revision {revision}"
    what = f"{repo}@{revision}" if at else repo
    partial = f": its snapshot {commit} has no {TOKENIZER_FILE}" if folder is not None and folder.is_dir() else ""
    raise ModelTokenizerError(
        f"the tokenizer of {what} is not in the local Hugging Face cache ({cache}{partial}); pftlint never downloads: "
        f"fetch it with `hf download {repo} {TOKENIZER_FILE} {CONFIG_FILE}{at}` (or huggingface-cli download), "
        "or pass --tokenizer the folder holding tokenizer.json")


# -- the tokenizer ---------------------------------------------------------------------------------------
class ModelTokenizer:
    """A model's tokenizer and chat template, loaded from one folder (see :func:`load`)."""

    def __init__(self, name: str, folder: Path, tokenizer, config: dict, template: str | None):
        self.name = name
        self.folder = folder
        self._tokenizer = tokenizer
        #: the special tokens by name (bos_token, eos_token...), as the template sees them
        self.named_tokens = _named_tokens(config, folder)
        self.bos_token: str | None = self.named_tokens.get("bos_token")
        self.eos_token: str | None = self.named_tokens.get("eos_token")
        self.chat_template = template
        self._template = _compile(template, name) if template is not None else None

    @property
    def special_tokens(self) -> frozenset[str]:
        """Every special token's text: the named ones and the tokenizer's added tokens marked special."""
        added = self._tokenizer.get_added_tokens_decoder().values()
        named = [v for k, v in self.named_tokens.items() if isinstance(v, str)]
        extra = self.named_tokens.get("additional_special_tokens") or []
        return frozenset([*(t.content for t in added if t.special), *named, *extra])

    # -- text and templates ----------------------------------------------------
    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        """Token ids of ``text`` (``add_special_tokens``: the post-processor's BOS/EOS, as ``tokenizer(text)``)."""
        return self._tokenizer.encode(text, add_special_tokens=add_special_tokens).ids

    def render(self, messages: Sequence[Mapping[str, Any]], tools: Sequence[Any] | None = None,
               add_generation_prompt: bool = False, **template_kwargs: Any) -> str:
        """The conversation as the chat template writes it. Raises RenderError when the template refuses it."""
        if self._template is None:
            raise RenderError(f"the tokenizer {self.name} has no chat template (tokenizer_config.json's "
                              "chat_template); conversational records cannot be rendered with it")
        variables = dict(self.named_tokens)
        variables.update(template_kwargs)
        try:
            return self._template.render(messages=list(messages), tools=list(tools) if tools else None,
                                         documents=None, add_generation_prompt=add_generation_prompt, **variables)
        except Exception as exc:  # raise_exception, the sandbox's SecurityError, a value the template cannot use
            raise RenderError(_template_failure(exc)) from None

    # -- what the trainer sees ---------------------------------------------------
    def pair_ids(self, prompt, reply, tools: Sequence[Any] | None = None,
                 template_kwargs: Mapping[str, Any] | None = None) -> tuple[list[int], list[int]]:
        """(prompt ids, prompt+reply ids) as TRL's DPOTrainer builds them for one side of a pair.

        ``prompt`` and ``reply`` are lists of messages (conversational) or strings (standard);
        ``tools`` a list of tool definitions or its JSON text, ``template_kwargs`` a record's
        ``chat_template_kwargs``. Raises RenderError for a conversation the template refuses.
        """
        prompt_text, full_text = self.pair_texts(prompt, [reply], tools, template_kwargs)
        special = isinstance(prompt, str)  # text is tokenized with the model's special tokens; a template writes them
        return self.encode(prompt_text, special), self.encode(full_text, special)

    def pair_texts(self, prompt, replies: Sequence[Any], tools: Sequence[Any] | None = None,
                   template_kwargs: Mapping[str, Any] | None = None) -> list[str]:
        """[prompt, prompt+reply for each reply]: the texts TRL tokenizes (text pairs with the tokenizer's
        special tokens, rendered conversations without). Raises RenderError as :meth:`pair_ids`."""
        if any(isinstance(prompt, str) != isinstance(reply, str) for reply in replies):
            raise RenderError("the prompt and the reply must both be text or both be lists of messages")
        if isinstance(prompt, str):
            eos = self.eos_token
            return [prompt, *(prompt + (reply + eos if eos and not reply.endswith(eos) else reply) for reply in replies)]
        if isinstance(tools, str):  # a tools column stored as JSON text: TRL json.loads it
            try:
                tools = json.loads(tools)
            except ValueError as exc:
                raise RenderError(f"the tools are a string that is not JSON ({exc})") from None
        kwargs = dict(template_kwargs or {})
        return [self.render(prompt, tools, add_generation_prompt=True, **kwargs),
                *(self.render([*prompt, *reply], tools, **kwargs) for reply in replies)]

    def count(self, prompt, reply, tools: Sequence[Any] | None = None,
              template_kwargs: Mapping[str, Any] | None = None) -> tuple[int, int]:
        """(prompt tokens, prompt+reply tokens) for one side of a pair: the lengths ``max_length`` applies to."""
        prompt_ids, full_ids = self.pair_ids(prompt, reply, tools, template_kwargs)
        return len(prompt_ids), len(full_ids)

    def count_texts(self, texts: Iterable[str], add_special_tokens: bool = False) -> list[int]:
        """Token counts of rendered texts, encoded as one batch (in parallel, in Rust); ``add_special_tokens``:
        the post-processor's BOS/EOS, as for standard (text) pairs."""
        return [len(e) for e in self._tokenizer.encode_batch_fast(list(texts), add_special_tokens=add_special_tokens)]


def load(spec: str, environ: Mapping[str, str] = os.environ) -> ModelTokenizer:
    """The tokenizer ``spec`` names, from disk only. Raises ModelTokenizerError (exit status 2)."""
    folder = resolve(spec, environ)
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise ModelTokenizerError(f"--tokenizer needs the tokenizers library: {HF_EXTRA}") from None
    try:
        tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    except Exception as exc:  # the Rust side raises plain Exception with its reason
        raise ModelTokenizerError(f"{folder / TOKENIZER_FILE}: not a tokenizer the tokenizers library reads "
                                  f"({_first_line(exc)})") from None
    config = _json_object(folder / CONFIG_FILE)
    return ModelTokenizer(spec, folder, tokenizer, config, _template_text(folder, config))


def _json_object(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelTokenizerError(f"{path}: not readable JSON ({_first_line(exc)})") from None
    if not isinstance(value, dict):
        raise ModelTokenizerError(f"{path}: not a JSON object")
    return value


def _template_text(folder: Path, config: dict) -> str | None:
    """The chat template: chat_template.jinja, else tokenizer_config.json's (the named ``default`` of a list)."""
    separate = folder / TEMPLATE_FILE
    if separate.is_file():
        try:
            return separate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelTokenizerError(f"{separate}: not readable ({_first_line(exc)})") from None
    template = config.get("chat_template")
    if isinstance(template, list):  # [{"name": "default", "template": "..."}, {"name": "tool_use", ...}]
        named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
        template = named.get("default")
    if template is not None and not isinstance(template, str):
        raise ModelTokenizerError(f"{folder / CONFIG_FILE}: chat_template is not a string")
    return template


def _named_tokens(config: dict, folder: Path) -> dict[str, Any]:
    """bos_token, eos_token... as strings (tokenizer_config.json, else special_tokens_map.json)."""
    fallback = _json_object(folder / SPECIAL_TOKENS_FILE)
    tokens: dict[str, Any] = {}
    for name in NAMED_SPECIAL_TOKENS:
        text = _token_text(config.get(name)) or _token_text(fallback.get(name))
        if text is not None:
            tokens[name] = text
    extra = config.get("additional_special_tokens") or fallback.get("additional_special_tokens")
    if isinstance(extra, list):
        tokens["additional_special_tokens"] = [t for t in map(_token_text, extra) if t is not None]
    return tokens


def _token_text(value: Any) -> str | None:
    """A token as tokenizer_config.json writes it: a string, or an AddedToken object with its "content"."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


# -- the template environment, as transformers builds it ---------------------------------------------------
def _compile(template: str, name: str):
    try:
        import jinja2
        import jinja2.ext
        import jinja2.sandbox
    except ImportError:
        raise ModelTokenizerError(f"rendering the chat template of {name} needs Jinja2: {HF_EXTRA}") from None

    class Generation(jinja2.ext.Extension):
        """``{% generation %}...{% endgeneration %}`` (marks the assistant's tokens): rendered as its body."""

        tags = {"generation"}

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
            return jinja2.nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

        def _body(self, caller):
            return caller()

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        # Jinja's own tojson escapes <, > and & for HTML: chat templates expect the plain JSON
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                                        extensions=[Generation, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    try:
        return env.from_string(template)
    except jinja2.TemplateError as exc:
        raise ModelTokenizerError(f"the chat template of {name} does not compile: {_first_line(exc)}") from None


def _template_failure(exc: Exception) -> str:
    kind = type(exc).__name__
    if kind in ("TemplateError", "UndefinedError", "SecurityError", "TemplateRuntimeError"):
        return f"the chat template refuses the conversation: {_first_line(exc)}"
    return f"the chat template fails on the conversation ({kind}: {_first_line(exc)})"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
