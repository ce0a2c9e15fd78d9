"""Delimited text: the fast reader (pyarrow) reads what the careful one (pandas) reads,
whole or in chunks, or leaves the file to it; encodings and errors in chunks."""

from __future__ import annotations

import io
import random

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import svcinsight as si
from svcinsight.io import delimited
from svcinsight.io.delimited import DelimitedChunks, read_delimited

# pieces of odd files: quotes, line ends of every kind, blanks, separators, non-ASCII
TOKENS = ["a", "b", ",", ",", '"', '"', "\n", "\n", "\r\n", "\r", " ", "\t", "x y", "é", "#", "'", "1",
          "\x0b", '""', "\u3000", "NA", "工单"]
HEADERS = ["h1,h2,h3\n", "h1,h2\n", "", "\nh1,h2\n", " h1,h2 \n", '"h1","h,2"\n', "h1,h1\n", "h1,,h3\n", "h1\n"]


def careful(text: str):
    """pandas' reading of ``text``: the definition of what a file reads as."""
    try:
        return pd.read_csv(io.StringIO(text), sep=",", dtype="string", keep_default_na=False, na_values=[""])
    except (pd.errors.EmptyDataError, pd.errors.ParserError):
        return None


FIELDS = ["", "x", " x ", "NA", '"a,b"', '"line\nbreak"', '"crlf\r\ninside"', '"say ""hi"""', '""', "é工",
          "2024-05-01 09:00", '"open', "\t", "#c", "x\"y"]


def odd_files(n: int, seed: int):
    """Texts of files: half random tokens, half rows of fields (some of the wrong length)."""
    rng = random.Random(seed)
    for _ in range(n):
        if rng.random() < 0.5:
            yield rng.choice(HEADERS) + "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 30)))
            continue
        width = rng.randint(1, 4)
        lines = [",".join(f"h{i}" for i in range(width))]
        for _ in range(rng.randint(0, 6)):
            size = width + (rng.choice([-1, 1]) if rng.random() < 0.1 else 0)
            lines.append(",".join(rng.choice(FIELDS) for _ in range(max(size, 1))))
        end = rng.choice(["\n", "\r\n"])
        yield end.join(lines) + rng.choice(["", end, end + end])


def test_fast_reader_reads_what_pandas_reads_or_leaves_the_file_to_it(tmp_path):
    path = tmp_path / "odd.csv"
    fast = 0
    for text in odd_files(800, seed=7):
        path.write_bytes(text.encode("utf-8"))
        expected = careful(text)
        if expected is None:
            with pytest.raises(ValueError, match="odd.csv"):
                read_delimited(path, None)
            continue
        frame, used = read_delimited(path, None)
        assert used == "utf-8"
        assert_frame_equal(frame, expected, check_index_type=True, obj=repr(text))
        data = text.encode()
        if (delimited._arrow_may_read_counts(data.count(b"\r"), data.count(b"\r\n"), b'"' in data)
                and delimited._arrow_whole(data, 0, ",") is not None):
            fast += 1
    assert fast > 50  # the fast path is not vacuous: it read a good share of the files


@pytest.mark.parametrize("rows", [1, 2, 5])
def test_chunks_add_up_to_the_whole_read(tmp_path, monkeypatch, rows):
    # small blocks: a character, a "\r\n" or a row split between two blocks
    monkeypatch.setattr(delimited, "BLOCK_BYTES", 16)
    monkeypatch.setattr(delimited, "STREAM_BLOCK_BYTES", 16)
    path = tmp_path / "odd.csv"
    for text in odd_files(150, seed=rows):
        path.write_bytes(text.encode("utf-8"))
        expected = careful(text)
        if expected is None:
            with pytest.raises(ValueError, match="odd.csv"):
                list(DelimitedChunks(path, None, rows=rows))
            continue
        chunks = list(DelimitedChunks(path, None, rows=rows))
        assert all(len(chunk) == rows for chunk in chunks[:-1])
        whole = pd.concat(chunks) if len(chunks) > 1 else chunks[0]
        # rows numbered through the chunks (a loader drops pandas' own index, as here)
        assert whole.index.equals(pd.RangeIndex(len(whole)))
        assert_frame_equal(whole, expected.reset_index(drop=True), obj=repr(text))


