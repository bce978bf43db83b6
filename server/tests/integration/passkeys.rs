//! Passkeys, driven through the router with a software authenticator (webauthn-authenticator-rs),
//! as a browser's `navigator.credentials` would: adding one, as the second factor, signing in
//! with it alone, and every check of issue 26 point 4 as an attack that must fail.

use crate::common::{self, app_code, TestApp, PASSWORD};
use http::StatusCode;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{
    CreationChallengeResponse, PublicKeyCredential, RequestChallengeResponse, Url, Uuid,
};

const SITE: &str = "https://webapp.example";

async fn passkey_app() -> TestApp {
    TestApp::with_config(|config| config.public_url = Some(SITE.into())).await
}

fn site() -> Url {
    Url::parse(SITE).unwrap()
}

/// A person's authenticator (a phone, a security key): it verifies its user.
struct Device {
    authenticator: SoftPasskey,
    /// The raw id of the last credential it made.
    credential_id: Vec<u8>,
}

impl Device {
    fn new() -> Self {
        Device { authenticator: SoftPasskey::new(true), credential_id: Vec::new() }
    }

    /// `navigator.credentials.create` at `origin`, for the options a `passkeys/add` answered.
    fn create(&mut self, begun: &serde_json::Value, origin: &Url) -> String {
        let mut options = begun["options"].clone();
        // A look-alike site can only ask for a passkey of its own name: a browser refuses it ours.
        options["publicKey"]["rp"]["id"] = origin.host_str().unwrap().into();
        let options: CreationChallengeResponse = serde_json::from_value(options).unwrap();
        let credential = self.authenticator.do_registration(origin.clone(), options).unwrap();
        self.credential_id = credential.raw_id.to_vec();
        serde_json::to_string(&credential).unwrap()
    }

    /// `navigator.credentials.get` at `origin`. A software passkey is not discoverable: it is
    /// pointed at its credential, and says whose it is (`user_handle`) as a discoverable one
    /// does.
    fn get(&mut self, begun: &serde_json::Value, origin: &Url, user_handle: Option<Uuid>) -> String {
        let mut options = begun["options"].clone();
        assert!(options["publicKey"]["challenge"].is_string(), "no options: {begun}");
        options["publicKey"]["rpId"] = origin.host_str().unwrap().into();
        let allowed = &mut options["publicKey"]["allowCredentials"];
        if allowed.as_array().is_none_or(Vec::is_empty) {
            *allowed = allow(&self.credential_id);
        }
        let mut options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
        options.mediation = None;
        let mut credential: PublicKeyCredential =
            self.authenticator.do_authentication(origin.clone(), options).unwrap();
        credential.response.user_handle = user_handle.map(|handle| handle.as_bytes().to_vec());
        serde_json::to_string(&credential).unwrap()
    }
}

/// Adds a passkey from `device` to the account behind `cookie`; `code` is a current second
/// factor when 2FA is on. Answers the finishing call's reply.
async fn add_passkey(
    app: &TestApp,
    cookie: &str,
    device: &mut Device,
    code: Option<&str>,
    name: &str,
) -> common::Reply {
    let mut form = vec![("password", PASSWORD)];
    if let Some(code) = code {
        form.push(("code", code));
    }
    let begun = app.call("passkeys/add", &form, Some(cookie)).await;
    begun.expect_status(StatusCode::OK);
    let begun = begun.json();
    let credential = device.create(&begun, &site());
    let challenge = begun["challenge"].as_str().unwrap();
    app.call(
        "passkeys/add/finish",
        &[("challenge", challenge), ("name", name), ("credential", &credential)],
        Some(cookie),
    )
    .await
}

/// `allowCredentials` naming one credential.
fn allow(credential_id: &[u8]) -> serde_json::Value {
    let id = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, credential_id);
    serde_json::json!([{ "type": "public-key", "id": id }])
}

