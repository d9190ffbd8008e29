"""The local engine: the partitions one after another in this process, each with
`annotate`'s own --n-process pool when asked."""
from __future__ import annotations

from typing import Iterator, Sequence

from spacy.language import Language

from ..problems import InputError
from .job import Outcome, ShardSpec, annotate_partition
from .plan import Partition


class LocalEngine:
    def __init__(self, nlp: Language, n_process: int = 1) -> None:
        self.nlp = nlp
        self.n_process = n_process

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map(self, partitions: Sequence[Partition], spec: ShardSpec) -> Iterator[Outcome]:
        for partition in partitions:
            try:
                yield partition, annotate_partition(self.nlp, partition, spec, self.n_process)
            except InputError as err:
                yield partition, str(err)
