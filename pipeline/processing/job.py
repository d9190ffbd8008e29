"""A sharded job in its output folder: the manifest, the shards, the errors, and
`annotate_partition`, the function every engine runs on a partition of annotate's job (a
spec's `run`: the report's job, report/job.py, brings its own).

`DIR/manifest.json` says what the job is (the inputs' fingerprint, the model, format,
threshold and partition size), lists its partitions and the shards done. Every shard and
every version of the manifest is written under a temporary name and renamed, so a crash at
any moment leaves the old file or the new one, never half of one. Rerunning the command
then finishes only what is missing, and refuses to mix another model or other inputs
into the folder. `DIR/errors.jsonl` lists the documents that failed, `{"id", "reason",
"shard"}` a line; the lines of shards not recorded as done are dropped on a rerun, which
writes them again, so no failure is listed twice.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Protocol, Sequence, Tuple, Union

from spacy.language import Language

from ..annotation.outputs import Output
from ..annotation.predict import BATCH_SIZE, annotate
from ..problems import InputError
from ..formats.registry import extension
from ..records import Document
from .plan import Partition, Plan, plan, read_partition

MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"
TEMP = ".tmp"  # the folder of shards being written
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ShardSpec:
    """What a task needs besides its partition: where and how to write its shard."""

    out_dir: str
    fmt: str
    model: Dict[str, str]  # name and version, written with every Parquet row
    threshold: Optional[float] = None
    batch_size: int = BATCH_SIZE

    def path(self, partition: Partition) -> Path:
        return Path(self.out_dir) / (partition.shard + shard_extension(self.fmt))

    def run(self, nlp: Optional[Language], partition: Partition, n_process: int = 1) -> "ShardResult":
        assert nlp is not None, "annotate's job needs the pipeline"
        return annotate_partition(nlp, partition, self, n_process)


class Spec(Protocol):
    """What an engine runs on each partition of a job, and where its output is."""

    def path(self, partition: Partition) -> Path: ...

    def run(self, nlp: Optional[Language], partition: Partition, n_process: int = 1) -> "ShardResult": ...


@dataclass
class ShardResult:
    """What a task sends back: counts and failures, never the texts or spans."""

    shard: str
    documents: int = 0
    characters: int = 0
    errors: List[dict] = field(default_factory=list)


def shard_extension(fmt: str) -> str:
    return extension(fmt)


def annotate_partition(nlp: Language, partition: Partition, spec: ShardSpec,
                       n_process: int = 1) -> ShardResult:
    """Read, annotate and write one partition as its shard; the same in every engine."""
    result = ShardResult(partition.shard)
    docs = read_partition(partition, lambda doc_id, reason: result.errors.append(
        {"id": doc_id, "reason": reason, "shard": partition.shard}))

    def counted(annotated: Iterable[Document]) -> Iterator[Document]:
        for one in annotated:
            result.documents += 1
            result.characters += len(one.text)
            yield one

    # the spec's threshold names the job in its manifest; each engine loads the pipeline with it
    _write_shard(counted(annotate(nlp, docs, batch_size=spec.batch_size, n_process=n_process)),
                 partition, spec)
    return result


def _write_shard(results: Iterator[Document], partition: Partition, spec: ShardSpec) -> None:
    final = spec.path(partition)
    # A folder per attempt: a task that Dask reruns elsewhere never writes into another's file.
    temp_dir = Path(spec.out_dir) / TEMP / f"{partition.shard}-{uuid.uuid4().hex}"
    temp = temp_dir / final.name
    try:
        temp_dir.mkdir(parents=True)
        if spec.fmt == "parquet":
            from ..formats.parquet import write

            write(temp, results, spec.model)
        else:
            _write_text_shard(results, temp_dir, spec.fmt, partition.shard)
        temp.touch()  # a partition whose documents all failed still has its (empty) shard
        _publish(temp, final)
    except OSError as err:
        raise InputError(f"{final}: error: cannot write ({err.strerror})") from None
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)


def _write_text_shard(results: Iterator[Document], folder: Path, fmt: str, shard: str) -> None:
    problems: List[str] = []
    output = Output(fmt, folder, problems.append)
    try:
        for result in results:
            # Output names a file after the input its documents came from: one made-up
            # input per shard puts the whole partition in one file named after the shard.
            result = replace(result, source=shard)
            if not output.write(result):
                raise InputError(problems[0])
    finally:
        output.close()


def _publish(temp: Path, final: Path) -> None:
    """Rename into place after the bytes are on disk, so a power cut cannot leave a stub."""
    with open(temp, "rb") as stream:
        os.fsync(stream.fileno())
    os.replace(temp, final)
    folder = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        _publish(temp, path)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise InputError(f"{path}: error: cannot write ({err.strerror})") from None


def model_identity(nlp: Language) -> Dict[str, str]:
    """Name, version and a digest of the weights: two trainings often share name and version."""
    digest = hashlib.sha256()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            digest.update(model.to_bytes())
    return {"name": str(nlp.meta.get("name", "")), "version": str(nlp.meta.get("version", "")),
            "weights": digest.hexdigest()[:16]}


# How an engine reports each partition: its result, or one located line saying why it has none.
Outcome = Tuple[Partition, Union[ShardResult, str]]


class Engine(Protocol):
    def map(self, partitions: Sequence[Partition], spec: Spec) -> Iterator[Outcome]: ...


# A setting a rerun must share with the job in the folder: its key in the manifest, the
# option that sets it, and how a message shows its value.
Check = Tuple[str, str, Callable[[object], str]]
ANNOTATE_CHECKS: Tuple[Check, ...] = (("model", "the model", lambda v: _model(v)),
                                      ("format", "--format", str),
                                      ("threshold", "--threshold", lambda v: _threshold(v)),
                                      ("partition_size", "--partition-size", str))


class Job:
    """The client's side of a sharded job: the plan, the manifest and the errors file."""

    def __init__(self, inputs: Sequence[str], out_dir: Path, *, spec: Spec, planned: Plan,
                 settings: Dict[str, object], checks: Sequence[Check], say: Callable[[str], None]) -> None:
        """Check the job against the folder's manifest (InputError if they differ)."""
        self.out_dir = out_dir
        self.say = say
        self.spec = spec
        self.plan = planned
        self.checks = checks
        for problem in self.plan.problems:
            say(problem)
        self.settings = {"manifest": MANIFEST_VERSION, "inputs": list(inputs),
                         "fingerprint": self.plan.fingerprint, **settings}
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"{out_dir}: error: cannot make the output folder ({err.strerror})") from None
        self.done: Dict[str, dict] = self._resume()
        self.failed_shards = 0
        self.errors = self._keep_errors()
        self._save()
        if self.done:
            say(f"{out_dir / MANIFEST}: resuming: {len(self.done)} of {len(self.plan.partitions)} "
                "shard(s) done before")

    @classmethod
    def annotating(cls, inputs: Sequence[str], out_dir: Path, *, fmt: str, model: Dict[str, str],
                   threshold: Optional[float], partition_size: int, batch_size: int = BATCH_SIZE,
                   say: Callable[[str], None]) -> "Job":
        """annotate's job: its inputs planned, each partition annotated into a shard."""
        spec = ShardSpec(str(out_dir), fmt, {"name": model["name"], "version": model["version"]},
                         threshold, batch_size)
        return cls(inputs, out_dir, spec=spec, planned=plan(inputs, partition_size),
                   settings={"model": model, "format": fmt, "threshold": threshold,
                             "partition_size": partition_size},
                   checks=ANNOTATE_CHECKS, say=say)

    @property
    def todo(self) -> List[Partition]:
        return [p for p in self.plan.partitions if p.shard not in self.done]

    @property
    def failed(self) -> bool:
        return bool(self.plan.problems or self.errors or self.failed_shards)

    def run(self, engine: Engine, on_shard: Callable[[ShardResult], None]) -> None:
        """Run the partitions not done yet; each one's shard is recorded as it finishes."""
        for partition, outcome in engine.map(self.todo, self.spec):
            if isinstance(outcome, str):
                self.failed_shards += 1
                self.say(outcome)
                continue
            for error in outcome.errors:
                self.say(error["reason"])
            self._append_errors(outcome.errors)
            self.errors += len(outcome.errors)
            # Recorded only after its errors are: a crash between the two drops them on the rerun.
            self.done[outcome.shard] = {"documents": outcome.documents,
                                        "characters": outcome.characters,
                                        "errors": len(outcome.errors)}
            self._save()
            on_shard(outcome)
        try:
            (self.out_dir / TEMP).rmdir()
        except OSError:
            pass  # not empty: a task of an earlier client may still be writing there

    def _resume(self) -> Dict[str, dict]:
        path = self.out_dir / MANIFEST
        if not path.exists():
            return {}
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
            done = dict(old["done"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise InputError(f"{path}: error: not a manifest privspan can read ({err}); use "
                             "another --out folder") from None
        again = "; use another --out folder, or delete this one to start again"
        if old.get("manifest") != MANIFEST_VERSION:
            raise InputError(f"{path}: error: a manifest of another privspan version{again}")
        for key, what, show in self.checks:
            if old.get(key) != self.settings[key]:
                raise InputError(f"{path}: error: this job ran with {what} {show(old.get(key))}, "
                                 f"not {show(self.settings[key])}{again}")
        if old.get("fingerprint") != self.plan.fingerprint:
            raise InputError(f"{path}: error: the inputs differ from this job's "
                             f"({' '.join(old.get('inputs', []))}): files were added, removed or "
                             f"changed since it started{again}")
        self._clean()
        return done

    def _clean(self) -> None:
        # Shards that a killed run left half-written; their partitions are not done.
        shutil.rmtree(self.out_dir / TEMP, ignore_errors=True)
        for temp in self.out_dir.glob(".*.tmp"):
            temp.unlink(missing_ok=True)

    def _keep_errors(self) -> int:
        """Rewrite errors.jsonl: this run's input problems, and the failures of done shards."""
        path = self.out_dir / ERRORS
        kept = [{"id": None, "reason": problem, "shard": None} for problem in self.plan.problems]
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # cut short by a crash, so of a shard not recorded as done
                if isinstance(record, dict) and record.get("shard") in self.done:
                    kept.append(record)
        write_atomically(path, "".join(_line(record) for record in kept))
        return sum(1 for record in kept if record["shard"] is not None)

    def _append_errors(self, errors: List[dict]) -> None:
        if errors:
            with open(self.out_dir / ERRORS, "a", encoding="utf-8") as stream:
                stream.write("".join(_line(record) for record in errors))
                # On disk before the manifest says the shard is done, power cut or not.
                stream.flush()
                os.fsync(stream.fileno())

    def _save(self) -> None:
        # A line per setting, per partition and per shard done: a manifest to read and to diff.
        fields = [f" {json.dumps(key)}: {_dumps(value)}" for key, value in self.settings.items()]
        partitions = ",\n  ".join(_dumps(p.describe()) for p in self.plan.partitions)
        done = ",\n  ".join(f"{_dumps(shard)}: {_dumps(counts)}" for shard, counts in self.done.items())
        fields.append(f' "partitions": [\n  {partitions}\n ]' if partitions else ' "partitions": []')
        fields.append(f' "done": {{\n  {done}\n }}' if done else ' "done": {}')
        write_atomically(self.out_dir / MANIFEST, "{\n" + ",\n".join(fields) + "\n}\n")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _line(record: dict) -> str:
    return _dumps(record) + "\n"


def _model(model: Optional[dict]) -> str:
    if not model:
        return "(none)"
    return f"{model.get('name')} {model.get('version')} (weights {model.get('weights')})"


def _threshold(threshold: Optional[float]) -> str:
    return "(the pipeline's)" if threshold is None else f"{threshold:g}"
