//! What the browser is told: the Content-Security-Policy and friends, and cross-site calls.

use crate::common;

use axum::body::Body;
use common::{server_fn_request, Reply, TestApp, PASSWORD};
use http::{header, Request, StatusCode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_allow_only_their_own_origin_their_nonce_and_wasm() {
    let app = TestApp::new().await;
    let page = app.get_page("/", None).await;
    let policy = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    let nonce = page
        .body
        .split("nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the hydration script carries a nonce");
    assert!(policy.contains(&format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'")), "{policy}");
    assert!(policy.starts_with("default-src 'self';"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    // A new nonce for every page.
    let again = app.get_page("/", None).await;
    assert_ne!(again.headers[header::CONTENT_SECURITY_POLICY], page.headers[header::CONTENT_SECURITY_POLICY]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_answers_may_load_nothing_and_secrets_are_not_cached() {
    let app = TestApp::new().await;
    let reply = app.call("session", &[], None).await;
    assert_eq!(
        reply.headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    );
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let setup = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(setup.headers[header::CACHE_CONTROL], "no-store");
}

async fn call_from(app: &TestApp, headers: &[(&'static str, &str)]) -> Reply {
    let request = server_fn_request("login", &[("email", "ada@example.org"), ("password", PASSWORD)], None);
    let (mut parts, body) = request.into_parts();
    parts.headers.insert(header::HOST, "app.example".parse().unwrap());
    for (name, value) in headers {
        parts.headers.insert(*name, value.parse().unwrap());
    }
    Reply::read(app.send(Request::from_parts(parts, body)).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_refuse_calls_from_other_sites() {
    let app = TestApp::new().await;
    app.sign_up("ada@example.org").await;
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("origin", "https://app.example"), ("sec-fetch-site", "same-site")],
    ] {
        let reply = call_from(&app, &headers).await;
        reply.expect_status_for(StatusCode::FORBIDDEN, format_args!("{headers:?}"));
        assert_eq!(reply.json()["error"], "cross_site_request");
        assert!(reply.set_cookie().is_none());
    }
    let same_site =
        call_from(&app, &[("origin", "https://app.example"), ("sec-fetch-site", "same-origin")]).await;
    same_site.expect_status(StatusCode::OK);
    // Pages stay reachable from links on other sites.
    let page = Request::get("/").header("sec-fetch-site", "cross-site").body(Body::empty()).unwrap();
    assert_eq!(app.send(page).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_cache_keeps_an_accounts_pages_and_the_bundle_is_revalidated() {
    let app = TestApp::new().await;
    let cookie = app.sign_up("ada@example.org").await;
    for path in ["/", "/settings/security", "/no/such/page"] {
        let page = app.get_page(path, Some(&cookie)).await;
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    let account = app.call("account", &[], Some(&cookie)).await;
    assert_eq!(account.headers[header::CACHE_CONTROL], "no-store");
    let refused = app.call("account", &[], None).await;
    assert_eq!(refused.headers[header::CACHE_CONTROL], "no-store");

    let pkg = std::path::Path::new(&app.config.site_root).join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("webapp.js"), "export {};").unwrap();
    let bundle = app.get_page("/pkg/webapp.js", None).await;
    bundle.expect_status(StatusCode::OK);
    assert_eq!(bundle.headers[header::CACHE_CONTROL], "no-cache");
    assert!(bundle.headers.contains_key(header::LAST_MODIFIED), "so that a revalidation can answer 304");
}

/// A file served while pages render takes none of their headers, and each page keeps its own.
/// Leptos's file handler looked its response options up from whatever reactive owner the worker
/// thread last had current: a page still rendering there lost its Content-Security-Policy (and
/// anything else it had set, a cookie among them) to the file's answer, and the browser then ran
/// none of the page's scripts under the default policy (the passkey button stayed hidden).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_served_beside_rendering_pages_takes_none_of_their_headers() {
    let app = TestApp::new().await;
    std::fs::create_dir_all(&app.config.site_root).unwrap();
    std::fs::write(std::path::Path::new(&app.config.site_root).join("favicon.svg"), "<svg/>").unwrap();
    let mut answers = tokio::task::JoinSet::new();
    for _ in 0..1500 {
        for path in ["/", "/favicon.svg", "/favicon.svg"] {
            // A cookie the first-visit pages are not kept for: each page is rendered.
            let request =
                Request::get(path).header(header::COOKIE, "tz=UTC; device=v1.x").body(Body::empty());
            let router = app.router.clone();
            answers.spawn(async move {
                let reply =
                    Reply::read(tower::ServiceExt::oneshot(router, request.unwrap()).await.unwrap()).await;
                (path, reply)
            });
        }
    }
    let (mut pages_without_their_policy, mut files_with_a_pages_headers) = (0, 0);
    while let Some(answer) = answers.join_next().await {
        let (path, reply) = answer.unwrap();
        reply.expect_status_for(StatusCode::OK, path);
        let policy = reply.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        match path {
            "/" => pages_without_their_policy += usize::from(!policy.contains("'nonce-")),
            _ => {
                files_with_a_pages_headers +=
                    usize::from(policy.contains("'nonce-") || reply.headers.contains_key(header::SET_COOKIE))
            }
        }
    }
    assert_eq!(
        (pages_without_their_policy, files_with_a_pages_headers),
        (0, 0),
        "pages that lost their policy, files that carried a page's headers, of 1500 each"
    );
}
