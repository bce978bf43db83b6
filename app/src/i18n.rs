//! The WebApp's two languages, English and Dutch.
//!
//! The words live in `app/locales/<language>/<part>.json`, loaded and checked at compile time by
//! leptos_i18n: a key missing in one language, or a placeholder left out, does not build. Pages,
//! error messages, mails and the backup-code file are put into words on the server; the island
//! gets its words from the server too (`ui::island_text`), so the WASM carries neither language.
//!
//! A request's language: the person's choice (the cookie the language menu sets), else the first
//! of ours their browser asks for (`Accept-Language`), else English.

// The macro, not the build-script generator that replaces it: that one brings ICU's data export
// tooling (with a network client) into the build, for the same generated module.
#[allow(deprecated)]
mod generated {
    leptos_i18n::load_locales!();
}
pub use generated::i18n;

pub use i18n::Locale;

/// The cookie that keeps the language chosen in the menu.
pub const LANGUAGE_COOKIE: &str = "lang";

/// Our language for a language code, exactly as the menu and the API send it.
pub fn from_code(code: &str) -> Option<Locale> {
    match code {
        "en" => Some(Locale::en),
        "nl" => Some(Locale::nl),
        _ => None,
    }
}

/// The code of a language, as `<html lang>`, the cookie and the API write it.
pub fn code(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "en",
        Locale::nl => "nl",
    }
}

/// A translated text with its `{name}` placeholders filled in: `fill(td_string!(locale,
/// settings.forget_browser), &[("browser", &name)])`. leptos_i18n fills its own `{{ name }}`
/// placeholders in views, but into a plain string only with its build-script generator (see
/// `generated`). A placeholder the text lacks is a test failure (`every_placeholder_is_in_both_languages`
/// in the modules that use one), not silently dropped words.
pub fn fill(text: impl std::fmt::Display, values: &[(&str, &str)]) -> String {
    // One pass over the text, so a value that itself holds a placeholder (an address, a browser's
    // name) is never filled in again.
    let text = text.to_string();
    let mut filled = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            values.iter().find(|(name, _)| *name == &after[..close]).map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, value)) => {
                filled.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// "1 minute", "5 minutes", in `locale`.
pub fn minutes(count: i64, locale: Locale) -> String {
    match count {
        1 => leptos_i18n::td_string!(locale, common.one_minute).to_string(),
        _ => fill(leptos_i18n::td_string!(locale, common.minutes), &[("count", &count.to_string())]),
    }
}

/// "1 day", "14 days", in `locale`.
pub fn days(count: i64, locale: Locale) -> String {
    match count {
        1 => leptos_i18n::td_string!(locale, common.one_day).to_string(),
        _ => fill(leptos_i18n::td_string!(locale, common.days), &[("count", &count.to_string())]),
    }
}

/// "1 hour", "24 hours", in `locale`.
pub fn hours(count: i64, locale: Locale) -> String {
    match count {
        1 => leptos_i18n::td_string!(locale, common.one_hour).to_string(),
        _ => fill(leptos_i18n::td_string!(locale, common.hours), &[("count", &count.to_string())]),
    }
}

/// Our language for a language tag such as `nl-BE` or `en_GB`, if it is one of ours.
fn from_tag(tag: &str) -> Option<Locale> {
    let primary = tag.trim().split(['-', '_']).next()?;
    from_code(&primary.to_ascii_lowercase())
}

/// The best of our languages in an `Accept-Language` header: the highest weight wins, and among
/// equal weights the first listed; a weight of 0 means "not this one".
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(f32, Locale)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default();
        let weight = match parts.find_map(|p| p.trim().strip_prefix("q=")) {
            Some(q) => q.trim().parse::<f32>().ok(),
            None => Some(1.0),
        };
        let (Some(weight), Some(locale)) = (weight, from_tag(tag)) else { continue };
        if weight > 0.0 && weight <= 1.0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, locale));
        }
    }
    best.map(|(_, locale)| locale)
}

/// The language of a request: the menu's cookie, else `Accept-Language`, else English.
#[cfg(feature = "ssr")]
pub fn of_request(headers: &http::HeaderMap) -> Locale {
    crate::cookie_header::cookie_values(headers, LANGUAGE_COOKIE)
        .find_map(from_code)
        .or_else(|| {
            headers
                .get_all(http::header::ACCEPT_LANGUAGE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(from_accept_language)
        })
        .unwrap_or(Locale::en)
}

/// The language of the page or answer being made. Pages and server functions run on the server,
/// where the request says it; elsewhere (tests, the browser, which never renders a page) English.
pub fn current() -> Locale {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::with_context::<http::request::Parts, _>(|parts| of_request(&parts.headers))
            .unwrap_or(Locale::en)
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::en
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_most_wanted_of_ours() {
        assert_eq!(from_accept_language("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7"), Some(Locale::nl));
        assert_eq!(from_accept_language("de-DE,de;q=0.9,nl;q=0.5,en;q=0.8"), Some(Locale::en));
        assert_eq!(from_accept_language("en;q=0.5, nl_BE"), Some(Locale::nl));
        assert_eq!(from_accept_language("NL"), Some(Locale::nl));
        assert_eq!(from_accept_language("nl, en"), Some(Locale::nl), "equal weights: the first listed");
        assert_eq!(from_accept_language("nl;q=0, en;q=0.1"), Some(Locale::en), "q=0 refuses a language");
        assert_eq!(from_accept_language("fr, de, *"), None);
        assert_eq!(from_accept_language("nl;q=abc"), None);
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn placeholders_are_filled_once_each() {
        assert_eq!(
            fill("Log out {browser} ({ip})", &[("browser", "x {ip}"), ("ip", "10.0.0.1")]),
            "Log out x {ip} (10.0.0.1)"
        );
        assert_eq!(fill("{a}{a} {b} {", &[("a", "1")]), "11 {b} {");
        assert_eq!(fill("Nog {left} over", &[("left", "3")]), "Nog 3 over");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_chosen_language_comes_before_the_browsers() {
        let headers = |pairs: &[(&str, &str)]| {
            let mut map = http::HeaderMap::new();
            for (name, value) in pairs {
                map.append(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
            }
            map
        };
        assert_eq!(of_request(&headers(&[])), Locale::en);
        assert_eq!(of_request(&headers(&[("accept-language", "nl-NL")])), Locale::nl);
        assert_eq!(
            of_request(&headers(&[("accept-language", "nl"), ("cookie", "a=b; lang=en")])),
            Locale::en
        );
        assert_eq!(of_request(&headers(&[("accept-language", "en"), ("cookie", "lang=nl")])), Locale::nl);
        assert_eq!(
            of_request(&headers(&[("accept-language", "nl"), ("cookie", "lang=fr")])),
            Locale::nl,
            "a cookie of no language of ours is ignored"
        );
    }
}
