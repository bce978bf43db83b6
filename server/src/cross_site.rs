//! Refuses server-function calls made by another site (CSRF): the browser says where a request
//! comes from in `Sec-Fetch-Site` and `Origin`. API clients such as curl send neither and pass;
//! SameSite=Strict cookies are the second line of the same defence.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HOST, ORIGIN};
use http::HeaderMap;

use app::AppError;

use crate::api_errors::error_response;

pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.to_str(), Ok("same-origin" | "none")) {
            return true;
        }
    }
    match (headers.get(ORIGIN), headers.get(HOST)) {
        (None, _) => false,
        (Some(origin), Some(host)) => {
            let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else { return true };
            let origin_host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            origin_host != Some(host)
        }
        (Some(_), None) => true,
    }
}

pub async fn refuse_cross_site_calls(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/") && is_cross_site(request.headers()) {
        tracing::warn!(path = request.uri().path(), "cross-site server function call refused");
        return error_response(&AppError::CrossSiteRequest);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn same_origin_and_non_browser_calls_pass() {
        assert!(!is_cross_site(&headers(&[])));
        assert!(!is_cross_site(&headers(&[("host", "app.example"), ("origin", "https://app.example"), ("sec-fetch-site", "same-origin")])));
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")])));
    }

    #[test]
    fn calls_from_other_sites_are_refused() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&headers(&[("host", "app.example"), ("origin", "https://evil.example")])));
        assert!(is_cross_site(&headers(&[("host", "app.example"), ("origin", "null")])));
        assert!(is_cross_site(&headers(&[("host", "app.example"), ("origin", "https://app.example.evil.example")])));
    }
}
