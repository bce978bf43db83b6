//! Dates as the UI and the backup-code file show them.

/// `YYYY-MM-DD` (UTC) of a Unix time, by the civil-from-days algorithm (H. Hinnant), so the
/// bundle needs no date library.
pub fn format_date(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DD HH:MM UTC` of a Unix time.
pub fn format_date_time(unix_secs: i64) -> String {
    let secs_of_day = unix_secs.rem_euclid(86_400);
    format!("{} {:02}:{:02} UTC", format_date(unix_secs), secs_of_day / 3600, secs_of_day % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::{format_date, format_date_time};

    #[test]
    fn dates_are_formatted_in_utc() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(951_782_400), "2000-02-29");
        assert_eq!(format_date(1_795_824_000), "2026-11-28");
        assert_eq!(format_date(1_795_910_399), "2026-11-28");
        assert_eq!(format_date_time(1_795_910_399), "2026-11-28 23:59 UTC");
    }
}
