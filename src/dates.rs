//! Dates and times: parsing front-matter dates in an item's time zone, and formatting them
//! for each language ("13 December 2010", "2010년 12월 13일", ...).

use jiff::civil::Date;
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::{Timestamp, Zoned};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

/// A date as written in front matter or data, before it is read in a time zone.
/// Accepts TOML date/date-time literals and strings (TOML, YAML).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date (2026-11-18) or date-time (2026-11-18T10:00:00+01:00)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.trim().to_string()))
            }
            // YAML `embargo: null`, `embargo: ~` and a bare `embargo:`: a key written with no
            // date must not quietly mean "no embargo".
            fn visit_unit<E: de::Error>(self) -> Result<DateText, E> {
                Err(E::custom(
                    "the date is empty (null); write a date such as `2026-11-18T10:00:00+01:00`, or remove the key",
                ))
            }
            fn visit_none<E: de::Error>(self) -> Result<DateText, E> {
                self.visit_unit()
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateText, A::Error> {
                // toml hands date-time literals over as a one-entry map with a private key.
                let value: Option<(String, String)> = map.next_entry()?;
                match value {
                    Some((_, text)) => Ok(DateText(text)),
                    None => Err(de::Error::custom("expected a date")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// For an optional date key (`#[serde(default, deserialize_with = ...)]`): an absent key is
/// None, but a key that is present must hold a date (YAML `null` is an error, not "none").
pub fn present_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateText>, D::Error> {
    DateText::deserialize(d).map(Some)
}

/// Why a date or time-zone name written in front matter or `site.toml` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing but spaces.
    #[error(
        "the date is empty; write `2026-11-18`, `2026-11-18T10:00:00` or `2026-11-18T10:00:00+01:00`, or remove the key"
    )]
    Empty,
    /// Not a date in any form pressroom reads.
    #[error(
        "`{0}` is not a date; write `2026-11-18`, `2026-11-18T10:00:00` or `2026-11-18T10:00:00+01:00`"
    )]
    NotADate(String),
    /// `-00:00`, RFC 3339's "offset unknown".
    #[error(
        "`{0}` has an unknown offset (`-00:00`); write `Z` or a numeric offset such as `+01:00`"
    )]
    UnknownOffset(String),
    /// An offset of a day or more.
    #[error(
        "`{text}` has the offset {}, which is not a UTC offset: offsets run from -23:59 to +23:59",
        offset_label(*.offset)
    )]
    OffsetOutOfRange {
        /// The date as written.
        text: String,
        /// Its offset.
        offset: Offset,
    },
    /// A local time that the clocks skip in the time zone.
    #[error(
        "`{text}` does not exist in {zone}: it falls in the daylight-saving gap when the clocks jump from {} to {}{}; write the time with its offset (`...+HH:MM`) or a time outside the gap",
        offset_label(*.before),
        offset_label(*.after),
        .meant.as_ref().map(|m| format!(" (read as the clock shows it, it would be {m})")).unwrap_or_default()
    )]
    InGap {
        /// The date as written.
        text: String,
        /// The time zone's name.
        zone: String,
        /// The offset before the jump.
        before: Offset,
        /// The offset after it.
        after: Offset,
        /// The instant the clock reading would give, in RFC 3339, when there is one.
        meant: Option<String>,
    },
    /// A time-zone name the bundled database does not have.
    #[error("unknown time zone `{0}`; use an IANA name such as `Europe/Stockholm` or `Asia/Seoul`")]
    UnknownTimeZone(String),
}

