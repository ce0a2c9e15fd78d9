"""Reading each kind of source: CSV encodings and delimiters, Excel, Parquet, SQL."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

import svcinsight as si
from svcinsight.io.sources import detect_encoding

CHINESE_CSV = (
    "工单编号,创建时间,渠道,备注\n"
    "T1,2024-05-01 09:00,电话,客户投诉：等待时间太长\n"
    "T2,2024-05-01 10:30,在线客服,已解决，客户满意\n"
)
CHINESE_COLUMNS = {"ticket_id": "工单编号", "created_at": "创建时间", "channel": "渠道"}


def tickets_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "ticket_id": [101, 102, 103],
        "created_at": pd.to_datetime(["2024-05-01 09:00", "2024-05-01 10:00", "2024-05-02 11:00"]),
        "channel": ["phone", "chat", None],
        "reopened": [0, 2, None],
        "handle_minutes": [12.5, 3.0, None],
    })


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_chinese_csv_encodings_detected_from_bytes(tmp_path, load, codec):
    path = tmp_path / f"tickets_{codec}.csv"
    path.write_bytes(CHINESE_CSV.encode(codec))
    tickets, ledger = load(si.io.read_tickets, path, CHINESE_COLUMNS, extra_columns=("备注",))
    # GB18030 is a superset of GBK: a GBK file decodes identically and is reported as such.
    assert ledger.encoding == "gb18030"
    assert tickets["channel"].tolist() == ["电话", "在线客服"]
    assert tickets["备注"].tolist() == ["客户投诉：等待时间太长", "已解决，客户满意"]


def test_gb18030_only_characters(tmp_path, load):
    # U+20BB7 has no GBK code; only GB18030's four-byte form can carry it.
    text = "ticket_id,created_at,category\nT1,2024-05-01 09:00,𠮷野家投诉\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    path = tmp_path / "gb18030.csv"
    path.write_bytes(text.encode("gb18030"))
    tickets, ledger = load(si.io.read_tickets, path)
    assert ledger.encoding == "gb18030"
    assert tickets.loc[0, "category"] == "𠮷野家投诉"


def test_utf8_bom_does_not_reach_the_first_column(tmp_path, load):
    path = tmp_path / "bom.csv"
    path.write_bytes("ticket_id,created_at\nT1,2024-05-01 09:00\n".encode("utf-8-sig"))
    tickets, ledger = load(si.io.read_tickets, path)
    assert ledger.encoding == "utf-8-sig"
    assert list(tickets.columns) == ["ticket_id", "created_at"]
    # An explicit utf-8 on the same file must not leave the BOM in the name either.
    tickets, ledger = load(si.io.read_tickets, path, encoding="utf-8")
    assert ledger.encoding == "utf-8"
    assert tickets["ticket_id"].tolist() == ["T1"]


def test_explicit_encoding_wins(tmp_path, load):
    path = tmp_path / "latin.csv"
    path.write_bytes("ticket_id,created_at,team\nT1,2024-05-01 09:00,Équipe\n".encode("cp1252"))
    tickets, ledger = load(si.io.read_tickets, path, encoding="cp1252")
    assert ledger.encoding == "cp1252"
    assert tickets.loc[0, "team"] == "Équipe"


def test_wrong_explicit_encoding_names_the_file(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(CHINESE_CSV.encode("gbk"))
    with pytest.raises(ValueError, match=r"gbk\.csv.*utf-8"):
        si.io.read_tickets(path, CHINESE_COLUMNS, encoding="utf-8")


def test_detect_encoding_falls_back_to_charset_normalizer():
    data = ("Résumé de la réclamation: très déçu. " * 20).encode("cp1252") + b"\x81"
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb18030")
    assert detect_encoding(data) not in ("utf-8", "gb18030")


def test_empty_fields_are_missing_but_na_text_is_kept(tmp_path, load):
    path = tmp_path / "na.csv"
    path.write_text("ticket_id,created_at,business_unit,team\nT1,2024-05-01 09:00,NA,\n",
                    encoding="utf-8")
    tickets, _ = load(si.io.read_tickets, path)
    assert tickets.loc[0, "business_unit"] == "NA"  # e.g. North America, not "missing"
    assert pd.isna(tickets.loc[0, "team"])


@pytest.mark.parametrize(("name", "sep"), [("t.tsv", "\t"), ("t.txt", ";"), ("t.txt", "\t")])
def test_delimiters(tmp_path, load, name, sep):
    path = tmp_path / name
    path.write_text(sep.join(["ticket_id", "created_at", "team"]) + "\n"
                    + sep.join(["T1", "2024-05-01 09:00", "billing, north"]) + "\n",
                    encoding="utf-8")
    tickets, _ = load(si.io.read_tickets, path)
    assert tickets.loc[0, "team"] == "billing, north"


def test_excel(tmp_path, load):
    path = tmp_path / "tickets.xlsx"
    frame = tickets_frame()
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="notes", index=False)
        frame.to_excel(writer, sheet_name="tickets", index=False)
    tickets, ledger = load(si.io.read_tickets, path, sheet_name="tickets")
    assert ledger.source == str(path) and ledger.encoding is None
    assert tickets["ticket_id"].tolist() == ["101", "102", "103"]
    assert tickets.loc[0, "created_at"] == pd.Timestamp("2024-05-01 09:00", tz="Asia/Shanghai")
    assert tickets["reopened"].tolist()[:2] == [0, 2] and pd.isna(tickets.loc[2, "reopened"])
    assert tickets["handle_minutes"].tolist()[:2] == [12.5, 3.0]
    with pytest.raises(si.io.SchemaError, match="'x'"):
        si.io.read_tickets(path, sheet_name=0)


def test_parquet_file_and_partitioned_directory(tmp_path, load):
    frame = tickets_frame().assign(
        created_at=lambda f: f["created_at"].dt.tz_localize("UTC"), business_unit=["n", "n", "s"]
    )
    path = tmp_path / "tickets.parquet"
    frame.to_parquet(path)
    tickets, _ = load(si.io.read_tickets, path)
    # Stored in UTC, shown in the unit's timezone: 09:00 UTC is 17:00 in Shanghai.
    assert tickets.loc[0, "created_at"] == pd.Timestamp("2024-05-01 17:00", tz="Asia/Shanghai")
    assert tickets["ticket_id"].tolist() == ["101", "102", "103"]
    assert str(tickets["reopened"].dtype) == "Int64"

    folder = tmp_path / "staged"
    frame.to_parquet(folder, partition_cols=["business_unit"])
    tickets, ledger = load(si.io.read_tickets, folder)
    assert ledger.rows_in == 3
    assert sorted(tickets["ticket_id"]) == ["101", "102", "103"]


def test_pq_extension(tmp_path, load):
    path = tmp_path / "orders.pq"
    pd.DataFrame({"date": ["2024-05-01"], "orders": [120]}).to_parquet(path)
    orders, _ = load(si.io.read_orders, path)
    assert orders["orders"].tolist() == [120]


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'service.db'}"
    engine = sa.create_engine(url)
    frame = tickets_frame().assign(created_at=lambda f: f["created_at"].astype(str))
    frame.to_sql("tickets", engine, index=False)
    engine.dispose()
    return url


def test_sqlite_table(sqlite_url, load):
    tickets, ledger = load(si.io.read_tickets, sqlite_url, table="tickets")
    assert ledger.rows_in == 3
    assert ledger.source.endswith("(table tickets)")
    assert tickets["ticket_id"].tolist() == ["101", "102", "103"]
    assert tickets.loc[2, "created_at"] == pd.Timestamp("2024-05-02 11:00", tz="Asia/Shanghai")


def test_sqlite_query(sqlite_url, load):
    tickets, ledger = load(
        si.io.read_tickets, sqlite_url,
        {"ticket_id": "id", "created_at": "opened"},
        query="SELECT ticket_id AS id, created_at AS opened FROM tickets WHERE reopened > 0",
    )
    assert ledger.source.endswith("(query)")
    assert tickets["ticket_id"].tolist() == ["102"]


def test_sql_needs_query_or_table_and_hides_the_password():
    with pytest.raises(ValueError, match="exactly one of query= or table=") as excinfo:
        si.io.read_tickets("postgresql://analyst:s3cret@db.example/service")
    assert "s3cret" not in str(excinfo.value)


def test_query_without_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match="SQLAlchemy URL"):
        si.io.read_tickets(tmp_path / "t.csv", query="SELECT 1")


def test_unknown_extension_names_the_path(tmp_path):
    path = tmp_path / "tickets.docx"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match=r"tickets\.docx.*unknown file type"):
        si.io.read_tickets(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        si.io.read_tickets(tmp_path / "nope.csv")


def test_unsupported_source_type():
    with pytest.raises(TypeError, match="DataFrame, a file path or a SQLAlchemy URL"):
        si.io.read_tickets([{"ticket_id": "T1"}])


def test_dataframe_source_index_is_ignored(load):
    frame = pd.DataFrame({"ticket_id": ["T1", "T2"], "created_at": ["2024-05-01", "x"]},
                         index=[10, 20])
    _, ledger = load(si.io.read_tickets, frame)
    assert ledger.source == "DataFrame"
    assert ledger.quarantine["row"].tolist() == [2]  # the 1-based position, not the label


def test_empty_and_malformed_csv_name_the_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty\.csv"):
        si.io.read_tickets(empty)
    broken = tmp_path / "broken.csv"
    broken.write_text('ticket_id,created_at\nT1,"2024-05-01\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.csv"):
        si.io.read_tickets(broken)


def test_header_only_csv_gives_an_empty_typed_table(tmp_path, load):
    path = tmp_path / "header.csv"
    path.write_text("ticket_id,created_at\n", encoding="utf-8")
    tickets, ledger = load(si.io.read_tickets, path)
    assert ledger.rows_in == 0
    assert str(tickets["created_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
