//! The headers every answer carries, unless its handler set its own.

use http::header::{
    self, HeaderMap, HeaderValue, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};

/// HSTS for two years once the WebApp is served over HTTPS (`--secure-cookies`): the browser
/// never again tries plain HTTP for this host, where a network attacker could answer.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Pages set their own policy, with the nonce of their scripts (see `app::shell`); everything
/// else may load nothing and be framed by no one.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// How many headers `add_missing` may add.
pub const COUNT: usize = 5;

/// Adds the headers missing from `headers`; HSTS only when served over HTTPS (`secure`).
pub fn add_missing(headers: &mut HeaderMap, secure: bool) {
    let defaults: [(header::HeaderName, &'static str); COUNT - 1] = [
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Other sites learn nothing of our URLs; our own pages send theirs, so that a form posted
        // without JavaScript carries its Origin and Referer (to pass the cross-site check, and
        // to be sent back to its page with the answer).
        (REFERRER_POLICY, "same-origin"),
        (X_FRAME_OPTIONS, "DENY"),
        (CONTENT_SECURITY_POLICY, DEFAULT_CSP),
    ];
    for (name, value) in defaults {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if secure {
        headers.entry(STRICT_TRANSPORT_SECURITY).or_insert(HeaderValue::from_static(HSTS));
    }
}
