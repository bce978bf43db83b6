//! The words of a texted code: one GSM-7 part, in the account's language, ending in the
//! origin-bound one-time-code line (`@host #123456`, WICG "Origin-bound one-time codes delivered
//! via SMS") so that a browser offers the code only on the site it belongs to, and fills it in.

use leptos_i18n::td_string;

use crate::i18n::{fill, Locale};

/// How long a texted code lives, in seconds (and as the text says it: 5 minutes).
pub const CODE_LIFETIME_SECS: i64 = 300;

/// The most one SMS part holds in GSM-7.
const ONE_PART_SEPTETS: usize = 160;

/// The text that carries `code`, for the site `site` (the name apps and mails show) reached at
/// `public_url`. `None` when it would not fit one GSM-7 part (a site name too long, or with
/// characters GSM-7 lacks): the caller refuses to send rather than split or garble it.
pub fn code_text(code: &str, site: &str, public_url: &str, locale: Locale) -> Option<String> {
    let minutes = (CODE_LIFETIME_SECS / 60).to_string();
    let line =
        fill(td_string!(locale, sms.code_text), &[("code", code), ("site", site), ("minutes", &minutes)]);
    let text = format!("{line}\n\n@{} #{code}", host_of(public_url));
    (septets(&text)? <= ONE_PART_SEPTETS).then_some(text)
}

/// The host of `public_url` (`https://host:port/...`), without port: what the origin-bound line
/// names.
fn host_of(public_url: &str) -> &str {
    let rest = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if host.starts_with('[') {
        // An IPv6 literal keeps its brackets; only a port after them goes.
        return host.split_once(']').map_or(host, |(inside, _)| &host[..inside.len() + 1]);
    }
    host.split(':').next().unwrap_or(host)
}

/// The GSM 03.38 default alphabet, in code order; `None` stands for the escape to the extension
/// table.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Characters of the extension table: two septets each (escape and character).
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// How many septets `text` takes in GSM-7, or `None` when a character is not in it (the text
/// would go as UCS-2, 70 characters a part).
pub fn septets(text: &str) -> Option<usize> {
    text.chars()
        .map(|c| {
            if c != '\u{1b}' && BASIC.contains(c) {
                Some(1)
            } else if EXTENDED.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_the_origin_bound_format_in_one_gsm7_part_in_each_language() {
        let en = code_text("123456", "WebApp", "https://webapp.example", Locale::en).unwrap();
        assert_eq!(en, "123456 is your WebApp code. It expires in 5 minutes.\n\n@webapp.example #123456");
        let nl = code_text("123456", "WebApp", "https://webapp.example:8443/", Locale::nl).unwrap();
        assert!(nl.ends_with("\n\n@webapp.example #123456"), "{nl}");
        assert_ne!(nl.lines().next(), en.lines().next(), "Dutch words");
        for text in [en, nl] {
            assert!(septets(&text).unwrap() <= 160, "{text}");
        }
    }

    #[test]
    fn a_text_that_would_not_fit_one_part_is_not_made() {
        assert_eq!(code_text("123456", &"W".repeat(120), "https://webapp.example", Locale::en), None);
        // Not in GSM-7: would go as UCS-2, in more parts.
        assert_eq!(code_text("123456", "Web🙂App", "https://webapp.example", Locale::en), None);
    }

    #[test]
    fn septets_count_the_extension_table_twice_and_refuse_what_gsm7_lacks() {
        assert_eq!(septets("abc"), Some(3));
        assert_eq!(septets("[€]"), Some(6));
        assert_eq!(septets("é"), Some(1));
        assert_eq!(septets("ë"), None);
        assert_eq!(septets("\u{1b}"), None);
    }

    #[test]
    fn the_host_has_no_scheme_port_path_or_user() {
        assert_eq!(host_of("https://webapp.example"), "webapp.example");
        assert_eq!(host_of("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(host_of("https://u@webapp.example:8443/base?x#y"), "webapp.example");
        assert_eq!(host_of("http://[::1]:3000/"), "[::1]");
    }
}
