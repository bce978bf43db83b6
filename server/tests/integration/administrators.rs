//! Administrators (issue 27): made only on the command line.

use crate::common::{TestApp, PASSWORD};
use http::StatusCode;
use server::config::AdminCommand;

async fn administrators(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM administrators").fetch_one(&app.state.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_grants_lists_and_revokes_the_role_and_tells_the_account() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let now = app::backend::unix_now();
    let grant = || AdminCommand::Grant { email: " Ada@Example.org ".into() };
    let granted = server::admin::run(&app.state, grant(), now).await.unwrap();
    assert_eq!(granted, "Ada@Example.org is now an administrator");
    assert_eq!(administrators(&app).await, 1);
    let again = server::admin::run(&app.state, grant(), now).await.unwrap();
    assert!(again.ends_with("was an administrator already"), "{again}");
    let listed = server::admin::run(&app.state, AdminCommand::List, now).await.unwrap();
    assert!(listed.starts_with("ada@example.org\tsince ") && listed.ends_with("2FA off"), "{listed}");

    let events = app.call("security/events", &[], Some(&cookie)).await.json();
    assert_eq!(events[0]["kind"], "administrator_granted");
    let revoked =
        server::admin::run(&app.state, AdminCommand::Revoke { email: "ada@example.org".into() }, now).await;
    assert!(revoked.unwrap().ends_with("is no longer an administrator"));
    assert_eq!(administrators(&app).await, 0);
    let events = app.call("security/events", &[], Some(&cookie)).await.json();
    assert_eq!(events[0]["kind"], "administrator_revoked");

    let unknown =
        server::admin::run(&app.state, AdminCommand::Grant { email: "nobody@example.org".into() }, now).await;
    assert_eq!(unknown, Err(app::AppError::NotFound));
}

/// Every server function, called by a fully logged-in account with every field a request could
/// use to ask for the role: none makes it an administrator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_makes_an_administrator() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("eve@example.org").await;
    let form = [
        ("password", PASSWORD),
        ("code", "123456"),
        ("email", "eve@example.org"),
        ("admin", "true"),
        ("role", "administrator"),
        ("is_admin", "1"),
        ("id", "1"),
    ];
    let mut tried = 0;
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let endpoint = path.trim_start_matches("/api/");
        if matches!(endpoint, "logout" | "account/close") {
            continue;
        }
        let reply = app.call(endpoint, &form, Some(&cookie)).await;
        assert!(reply.status != StatusCode::INTERNAL_SERVER_ERROR, "{endpoint}: {}", reply.body);
        tried += 1;
    }
    assert!(tried > 40, "only {tried} server functions");
    assert_eq!(administrators(&app).await, 0);
}
