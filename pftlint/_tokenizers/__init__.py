"""The BPE rank files of o200k_base and cl100k_base, shipped so that counting needs no network.

They are the files tiktoken downloads at run time (gzip-compressed here). :func:`load_ranks`
checks a file's SHA-256 against the hash tiktoken itself expects and parses it once per
installed file; the parsed ranks are kept in the user's cache folder
(``$XDG_CACHE_HOME/pftlint`` or ``~/.cache/pftlint``) so that later runs skip the gunzip,
the hash of the decompressed text and the parse (about 90 ms per encoding here).

Why a cached file can be trusted: it is used only when

- its key matches: the encoding, pftlint's version, the Python version and marshal format
  that wrote it, and the SHA-256 of the installed ``.tiktoken.gz`` file, hashed again on every
  load (a millisecond). A reinstalled, upgraded or altered rank file never meets an old cache;
- the SHA-256 of its payload equals the one its header records, so a truncated or damaged file
  is refused before it is decoded;
- the decoded value is a dict of the exact size the encoding has.

The cache is written only from ranks that have just passed the hash check, to a temporary file
renamed into place (a reader never sees half a file). A cache that is missing, damaged, from
another version or unwritable is rebuilt from the verified rank file, or skipped: it can make a
run faster, never change a count. Anyone who can write the user's cache folder can also edit
the user's files and environment, so the cache is as trustworthy as the user's home.
"""

from __future__ import annotations

import binascii
import hashlib
import marshal
import os
import sys
from pathlib import Path

# gzip, json, tempfile and importlib.resources are imported when ranks are loaded: a run that counts
# no token (most runs: the token rule bounds examples by their size) never pays for them.

O200K = "o200k_base"
CL100K = "cl100k_base"
ENCODINGS = (O200K, CL100K)

# SHA-256 of the decompressed rank files: the expected_hash values of tiktoken_ext/openai_public.py.
EXPECTED_SHA256 = {
    O200K: "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    CL100K: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
# How many ranks each file holds (a decoded cache must hold as many).
RANK_COUNTS = {O200K: 199_998, CL100K: 100_256}

CACHE_MAGIC = b"pftlint-ranks 1\n"


class TokenizerError(Exception):
    """A shipped rank file is missing or corrupt (an installation problem: exit status 2)."""


def _packed(name: str) -> bytes:
    """The gzip-compressed rank file as installed."""
    if name not in EXPECTED_SHA256:
        raise TokenizerError(f"unknown encoding {name!r} (pftlint ships {', '.join(ENCODINGS)})")
    from importlib import resources

    try:
        return resources.files(__name__).joinpath(f"{name}.tiktoken.gz").read_bytes()
    except OSError as exc:
        raise TokenizerError(f"the {name} tokenizer shipped with pftlint cannot be read ({exc}); "
                             "reinstall pftlint") from None


def _verified(name: str, packed: bytes) -> bytes:
    import gzip

    try:
        data = gzip.decompress(packed)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise TokenizerError(f"the {name} tokenizer shipped with pftlint cannot be read ({exc}); "
                             "reinstall pftlint") from None
    if hashlib.sha256(data).hexdigest() != EXPECTED_SHA256[name]:
        raise TokenizerError(f"the {name} tokenizer shipped with pftlint is corrupt (SHA-256 mismatch); "
                             "reinstall pftlint")
    return data


def rank_file_bytes(name: str) -> bytes:
    """The decompressed rank file of an encoding, verified against its SHA-256."""
    return _verified(name, _packed(name))


def parse_ranks(data: bytes) -> dict[bytes, int]:
    """A tiktoken rank file: one ``base64-token rank`` pair per line."""
    fields = data.split()
    if len(fields) % 2:
        raise TokenizerError("a tokenizer rank file has a line without a rank; reinstall pftlint")
    return dict(zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2])))


def cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/pftlint``, else ``~/.cache/pftlint``; None when there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):  # the XDG spec: a relative value is to be ignored
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "pftlint"


def _cache_key(name: str, packed: bytes) -> dict[str, object]:
    from .. import __version__

    return {"encoding": name, "pftlint": __version__, "python": list(sys.version_info[:2]),
            "marshal": marshal.version, "rank_file_sha256": hashlib.sha256(packed).hexdigest()}


def _read_cache(path: Path, key: dict[str, object], name: str) -> dict[bytes, int] | None:
    """The cached ranks when the file is intact and made for ``key``; None otherwise (never raises)."""
    import json

    try:
        blob = path.read_bytes()
        if not blob.startswith(CACHE_MAGIC):
            return None
        end = blob.index(b"\n", len(CACHE_MAGIC))
        header = json.loads(blob[len(CACHE_MAGIC):end])
        payload = memoryview(blob)[end + 1:]
        if header.get("key") != key or header.get("payload_sha256") != hashlib.sha256(payload).hexdigest():
            return None
        ranks = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        return None
    return ranks if type(ranks) is dict and len(ranks) == RANK_COUNTS[name] else None


def _write_cache(path: Path, key: dict[str, object], ranks: dict[bytes, int]) -> None:
    """Write the cache beside its final name, then rename it into place; give up silently on any error."""
    import json
    import tempfile

    payload = marshal.dumps(ranks)
    header = json.dumps({"key": key, "payload_sha256": hashlib.sha256(payload).hexdigest()}).encode()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(CACHE_MAGIC + header + b"\n")
            fh.write(payload)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def load_ranks(name: str, use_cache: bool = True) -> dict[bytes, int]:
    """The ranks of an encoding: from the user's cache when it is valid, else verified, parsed and cached."""
    packed = _packed(name)
    folder = cache_dir() if use_cache else None
    if folder is None:
        return parse_ranks(_verified(name, packed))
    key = _cache_key(name, packed)
    path = folder / f"{name}.ranks"
    ranks = _read_cache(path, key, name)
    if ranks is None:
        ranks = parse_ranks(_verified(name, packed))
        if len(ranks) != RANK_COUNTS[name]:
            raise TokenizerError(f"the {name} tokenizer shipped with pftlint has {len(ranks)} ranks, "
                                 f"not {RANK_COUNTS[name]}; reinstall pftlint")
        _write_cache(path, key, ranks)
    return ranks
