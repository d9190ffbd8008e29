"""The local engine: the partitions one after another in this process, each with
`annotate`'s own --n-process pool when asked (a job without a pipeline, the report's, has
`nlp` None)."""
from __future__ import annotations

from typing import Iterator, Optional, Sequence

from spacy.language import Language

from ..problems import InputError
from .job import Outcome, Spec
from .plan import Partition


class LocalEngine:
    def __init__(self, nlp: Optional[Language] = None, n_process: int = 1) -> None:
        self.nlp = nlp
        self.n_process = n_process

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map(self, partitions: Sequence[Partition], spec: Spec) -> Iterator[Outcome]:
        for partition in partitions:
            try:
                yield partition, spec.run(self.nlp, partition, self.n_process)
            except InputError as err:
                yield partition, str(err)