async fn user_handle(app: &TestApp, email: &str) -> Uuid {
    let handle: String = sqlx::query_scalar(
        "SELECT h.handle FROM passkey_handles h JOIN users u ON u.id = h.user_id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    Uuid::parse_str(&handle).unwrap()
}

/// Signs in with the passkey alone; answers the reply.
async fn sign_in(app: &TestApp, device: &mut Device, handle: Uuid, origin: &Url) -> common::Reply {
    let begun = app.call("sign-in/passkey/begin", &[], None).await;
    begun.expect_status(StatusCode::OK);
    let begun = begun.json();
    let credential = device.get(&begun, origin, Some(handle));
    let challenge = begun["challenge"].as_str().unwrap();
    app.call("sign-in/passkey", &[("challenge", challenge), ("credential", &credential)], None).await
}

/// The password step, then the passkey as the second: answers the second step's reply.
async fn password_then_passkey(
    app: &TestApp,
    email: &str,
    device: &mut Device,
    origin: &Url,
) -> common::Reply {
    let half = app.call("login", &[("email", email), ("password", PASSWORD)], None).await;
    assert_eq!(half.json()["level"], "password_verified");
    let half = half.session_cookie().unwrap();
    let begun = app.call("login/passkey/begin", &[], Some(&half)).await;
    begun.expect_status(StatusCode::OK);
    let begun = begun.json();
    let credential = device.get(&begun, origin, None);
    let challenge = begun["challenge"].as_str().unwrap();
    app.call("login/passkey", &[("challenge", challenge), ("credential", &credential)], Some(&half)).await
}

async fn events(app: &TestApp, cookie: &str) -> Vec<String> {
    let events = app.call("security/events", &[], Some(cookie)).await.json();
    events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_passkey_turns_2fa_on_and_the_password_then_asks_for_it() {
    let app = passkey_app().await;
    let email = "ann@example.org";
    let cookie = app.sign_up_confirmed(email).await;
    let other =
        app.call("login", &[("email", email), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let mut phone = Device::new();

    let added = add_passkey(&app, &cookie, &mut phone, None, "  Pixel  ").await;
    added.expect_status(StatusCode::OK);
    assert_eq!(
        added.json()["codes"].as_array().unwrap().len(),
        10,
        "the first method comes with backup codes"
    );
    // Like any change to the factors: every other session ends.
    app.call("account", &[], Some(&other)).await.expect_status(StatusCode::UNAUTHORIZED);
    let status = app.call("two-factor/status", &[], Some(&cookie)).await.json();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["passkeys"], 1);
    let listed = app.call("passkeys", &[], Some(&cookie)).await.json();
    assert_eq!(listed[0]["name"], "Pixel");
    assert!(listed[0]["last_used_at"].is_null());
    assert!(events(&app, &cookie).await.contains(&"passkey_added".to_owned()));
    let queued: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox").fetch_one(&app.state.db).await.unwrap();
    assert!(queued >= 2, "confirmation and the passkey's notice: {queued}");

    let done = password_then_passkey(&app, email, &mut phone, &site()).await;
    done.expect_status(StatusCode::OK);
    assert_eq!(done.json()["level"], "fully_authenticated");
    let cookie = done.session_cookie().unwrap();
    let listed = app.call("passkeys", &[], Some(&cookie)).await.json();
    assert!(listed[0]["last_used_at"].is_i64(), "the use is recorded");

    // A second passkey needs a current second factor, and comes without new backup codes.
    let mut key = Device::new();
    let refused = app.call("passkeys/add", &[("password", PASSWORD)], Some(&cookie)).await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "code_missing");
    let backup = added.json()["codes"][0].as_str().unwrap().to_owned();
    let second = add_passkey(&app, &cookie, &mut key, Some(&backup), "YubiKey").await;
    second.expect_status(StatusCode::OK);
    assert!(second.json().is_null());
    // The first device's passkey is excluded when adding: the browser is told not to make another.
    let backup = added.json()["codes"][1].as_str().unwrap().to_owned();
    let begun =
        app.call("passkeys/add", &[("password", PASSWORD), ("code", &backup)], Some(&cookie)).await.json();
    let excluded = begun["options"]["publicKey"]["excludeCredentials"].as_array().unwrap().len();
    assert_eq!(excluded, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_alone_signs_in_fully_with_no_password_and_no_code() {
    let app = passkey_app().await;
    let email = "bob@example.org";
    let cookie = app.sign_up_confirmed(email).await;
    let mut phone = Device::new();
    add_passkey(&app, &cookie, &mut phone, None, "Phone").await.expect_status(StatusCode::OK);
    let handle = user_handle(&app, email).await;

    let signed_in = sign_in(&app, &mut phone, handle, &site()).await;
    signed_in.expect_status(StatusCode::OK);
    assert_eq!(signed_in.json()["level"], "fully_authenticated");
    let session = signed_in.session_cookie().unwrap();
    app.call("account", &[], Some(&session)).await.expect_status(StatusCode::OK);
    assert!(events(&app, &session).await.contains(&"login".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_of_another_account_is_refused() {
    let app = passkey_app().await;
    let (ann, bob) = ("ann@example.org", "bob@example.org");
    let ann_cookie = app.sign_up_confirmed(ann).await;
    let bob_cookie = app.sign_up_confirmed(bob).await;
    let mut ann_phone = Device::new();
    add_passkey(&app, &ann_cookie, &mut ann_phone, None, "Ann's").await.expect_status(StatusCode::OK);
    let mut bob_phone = Device::new();
    add_passkey(&app, &bob_cookie, &mut bob_phone, None, "Bob's").await.expect_status(StatusCode::OK);

    // Ann's passkey, presented as Bob's (his user handle): no login.
    let bob_handle = user_handle(&app, bob).await;
    let refused = sign_in(&app, &mut ann_phone, bob_handle, &site()).await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "passkey_refused");

    // Ann's passkey as the second factor after Bob's password.
    let half =
        app.call("login", &[("email", bob), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let begun = app.call("login/passkey/begin", &[], Some(&half)).await.json();
    let mut options = begun["options"].clone();
    options["publicKey"]["allowCredentials"] = allow(&ann_phone.credential_id);
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let credential = ann_phone.authenticator.do_authentication(site(), options).unwrap();
    let credential = serde_json::to_string(&credential).unwrap();
    let challenge = begun["challenge"].as_str().unwrap();
    let refused = app
        .call("login/passkey", &[("challenge", challenge), ("credential", &credential)], Some(&half))
        .await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "passkey_refused");

    // A credential id already registered to Ann is refused for Carol, even when an
    // authenticator hands it out again.
    let carol = app.sign_up_confirmed("carol@example.org").await;
    let begun = app.call("passkeys/add", &[("password", PASSWORD)], Some(&carol)).await.json();
    let mut carol_phone = Device::new();
    let credential = carol_phone.create(&begun, &site());
    let taken =
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &carol_phone.credential_id);
    sqlx::query("UPDATE passkeys SET credential_id = $1 WHERE name = 'Ann''s'")
        .bind(&taken)
        .execute(&app.state.db)
        .await
        .unwrap();
    let challenge = begun["challenge"].as_str().unwrap();
    let refused = app
        .call(
            "passkeys/add/finish",
            &[("challenge", challenge), ("name", "Carol's"), ("credential", &credential)],
            Some(&carol),
        )
        .await;
    refused.expect_status(StatusCode::CONFLICT);
    assert_eq!(refused.json()["error"], "passkey_already_registered");
    let status = app.call("two-factor/status", &[], Some(&carol)).await.json();
    assert_eq!(status["enabled"], false, "nothing was half added");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_works_once_and_for_five_minutes_only() {
    let app = passkey_app().await;
    let email = "ann@example.org";
    let cookie = app.sign_up_confirmed(email).await;
    let mut phone = Device::new();
    add_passkey(&app, &cookie, &mut phone, None, "Phone").await.expect_status(StatusCode::OK);
    let handle = user_handle(&app, email).await;

    // Replayed: the same answer to the same challenge, sent again.
    let begun = app.call("sign-in/passkey/begin", &[], None).await.json();
    let credential = phone.get(&begun, &site(), Some(handle));
    let form = [("challenge", begun["challenge"].as_str().unwrap()), ("credential", credential.as_str())];
    app.call("sign-in/passkey", &form, None).await.expect_status(StatusCode::OK);
    let replayed = app.call("sign-in/passkey", &form, None).await;
    replayed.expect_status(StatusCode::GONE);
    assert_eq!(replayed.json()["error"], "passkey_challenge_invalid");

    // Expired: answered after its five minutes.
    let begun = app.call("sign-in/passkey/begin", &[], None).await.json();
    let credential = phone.get(&begun, &site(), Some(handle));
    sqlx::query("UPDATE passkey_challenges SET expires_at = $1")
        .bind(app::backend::unix_now() - 1)
        .execute(&app.state.db)
        .await
        .unwrap();
    let form = [("challenge", begun["challenge"].as_str().unwrap()), ("credential", credential.as_str())];
    let expired = app.call("sign-in/passkey", &form, None).await;
    expired.expect_status(StatusCode::GONE);

    // Bound to its session: a second-factor challenge of one half-logged-in session does not
    // serve another.
    let first =
        app.call("login", &[("email", email), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let second =
        app.call("login", &[("email", email), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let begun = app.call("login/passkey/begin", &[], Some(&first)).await.json();
    let credential = phone.get(&begun, &site(), None);
    let form = [("challenge", begun["challenge"].as_str().unwrap()), ("credential", credential.as_str())];
    let elsewhere = app.call("login/passkey", &form, Some(&second)).await;
    elsewhere.expect_status(StatusCode::GONE);
    // A sign-in challenge is no second-factor challenge either.
    let begun = app.call("sign-in/passkey/begin", &[], None).await.json();
    let credential = phone.get(&begun, &site(), None);
    let form = [("challenge", begun["challenge"].as_str().unwrap()), ("credential", credential.as_str())];
    app.call("login/passkey", &form, Some(&second)).await.expect_status(StatusCode::GONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_that_goes_back_refuses_the_login_and_is_recorded() {
    let app = passkey_app().await;
    let email = "ann@example.org";
    let cookie = app.sign_up_confirmed(email).await;
    let mut phone = Device::new();
    add_passkey(&app, &cookie, &mut phone, None, "Phone").await.expect_status(StatusCode::OK);
    let handle = user_handle(&app, email).await;
    let signed_in = sign_in(&app, &mut phone, handle, &site()).await;
    signed_in.expect_status(StatusCode::OK);
    let session = signed_in.session_cookie().unwrap();

    // A copy of the key was used 1000 times elsewhere: the stored counter is ahead of this one.
    let stored: String =
        sqlx::query_scalar("SELECT credential FROM passkeys").fetch_one(&app.state.db).await.unwrap();
    let mut record: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert!(record["cred"]["counter"].as_u64().unwrap() >= 1, "the use moved the counter on");
    record["cred"]["counter"] = 1000.into();
    sqlx::query("UPDATE passkeys SET credential = $1")
        .bind(record.to_string())
        .execute(&app.state.db)
        .await
        .unwrap();

    let refused = sign_in(&app, &mut phone, handle, &site()).await;
    refused.expect_status(StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"], "passkey_possibly_cloned");
    assert!(events(&app, &session).await.contains(&"passkey_possibly_cloned".to_owned()));
    let refused = password_then_passkey(&app, email, &mut phone, &site()).await;
    assert_eq!(refused.json()["error"], "passkey_possibly_cloned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_answer_made_for_another_origin_is_refused_and_counted() {
    let app = passkey_app().await;
    let email = "ann@example.org";
    let cookie = app.sign_up_confirmed(email).await;
    let mut phone = Device::new();
    let added = add_passkey(&app, &cookie, &mut phone, None, "Phone").await;
    added.expect_status(StatusCode::OK);
    let backup = added.json()["codes"][0].as_str().unwrap().to_owned();
    let handle = user_handle(&app, email).await;
    let phishing = Url::parse("https://webapp.example.evil.example").unwrap();

    // A look-alike site relaying our challenge gets an answer bound to its own origin.
    let refused = sign_in(&app, &mut phone, handle, &phishing).await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "passkey_refused");
    // Its answers count against the account's guessing limits, as wrong codes do.
    let mut limited = false;
    for _ in 0..12 {
        let reply = password_then_passkey(&app, email, &mut phone, &phishing).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
        assert_eq!(reply.json()["error"], "passkey_refused");
    }
    assert!(limited, "wrong passkey answers were never limited");

    // Adding one from another origin is refused too (before the limit, from a fresh account).
    let _ = backup;
    let other = app.sign_up_confirmed("bob@example.org").await;
    let begun = app.call("passkeys/add", &[("password", PASSWORD)], Some(&other)).await;
    begun.expect_status(StatusCode::OK);
    let begun = begun.json();
    let credential = Device::new().create(&begun, &phishing);
    let challenge = begun["challenge"].as_str().unwrap();
    let refused = app
        .call(
            "passkeys/add/finish",
            &[("challenge", challenge), ("name", "x"), ("credential", &credential)],
            Some(&other),
        )
        .await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "passkey_refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_passkey_cannot_be_removed_while_it_is_the_only_second_factor() {
    let app = passkey_app().await;
    let enrolled = app.enroll("ann@example.org").await;
    let now = app::backend::unix_now();
    let mut phone = Device::new();
    let added =
        add_passkey(&app, &enrolled.cookie, &mut phone, Some(&app_code(&enrolled.key, now)), "Phone").await;
    added.expect_status(StatusCode::OK);
    let cookie = added.session_cookie().unwrap_or(enrolled.cookie.clone());
    let id = app.call("passkeys", &[], Some(&cookie)).await.json()[0]["id"].as_i64().unwrap().to_string();

    // With the app beside it, the passkey goes, with the password and the app's code.
    let other = app
        .call("login", &[("email", "ann@example.org"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let code = app_code(&enrolled.key, now + 30);
    let removed = app
        .call("passkeys/remove", &[("id", &id), ("password", PASSWORD), ("code", &code)], Some(&cookie))
        .await;
    removed.expect_status(StatusCode::OK);
    assert_eq!(app.call("passkeys", &[], Some(&cookie)).await.json(), serde_json::json!([]));
    app.call("login/methods", &[], Some(&other)).await.expect_status(StatusCode::UNAUTHORIZED);
    assert!(events(&app, &cookie).await.contains(&"passkey_removed".to_owned()));

    // An account whose only method is a passkey: removing it would leave 2FA with nothing.
    let only = app.sign_up_confirmed("bob@example.org").await;
    let mut key = Device::new();
    let added = add_passkey(&app, &only, &mut key, None, "Key").await;
    added.expect_status(StatusCode::OK);
    let backup = added.json()["codes"][0].as_str().unwrap().to_owned();
    let id = app.call("passkeys", &[], Some(&only)).await.json()[0]["id"].as_i64().unwrap().to_string();
    let refused = app
        .call("passkeys/remove", &[("id", &id), ("password", PASSWORD), ("code", &backup)], Some(&only))
        .await;
    refused.expect_status(StatusCode::CONFLICT);
    assert_eq!(refused.json()["error"], "only_second_factor");
    assert_eq!(app.call("passkeys", &[], Some(&only)).await.json().as_array().unwrap().len(), 1);

    // Another account's passkey is not found.
    let refused = app
        .call("passkeys/remove", &[("id", &id), ("password", PASSWORD), ("code", &code)], Some(&cookie))
        .await;
    refused.expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_can_be_renamed_and_names_are_checked() {
    let app = passkey_app().await;
    let cookie = app.sign_up_confirmed("ann@example.org").await;
    let mut phone = Device::new();
    let added = add_passkey(&app, &cookie, &mut phone, None, "").await;
    added.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(added.json()["error"], "passkey_name_invalid");
    add_passkey(&app, &cookie, &mut phone, None, "Phone").await.expect_status(StatusCode::OK);
    let id = app.call("passkeys", &[], Some(&cookie)).await.json()[0]["id"].as_i64().unwrap().to_string();
    app.call("passkeys/rename", &[("id", &id), ("name", "Work phone")], Some(&cookie))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(app.call("passkeys", &[], Some(&cookie)).await.json()[0]["name"], "Work phone");
    let long = "x".repeat(65);
    let refused = app.call("passkeys/rename", &[("id", &id), ("name", &long)], Some(&cookie)).await;
    refused.expect_status(StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webapp_served_under_an_ip_address_says_passkeys_are_unavailable() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ann@example.org").await;
    let refused = app.call("passkeys/add", &[("password", PASSWORD)], Some(&cookie)).await;
    refused.expect_status(StatusCode::CONFLICT);
    assert_eq!(refused.json()["error"], "passkeys_unavailable");
    let refused = app.call("sign-in/passkey/begin", &[], None).await;
    refused.expect_status(StatusCode::CONFLICT);
}
