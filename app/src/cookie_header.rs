//! Reading cookies from a request's `Cookie` headers: for the session and device cookies (in
//! `api::context`) and the language cookie (in `i18n`), below both.

use http::header::COOKIE;

/// The values of the cookies named `name` in `headers`, in the order sent (a browser may send
/// several of one name, set from different paths or hosts).
pub fn cookie_values<'h>(headers: &'h http::HeaderMap, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(k, _)| *k == name)
        .map(|(_, v)| v)
}
