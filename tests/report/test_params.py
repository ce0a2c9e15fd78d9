from pathlib import Path

import pytest

from svcinsight.unit.params import ParamsError, load_params, unit_files

ROOT = Path(__file__).resolve().parents[2]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_file_gets_the_documented_defaults(tmp_path):
    p = load_params(write(tmp_path, "shop.yaml", "unit: shop\nsources:\n  tickets: t.csv\n"))
    assert p.language == "en" and p.timezone == "Asia/Shanghai"
    assert p.sla == {"urgent": 0.5, "important": 2.0, "normal": 24.0}
    assert p.sources.tickets.path == (tmp_path / "t.csv").resolve()
    assert p.sources.events is None


def test_unknown_key_names_file_and_key(tmp_path):
    path = write(tmp_path, "shop.yaml", "unit: shop\nlanguage: en\ntimezon: UTC\nsources:\n  tickets: t.csv\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(path) in str(err.value) and "timezon" in str(err.value) and "unknown key" in str(err.value)


def test_misspelt_nested_source_key_is_an_error(tmp_path):
    path = write(tmp_path, "shop.yaml", "unit: shop\nsources:\n  tickets:\n    path: t.csv\n    colums: {}\n")
    with pytest.raises(ParamsError, match=r"sources\.tickets\.colums: unknown key"):
        load_params(path)


def test_missing_unit_and_bad_values_reported_together(tmp_path):
    path = write(tmp_path, "x.yaml", "language: fr\ntimezone: Mars/Olympus\nsources:\n  tickets: t.csv\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    text = str(err.value)
    assert "unit: required key is missing" in text
    assert "language" in text and "timezone" in text


def test_defaults_file_merged_under_unit(tmp_path):
    write(tmp_path, "_defaults.yaml", "language: zh\nsources:\n  tickets: all.csv\n  orders: orders.csv\n")
    p = load_params(write(tmp_path, "a.yaml", "unit: a\nsources:\n  orders: mine.csv\n"))
    assert p.language == "zh"
    assert p.sources.tickets.path.name == "all.csv"
    assert p.sources.orders.path.name == "mine.csv"


def test_sql_url_password_comes_from_environment_and_is_never_described(tmp_path, monkeypatch):
    path = write(tmp_path, "a.yaml",
                 "unit: a\nsources:\n  tickets:\n    url: postgresql://svc:${PG_PASSWORD}@db/svc\n    table: tickets\n")
    spec = load_params(path).sources.tickets
    monkeypatch.setenv("PG_PASSWORD", "s3cret")
    assert spec.location() == "postgresql://svc:s3cret@db/svc"
    assert "s3cret" not in spec.describe()
    monkeypatch.delenv("PG_PASSWORD")
    with pytest.raises(ParamsError, match="PG_PASSWORD"):
        spec.location()


def test_sql_url_without_query_or_table_is_rejected(tmp_path):
    path = write(tmp_path, "a.yaml", "unit: a\nsources:\n  tickets:\n    url: sqlite:///x.db\n")
    with pytest.raises(ParamsError, match="query"):
        load_params(path)


def test_unit_files_skip_shared_defaults_and_name_unknown_units(tmp_path):
    write(tmp_path, "_defaults.yaml", "language: en\n")
    write(tmp_path, "a.yaml", "unit: a\n")
    assert list(unit_files(tmp_path)) == ["a"]
    with pytest.raises(ParamsError, match="no params file for unit"):
        unit_files(tmp_path, ["b"])


def test_every_committed_params_file_is_valid():
    files = unit_files(ROOT / "params")
    assert set(files) >= {"ecommerce", "finance", "manufacturing", "consumer_services"}
    for unit, path in files.items():
        assert load_params(path).unit == unit


def test_an_event_log_alone_needs_its_resolution_stages(tmp_path):
    path = write(tmp_path, "log.yaml", "unit: log\nsources:\n  events: events.csv\n")
    with pytest.raises(ParamsError, match="resolution_stages"):
        load_params(path)
    path = write(tmp_path, "log.yaml",
                 "unit: log\nsources:\n  events: events.csv\nprocess:\n  resolution_stages: [Resolve ticket]\n")
    assert load_params(path).sources.tickets is None
    path = write(tmp_path, "fb.yaml", "unit: fb\nsources:\n  feedback: fb.csv\n")
    with pytest.raises(ParamsError, match="tickets, or events"):
        load_params(path)
