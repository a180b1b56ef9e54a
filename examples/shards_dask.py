"""Lint a `datasets.Dataset` in shards as Dask tasks, then merge: the findings of one pass."""
from itertools import accumulate

import dask

from pftlint.api import lint_shard, merge_shards


def lint_in_shards(dataset, num_shards=4, scheduler="processes"):
    parts = [dataset.shard(num_shards, index, contiguous=True) for index in range(num_shards)]
    offsets = accumulate((len(part) for part in parts[:-1]), initial=0)  # each shard's first row
    tasks = [dask.delayed(lint_shard)(part, offset=offset, target="openai")
             for part, offset in zip(parts, offsets)]
    shards = dask.compute(*tasks, scheduler=scheduler)  # or a distributed.Client's cluster
    return merge_shards(shards, target="openai")
