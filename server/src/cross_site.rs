//! Refuses server-function calls made by another site (CSRF): the browser says where a request
//! comes from in `Sec-Fetch-Site` and `Origin`. API clients such as curl send neither and pass;
//! SameSite=Strict cookies are the second line of the same defence. The origin must match in
//! scheme as well as host: served over HTTPS, a page of the same host over plain HTTP (which a
//! network attacker can write) is another origin.

use axum::extract::Request;
use axum::response::Response;
use http::header::{HOST, ORIGIN};
use http::{HeaderMap, HeaderName};

use app::AppError;

use crate::api_errors::error_response;

/// Named once: looked up by a string, the name was parsed again at every request.
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// `schemes` are how browsers may reach this server: only "https" with `--secure-cookies`;
/// without it, either (a TLS proxy in front is not known to the server).
pub fn is_cross_site(headers: &HeaderMap, schemes: &[&str]) -> bool {
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        if !matches!(site.to_str(), Ok("same-origin" | "none")) {
            return true;
        }
    }
    match (headers.get(ORIGIN), headers.get(HOST)) {
        (None, _) => false,
        (Some(origin), Some(host)) => {
            let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else { return true };
            let same = schemes.iter().any(|scheme| {
                origin.strip_prefix(scheme).and_then(|rest| rest.strip_prefix("://")) == Some(host)
            });
            !same
        }
        (Some(_), None) => true,
    }
}

/// The answer to a server-function call made by another site; `None` for every other request.
pub fn refusal(schemes: &[&str], request: &Request) -> Option<Response> {
    if request.uri().path().starts_with("/api/") && is_cross_site(request.headers(), schemes) {
        tracing::warn!(path = request.uri().path(), "cross-site server function call refused");
        return Some(error_response(&AppError::CrossSiteRequest, app::i18n::of_request(request.headers())));
    }
    None
}

pub const HTTPS: &[&str] = &["https"];
pub const HTTP_OR_HTTPS: &[&str] = &["http", "https"];

#[cfg(test)]
mod tests {
    use super::*;

    const HTTP: &[&str] = HTTP_OR_HTTPS;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn same_origin_and_non_browser_calls_pass() {
        assert!(!is_cross_site(&headers(&[]), HTTPS));
        assert!(!is_cross_site(
            &headers(&[
                ("host", "app.example"),
                ("origin", "https://app.example"),
                ("sec-fetch-site", "same-origin")
            ]),
            HTTPS
        ));
        assert!(!is_cross_site(
            &headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]),
            HTTP
        ));
    }

    #[test]
    fn calls_from_other_sites_are_refused() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")]), HTTPS));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")]), HTTPS));
        assert!(is_cross_site(
            &headers(&[("host", "app.example"), ("origin", "https://evil.example")]),
            HTTPS
        ));
        assert!(is_cross_site(&headers(&[("host", "app.example"), ("origin", "null")]), HTTPS));
        assert!(is_cross_site(
            &headers(&[("host", "app.example"), ("origin", "https://app.example.evil.example")]),
            HTTPS
        ));
    }

    #[test]
    fn the_same_host_under_another_scheme_is_another_site() {
        assert!(is_cross_site(&headers(&[("host", "app.example"), ("origin", "http://app.example")]), HTTPS));
        assert!(is_cross_site(
            &headers(&[("host", "app.example"), ("origin", "httpsx://app.example")]),
            HTTPS
        ));
        // Without --secure-cookies a TLS proxy may be in front: either scheme of this host.
        assert!(!is_cross_site(
            &headers(&[("host", "app.example"), ("origin", "https://app.example")]),
            HTTP
        ));
    }
}
