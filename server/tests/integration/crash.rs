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

// The kill points' table names steps, requests and changes by their variants.
use self::Change::{Disabled, Enabled, Regenerated};
use self::Done::{Begun, Confirmed, PasswordStep};
use self::InFlight::{Confirm, Disable, LoginCode, Regenerate};

/// How far the owner got before the kill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Done {
    /// Setup begun: a pending secret.
    Begun,
    /// Setup confirmed: 2FA on, the ten backup codes shown.
    Confirmed,
    /// Then the password step of a login: a half-logged-in session.
    PasswordStep,
}

/// The request under way when the server dies.
#[derive(Debug, Clone, Copy)]
enum InFlight {
    /// Confirming setup with the phone's code.
    Confirm,
    /// The login's code step, with the phone's next code.
    LoginCode,
    /// Turning 2FA off with the password and a backup code.
    Disable,
    /// New backup codes, with the password and a backup code.
    Regenerate,
}

/// The change whose audit event the restarted server must hold exactly when the change happened.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// `two_factor_enabled`, when 2FA is on.
    Enabled,
    /// `two_factor_disabled`, when 2FA is off.
    Disabled,
    /// `backup_codes_regenerated`, when the backup codes are no longer those from before the kill.
    Regenerated,
}

impl Change {
    fn event(self) -> &'static str {
        match self {
            Change::Enabled => "two_factor_enabled",
            Change::Disabled => "two_factor_disabled",
            Change::Regenerated => "backup_codes_regenerated",
        }
    }
}

/// Where the server dies: after the owner's steps up to `done`, and then `during` a request, cut
/// off after that many milliseconds (`None`: between requests). `change` is the change whose audit
/// event the restarted server is checked for.
#[derive(Debug, Clone, Copy)]
struct KillPoint {
    done: Done,
    during: Option<(InFlight, u64)>,
    change: Change,
}

