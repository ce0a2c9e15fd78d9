"""Delimited text (.csv, .tsv, .txt) into raw frames of strings: whole, or in row chunks.

What a file reads as is defined by pandas' C parser with every field a string and only
empty fields missing (``dtype="string", keep_default_na=False, na_values=[""]``): that
reader is the careful path, and every file can take it. pyarrow's CSV reader is the fast
path (several times quicker, and it streams a large file in bounded memory); it is used
only where it reads exactly what pandas reads, and the file goes the careful way when:

* the header has fewer than two names, an empty name or a repeated one (pandas renames
  them ``Unnamed: 2``, ``a.1``; with one column it also skips lines of blanks);
* a carriage return stands alone, not in ``\\r\\n`` (the two readers split such lines
  differently), or the file has both carriage returns and quotes (pyarrow 26 drops the
  ``\\n`` of a quoted ``\\r\\n`` that falls on the boundary of its blocks);
* pyarrow refuses the file (a row with too few or too many fields, which pandas fills
  or reports), or the file ends inside a quoted value (pandas reports it; pyarrow would
  read it to the end: a sentinel row appended after the file shows it).

``tests/io/test_delimited.py`` compares both readers on generated odd files.

The encoding is detected from the bytes (:func:`detect_encoding`). A file is
decoded whole before it is parsed, so a bad byte is reported before any row is read,
also in chunks (there in a streaming pass over the file).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

#: Bytes read (and decoded) at a time when a file is streamed, and pyarrow's block when
#: it reads a whole file.
BLOCK_BYTES = 1 << 24
#: pyarrow's block when it streams a file in chunks: with several blocks in flight, its
#: size sets most of the reader's memory. A row longer than this (a megabyte of text in
#: one row) sends the file the careful way.
STREAM_BLOCK_BYTES = 1 << 20

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# A row of this value in every column, appended after the file: if it does not come
# back as the last row, the file ended inside a quoted value.
_SENTINEL = "\x00svcinsight-end-of-file\x00"

# The careful reader's options (pandas): every field a string, only empty ones missing.
_PANDAS_OPTIONS = {"dtype": "string", "keep_default_na": False, "na_values": [""]}


def detect_encoding(data: bytes) -> str:
    """The text encoding of ``data``, decided from the bytes alone.

    A byte-order mark wins; then strict UTF-8; then strict GB18030 (a superset of GBK
    and GB2312, so their files decode identically); only then charset-normalizer's
    best guess. Mainland exports are UTF-8 or GBK in practice, and both strict
    decodes are deterministic where a statistical guess on a short file is not.
    The platform locale is never consulted.

    Examples
    --------
    >>> detect_encoding("工单,渠道".encode("gbk"))
    'gb18030'
    >>> detect_encoding("工单,渠道".encode("utf-8-sig"))
    'utf-8-sig'
    >>> detect_encoding(b"ticket_id,channel")
    'utf-8'
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for name in ("utf-8", "gb18030"):
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return _guess_encoding(data)


