"""The record model: the one seam between reading a line and the rules that check it.

Design:

- ``typed``: msgspec structs of the two OpenAI shapes (preference and supervised chat), with
  ``forbid_unknown_fields``, roles as the tag of a union of the five chat roles, contents and
  optional keys typed as the plain shapes allow, and one C decoder per shape built once per
  run. A decode that succeeds proves keys, types, roles and the DPO outputs' length.
- The reader tries the typed decoder on every line (the shape that fitted last goes first);
  a line that fails it goes down the precise path (``json`` with the reader's error
  handling, repeated keys and unpaired surrogates), as before.
- ``view``: one rule-facing :class:`~pftlint.model.view.Record` whatever the record came
  from: message lists as (JSON path, items), messages with attributes (the structs
  themselves, or :class:`~pftlint.model.view.LooseMessage` over a raw dict), ``typed``
  telling which. Another record format (TRL, HH, ShareGPT) needs only a decoder into
  this view: the rules do not know which format a record came in.
- A rule that can be skipped cheaply says so beside itself (``guard=`` on its
  registration, e.g. "typed => shape rules silent"); tests/test_guards.py proves every
  guard sound and checks that it fires on clean real files.
"""
