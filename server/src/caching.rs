//! What browsers and proxies may keep.

use axum::response::Response;
use http::header::{HeaderValue, ACCEPT_RANGES, CACHE_CONTROL, LAST_MODIFIED};

/// A bundle file whose name carries a hash of its content never changes: kept for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The paths served as immutable: the bundle's files when their names carry content hashes.
#[derive(Clone, Debug, Default)]
pub struct ImmutablePaths(Vec<String>);

impl ImmutablePaths {
    pub fn of_bundle(files: &app::ui::bundle::BundleFiles) -> Self {
        if files.hashed {
            ImmutablePaths(vec![files.css.clone(), files.js.clone(), files.wasm.clone()])
        } else {
            ImmutablePaths::default()
        }
    }

    fn contains(&self, path: &str) -> bool {
        self.0.iter().any(|p| p == path)
    }
}

/// The files of `public/` that every page (or the login page) loads: revalidated, a cheap 304,
/// rather than fetched whole on every page.
const SITE_FILES: [&str; 3] = ["/time-zone.js", "/passkeys.js", "/favicon.svg"];

/// Pages and server-function answers show an account's data: no cache may keep them, so nothing
/// of an account outlives its logout on a shared computer, the back button included. The bundle
/// (`/{pkg_dir}/...`) is immutable under hashed names; without hashes (a debug build) browsers
/// must revalidate it (a cheap 304), or a cached old bundle would talk to a newly deployed
/// server.
pub fn policy_for(pkg_prefix: &str, immutable: &ImmutablePaths, path: &str) -> &'static str {
    if immutable.contains(path) {
        IMMUTABLE
    } else if path.starts_with(pkg_prefix) || SITE_FILES.contains(&path) {
        "no-cache"
    } else {
        "no-store"
    }
}

/// Sets `policy` on `response`; a handler's own `Cache-Control` stays. An immutable file is never
/// revalidated nor fetched in parts: its `Last-Modified` and `Accept-Ranges` would be bytes on
/// every first load for nothing (about 200 B for the Settings page's three files).
pub fn apply(policy: &'static str, response: &mut Response) {
    if policy == IMMUTABLE {
        response.headers_mut().remove(LAST_MODIFIED);
        response.headers_mut().remove(ACCEPT_RANGES);
    }
    response.headers_mut().entry(CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::Request;
    use axum::middleware::Next;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    async fn policy_of(path: &str) -> String {
        let immutable = ImmutablePaths(vec!["/pkg/webapp.Xyz123.wasm".into()]);
        let app = Router::new()
            .fallback(get(|| async {
                ([(LAST_MODIFIED, "Sun, 29 Nov 2026 14:53:32 GMT"), (ACCEPT_RANGES, "bytes")], "body")
            }))
            .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
                let policy = policy_for("/pkg/", &immutable, request.uri().path());
                async move {
                    let mut response = next.run(request).await;
                    apply(policy, &mut response);
                    response
                }
            }));
        let response = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let validators =
            response.headers().contains_key(LAST_MODIFIED) || response.headers().contains_key(ACCEPT_RANGES);
        assert_eq!(validators, response.headers()[CACHE_CONTROL] != IMMUTABLE, "{path}");
        response.headers()[CACHE_CONTROL].to_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn hashed_bundle_files_are_immutable_the_rest_revalidated_or_never_kept() {
        assert_eq!(policy_of("/pkg/webapp.Xyz123.wasm").await, IMMUTABLE);
        // Another name under the bundle folder (an old hash, a file without one): revalidated.
        assert_eq!(policy_of("/pkg/webapp.Old999.wasm").await, "no-cache");
        assert_eq!(policy_of("/pkg/webapp.js").await, "no-cache");
        assert_eq!(policy_of("/time-zone.js").await, "no-cache");
        assert_eq!(policy_of("/settings/security").await, "no-store");
    }
}
