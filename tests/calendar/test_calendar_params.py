"""``BusinessCalendar.from_params``: a params file's ``calendar:`` mapping, and clear errors."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from svcinsight.calendar import BusinessCalendar

HOURS = {"mon-fri": [["09:00", "12:00"], ["13:30", "18:00"]], "sat": ["10:00-16:00"]}

UNIT_YAML = """
calendar:
  hours:
    mon-fri: ["09:00-12:00", "13:30-18:00"]
    sat: [["10:00", "16:00"]]
  holidays: CN
  extra_holidays: [2025-12-24]
  extra_workdays:
    2025-10-04: Golden Week Saturday on duty
  timezone: Asia/Shanghai
"""


def test_from_a_params_file():
    calendar = BusinessCalendar.from_params(yaml.safe_load(UNIT_YAML)["calendar"])
    assert calendar.timezone == "Asia/Shanghai"
    assert calendar.hours_between("2025-12-24", "2025-12-25") == 0
    assert calendar.hours_between("2025-10-04", "2025-10-05") == 7.5  # worked, weekday hours
    assert calendar.to_params() == {
        "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"], "sat": ["10:00-16:00"]},
        "holidays": "CN",
        "extra_holidays": ["2025-12-24"],
        "extra_workdays": ["2025-10-04"],
        "timezone": "Asia/Shanghai",
    }
    again = BusinessCalendar.from_params(calendar.to_params())
    assert repr(again) == repr(calendar)


def test_timezone_from_the_unit_unless_given():
    assert BusinessCalendar.from_params({"hours": HOURS}, timezone="Europe/Berlin").timezone == "Europe/Berlin"
    given = {"hours": HOURS, "timezone": "Asia/Tokyo"}
    assert BusinessCalendar.from_params(given, timezone="Europe/Berlin").timezone == "Asia/Tokyo"
    assert BusinessCalendar.from_params({"hours": HOURS}).timezone == "Asia/Shanghai"


def test_empty_mapping_is_the_24x7_clock():
    for empty in (None, {}):
        calendar = BusinessCalendar.from_params(empty, timezone="Asia/Shanghai")
        assert repr(calendar) == "BusinessCalendar.always(timezone='Asia/Shanghai')"
        assert calendar.hours_between("2025-10-01", "2025-10-02") == 24


def test_day_keys():
    calendar = BusinessCalendar({"Sat,Sunday": ["10:00-12:00"], "MONDAY": []}, timezone="UTC")
    assert calendar.to_params()["hours"] == {"sat-sun": ["10:00-12:00"]}
    calendar = BusinessCalendar({"fri-mon": ["10:00-12:00"], "tue": ["08:00-09:00"]}, timezone="UTC")
    assert calendar.to_params()["hours"] == {
        "mon": ["10:00-12:00"], "tue": ["08:00-09:00"], "fri-sun": ["10:00-12:00"],
    }
    times = BusinessCalendar({"mon": [(dt.time(9), "24:00")], "tue": [("9:00:30", "10:00")]})
    assert times.to_params()["hours"] == {"mon": ["09:00-24:00"], "tue": ["09:00:30-10:00"]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"hours": {"mon-fri": [("09:00", "25:00")]}},
         r"calendar\.hours\['mon-fri'\]\[0\]: '25:00' is not a time of day"),
        ({"hours": {"mon-fri": ["9:60-12:00"]}}, r"calendar\.hours\['mon-fri'\]\[0\]: '9:60'"),
        ({"hours": {"mon-fri": ["24:00-24:00"]}}, r"calendar\.hours\['mon-fri'\]\[0\]: a block cannot start at 24:00"),
        ({"hours": {"mon-fri": ["09:00-12:00", "11:30-14:00"]}},
         r"calendar\.hours\['mon-fri'\]: blocks 09:00-12:00 and 11:30-14:00 overlap"),
        ({"hours": {"mon": ["18:00-09:00"]}},
         r"calendar\.hours\['mon'\]\[0\]: block 18:00-09:00 ends before it starts; a block cannot cross midnight"),
        ({"hours": {"mon": ["09:00-09:00"]}}, r"calendar\.hours\['mon'\]\[0\]: block 09:00-09:00 ends before"),
        ({"hours": {"mon-fir": ["09:00-18:00"]}}, r"calendar\.hours: unknown day 'fir' in key 'mon-fir'"),
        ({"hours": {"funday": ["09:00-18:00"]}}, r"calendar\.hours: unknown day 'funday'"),
        ({"hours": {"mon-fri": ["09:00-18:00"], "fri": ["09:00-16:00"]}},
         r"calendar\.hours: fri is given twice \(in 'mon-fri' and 'fri'\)"),
        ({"hours": {"mon-fri": ("09:00", "18:00")}}, r"calendar\.hours\['mon-fri'\]: expected a list of blocks; write \[\('09:00', '18:00'\)\]"),
        ({"hours": {"mon-fri": "09:00-18:00"}}, r"calendar\.hours\['mon-fri'\]: expected a list of blocks"),
        ({"hours": {"mon": ["09:00"]}}, r"calendar\.hours\['mon'\]\[0\]: '09:00' is not a block"),
        ({"hours": ["09:00-18:00"]}, r"calendar\.hours: expected a mapping of days to blocks"),
        ({"hours": HOURS, "holidays": "XX"}, r"calendar\.holidays: unknown country code 'XX'"),
        ({"hours": HOURS, "timezone": "Asia/Beijing"}, r"calendar\.timezone: unknown timezone 'Asia/Beijing'"),
        ({"hours": HOURS, "extra_holidays": ["2025-12-24", "2025-13-01"]},
         r"calendar\.extra_holidays\[1\]: '2025-13-01' is not a date"),
        ({"hours": HOURS, "extra_workdays": "2025-10-04"}, r"calendar\.extra_workdays: expected a list of dates"),
        ({"hours": HOURS, "extra_holidays": ["2025-10-04"], "extra_workdays": ["2025-10-04"]},
         r"calendar\.extra_workdays: 2025-10-04 is also in extra_holidays"),
        ({"hours": HOURS, "hollidays": "CN"}, r"calendar: unknown key 'hollidays' \(known keys: hours, "),
        ({"holidays": "CN"}, r"calendar\.hours: missing"),
        ("CN", r"calendar: expected a mapping"),
    ],
)
def test_errors_name_the_key(params, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_params(params)


def test_unquoted_yaml_times_get_a_hint():
    # YAML 1.1 reads 13:30 unquoted as 13 * 60 + 30 = 810 (09:00 stays a string).
    params = yaml.safe_load("hours:\n  mon-fri: [[09:00, 13:30]]\n")
    assert params["hours"]["mon-fri"] == [["09:00", 810]]
    with pytest.raises(ValueError, match=r"calendar\.hours\['mon-fri'\]\[0\]: 810 is not a time .*quote times"):
        BusinessCalendar.from_params(params)


def test_constructor_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"^hours\['mon'\]\[0\]: '25:00'"):
        BusinessCalendar({"mon": ["09:00-25:00"]})
    with pytest.raises(ValueError, match=r"^extra_holidays\[0\]: datetime.datetime\(2025, 1, 1, 10, 0\) is not a date"):
        BusinessCalendar({}, extra_holidays=[dt.datetime(2025, 1, 1, 10)])
