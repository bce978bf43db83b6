//! Two server processes on one database, sharing nothing else but the key file: sessions,
//! used codes, guessing limits and races behave as on one instance. Runs on SQLite, and on
//! PostgreSQL when TEST_POSTGRES_URL is set.

use crate::common;

use common::process::{call, start, wait_until_up, Instance};
use common::{app_code, fresh_database_url, PASSWORD};
use reqwest::StatusCode;

use app::backend::unix_now;

async fn password_step(client: &reqwest::Client, instance: &Instance, email: &str) -> String {
    let reply = call(client, instance, "login", &[("email", email), ("password", PASSWORD)], None).await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(reply.json["level"], "password_verified");
    reply.cookie.unwrap()
}

/// Signs up on `a`, begins setup on `a` and confirms it on `b`: returns the key, the backup
/// codes and the code that confirmed the setup.
async fn enroll(
    client: &reqwest::Client,
    database_url: &str,
    a: &Instance,
    b: &Instance,
    email: &str,
) -> (String, Vec<String>, String) {
    let signup = call(client, a, "signup", &[("email", email), ("password", PASSWORD)], None).await;
    signup.expect_status(StatusCode::OK);
    let cookie = signup.cookie.unwrap();
    // A session made on one instance works on the other.
    let account = call(client, b, "account", &[], Some(&cookie)).await;
    account.expect_status(StatusCode::OK);
    assert_eq!(account.json["email"], email);
    common::confirm_address_in(database_url, email).await;

    let setup = call(client, a, "two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
    let key = setup.json["key"].as_str().unwrap().replace(' ', "");
    let setup_code = app_code(&key, unix_now());
    let confirmed = call(client, b, "two-factor/confirm", &[("code", &setup_code)], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    (key, serde_json::from_value(confirmed.json["codes"].clone()).unwrap(), setup_code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_keep_every_promise() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    // Both start at once, so both run the migrations at once.
    let mut instances = [start(&database_url, dir.path(), "warn"), start(&database_url, dir.path(), "warn")];
    let client = reqwest::Client::new();
    for instance in &mut instances {
        wait_until_up(&client, instance).await;
    }
    let [a, b] = &instances;
    let email = "ada@example.org";
    let (key, _, setup_code) = enroll(&client, &database_url, a, b, email).await;

    // A code accepted on one instance (the setup code, on b) is refused on the other.
    let half = password_step(&client, a, email).await;
    let refused = call(&client, a, "login/code", &[("code", &setup_code)], Some(&half)).await;
    refused.expect_status(StatusCode::UNAUTHORIZED);

    // 50 parallel submissions of one valid code, spread over both: exactly one success.
    let code = app_code(&key, unix_now() + 30);
    let mut halves = Vec::new();
    for i in 0..50 {
        halves.push((i % 2, password_step(&client, &instances[i % 2], email).await));
    }
    let base = [a.base.clone(), b.base.clone()];
    let tasks: Vec<_> = halves
        .into_iter()
        .map(|(which, half)| {
            let (client, url, code) = (client.clone(), format!("{}/login/code", base[which]), code.clone());
            tokio::spawn(async move {
                client.post(url).header("cookie", half).form(&[("code", code)]).send().await.unwrap().status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let successes = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(successes, 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [
        StatusCode::OK,
        StatusCode::UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS
    ]
    .contains(s)));

    // Two parallel uses of one backup code, one on each instance: one success. (Another
    // account: the race above used up this one's guessing allowance for now.)
    let email = "carol@example.org";
    let (_, codes, _) = enroll(&client, &database_url, a, b, email).await;
    let (half_a, half_b) = (password_step(&client, a, email).await, password_step(&client, b, email).await);
    let form = [("code", codes[0].as_str())];
    let (ra, rb) = tokio::join!(
        call(&client, a, "login/backup-code", &form, Some(&half_a)),
        call(&client, b, "login/backup-code", &form, Some(&half_b)),
    );
    let successes = [ra.status, rb.status].iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(successes, 1, "{} / {}", ra.json, rb.json);

    // Guessing limits count attempts made on both instances: 3 on a, 2 on b, then even the
    // right code waits.
    let other = "bob@example.org";
    let (other_key, _, _) = enroll(&client, &database_url, b, a, other).await;
    let wrong = &common::wrong_code(&other_key, unix_now());
    for i in 0..5 {
        let instance = &instances[usize::from(i >= 3)];
        let half = password_step(&client, instance, other).await;
        let reply = call(&client, instance, "login/code", &[("code", wrong)], Some(&half)).await;
        reply.expect_status_for(StatusCode::UNAUTHORIZED, format_args!("attempt {i}"));
    }
    let half = password_step(&client, a, other).await;
    let right =
        call(&client, a, "login/code", &[("code", &app_code(&other_key, unix_now() + 30))], Some(&half))
            .await;
    right.expect_status(StatusCode::TOO_MANY_REQUESTS);
}