/// Reads a date or date-time: with an offset it is an instant; without one it is read in `tz`;
/// a date alone is midnight in `tz`. An offset must lie within ±23:59 (RFC 3339); a local time
/// that does not exist in `tz` (a daylight-saving gap) is an error naming the gap. A time past
/// the last instant pressroom can represent (9999-12-30T22:00:00Z) is read as that instant.
pub fn parse_in(text: &str, tz: &TimeZone) -> Result<Timestamp, DateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    let normalized = text.replacen(' ', "T", 1);
    let Ok(pieces) = Pieces::parse(normalized.as_str()) else {
        return Err(DateError::NotADate(text.to_string()));
    };
    let local = pieces
        .date()
        .to_datetime(pieces.time().unwrap_or(jiff::civil::Time::midnight()));
    let offset = match pieces.offset() {
        Some(PiecesOffset::Zulu) => Some(Offset::UTC),
        Some(PiecesOffset::Numeric(n)) => Some(n.offset()),
        Some(_) => return Err(DateError::UnknownOffset(text.to_string())),
        None => None,
    };
    let instant = match offset {
        Some(offset) if offset.seconds().abs() >= 24 * 3600 => {
            return Err(DateError::OffsetOutOfRange {
                text: text.to_string(),
                offset,
            });
        }
        Some(offset) => offset.to_timestamp(local),
        None => {
            let ambiguous = tz.to_ambiguous_zoned(local);
            if let AmbiguousOffset::Gap { before, after } = ambiguous.offset() {
                let resolved = ambiguous.clone().compatible().map(|z| z.timestamp());
                return Err(DateError::InGap {
                    text: text.to_string(),
                    zone: tz.iana_name().unwrap_or("the time zone").to_string(),
                    before,
                    after,
                    meant: resolved.ok().map(|ts| rfc3339(ts, tz)),
                });
            }
            ambiguous.compatible().map(|z| z.timestamp())
        }
    };
    // Only the range can fail here (the date and the offset are valid): 9999-12-31 means
    // "as late as can be", -9999-01-01 "as early".
    Ok(instant.unwrap_or(if local.year() > 0 {
        Timestamp::MAX
    } else {
        Timestamp::MIN
    }))
}

/// `UTC+01:00`.
fn offset_label(offset: Offset) -> String {
    let s = offset.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    format!(
        "UTC{sign}{:02}:{:02}",
        s.abs() / 3600,
        (s.abs() % 3600) / 60
    )
}

/// Looks up an IANA time-zone name in the bundled database.
pub fn time_zone(name: &str) -> Result<TimeZone, DateError> {
    if name.eq_ignore_ascii_case("utc") {
        return Ok(TimeZone::UTC);
    }
    TimeZone::get(name).map_err(|_| DateError::UnknownTimeZone(name.to_string()))
}

/// RFC 3339 with the local offset of `tz`, e.g. `2026-11-18T10:00:00+09:00`.
pub fn rfc3339(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// RFC 3339 in UTC with `Z`, for machine-readable outputs where the zone does not matter.
pub fn rfc3339_utc(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// RFC 2822, for RSS.
pub fn rfc2822(ts: Timestamp) -> String {
    ts.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// The date formats templates can ask for by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// "13 December 2010", "2010년 12월 13일".
    Long,
    /// Numeric: "13/12/2010", "2010. 12. 13.", "2010/12/13".
    Short,
    /// Long date plus time and zone.
    DateTime,
    /// As `DateTime`, but the long date alone at local midnight: a release dated by day only
    /// (read as 00:00 in its zone) must not claim it went out at "00:00 CET".
    Timed,
    /// `2010-12-13`.
    Iso,
}

impl DateFormat {
    /// Parses a format name used in templates.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "long" => DateFormat::Long,
            "short" => DateFormat::Short,
            "datetime" => DateFormat::DateTime,
            "timed" => DateFormat::Timed,
            "iso" => DateFormat::Iso,
            _ => return None,
        })
    }
}

/// Parses a date as templates receive it (RFC 3339, or a plain date) keeping its own offset.
pub fn parse_view_date(text: &str) -> Option<Zoned> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        // Keep the written offset so the local date is the one the author meant.
        let rest = text
            .get(19..)
            .unwrap_or("")
            .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        let offset = parse_offset(rest);
        let tz = offset.map(TimeZone::fixed).unwrap_or(TimeZone::UTC);
        return Some(ts.to_zoned(tz));
    }
    let date = text.parse::<Date>().ok()?;
    date.to_zoned(TimeZone::UTC).ok()
}

/// The same instant read in `tz`, so the time can be labelled with the zone's abbreviation
/// ("CEST" rather than "UTC+02:00") -- but only when the zone agrees with the offset the time
/// carries: a time written as `07:30+09:00` on a Stockholm item stays 07:30 (UTC+09:00), the
/// clock reading its author chose, rather than becoming 00:30 CEST.
pub fn in_zone(zoned: Zoned, tz: TimeZone) -> Zoned {
    if tz.to_offset(zoned.timestamp()) == zoned.offset() {
        zoned.with_time_zone(tz)
    } else {
        zoned
    }
}

