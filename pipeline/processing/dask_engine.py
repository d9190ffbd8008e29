"""The Dask engine: each partition one task on a Dask cluster, the model loaded once per worker.

`local:N` starts a LocalCluster of N single-threaded worker processes in this process; an
address (tcp://HOST:PORT) uses a running `dask scheduler` and its `dask worker`s. A task
reads its partition and writes its shard itself, so the client holds neither texts nor
spans, only a few tasks ahead of the workers; Dask reruns the tasks of a worker that dies.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import uuid
from itertools import islice
from typing import Dict, Iterator, Optional, Sequence

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
from threadpoolctl import threadpool_limits

from ..annotation.load import load_pipeline, span_categorizer
from ..problems import InputError
from .job import Outcome, ShardResult, Spec
from .plan import Partition

PLUGIN = "privspan-pipeline"
# Tasks queued per worker thread: enough that none waits for the client, few enough that
# the client's memory does not follow the number of partitions.
AHEAD = 2


def parse_address(value: str) -> str | int:
    """The worker count of `local:N`, or a scheduler address; ValueError with the reason."""
    if value.startswith("local:"):
        count = value[len("local:"):]
        if count.isdecimal() and int(count) >= 1:
            return int(count)
        raise ValueError(f"--dask {value}: local:N needs a number of workers, 1 or more")
    if "://" in value:
        return value
    raise ValueError(f"--dask {value}: give local:N (N worker processes here) or a scheduler's "
                     "address, tcp://HOST:PORT")


class PipelinePlugin(WorkerPlugin):
    """Loads the pipeline when a worker starts (and on every worker that joins later)."""

    name = PLUGIN

    def __init__(self, model: str, threshold: Optional[float] = None) -> None:
        self.model = model
        self.threshold = threshold
        self.nlp = None

    def setup(self, worker: object) -> None:
        # One BLAS thread: a worker is one core, and the cluster's size is the one knob.
        threadpool_limits(1, user_api="blas")
        _grow_malloc_thresholds()
        self.nlp = load_pipeline(self.model, self.threshold)
        span_categorizer(self.nlp)


def _grow_malloc_thresholds() -> None:
    """Undo the MALLOC_TRIM_THRESHOLD_=65536 that Dask's nanny gives its workers.

    Any fixed trim threshold stops glibc from raising its mmap threshold, so each of the
    model's arrays over 128 KB is mapped and unmapped again: annotate ran 1.6x slower in
    such a process. The thresholds glibc itself would grow to (32 and 64 MB) restore the
    speed of a plain process, for a few MB more of memory kept per worker.
    """
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is not None:  # glibc; other C libraries have no such knob, nor the slowdown
        m_trim_threshold, m_mmap_threshold = -1, -3
        mallopt(m_mmap_threshold, 32 * 2**20)
        mallopt(m_trim_threshold, 64 * 2**20)


def run_on_worker(partition: Partition, spec: Spec) -> ShardResult:
    plugin = get_worker().plugins.get(PLUGIN)
    return spec.run(plugin.nlp if plugin is not None else None, partition)


class DaskEngine:
    """A job's partitions as Dask tasks; with a `model`, each worker loads it once (a job
    without one, the report's, needs none)."""

    def __init__(self, address: str, model: Optional[str] = None, threshold: Optional[float] = None) -> None:
        self.where = parse_address(address)
        self.address = address
        self.model = model
        self.threshold = threshold
        self.cluster: Optional[LocalCluster] = None
        self.client: Optional[Client] = None

    def __enter__(self) -> "DaskEngine":
        try:
            if isinstance(self.where, int):
                # The profiler samples every worker's stack every 10 ms, a few percent of
                # a core spent on a dashboard nobody opens; a real cluster's own config decides.
                with dask.config.set({"distributed.worker.profile.enabled": False}):
                    self.cluster = LocalCluster(n_workers=self.where, threads_per_worker=1,
                                                processes=True, dashboard_address=":0",
                                                silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.where, timeout="10s")
        except Exception as err:  # OSError, TimeoutError, or a worker that did not start
            self.__exit__()
            what = "start a local cluster" if isinstance(self.where, int) else "reach the scheduler"
            raise InputError(f"--dask {self.address}: error: cannot {what} "
                             f"({_first_line(err)})") from None
        if self.model is None:
            return self
        try:
            self.client.register_plugin(PipelinePlugin(self.model, self.threshold))
        except Exception as err:  # whatever a worker raised: one line, as load_pipeline's
            self.__exit__()
            if isinstance(err, InputError):
                raise
            raise InputError(f"{self.model}: error: a Dask worker cannot load the pipeline "
                             f"({_first_line(err)}); each worker needs privspan and the "
                             "pipeline installed") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def map(self, partitions: Sequence[Partition], spec: Spec) -> Iterator[Outcome]:
        """Each partition's outcome, in the order they finish."""
        assert self.client is not None, "inside `with DaskEngine(...)`"
        client = self.client
        todo = iter(partitions)
        running: Dict[str, Partition] = {}
        finished = as_completed()
        run = uuid.uuid4().hex[:8]  # keys of their own: two jobs on one scheduler never share one

        def top_up() -> None:
            room = AHEAD * max(sum(client.nthreads().values()), 1) - len(running)
            for partition in islice(todo, max(room, 0)):
                future = client.submit(run_on_worker, partition, spec,
                                       key=f"privspan-{run}-{partition.shard}")
                running[future.key] = partition
                finished.add(future)

        top_up()
        for future in finished:
            partition = running.pop(future.key)
            try:
                outcome: ShardResult | str = future.result()
            except InputError as err:
                outcome = str(err)
            except Exception as err:  # a worker's exception, or KilledWorker after 3 deaths
                outcome = (f"{spec.path(partition)}: error: not written "
                           f"({type(err).__name__}: {_first_line(err)})")
            future.release()
            yield partition, outcome
            top_up()


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