/// Every kill point, each on an account of its own: a new one is a new row.
const KILL_POINTS: &[KillPoint] = &[
    KillPoint { done: Begun, during: None, change: Enabled },
    KillPoint { done: Begun, during: Some((Confirm, 0)), change: Enabled },
    KillPoint { done: Begun, during: Some((Confirm, 20)), change: Enabled },
    KillPoint { done: Begun, during: Some((Confirm, 60)), change: Enabled },
    KillPoint { done: Begun, during: Some((Confirm, 120)), change: Enabled },
    KillPoint { done: Begun, during: Some((Confirm, 200)), change: Enabled },
    KillPoint { done: Begun, during: Some((Confirm, 300)), change: Enabled },
    KillPoint { done: Confirmed, during: None, change: Enabled },
    KillPoint { done: PasswordStep, during: None, change: Enabled },
    KillPoint { done: PasswordStep, during: Some((LoginCode, 0)), change: Enabled },
    KillPoint { done: PasswordStep, during: Some((LoginCode, 5)), change: Enabled },
    KillPoint { done: PasswordStep, during: Some((LoginCode, 15)), change: Enabled },
    KillPoint { done: PasswordStep, during: Some((LoginCode, 30)), change: Enabled },
    KillPoint { done: PasswordStep, during: Some((LoginCode, 50)), change: Enabled },
    KillPoint { done: PasswordStep, during: Some((LoginCode, 75)), change: Enabled },
    KillPoint { done: Confirmed, during: Some((Disable, 0)), change: Disabled },
    KillPoint { done: Confirmed, during: Some((Disable, 100)), change: Disabled },
    KillPoint { done: Confirmed, during: Some((Disable, 250)), change: Disabled },
    KillPoint { done: Confirmed, during: Some((Disable, 500)), change: Disabled },
    KillPoint { done: Confirmed, during: Some((Disable, 900)), change: Disabled },
    KillPoint { done: Confirmed, during: Some((Regenerate, 0)), change: Regenerated },
    KillPoint { done: Confirmed, during: Some((Regenerate, 100)), change: Regenerated },
    KillPoint { done: Confirmed, during: Some((Regenerate, 250)), change: Regenerated },
    KillPoint { done: Confirmed, during: Some((Regenerate, 500)), change: Regenerated },
    KillPoint { done: Confirmed, during: Some((Regenerate, 900)), change: Regenerated },
];

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

    for (n, point) in KILL_POINTS.iter().enumerate() {
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
        common::confirm_address_in(&database_url, &email).await;
        let setup =
            call(&client, &server.instance, "two-factor/begin", &[("password", PASSWORD)], Some(&cookie))
                .await;
        let key = setup.json["key"].as_str().unwrap().replace(' ', "");
        let code = app_code(&key, unix_now());
        let mut backup_codes: Vec<String> = Vec::new();
        let mut codes_before: Vec<String> = Vec::new();
        if point.done >= Done::Confirmed {
            let confirmed =
                call(&client, &server.instance, "two-factor/confirm", &[("code", &code)], Some(&cookie))
                    .await;
            confirmed.expect_status(StatusCode::OK);
            backup_codes = serde_json::from_value(confirmed.json["codes"].clone()).unwrap();
        }
        let half = if point.done >= Done::PasswordStep {
            call(&client, &server.instance, "login", &[("email", &email), ("password", PASSWORD)], None)
                .await
                .cookie
        } else {
            None
        };
        if let Some((in_flight, ms)) = point.during {
            let request = match in_flight {
                InFlight::Confirm => client
                    .post(format!("{}/two-factor/confirm", server.instance.base))
                    .header("cookie", &cookie)
                    .form(&[("code", &code)]),
                InFlight::LoginCode => {
                    let next = app_code(&key, unix_now() + 30);
                    client
                        .post(format!("{}/login/code", server.instance.base))
                        .header("cookie", half.expect("the code step comes after the password step"))
                        .form(&[("code", &next)])
                }
                InFlight::Disable | InFlight::Regenerate => {
                    let endpoint = match in_flight {
                        InFlight::Disable => "two-factor/disable",
                        _ => "two-factor/backup-codes/regenerate",
                    };
                    let db = app_pool(&database_url).await;
                    codes_before = backup_code_hashes(&db, &email).await;
                    db.close().await;
                    client
                        .post(format!("{}/{endpoint}", server.instance.base))
                        .header("cookie", &cookie)
                        .form(&[("password", PASSWORD), ("code", backup_codes[1].as_str())])
                }
            };
            let _ = tokio::time::timeout(Duration::from_millis(ms), request.send()).await;
        }
        kill(server);

        // Started again: the account is whole, and its owner gets in.
        let server = up(&database_url, dir.path(), &client).await;
        let db = app_pool(&database_url).await;
        let enabled = assert_consistent(&db, &email).await;
        // A change that happened has its event; one that did not, none.
        let happened = match point.change {
            Change::Enabled => enabled,
            Change::Disabled => !enabled,
            Change::Regenerated => backup_code_hashes(&db, &email).await != codes_before,
        };
        assert_eq!(events(&db, &email, point.change.event()).await, i64::from(happened), "{point:?}");
        if matches!(point.change, Change::Regenerated) && happened {
            // The owner saw nothing of the new set; the phone still gets them in.
            backup_codes.clear();
        }
        db.close().await;
        let login =
            call(&client, &server.instance, "login", &[("email", &email), ("password", PASSWORD)], None)
                .await;
        login.expect_status_for(StatusCode::OK, format_args!("{point:?}"));
        if enabled {
            assert_eq!(login.json["level"], "password_verified");
            // The phone's next code; a killed login may have used it up, and then a backup code
            // gets the owner in, as it would a person.
            let code = app_code(&key, unix_now() + 30);
            let mut reply =
                call(&client, &server.instance, "login/code", &[("code", &code)], login.cookie.as_deref())
                    .await;
            if reply.status != StatusCode::OK {
                assert!(matches!(point.during, Some((InFlight::LoginCode, _))), "{point:?}: {}", reply.json);
                assert!(!backup_codes.is_empty(), "{point:?}");
                let form = [("code", backup_codes[0].as_str())];
                reply = call(&client, &server.instance, "login/backup-code", &form, login.cookie.as_deref())
                    .await;
            }
            reply.expect_status_for(
                StatusCode::OK,
                format_args!("{point:?}: the owner could not complete the login"),
            );
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