/// Parses `Z`, `+09:00` or `-05:30` into an offset.
fn parse_offset(text: &str) -> Option<jiff::tz::Offset> {
    if text.eq_ignore_ascii_case("z") {
        return Some(jiff::tz::Offset::UTC);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = text[1..].split_once(':')?;
    let seconds = sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60);
    jiff::tz::Offset::from_seconds(seconds).ok()
}

/// How a language writes a long date: a pattern with `{d}`, `{m}` (month number), `{month}`
/// (month name) and `{y}`. One description serves both the pages (via [`format`]) and the
/// search page's script, so search results read "13 October 2026" as the pages do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LongStyle {
    /// E.g. `{d} {month} {y}`, `{y}년 {m}월 {d}일`.
    pub pattern: &'static str,
    /// Month names, January first; empty where the pattern uses numbers.
    pub months: &'static [&'static str],
    /// How the first day of a month is written where it is not "1" (French "1er").
    pub first_day: Option<&'static str>,
}

/// The long-date style of a language (`fr-CA` reads as `fr`); English's for unknown ones.
pub fn long_style(lang: &str) -> LongStyle {
    let base = lang.split(['-', '_']).next().unwrap_or(lang);
    let named = |months: &'static [&'static str], first_day| LongStyle {
        pattern: "{d} {month} {y}",
        months,
        first_day,
    };
    let numeric = |pattern| LongStyle {
        pattern,
        months: &[],
        first_day: None,
    };
    match base {
        "fr" => named(&MONTHS_FR, Some("1er")),
        "sv" => named(&MONTHS_SV, None),
        "ko" => numeric("{y}년 {m}월 {d}일"),
        "ja" | "zh" => numeric("{y}年{m}月{d}日"),
        _ => named(&MONTHS_EN, None),
    }
}

/// A long date in a language's style: "13 December 2010", "1er mars 2024", "2010년 12월 13일".
/// The pattern's placeholders are filled in one pass over it (it was four `replace`s and three
/// `to_string`s, each a new string, on each of a page's ~9 dates).
fn long_date(y: i16, m: i8, d: i8, lang: &str) -> String {
    let style = long_style(lang);
    let month = style
        .months
        .get(m as usize - 1)
        .copied()
        .unwrap_or_default();
    let mut out = String::with_capacity(style.pattern.len() + 16);
    let mut rest = style.pattern;
    while let Some(open) = rest.bytes().position(|b| b == b'{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let taken = if after.starts_with("{d}") {
            match style.first_day {
                Some(first) if d == 1 => out.push_str(first),
                _ => out.push_str(itoa::Buffer::new().format(d)),
            }
            3
        } else if after.starts_with("{month}") {
            out.push_str(month);
            7
        } else if after.starts_with("{m}") {
            out.push_str(itoa::Buffer::new().format(m));
            3
        } else if after.starts_with("{y}") {
            out.push_str(itoa::Buffer::new().format(y));
            3
        } else {
            out.push('{');
            1
        };
        rest = &after[taken..];
    }
    out.push_str(rest);
    out
}

/// Formats a zoned time for a language.
pub fn format(z: &Zoned, fmt: DateFormat, lang: &str) -> String {
    let (y, m, d) = (z.year(), z.month(), z.day());
    let base = lang.split(['-', '_']).next().unwrap_or(lang);
    // Not made for the numeric formats, which do not show it.
    let long = || long_date(y, m, d, lang);
    match fmt {
        DateFormat::Long => long(),
        DateFormat::Iso => format!("{y:04}-{m:02}-{d:02}"),
        DateFormat::Short => match base {
            "ko" => format!("{y}. {m}. {d}."),
            "ja" | "zh" => format!("{y}/{m:02}/{d:02}"),
            "sv" => format!("{y:04}-{m:02}-{d:02}"),
            "en" => format!("{d:02}/{m:02}/{y}"),
            _ => format!("{d:02}/{m:02}/{y}"),
        },
        DateFormat::Timed if (z.hour(), z.minute(), z.second()) == (0, 0, 0) => long(),
        DateFormat::DateTime | DateFormat::Timed => {
            let long = long();
            let time = format!("{:02}:{:02}", z.hour(), z.minute());
            let zone = zone_label(z);
            match base {
                "ko" => format!("{long} {time} ({zone})"),
                "ja" | "zh" => format!("{long} {time}（{zone}）"),
                "fr" => format!("{long} à {time} ({zone})"),
                "sv" => format!("{long} kl. {time} ({zone})"),
                _ => format!("{long}, {time} {zone}"),
            }
        }
    }
}

