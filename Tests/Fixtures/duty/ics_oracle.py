"""Reads an iCalendar file with Python's icalendar package and prints what it found as JSON.

Used by pushnote's tests as an independent parser. For each VEVENT it gives the start in UTC twice:
once through the zone the TZID names (the system's zoneinfo) and once through the file's own
VTIMEZONE alone, so a wrong VTIMEZONE shows up as a difference.
"""
import datetime
import json
import sys

from icalendar import Calendar

raw = open(sys.argv[1], "rb").read()
physical = raw.split(b"\r\n")
utc = datetime.timezone.utc
calendar = Calendar.from_ical(raw.decode("utf-8"))
zones = calendar.walk("VTIMEZONE")
own_zone = zones[0].to_tz(lookup_tzid=False) if zones else None
events = []
for event in calendar.walk("VEVENT"):
    start = event.decoded("DTSTART")
    own = start.replace(tzinfo=None).replace(tzinfo=own_zone) if own_zone else start
    events.append({
        "uid": str(event["UID"]),
        "summary": str(event["SUMMARY"]),
        "description": str(event["DESCRIPTION"]),
        "stamp": event.decoded("DTSTAMP").astimezone(utc).isoformat(),
        "tzid": start.tzinfo.key if hasattr(start.tzinfo, "key") else str(start.tzinfo),
        "start_by_tzid": start.astimezone(utc).isoformat(),
        "start_by_vtimezone": own.astimezone(utc).isoformat(),
        "duration_minutes": int(event.decoded("DURATION").total_seconds() // 60),
        "alarm_minutes": [int(-alarm.decoded("TRIGGER").total_seconds() // 60) for alarm in event.walk("VALARM")],
    })
print(json.dumps({
    "ends_with_crlf": raw.endswith(b"\r\n"),
    "bare_line_feeds": raw.replace(b"\r\n", b"").count(b"\n"),
    "longest_line_octets": max(len(line) for line in physical),
    "timezones": [str(zone["TZID"]) for zone in zones],
    "events": events,
}))
