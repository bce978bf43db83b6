//! Crash safety: the server is killed with SIGKILL at each step of setup, of login, of turning
//! 2FA off and of making new backup codes, then started again. Every account is either wholly
//! without 2FA or wholly with it (secret and ten backup codes), each change that happened has
//! its audit event and none that did not, and the owner can still log in.

use crate::common;

use std::time::Duration;

use common::process::{call, start, wait_until_up, Instance};
use common::{app_code, fresh_database_url, PASSWORD};
use reqwest::StatusCode;
use sqlx::AnyPool;

use app::backend::unix_now;

/// Where the server dies.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    AfterBegin,
    DuringConfirm(u64),
    AfterConfirm,
    AfterPasswordStep,
    DuringCodeLogin(u64),
    DuringDisable(u64),
    DuringRegenerate(u64),
}

/// How many events of `kind` the account of `email` has.
async fn events(db: &AnyPool, email: &str, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.kind = $2")
        .bind(email)
        .bind(kind)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn backup_code_hashes(db: &AnyPool, email: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT b.code_hash FROM backup_codes b JOIN users u ON u.id = b.user_id WHERE u.email = $1 ORDER BY b.id")
        .bind(email)
        .fetch_all(db)
        .await
        .unwrap()
}

struct Server {
    instance: Instance,
}

async fn up(database_url: &str, dir: &std::path::Path, client: &reqwest::Client) -> Server {
    let mut instance = start(database_url, dir, "warn");
    wait_until_up(client, &mut instance).await;
    Server { instance }
}

fn kill(server: Server) {
    // Instance's Drop sends SIGKILL (std's Child::kill) and reaps the process.
    drop(server);
}

/// 2FA is all there or all absent for `email`.
async fn assert_consistent(db: &AnyPool, email: &str) -> bool {
    let (credentials, codes, unused): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM totp_credentials t WHERE t.user_id = u.id),
                (SELECT COUNT(*) FROM backup_codes b WHERE b.user_id = u.id),
                (SELECT COUNT(*) FROM backup_codes b WHERE b.user_id = u.id AND b.used_at IS NULL)
         FROM users u WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(db)
    .await
    .unwrap();
    assert!(
        (credentials, codes) == (0, 0) || (credentials == 1 && codes == 10 && unused >= 9),
        "{email}: {credentials} credentials, {codes} backup codes"
    );
    credentials == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_at_any_step_leaves_every_account_whole_and_usable() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    let mut points = vec![KillPoint::AfterBegin, KillPoint::AfterConfirm, KillPoint::AfterPasswordStep];
    for ms in [0, 20, 60, 120, 200, 300] {
        points.push(KillPoint::DuringConfirm(ms));
        points.push(KillPoint::DuringCodeLogin(ms / 4));
    }
    for ms in [0, 100, 250, 500, 900] {
        points.push(KillPoint::DuringDisable(ms));
        points.push(KillPoint::DuringRegenerate(ms));
    }

    for (n, point) in points.iter().enumerate() {
        let email = format!("user{n}@example.org");
        // Each account's owner is a client of their own (sign-ups are limited per address).
        let client = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 1, n as u8 + 1]))
            .build()
            .unwrap();
        let server = up(&database_url, dir.path(), &client).await;
        let signup =
            call(&client, &server.instance, "signup", &[("email", &email), ("password", PASSWORD)], None)
                .await;
        let cookie = signup.cookie.unwrap();
        let setup =
            call(&client, &server.instance, "two-factor/begin", &[("password", PASSWORD)], Some(&cookie))
                .await;
        let key = setup.json["key"].as_str().unwrap().replace(' ', "");
        let code = app_code(&key, unix_now());
        let mut backup_codes: Vec<String> = Vec::new();
        let mut codes_before: Vec<String> = Vec::new();
        let server = match *point {
            KillPoint::AfterBegin => server,
            KillPoint::DuringConfirm(ms) => {
                let request = client
                    .post(format!("{}/two-factor/confirm", server.instance.base))
                    .header("cookie", &cookie)
                    .form(&[("code", &code)])
                    .send();
                let _ = tokio::time::timeout(Duration::from_millis(ms), request).await;
                server
            }
            _ => {
                let confirmed =
                    call(&client, &server.instance, "two-factor/confirm", &[("code", &code)], Some(&cookie))
                        .await;
                assert_eq!(confirmed.status, StatusCode::OK);
                backup_codes = serde_json::from_value(confirmed.json["codes"].clone()).unwrap();
                match *point {
                    KillPoint::AfterConfirm => server,
                    KillPoint::AfterPasswordStep | KillPoint::DuringCodeLogin(_) => {
                        let half = call(
                            &client,
                            &server.instance,
                            "login",
                            &[("email", &email), ("password", PASSWORD)],
                            None,
                        )
                        .await;
                        if let KillPoint::DuringCodeLogin(ms) = *point {
                            let next = app_code(&key, unix_now() + 30);
                            let request = client
                                .post(format!("{}/login/code", server.instance.base))
                                .header("cookie", half.cookie.unwrap())
                                .form(&[("code", &next)])
                                .send();
                            let _ = tokio::time::timeout(Duration::from_millis(ms), request).await;
                        }
                        server
                    }
                    KillPoint::DuringDisable(ms) | KillPoint::DuringRegenerate(ms) => {
                        let endpoint = match *point {
                            KillPoint::DuringDisable(_) => "two-factor/disable",
                            _ => "two-factor/backup-codes/regenerate",
                        };
                        let db = app_pool(&database_url).await;
                        codes_before = backup_code_hashes(&db, &email).await;
                        db.close().await;
                        let request = client
                            .post(format!("{}/{endpoint}", server.instance.base))
                            .header("cookie", &cookie)
                            .form(&[("password", PASSWORD), ("code", backup_codes[1].as_str())])
                            .send();
                        let _ = tokio::time::timeout(Duration::from_millis(ms), request).await;
                        server
                    }
                    _ => unreachable!(),
                }
            }
        };
        kill(server);

        // Started again: the account is whole, and its owner gets in.
        let server = up(&database_url, dir.path(), &client).await;
        let db = app_pool(&database_url).await;
        let enabled = assert_consistent(&db, &email).await;
        // A change that happened has its event; one that did not, none.
        match *point {
            KillPoint::DuringDisable(_) => {
                assert_eq!(
                    events(&db, &email, "two_factor_disabled").await,
                    i64::from(!enabled),
                    "{point:?}"
                );
            }
            KillPoint::DuringRegenerate(_) => {
                let renewed = backup_code_hashes(&db, &email).await != codes_before;
                assert_eq!(
                    events(&db, &email, "backup_codes_regenerated").await,
                    i64::from(renewed),
                    "{point:?}"
                );
                if renewed {
                    // The owner saw nothing of the new set; the phone still gets them in.
                    backup_codes.clear();
                }
            }
            _ => assert_eq!(events(&db, &email, "two_factor_enabled").await, i64::from(enabled), "{point:?}"),
        }
        db.close().await;
        let login =
            call(&client, &server.instance, "login", &[("email", &email), ("password", PASSWORD)], None)
                .await;
        assert_eq!(login.status, StatusCode::OK, "{point:?}");
        if enabled {
            assert_eq!(login.json["level"], "password_verified");
            // The phone's next code; a killed login may have used it up, and then a backup code
            // gets the owner in, as it would a person.
            let code = app_code(&key, unix_now() + 30);
            let mut reply =
                call(&client, &server.instance, "login/code", &[("code", &code)], login.cookie.as_deref())
                    .await;
            if reply.status != StatusCode::OK {
                assert!(matches!(point, KillPoint::DuringCodeLogin(_)), "{point:?}: {}", reply.json);
                assert!(!backup_codes.is_empty(), "{point:?}");
                let form = [("code", backup_codes[0].as_str())];
                reply = call(&client, &server.instance, "login/backup-code", &form, login.cookie.as_deref())
                    .await;
            }
            assert_eq!(reply.status, StatusCode::OK, "{point:?}: the owner could not complete the login");
        } else {
            assert_eq!(login.json["level"], "fully_authenticated", "{point:?}");
        }
        kill(server);
    }
}

async fn app_pool(database_url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPool::connect(database_url).await.unwrap()
}
