//! Unix seconds ↔ RFC 3339 (`2025-01-17T15:38:45.000Z`), for Remnawave's dates.
//!
//! Two small pure functions do not justify a date-time dependency; the
//! calendar arithmetic lives in `bazar_domain::calendar`.

const SECS_PER_DAY: i64 = 86_400;

use bazar_domain::calendar::{civil_from_days, days_from_civil};

/// Formats unix seconds as UTC RFC 3339 with milliseconds, the way
/// JavaScript's `Date.toISOString()` does (what Remnawave itself emits).
/// `None` outside years 0000–9999, which RFC 3339 cannot express.
pub(crate) fn to_rfc3339(unix: i64) -> Option<String> {
    let days = unix.div_euclid(SECS_PER_DAY);
    let secs = unix.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    Some(format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.000Z"))
}

/// Parses an RFC 3339 / ISO 8601 date-time into unix seconds (fractions
/// dropped). Accepts `Z`, `±hh:mm`, `±hhmm` or no offset (read as UTC, as
/// the panels store UTC), and a space instead of `T`.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    if b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(after_dot) = rest.strip_prefix(b".") {
        let digits = after_dot.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &after_dot[digits..];
    }
    let offset = match rest {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let tail: Vec<u8> = tail.iter().copied().filter(|&c| c != b':').collect();
            if tail.len() != 4 || !tail.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let hh = i64::from(tail[0] - b'0') * 10 + i64::from(tail[1] - b'0');
            let mm = i64::from(tail[2] - b'0') * 10 + i64::from(tail[3] - b'0');
            let minutes = hh * 60 + mm;
            if *sign == b'+' { minutes * 60 } else { -minutes * 60 }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * SECS_PER_DAY + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(to_rfc3339(0).unwrap(), "1970-01-01T00:00:00.000Z");
        assert_eq!(to_rfc3339(1_737_128_325).unwrap(), "2025-01-17T15:38:45.000Z");
        assert_eq!(to_rfc3339(951_782_400).unwrap(), "2000-02-29T00:00:00.000Z");
        assert_eq!(to_rfc3339(-1).unwrap(), "1969-12-31T23:59:59.000Z");
        assert_eq!(to_rfc3339(4_102_444_800).unwrap(), "2100-01-01T00:00:00.000Z");
        assert!(to_rfc3339(i64::MAX / 2).is_none());
    }

    #[test]
    fn parses_what_panels_send() {
        assert_eq!(parse_rfc3339("2025-01-17T15:38:45.065Z"), Some(1_737_128_325));
        assert_eq!(parse_rfc3339("2025-01-17T15:38:45Z"), Some(1_737_128_325));
        assert_eq!(parse_rfc3339("2025-01-17T18:38:45+03:00"), Some(1_737_128_325));
        assert_eq!(parse_rfc3339("2025-01-17T12:08:45.5-0330"), Some(1_737_128_325));
        assert_eq!(parse_rfc3339("2025-01-17 15:38:45"), Some(1_737_128_325));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59.000Z"), Some(-1));
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "",
            "2025-01-17",
            "2025-13-01T00:00:00Z",
            "2025-01-17T15:38:45.Z",
            "2025-01-17T15:38:45+3",
            "x025-01-17T15:38:45Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trips_every_day_for_centuries() {
        let mut t = -2_208_988_800; // 1900-01-01
        while t < 7_258_118_400 {
            // 2200-01-01
            assert_eq!(parse_rfc3339(&to_rfc3339(t + 3723).unwrap()), Some(t + 3723));
            t += SECS_PER_DAY;
        }
    }
}
