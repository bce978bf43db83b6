//! Pages as plain HTML: forms that post and are sent back, and WASM only where an island is.

use axum::body::Body;
use http::{header, Request, StatusCode};

use crate::common::{server_fn_request, Reply, TestApp, PASSWORD};

/// A form posted by a browser without JavaScript: it asks for a page, and says where it was.
fn plain_form(endpoint: &str, form: &[(&str, &str)], from: &str) -> Request<Body> {
    let mut request = server_fn_request(endpoint, form, None);
    let headers = request.headers_mut();
    headers.insert(header::ACCEPT, "text/html,application/xhtml+xml".parse().unwrap());
    headers.insert(header::REFERER, format!("http://localhost{from}").parse().unwrap());
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_plain_login_comes_back_with_its_email_and_never_its_password() {
    let app = TestApp::new().await;
    app.sign_up("ada@example.org").await;
    let secret = "not the password at all";
    let form = [("email", "ada@example.org"), ("password", secret)];
    let refused = Reply::read(app.send(plain_form("login", &form, "/")).await).await;
    refused.expect_status(StatusCode::FOUND);
    let location = refused.headers[header::LOCATION].to_str().unwrap();
    // The error travels in a cookie for this browser, never in the URL, which a link can write.
    assert!(!location.contains("__err="), "{location}");
    assert!(!location.contains("ada") && !location.contains("not%20the"), "{location}");
    let set_cookie: Vec<&str> =
        refused.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    let error = set_cookie.iter().find(|c| c.starts_with("form-error=")).expect("the error is kept");
    assert!(error.contains("HttpOnly") && error.contains("SameSite=Strict") && error.contains("Max-Age=60"));
    let error = error.split(';').next().unwrap();
    let kept = set_cookie.iter().find(|c| c.starts_with("typed-email=")).expect("the email is kept");
    assert!(kept.contains("HttpOnly") && kept.contains("SameSite=Strict") && kept.contains("Max-Age=60"));
    assert!(
        set_cookie.iter().all(|c| !c.contains("not the") && !c.contains("bm90IHRoZSBw")),
        "{set_cookie:?}"
    );

    // Back on the login page, the field shows the email again, and the error.
    let cookie = kept.split(';').next().unwrap();
    let page = app.get_page("/", Some(&format!("{cookie}; {error}"))).await;
    assert!(page.body.contains(r#"value="ada@example.org""#), "{}", page.body);
    assert!(page.body.contains(r#"role="alert""#), "{}", page.body);
    assert!(!page.body.contains(secret));

    // API callers (JSON) get their error and no such cookie.
    let json = app.call("login", &form, None).await;
    json.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(json.cookie("typed-email"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_menu_goes_back_to_its_page_or_home_without_a_referer() {
    let app = TestApp::new().await;
    let back = Reply::read(app.send(plain_form("language", &[("lang", "nl")], "/signup")).await).await;
    back.expect_status(StatusCode::FOUND);
    let location = back.headers[header::LOCATION].to_str().unwrap();
    assert!(location.trim_end_matches('?').ends_with("/signup"), "{location}");
    assert_eq!(back.cookie("lang").as_deref(), Some("lang=nl"));

    let mut unreferred = plain_form("language", &[("lang", "en")], "/");
    unreferred.headers_mut().remove(header::REFERER);
    let home = Reply::read(app.send(unreferred).await).await;
    home.expect_status(StatusCode::FOUND);
    assert_eq!(home.headers[header::LOCATION], "/");
    assert_eq!(home.cookie("lang").as_deref(), Some("lang=en"));

    let refused = app.call("language", &[("lang", "fr")], None).await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "bad_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_security_page_loads_wasm() {
    let app = TestApp::new().await;
    let loads_wasm = |page: &Reply| page.body.contains("modulepreload") || page.body.contains(".wasm");
    for path in ["/", "/signup", "/no/such/page"] {
        let page = app.get_page(path, None).await;
        assert!(!loads_wasm(&page), "{path}: {}", page.body);
        assert!(!page.body.contains("<leptos-island"), "{path}");
    }
    let cookie = app.sign_up("ada@example.org").await;
    for path in ["/", "/settings"] {
        let page = app.get_page(path, Some(&cookie)).await;
        assert!(!loads_wasm(&page), "{path}: {}", page.body);
    }
    let code_prompt = {
        app.enroll("grace@example.org").await;
        let login = app.call("login", &[("email", "grace@example.org"), ("password", PASSWORD)], None).await;
        app.get_page("/", login.session_cookie().as_deref()).await
    };
    assert!(code_prompt.body.contains("Two-factor authentication"), "{}", code_prompt.body);
    assert!(!loads_wasm(&code_prompt));

    let security = app.get_page("/settings/security", Some(&cookie)).await;
    assert!(loads_wasm(&security), "{}", security.body);
    assert!(security.body.contains("<leptos-island"), "{}", security.body);
    // The switch waits, disabled, until the WASM has woken it.
    assert!(security.body.contains(r#"role="switch""#) && security.body.contains("disabled"));
}
