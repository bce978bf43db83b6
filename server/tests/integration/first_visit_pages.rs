//! The pages kept for browsers that send no cookie but their language and time zone
//! (server/src/first_visit.rs): each answer is the page a fresh render gives, with a nonce of its
//! own, and a browser that sends any other cookie, or asks in another language, never gets a page
//! kept for someone else.

use axum::body::Body;
use http::header::{ACCEPT_LANGUAGE, CONTENT_SECURITY_POLICY, COOKIE};
use http::{Request, StatusCode};

use crate::common::{Reply, TestApp};

async fn get(app: &TestApp, path: &str, headers: &[(http::HeaderName, &str)]) -> Reply {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    Reply::read(app.send(request.body(Body::empty()).unwrap()).await).await
}

/// The nonce of an answer's policy, checked to be the one of every script in its body, and the
/// body with it taken out.
fn nonce_and_rest(reply: &Reply) -> (String, String) {
    let policy = reply.headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap().to_owned();
    for used in reply.body.split("nonce=\"").skip(1) {
        assert!(
            used.starts_with(&format!("{nonce}\"")),
            "a script's nonce is not the policy's: {}",
            reply.body
        );
    }
    (nonce.clone(), reply.body.replace(&nonce, "NONCE"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_page_is_the_same_page_each_time_with_a_new_nonce_in_policy_and_scripts() {
    let app = TestApp::new().await;
    for path in server::first_visit::PAGES {
        for language in ["en", "nl"] {
            let first = get(&app, path, &[(ACCEPT_LANGUAGE, language)]).await;
            first.expect_status(StatusCode::OK);
            let (first_nonce, first_page) = nonce_and_rest(&first);
            // A browser that has been here before sends its time zone, and gets the same page.
            for cookie in ["", "tz=Europe/Amsterdam", "tz=America/New_York; tz=UTC"] {
                let again = get(&app, path, &[(ACCEPT_LANGUAGE, language), (COOKIE, cookie)]).await;
                again.expect_status(StatusCode::OK);
                let (nonce, page) = nonce_and_rest(&again);
                assert_ne!(nonce, first_nonce, "{path} in {language}: the nonce was sent twice");
                assert_eq!(page, first_page, "{path} in {language}: the page changed");
                for name in ["content-type", "cache-control", "x-frame-options", "referrer-policy"] {
                    assert_eq!(again.headers.get(name), first.headers.get(name), "{path}: {name}");
                }
            }
        }
    }
}

/// The attack: the login page kept for the first cookie-less visitor, answered to browsers whose
/// cookies say something else. Each must get its own page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_with_a_cookie_or_another_language_never_gets_a_page_kept_for_someone_else() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let kept = get(&app, "/", &[]).await;
    assert!(kept.body.contains(">Log in</h1>"), "{}", kept.body);

    for cookies in
        [cookie.clone(), format!("tz=Europe/Amsterdam; {cookie}"), format!("lang=en;{cookie}; tz=UTC")]
    {
        let own = get(&app, "/", &[(COOKIE, &cookies)]).await;
        assert!(
            own.body.contains("Inbox") && !own.body.contains(">Log in</h1>"),
            "the session's page: {}",
            own.body
        );
    }

    let dutch = get(&app, "/", &[(ACCEPT_LANGUAGE, "nl-NL,nl;q=0.9")]).await;
    assert!(dutch.body.contains(">Inloggen</h1>"), "{}", dutch.body);
    let chosen = get(&app, "/", &[(COOKIE, "lang=nl")]).await;
    assert!(chosen.body.contains(">Inloggen</h1>"), "the language chosen in the menu: {}", chosen.body);

    let notice = get(&app, "/", &[(COOKIE, "tz=UTC; notice=password-reset")]).await;
    assert!(notice.body.contains("Your password was changed."), "{}", notice.body);
    let dutch_notice = get(&app, "/", &[(COOKIE, "lang=nl; notice=password-reset")]).await;
    assert!(dutch_notice.body.contains("Je wachtwoord is gewijzigd."), "{}", dutch_notice.body);
    // The email as the server keeps it (base64url).
    let typed = get(&app, "/", &[(COOKIE, "typed-email=Z3JhY2VAZXhhbXBsZS5vcmc")]).await;
    assert!(typed.body.contains(r#"value="grace@example.org""#), "{}", typed.body);

    // And the page kept is still the first visitor's.
    let after = get(&app, "/", &[]).await;
    assert_eq!(nonce_and_rest(&after).1, nonce_and_rest(&kept).1);
}