def _guess_encoding(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError("cannot tell the text encoding; pass encoding= explicitly")
    return best.encoding


def detect_file_encoding(path: Path) -> str:
    """:func:`detect_encoding` of a file's bytes, read a block at a time.

    Only charset-normalizer's guess (neither UTF-8 nor GB18030 decode the file) reads
    the file whole.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_bytes("工单,渠道\\n".encode("gbk"))
    >>> detect_file_encoding(path)
    'gb18030'
    """
    with open(path, "rb") as fh:
        head = fh.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    for name in ("utf-8", "gb18030"):
        try:
            for _ in _decoded_blocks(path, name):
                pass
        except UnicodeDecodeError:
            continue
        return name
    return _guess_encoding(Path(path).read_bytes())


def delimiter(path: Path, head: str) -> str:
    """The field separator of ``path``: by its ending, or for .txt sniffed from ``head``
    (the file's first characters).

    Examples
    --------
    >>> from pathlib import Path
    >>> delimiter(Path("a.tsv"), ""), delimiter(Path("a.txt"), "id;name\\n1;x\\n")
    ('\\t', ';')
    """
    lower = path.name.lower()
    if lower.endswith(".csv"):
        return ","
    if lower.endswith(".tsv"):
        return "\t"
    # A .txt export may use any of these; the sniffer looks at the first lines only.
    try:
        return csv.Sniffer().sniff(head[:64_000], delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def read_delimited(path: Path, encoding: str | None) -> tuple[pd.DataFrame, str]:
    """The whole file as a frame of strings, and the encoding used.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text('id,note\\nT1,NA\\nT2,\\n', encoding="utf-8")
    >>> frame, used = read_delimited(path, None)
    >>> frame["note"].tolist(), used
    (['NA', <NA>], 'utf-8')
    """
    data = path.read_bytes()
    used = encoding or detect_encoding(data)
    try:
        text = data.decode(used)
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot decode {str(path)!r} as {used}: {exc}") from None
    # An explicit encoding="utf-8" on a file with a BOM would leave the BOM glued to
    # the first column name.
    text = text.removeprefix("\ufeff")
    sep = delimiter(path, text)
    # pyarrow reads UTF-8 bytes: the file's own (after what the decoder dropped), or the
    # text encoded; the decoded text is let go meanwhile and made again if pandas reads
    if _is_utf8(used):
        utf8, skip = data, _utf8_prefix(data[:6], used)
    else:
        utf8, skip = text.encode("utf-8"), 0
    del data, text
    frame = None
    if _arrow_may_read_counts(utf8.count(b"\r", skip), utf8.count(b"\r\n", skip), utf8.find(b'"', skip) >= 0):
        frame = _arrow_whole(utf8, skip, sep)
    if frame is None:
        try:
            frame = pd.read_csv(io.StringIO(str(memoryview(utf8)[skip:], "utf-8")), sep=sep, **_PANDAS_OPTIONS)
        except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
            raise _unreadable(path, exc) from None
    return frame, used


class DelimitedChunks:
    """The rows of a delimited file, ``rows`` at a time: frames of strings whose index
    counts rows from the file's first (so chunk two of 1,000 rows starts at 1000).

    Every chunk has ``rows`` rows except the last; a file without data rows gives one
    empty frame (with the header's columns). Memory is bounded by the chunk, not the
    file: a file in an encoding other than UTF-8 is first re-encoded into a temporary
    UTF-8 copy.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("id,n\\nA,1\\nB,2\\nC,3\\n", encoding="utf-8")
    >>> chunks = DelimitedChunks(path, None, rows=2)
    >>> [(list(f.index), f["id"].tolist()) for f in chunks]
    [([0, 1], ['A', 'B']), ([2], ['C'])]
    >>> chunks.encoding
    'utf-8'
    """

    def __init__(self, path: str | Path, encoding: str | None, *, rows: int):
        if rows < 1:
            raise ValueError(f"rows must be at least 1, got {rows}")
        self.path = Path(path)
        self.rows = rows
        self.encoding = encoding or detect_file_encoding(self.path)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        with tempfile.TemporaryDirectory(prefix="svcinsight-csv-") as work:
            utf8, skip, arrow_may_read, head = self._utf8_copy(Path(work))
            sep = delimiter(self.path, head)
            done = 0
            if arrow_may_read:
                try:
                    for frame in self._arrow(utf8, skip, sep):
                        yield frame
                        done += len(frame)
                    return
                except _ArrowRefused:
                    pass
            yield from self._pandas(utf8, skip, sep, done)

    def _utf8_copy(self, work: Path) -> tuple[Path, int, bool, str]:
        """A UTF-8 version of the file (the file itself when it is UTF-8), the bytes to
        skip at its start (the BOM), whether pyarrow may read it, and the first
        characters (to sniff a .txt delimiter). Decoding the whole file here reports a bad
        byte before any row is read, as a whole read does."""
        is_utf8 = _is_utf8(self.encoding)
        target = self.path if is_utf8 else work / "utf8.csv"
        crs = crlfs = 0
        quotes = False
        previous = head = ""
        first, skip = True, 0
        with contextlib.ExitStack() as stack:
            out = None if is_utf8 else stack.enter_context(open(target, "wb"))
            for text in _decoded_blocks(self.path, self.encoding, where=self.path):
                if first:
                    first = False
                    if is_utf8:
                        with open(self.path, "rb") as fh:
                            skip = _utf8_prefix(fh.read(6), self.encoding)
                    text = text.removeprefix("\ufeff")
                crs += text.count("\r")
                quotes = quotes or '"' in text
                crlfs += (previous + text).count("\r\n") - previous.count("\r\n")
                previous = text[-1:]
                if len(head) < 64_000:
                    head += text[: 64_000 - len(head)]
                if out is not None:
                    out.write(text.encode("utf-8"))
        return target, skip, _arrow_may_read_counts(crs, crlfs, quotes), head

    def _arrow(self, utf8: Path, skip: int, sep: str) -> Iterator[pd.DataFrame]:
        import pyarrow as pa
        import pyarrow.csv as pcsv

        try:
            names = _arrow_names(lambda: _Stream(utf8, skip), sep)
            if names is None:
                raise _ArrowRefused
            tail = _sentinel_row(names, sep)
            with _Stream(utf8, skip, tail) as stream:
                reader = pcsv.open_csv(stream, **_arrow_options(names, sep, STREAM_BLOCK_BYTES))
                pending: list = []
                held = 0
                start = 0
                for batch in reader:
                    if batch.num_rows == 0:
                        continue
                    pending.append(batch)
                    held += batch.num_rows
                    # keep at least one row back: the last row must be the sentinel
                    while held > self.rows:
                        table = pa.Table.from_batches(pending)
                        yield _arrow_frame(table.slice(0, self.rows), start)
                        start += self.rows
                        rest = table.slice(self.rows)
                        pending, held = rest.to_batches(), rest.num_rows
                table = pa.Table.from_batches(pending, schema=reader.schema)
        except pa.ArrowInvalid:
            raise _ArrowRefused from None
        if not _ends_with_sentinel(table):
            raise _ArrowRefused
        table = table.slice(0, table.num_rows - 1)
        if table.num_rows or start == 0:
            yield _arrow_frame(table, start)

    def _pandas(self, utf8: Path, skip: int, sep: str, done: int) -> Iterator[pd.DataFrame]:
        """The careful reader, from the start; the first ``done`` rows were read already
        (``done`` is a whole number of chunks)."""
        start = 0
        with io.TextIOWrapper(io.BufferedReader(_Stream(utf8, skip), BLOCK_BYTES),
                              encoding="utf-8", newline="") as text:
            try:
                # a file without data rows gives one empty frame (with the header's columns)
                with pd.read_csv(text, sep=sep, chunksize=self.rows, **_PANDAS_OPTIONS) as reader:
                    for frame in reader:
                        stop = start + len(frame)
                        if stop > done or done == 0:
                            first = max(done, start)
                            frame = frame.iloc[first - start:]
                            frame.index = pd.RangeIndex(first, stop)
                            yield frame
                        start = stop
            except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
                raise _unreadable(self.path, exc) from None


class _ArrowRefused(Exception):
    """pyarrow cannot read this file as pandas would: read it the careful way."""


class _Stream(io.RawIOBase):
    """The bytes of a file (or of ``bytes``) after ``skip`` of them, then ``tail``."""

    def __init__(self, source: Path | bytes, skip: int = 0, tail: bytes = b""):
        # BytesIO shares the bytes given to it rather than copying them
        self._file = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
        self._file.seek(skip)
        self._tail = memoryview(tail)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._file.readinto(buffer)
        if n:
            return n
        n = min(len(buffer), len(self._tail))
        buffer[:n] = self._tail[:n]
        self._tail = self._tail[n:]
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


def _decoded_blocks(path: Path, encoding: str, *, where: Path | None = None) -> Iterator[str]:
    """The file decoded a block at a time (strict); with ``where``, a decoding error is a
    ValueError naming the file and the byte's position in it."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(BLOCK_BYTES)
            final = not block
            pending = len(decoder.getstate()[0])  # bytes of a character cut by the last block
            try:
                text = decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                if where is None:
                    raise
                raise ValueError(f"cannot decode {str(where)!r} as {encoding}: "
                                 f"{_decode_error(exc, offset - pending)}") from None
            offset += len(block)
            if text:
                yield text
            if final:
                return


def _decode_error(exc: UnicodeDecodeError, shift: int) -> str:
    """``str(exc)`` with positions counted from the file's start (as a whole decode has them)."""
    start, end = exc.start + shift, exc.end + shift
    if exc.end - exc.start == 1:
        return (f"{exc.encoding!r} codec can't decode byte 0x{exc.object[exc.start]:02x} in position "
                f"{start}: {exc.reason}")
    return f"{exc.encoding!r} codec can't decode bytes in position {start}-{end - 1}: {exc.reason}"


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def _utf8_prefix(head: bytes, encoding: str) -> int:
    """How many bytes at the start of a UTF-8 file (``head``: its first six) a whole read
    drops: the BOM the codec removes, and one more the reader removes."""
    skip = 0
    if codecs.lookup(encoding).name == "utf-8-sig" and head.startswith(codecs.BOM_UTF8):
        skip = 3
    if head[skip:].startswith(codecs.BOM_UTF8):
        skip += 3
    return skip


def _arrow_may_read_counts(crs: int, crlfs: int, quotes: bool) -> bool:
    """Whether pyarrow reads a file with these carriage returns (all of them, and those
    in ``\\r\\n``) and quotes as pandas does (see the module's notes)."""
    return crs == 0 or (crs == crlfs and not quotes)


def _arrow_options(names: list[str], sep: str, block: int) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    return {
        "read_options": pcsv.ReadOptions(block_size=block),
        "parse_options": pcsv.ParseOptions(delimiter=sep, newlines_in_values=True),
        "convert_options": pcsv.ConvertOptions(
            column_types={name: pa.string() for name in names}, null_values=[""],
            strings_can_be_null=True, quoted_strings_can_be_null=True,
        ),
    }


def _arrow_names(open_source, sep: str) -> list[str] | None:
    """The header's names if pyarrow may read the file, else None; ``open_source()``
    gives the file's bytes from its start."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = None
    # only the first block is parsed: a small one unless the header needs more
    for block in (1 << 16, BLOCK_BYTES):
        try:
            with open_source() as source:
                names = pcsv.open_csv(source, read_options=pcsv.ReadOptions(block_size=block),
                                      parse_options=pcsv.ParseOptions(delimiter=sep,
                                                                      newlines_in_values=True)).schema.names
            break
        except pa.ArrowInvalid:
            continue
    if names is None or len(names) < 2 or "" in names or len(set(names)) != len(names):
        return None
    return names


def _sentinel_row(names: list[str], sep: str) -> bytes:
    return ("\n" + sep.join([_SENTINEL] * len(names)) + "\n").encode("utf-8")


def _ends_with_sentinel(table) -> bool:
    if table.num_rows == 0:
        return False
    last = table.slice(table.num_rows - 1)
    return all(last.column(i)[0].as_py() == _SENTINEL for i in range(last.num_columns))


def _arrow_whole(utf8: bytes, skip: int, sep: str) -> pd.DataFrame | None:
    """The fast read of a whole file's UTF-8 bytes (after ``skip`` of them), or None
    (read it the careful way)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = _arrow_names(lambda: _Stream(utf8, skip), sep)
    if names is None:
        return None
    try:
        with _Stream(utf8, skip, _sentinel_row(names, sep)) as stream:
            table = pcsv.read_csv(stream, **_arrow_options(names, sep, BLOCK_BYTES))
    except pa.ArrowInvalid:
        return None
    if not _ends_with_sentinel(table):
        return None
    return _arrow_frame(table.slice(0, table.num_rows - 1), 0)


def _arrow_frame(table, start: int) -> pd.DataFrame:
    string = pd.api.types.pandas_dtype("string")
    frame = table.to_pandas(types_mapper=lambda t: string)
    frame.index = pd.RangeIndex(start, start + len(frame))
    return frame


def _unreadable(path: Path, exc: Exception) -> ValueError:
    return ValueError(f"cannot read {str(path)!r} as delimited text: {exc}")