/// A readable zone label: the abbreviation when the zone has a well-known one, else `UTC+09:00`.
fn zone_label(z: &Zoned) -> String {
    let info = z.time_zone().to_offset_info(z.timestamp());
    let abbr = info.abbreviation();
    if abbr.chars().all(|c| c.is_ascii_alphabetic()) && !abbr.is_empty() {
        abbr.to_string()
    } else {
        let off = z.offset();
        if off.seconds() == 0 {
            "UTC".to_string()
        } else {
            let s = off.seconds();
            let sign = if s < 0 { '-' } else { '+' };
            format!(
                "UTC{sign}{:02}:{:02}",
                s.abs() / 3600,
                (s.abs() % 3600) / 60
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_date_is_read_in_the_zone() {
        let seoul = time_zone("Asia/Seoul").unwrap();
        let ts = parse_in("2026-11-20", &seoul).unwrap();
        assert_eq!(rfc3339_utc(ts), "2026-11-19T15:00:00Z");
        let ts = parse_in("2026-11-20T09:00:00", &seoul).unwrap();
        assert_eq!(rfc3339_utc(ts), "2026-11-20T00:00:00Z");
        let ts = parse_in("2026-11-20T09:00:00Z", &seoul).unwrap();
        assert_eq!(rfc3339_utc(ts), "2026-11-20T09:00:00Z");
        let ts = parse_in("2026-11-20 09:00:00", &TimeZone::UTC).unwrap();
        assert_eq!(rfc3339_utc(ts), "2026-11-20T09:00:00Z");
        assert!(parse_in("20 Nov", &TimeZone::UTC).is_err());
    }

    #[test]
    fn the_last_representable_dates_work() {
        let seoul = time_zone("Asia/Seoul").unwrap();
        for text in ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59+01:00"] {
            assert_eq!(parse_in(text, &seoul), Ok(Timestamp::MAX), "{text}");
        }
        assert_eq!(parse_in("9999-12-31", &TimeZone::UTC), Ok(Timestamp::MAX));
        let ts = parse_in("9999-12-31", &seoul).unwrap();
        assert_eq!(rfc3339_utc(ts), "9999-12-30T15:00:00Z");
    }

    #[test]
    fn offsets_beyond_a_day_are_errors() {
        for text in ["2026-11-18T10:00:00+25:00", "2026-11-18T10:00:00-24:00"] {
            let e = parse_in(text, &TimeZone::UTC).unwrap_err().to_string();
            assert!(e.contains("not a UTC offset"), "{text}: {e}");
        }
        let ts = parse_in("2026-11-18T10:00:00+23:59", &TimeZone::UTC).unwrap();
        assert_eq!(rfc3339_utc(ts), "2026-11-17T10:01:00Z");
    }

    #[test]
    fn a_local_time_in_a_daylight_saving_gap_is_an_error_naming_it() {
        let stockholm = time_zone("Europe/Stockholm").unwrap();
        let e = parse_in("2026-03-29T02:30", &stockholm)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Europe/Stockholm"), "{e}");
        assert!(e.contains("from UTC+01:00 to UTC+02:00"), "{e}");
        assert!(e.contains("2026-03-29T03:30:00+02:00"), "{e}");
        // With its offset it is an instant; outside the gap the zone reads it.
        assert!(parse_in("2026-03-29T03:30:00+02:00", &stockholm).is_ok());
        let ts = parse_in("2026-03-29T03:30", &stockholm).unwrap();
        assert_eq!(rfc3339_utc(ts), "2026-03-29T01:30:00Z");
    }

    #[test]
    fn an_empty_date_says_so() {
        let e = parse_in("  ", &TimeZone::UTC).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn long_dates_per_language() {
        let z = parse_view_date("2010-12-13T10:00:00+09:00").unwrap();
        assert_eq!(format(&z, DateFormat::Long, "en"), "13 December 2010");
        assert_eq!(format(&z, DateFormat::Long, "fr"), "13 décembre 2010");
        assert_eq!(format(&z, DateFormat::Long, "ko"), "2010년 12월 13일");
        assert_eq!(format(&z, DateFormat::Long, "sv"), "13 december 2010");
        assert_eq!(format(&z, DateFormat::Long, "ja"), "2010年12月13日");
    }

    #[test]
    fn times_carry_the_zone_abbreviation_where_there_is_one() {
        let at = |text: &str, zone: &str, fmt: DateFormat, lang: &str| {
            let z = in_zone(parse_view_date(text).unwrap(), time_zone(zone).unwrap());
            format(&z, fmt, lang)
        };
        let dt = DateFormat::DateTime;
        let summer = "2026-10-13T07:30:00+02:00";
        assert_eq!(
            at(summer, "Europe/Stockholm", dt, "en"),
            "13 October 2026, 07:30 CEST"
        );
        assert_eq!(
            at("2026-12-01T07:30:00+01:00", "Europe/Stockholm", dt, "sv"),
            "1 december 2026 kl. 07:30 (CET)"
        );
        assert_eq!(
            at("2026-10-13T07:30:00+09:00", "Asia/Seoul", dt, "ko"),
            "2026년 10월 13일 07:30 (KST)"
        );
        assert_eq!(
            at("2026-10-13T07:30:00+09:00", "Asia/Tokyo", dt, "ja"),
            "2026年10月13日 07:30（JST）"
        );
        assert_eq!(
            at("2026-10-13T07:30:00-04:00", "America/New_York", dt, "en"),
            "13 October 2026, 07:30 EDT"
        );
        assert_eq!(
            at("2026-10-13T07:30:00+01:00", "Europe/London", dt, "en"),
            "13 October 2026, 07:30 BST"
        );
        // No well-known abbreviation ("+04" in the database): the offset.
        assert_eq!(
            at("2026-10-13T07:30:00+04:00", "Asia/Dubai", dt, "en"),
            "13 October 2026, 07:30 UTC+04:00"
        );
        // A zone that disagrees with the written offset does not move the clock reading.
        assert_eq!(
            at(summer, "Asia/Seoul", dt, "en"),
            "13 October 2026, 07:30 UTC+02:00"
        );
        // `timed` drops the time of a date written without one (local midnight).
        let timed = DateFormat::Timed;
        assert_eq!(
            at(summer, "Europe/Stockholm", timed, "fr"),
            "13 octobre 2026 à 07:30 (CEST)"
        );
        assert_eq!(
            at("2026-10-13T00:00:00+02:00", "Europe/Stockholm", timed, "en"),
            "13 October 2026"
        );
    }

    /// `long_date` as it was: four `replace`s over the pattern (the oracle of the one-pass fill).
    fn reference_long_date(y: i16, m: i8, d: i8, lang: &str) -> String {
        let style = long_style(lang);
        let day = match style.first_day {
            Some(first) if d == 1 => first.to_string(),
            _ => d.to_string(),
        };
        let month = style
            .months
            .get(m as usize - 1)
            .copied()
            .unwrap_or_default();
        style
            .pattern
            .replace("{d}", &day)
            .replace("{month}", month)
            .replace("{m}", &m.to_string())
            .replace("{y}", &y.to_string())
    }

    proptest::proptest! {
        #[test]
        fn long_dates_match_the_reference(
            y in -9999i16..=9999,
            m in 1i8..=12,
            d in 1i8..=31,
            lang in "(en|fr|fr-CA|sv|ko|ja|zh|zh_TW|de|x)",
        ) {
            proptest::prop_assert_eq!(long_date(y, m, d, &lang), reference_long_date(y, m, d, &lang));
        }
    }

    #[test]
    fn view_dates_keep_their_offset() {
        // 23:30 in Seoul is still the 13th there, though it is the 13th 14:30 UTC.
        let z = parse_view_date("2010-12-13T23:30:00+09:00").unwrap();
        assert_eq!(format(&z, DateFormat::Iso, "en"), "2010-12-13");
        assert!(format(&z, DateFormat::DateTime, "en").contains("23:30"));
    }
}
