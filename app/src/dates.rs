//! Dates as people read them: in their language and, when their browser told us, their time
//! zone ("4 dec. 2026 22:12 CET"); UTC, said so, when it did not.
//!
//! The browser tells its zone by the `tz` cookie that `public/time-zone.js` sets on the login,
//! sign-up and Security pages; a login and a sign-up keep it with the account (`users.time_zone`)
//! for the mails. Pages are put into words on the server, so the WASM carries no zone data.
//! The backup-code file and the command line keep ISO dates (`format_date`).

use crate::i18n::Locale;

/// The cookie that carries the browser's IANA time zone name.
pub const TIME_ZONE_COOKIE: &str = "tz";

/// `YYYY-MM-DD` (UTC) of a Unix time, by the civil-from-days algorithm (H. Hinnant).
pub fn format_date(unix_secs: i64) -> String {
    let (year, month, day) = civil_from_unix(unix_secs);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DD HH:MM UTC` of a Unix time.
pub fn format_date_time(unix_secs: i64) -> String {
    let secs_of_day = unix_secs.rem_euclid(86_400);
    format!("{} {:02}:{:02} UTC", format_date(unix_secs), secs_of_day / 3600, secs_of_day % 3600 / 60)
}

fn civil_from_unix(unix_secs: i64) -> (i64, i64, i64) {
    let days = unix_secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The abbreviated month names CLDR gives each language (`MMM`): "Dec", "dec.".
fn month_abbreviation(month: i64, locale: Locale) -> &'static str {
    const EN: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const NL: [&str; 12] =
        ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."];
    let index = usize::try_from(month - 1).unwrap_or(0).min(11);
    match locale {
        Locale::en => EN[index],
        Locale::nl => NL[index],
    }
}

/// A moment's date and wall-clock time in one zone, and the zone's abbreviation then.
struct WallClock {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    zone: String,
}

impl WallClock {
    fn utc(unix_secs: i64) -> Self {
        let (year, month, day) = civil_from_unix(unix_secs);
        let secs_of_day = unix_secs.rem_euclid(86_400);
        WallClock {
            year,
            month,
            day,
            hour: secs_of_day / 3600,
            minute: secs_of_day % 3600 / 60,
            zone: "UTC".into(),
        }
    }

    /// "4 Dec 2026", "4 dec. 2026".
    fn date(&self, locale: Locale) -> String {
        format!("{} {} {}", self.day, month_abbreviation(self.month, locale), self.year)
    }

    /// "4 Dec 2026, 22:12 CET", "4 dec. 2026 22:12 CET".
    fn date_time(&self, locale: Locale) -> String {
        let separator = match locale {
            Locale::en => ", ",
            Locale::nl => " ",
        };
        format!("{}{separator}{:02}:{:02} {}", self.date(locale), self.hour, self.minute, self.zone)
    }
}

#[cfg(feature = "ssr")]
mod zones {
    use super::WallClock;

    /// The longest zone name kept: the IANA names are under 40 bytes.
    const MAX_ZONE_NAME_BYTES: usize = 64;

    /// The zone `name` names, from the tz database compiled into the server, or `None` for a name
    /// it does not know (or a cookie of someone else's making).
    pub fn known(name: &str) -> Option<jiff::tz::TimeZone> {
        if name.is_empty() || name.len() > MAX_ZONE_NAME_BYTES {
            return None;
        }
        // A page shows tens of moments in one zone: the last one looked up is kept per thread.
        thread_local! {
            static LAST: std::cell::RefCell<Option<(String, jiff::tz::TimeZone)>> =
                const { std::cell::RefCell::new(None) };
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((kept, zone)) = last.as_ref() {
                if kept == name {
                    return Some(zone.clone());
                }
            }
            let zone = jiff::tz::TimeZone::get(name).ok()?;
            *last = Some((name.to_owned(), zone.clone()));
            Some(zone)
        })
    }

    /// `unix_secs` on the wall clock of the zone `name`; UTC for a name we do not know.
    pub fn wall_clock(unix_secs: i64, name: Option<&str>) -> WallClock {
        let zoned = name.and_then(known).and_then(|zone| {
            let at = jiff::Timestamp::from_second(unix_secs).ok()?;
            Some(at.to_zoned_datetime(zone))
        });
        let Some(zoned) = zoned else { return WallClock::utc(unix_secs) };
        let zone = zoned.time_zone().to_offset_info(zoned.timestamp()).abbreviation().to_string();
        WallClock {
            year: i64::from(zoned.year()),
            month: i64::from(zoned.month()),
            day: i64::from(zoned.day()),
            hour: i64::from(zoned.hour()),
            minute: i64::from(zoned.minute()),
            zone,
        }
    }

    /// The zone the request's browser told us, when it is one we know.
    pub fn of_request() -> Option<String> {
        leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
            crate::cookie_header::cookie_values(&parts.headers, super::TIME_ZONE_COOKIE)
                .find(|name| known(name).is_some())
                .map(str::to_owned)
        })
        .flatten()
    }
}

#[cfg(feature = "ssr")]
pub use zones::{known as known_time_zone, of_request as time_zone_of_request};

/// A moment as a mail or page shows it to a person of `locale` in the zone `zone` (an IANA
/// name): "4 dec. 2026 22:12 CET"; in UTC, said so, without a zone we know.
pub fn date_time_in(unix_secs: i64, locale: Locale, zone: Option<&str>) -> String {
    wall_clock(unix_secs, zone).date_time(locale)
}

/// The date of a moment for a person of `locale` in `zone`: "4 dec. 2026".
pub fn date_in(unix_secs: i64, locale: Locale, zone: Option<&str>) -> String {
    wall_clock(unix_secs, zone).date(locale)
}

fn wall_clock(unix_secs: i64, zone: Option<&str>) -> WallClock {
    #[cfg(feature = "ssr")]
    {
        zones::wall_clock(unix_secs, zone)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = zone;
        WallClock::utc(unix_secs)
    }
}

/// A moment as the page being made shows it: in the request's language and time zone.
pub fn local_date_time(unix_secs: i64) -> String {
    date_time_in(unix_secs, crate::i18n::current(), request_zone().as_deref())
}

/// The date of a moment as the page being made shows it.
pub fn local_date(unix_secs: i64) -> String {
    date_in(unix_secs, crate::i18n::current(), request_zone().as_deref())
}

fn request_zone() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        zones::of_request()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_formatted_in_utc() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(951_782_400), "2000-02-29");
        assert_eq!(format_date(1_795_824_000), "2026-11-28");
        assert_eq!(format_date(1_795_910_399), "2026-11-28");
        assert_eq!(format_date_time(1_795_910_399), "2026-11-28 23:59 UTC");
    }

    // The zones are the server's (the browser build has no tz database): `cargo test --workspace`
    // builds this crate with `ssr`.
    #[cfg(feature = "ssr")]
    #[test]
    fn a_moment_is_shown_in_the_persons_language_and_zone() {
        // 2026-12-04 21:12 UTC.
        let at = 1_796_418_720;
        assert_eq!(date_time_in(at, Locale::nl, Some("Europe/Amsterdam")), "4 dec. 2026 22:12 CET");
        assert_eq!(date_time_in(at, Locale::en, Some("Europe/Amsterdam")), "4 Dec 2026, 22:12 CET");
        assert_eq!(date_time_in(at, Locale::en, None), "4 Dec 2026, 21:12 UTC");
        assert_eq!(date_time_in(at, Locale::en, Some("Not/AZone")), "4 Dec 2026, 21:12 UTC");
        assert_eq!(date_time_in(at, Locale::nl, Some("Asia/Tokyo")), "5 dec. 2026 06:12 JST");
        assert_eq!(date_in(at, Locale::nl, Some("Asia/Tokyo")), "5 dec. 2026");
        // Summer time: 2026-07-01 09:05 in New York.
        assert_eq!(
            date_time_in(1_782_911_100, Locale::en, Some("America/New_York")),
            "1 Jul 2026, 09:05 EDT"
        );
        assert_eq!(date_in(1_782_911_100, Locale::nl, None), "1 jul. 2026");
    }

    #[test]
    fn without_a_zone_a_moment_is_in_utc_and_says_so() {
        assert_eq!(date_time_in(1_796_418_720, Locale::nl, None), "4 dec. 2026 21:12 UTC");
        assert_eq!(date_in(1_782_911_100, Locale::en, None), "1 Jul 2026");
    }
}
