//! Proleptic-Gregorian day arithmetic (<https://howardhinnant.github.io/date_algorithms.html>):
//! enough calendar for dates on messages and panel APIs, without a date-time dependency.

/// Days since 1970-01-01 of a civil date (month 1-12, day 1-31).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Iran Standard Time is UTC+03:30 all year (no daylight saving since 2022).
const TEHRAN_OFFSET_MS: i64 = (3 * 60 + 30) * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Unix ms of the last midnight in Tehran at or before `ms`: the start of the
/// banking day over which a card's daily cap is counted.
pub fn tehran_day_start_ms(ms: i64) -> i64 {
    (ms + TEHRAN_OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - TEHRAN_OFFSET_MS
}

/// `2026-12-25`: the UTC date of a unix time in milliseconds.
pub fn iso_date_of_ms(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tehran_days_start_at_half_past_eight_pm_utc() {
        // 2026-11-25 12:00 UTC is 15:30 in Tehran; that day began 2026-11-24 20:30 UTC.
        let noon = days_from_civil(2026, 11, 25) * DAY_MS + 12 * 3_600_000;
        let start = tehran_day_start_ms(noon);
        assert_eq!(start, days_from_civil(2026, 11, 24) * DAY_MS + 20 * 3_600_000 + 30 * 60_000);
        assert_eq!(tehran_day_start_ms(start), start);
        assert_eq!(tehran_day_start_ms(start - 1), start - DAY_MS);
    }

    #[test]
    fn round_trips_and_formats() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_417, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(iso_date_of_ms(0), "1970-01-01");
        assert_eq!(iso_date_of_ms(1_795_600_000_000), "2026-11-25");
    }
}
