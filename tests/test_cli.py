import pandas as pd

from svcinsight import cli


def test_metrics_command_on_the_real_311_export(shared_data, tmp_path, capsys):
    mapping = tmp_path / "columns.yaml"
    mapping.write_text(
        "timezone: America/New_York\n"
        "columns: {ticket_id: Unique Key, created_at: Created Date, resolved_at: Closed Date, business_unit: Agency}\n"
        'formats: {created_at: "%m/%d/%Y %I:%M:%S %p", resolved_at: "%m/%d/%Y %I:%M:%S %p"}\n',
        encoding="utf-8")
    out = tmp_path / "metrics.csv"
    code = cli.main(["metrics", str(shared_data / "nyc311_2022-05-01_sample.csv"), "--columns", str(mapping),
                     "--by", "business_unit", "--metrics", "tickets_created", "--output", str(out)])
    assert code == 0
    assert "924 rows in, 924 kept" in capsys.readouterr().err
    frame = pd.read_csv(out)
    raw = pd.read_csv(shared_data / "nyc311_2022-05-01_sample.csv", dtype=str)
    assert frame.set_index("business_unit")["value"].to_dict() == raw["Agency"].value_counts().astype(float).to_dict()


def test_metrics_command_plain_mapping_and_bad_input(tmp_path, capsys):
    src = tmp_path / "t.csv"
    src.write_text("No,Opened\nA1,2026-10-01 09:00\nA2,2026-10-02 10:00\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("ticket_id: No\ncreated_at: Opened\n", encoding="utf-8")
    # unquoted No is a YAML boolean: the message says to quote it
    assert cli.main(["metrics", str(src), "--columns", str(mapping)]) == 2
    assert "quote the source column name" in capsys.readouterr().err
    mapping.write_text('ticket_id: "No"\ncreated_at: Opened\n', encoding="utf-8")
    assert cli.main(["metrics", str(src), "--columns", str(mapping), "--metrics", "tickets_created"]) == 0
    assert "2026-10,tickets_created,2.0" in capsys.readouterr().out
    assert cli.main(["metrics", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err
    # a required column missing from the source: the message names it, exit 2
    assert cli.main(["metrics", str(src)]) == 2
    assert "ticket_id" in capsys.readouterr().err
