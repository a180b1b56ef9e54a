"""Lint a `datasets.Dataset` in shards on two processes, then merge: the findings of one pass."""
import pickle

from pftlint.api import lint_shard, merge_shards


def lint_batch(batch, indices):
    # one shard per batch: its rows' findings and the digests the dataset rules need (no records)
    shard = lint_shard(batch, index=indices, target="openai")
    return {"shard": [pickle.dumps(shard)]}


def lint_in_shards(dataset):
    shards = dataset.map(lint_batch, batched=True, batch_size=1000, with_indices=True, num_proc=2,
                         remove_columns=dataset.column_names)
    return merge_shards([pickle.loads(blob) for blob in shards["shard"]], target="openai")