@pytest.mark.parametrize(("text", "columns"), [
    ("a,a\n1,2\n", ["a", "a.1"]),  # pandas renames a repeated name
    ("a,,c\n1,2,3\n", ["a", "Unnamed: 1", "c"]),
    ("a\n1\n  \n2\n", ["a"]),  # one column: a line of blanks is skipped
])
def test_headers_pandas_renames_go_the_careful_way(tmp_path, text, columns):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    frame, _ = read_delimited(path, None)
    assert list(frame.columns) == columns
    assert_frame_equal(pd.concat(list(DelimitedChunks(path, None, rows=1))), frame)


def test_a_file_ending_inside_quotes_is_refused_as_before(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text('ticket_id,created_at\nT1,"2024-05-01\nT2,2024-05-02\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"open\.csv.*EOF inside string"):
        read_delimited(path, None)
    with pytest.raises(ValueError, match=r"open\.csv.*EOF inside string"):
        list(DelimitedChunks(path, None, rows=1))


def test_short_rows_are_filled_by_the_careful_reader(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    frame, _ = read_delimited(path, None)
    assert frame["c"].tolist() == ["3", pd.NA]
    assert_frame_equal(pd.concat(list(DelimitedChunks(path, None, rows=1))), frame)


@pytest.mark.parametrize(("codec", "explicit"), [
    ("gbk", None), ("utf-8-sig", None), ("utf-8-sig", "utf-8"), ("utf-16", None), ("cp1252", "cp1252")])
def test_chunks_of_every_encoding(tmp_path, monkeypatch, codec, explicit):
    monkeypatch.setattr(delimited, "BLOCK_BYTES", 8)
    text = "工单,渠道,备注\nT1,电话,\"等待, 太长\"\r\nT2,在线,NA\n" if codec != "cp1252" else \
        "id,team\r\nT1,Équipe\r\nT2,\r\n"
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(codec))
    frame, used = read_delimited(path, explicit)
    chunks = DelimitedChunks(path, explicit, rows=1)
    assert_frame_equal(pd.concat(list(chunks)), frame)
    assert chunks.encoding == used
    assert not str(frame.columns[0]).startswith("\ufeff")


def test_a_txt_delimiter_is_sniffed_in_chunks(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("ticket_id;created_at;team\nT1;2024-05-01 09:00;billing, north\n", encoding="utf-8")
    frame, _ = read_delimited(path, None)
    assert frame.loc[0, "team"] == "billing, north"
    assert_frame_equal(next(iter(DelimitedChunks(path, None, rows=5))), frame)


def test_a_header_without_rows_gives_one_empty_chunk(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("ticket_id,created_at\n", encoding="utf-8")
    chunks = list(DelimitedChunks(path, None, rows=3))
    assert len(chunks) == 1 and chunks[0].empty
    assert list(chunks[0].columns) == ["ticket_id", "created_at"]


def test_a_bad_byte_is_reported_where_a_whole_read_reports_it(tmp_path, monkeypatch):
    monkeypatch.setattr(delimited, "BLOCK_BYTES", 5)
    path = tmp_path / "bad.csv"
    # a character cut by a block boundary decodes; the bad byte is found at its position
    path.write_bytes("id,name\nT1,工单\nT2,".encode() + b"\xff\xfe" + b"x\n")
    with pytest.raises(ValueError) as whole:
        read_delimited(path, "utf-8")
    with pytest.raises(ValueError) as chunked:
        DelimitedChunks(path, "utf-8", rows=2).__iter__().__next__()
    assert str(chunked.value) == str(whole.value)
    assert "bad.csv" in str(whole.value) and "position 21" in str(whole.value)


def test_loaders_read_the_same_through_either_reader(tmp_path, load):
    path = tmp_path / "t.csv"
    path.write_text('ticket_id,created_at,team\nT1,2024-05-01 09:00,"billing\nnorth"\nT2,,\n',
                    encoding="utf-8")
    t, ledger = load(si.io.read_tickets, path)
    assert t["team"].tolist() == ["billing\nnorth"]
    assert ledger.quarantine["row"].tolist() == [2]
