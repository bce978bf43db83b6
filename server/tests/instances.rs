//! Two server processes on one database, sharing nothing else but the key file: sessions,
//! used codes, guessing limits and races behave as on one instance. Runs on SQLite, and on
//! PostgreSQL when TEST_POSTGRES_URL is set.

mod common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{app_code, fresh_database_url, PASSWORD};
use reqwest::StatusCode;

use app::backend::unix_now;

/// A server process, killed when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(database_url: &str, dir: &std::path::Path) -> Instance {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("WEBAPP_KEY_FILE", dir.join("secret.key"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server binary");
    Instance { child, base: format!("http://127.0.0.1:{port}/api") }
}

struct Reply {
    status: StatusCode,
    json: serde_json::Value,
    cookie: Option<String>,
}

async fn call(client: &reqwest::Client, instance: &Instance, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let mut request = client.post(format!("{}/{endpoint}", instance.base)).form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .filter(|c| !c.ends_with('='))
        .map(str::to_owned);
    let json = response.json().await.unwrap_or(serde_json::Value::Null);
    Reply { status, json, cookie }
}

async fn wait_until_up(client: &reqwest::Client, instance: &mut Instance) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = instance.child.try_wait() {
            panic!("{} exited: {status}", instance.base);
        }
        if let Ok(r) = client.post(format!("{}/session", instance.base)).send().await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{} did not come up", instance.base);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn password_step(client: &reqwest::Client, instance: &Instance, email: &str) -> String {
    let reply = call(client, instance, "login", &[("email", email), ("password", PASSWORD)], None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    assert_eq!(reply.json["level"], "password_verified");
    reply.cookie.unwrap()
}

/// Signs up on `a`, begins setup on `a` and confirms it on `b`: returns the key, the backup
/// codes and the code that confirmed the setup.
async fn enroll(client: &reqwest::Client, a: &Instance, b: &Instance, email: &str) -> (String, Vec<String>, String) {
    let signup = call(client, a, "signup", &[("email", email), ("password", PASSWORD)], None).await;
    assert_eq!(signup.status, StatusCode::OK);
    let cookie = signup.cookie.unwrap();
    // A session made on one instance works on the other.
    let account = call(client, b, "account", &[], Some(&cookie)).await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.json["email"], email);

    let setup = call(client, a, "two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
    let key = setup.json["key"].as_str().unwrap().replace(' ', "");
    let setup_code = app_code(&key, unix_now());
    let confirmed = call(client, b, "two-factor/confirm", &[("code", &setup_code)], Some(&cookie)).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.json);
    (key, serde_json::from_value(confirmed.json["codes"].clone()).unwrap(), setup_code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_keep_every_promise() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    // Both start at once, so both run the migrations at once.
    let mut instances = [start(&database_url, dir.path()), start(&database_url, dir.path())];
    let client = reqwest::Client::new();
    for instance in &mut instances {
        wait_until_up(&client, instance).await;
    }
    let [a, b] = &instances;
    let email = "ada@example.org";
    let (key, _, setup_code) = enroll(&client, a, b, email).await;

    // A code accepted on one instance (the setup code, on b) is refused on the other.
    let half = password_step(&client, a, email).await;
    let refused = call(&client, a, "login/code", &[("code", &setup_code)], Some(&half)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.json);

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
    assert!(statuses.iter().all(|s| [StatusCode::OK, StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(s)));

    // Two parallel uses of one backup code, one on each instance: one success. (Another
    // account: the race above used up this one's guessing allowance for now.)
    let email = "carol@example.org";
    let (_, codes, _) = enroll(&client, a, b, email).await;
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
    let (other_key, _, _) = enroll(&client, b, a, other).await;
    let wrong = if app_code(&other_key, unix_now()) == "000000" { "111111" } else { "000000" };
    for i in 0..5 {
        let instance = &instances[usize::from(i >= 3)];
        let half = password_step(&client, instance, other).await;
        let reply = call(&client, instance, "login/code", &[("code", wrong)], Some(&half)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {i}: {}", reply.json);
    }
    let half = password_step(&client, a, other).await;
    let right = call(&client, a, "login/code", &[("code", &app_code(&other_key, unix_now() + 30))], Some(&half)).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "{}", right.json);
}
