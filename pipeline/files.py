"""Finding and decoding input files; one located error per bad input, never a traceback."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, Tuple

from .problems import InputError

BOM = b"\xef\xbb\xbf"

def collect_files(sources: Iterable[str | Path], suffixes: Tuple[str, ...]) -> Tuple[List[Path], List[str]]:
    """Expand files and folders (recursively) into input files, with one error per bad source."""
    files: List[Path] = []
    errors: List[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            if found:
                files.extend(found)
            else:
                errors.append(f"{path}: error: no {'/'.join(suffixes)} files in this folder")
        elif path.is_file():
            files.append(path)
        else:
            errors.append(f"{path}: error: no such file or folder")
    return files, errors


def is_saved_dataset(path: str | Path) -> bool:
    """A folder that `datasets.save_to_disk` wrote (a Dataset or a DatasetDict)."""
    path = Path(path)
    return (path / "dataset_dict.json").is_file() or (
        (path / "state.json").is_file() and (path / "dataset_info.json").is_file())


def decode(data: bytes, path: str | Path) -> Tuple[str, str]:
    """Decode text as UTF-8 (with or without BOM) or else GB18030; returns (text, encoding).

    Chinese policies are often saved as GBK, of which GB18030 is the superset.
    """
    if b"\x00" in data:
        raise InputError(f"{path}: error: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(BOM) else "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise InputError(f"{path}: error: undecodable bytes at byte {utf8_error.start} "
                         "(neither UTF-8 nor GB18030)") from None


def read_text(path: str | Path) -> Tuple[str, str]:
    """Read a text file, detecting its encoding; raises InputError naming the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{path}: error: cannot read ({err.strerror})") from None
    return decode(data, path)
