//! What browsers and proxies may keep.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderValue, CACHE_CONTROL};

/// Pages and server-function answers show an account's data: no cache may keep them, so nothing
/// of an account outlives its logout on a shared computer, the back button included. The bundle
/// (`/{pkg_dir}/...`) has no hash in its file names: browsers must revalidate it (a cheap 304)
/// or a cached old bundle would talk to a newly deployed server. A handler's own
/// `Cache-Control` stays.
pub async fn set_cache_policy(pkg_prefix: &str, request: Request, next: Next) -> Response {
    let policy = if request.uri().path().starts_with(pkg_prefix) { "no-cache" } else { "no-store" };
    let mut response = next.run(request).await;
    response.headers_mut().entry(CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    response
}
