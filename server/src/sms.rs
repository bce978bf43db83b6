//! Texts out (see `app::backend::sms`): through Twilio's or CM.com's HTTP API when `--sms-url`
//! is given, else as one JSON file a text in `--sms-outbox-dir`, so that a first run needs no
//! provider. The URL and its token, and full numbers, never reach the log.
//!
//! - `twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B3197...`: Programmable Messaging,
//!   `POST /2010-04-01/Accounts/{sid}/Messages.json` (form `To`, `From` or
//!   `MessagingServiceSid`, `Body`; HTTP Basic auth), `201` when accepted; an error is
//!   `{"code", "message", "more_info", "status"}`.
//! - `cm://PRODUCT_TOKEN@gw.messaging.cm.com?from=WebApp`: CM.com's JSON gateway,
//!   `POST /v1.0/message` with the product token in the body; the answer's `errorCode` (0, or
//!   201 with each message's `messageErrorCode`) says what happened, whatever the HTTP status.
//! - `twilio+http://` and `cm+http://`: the same over plain HTTP, for tests against a local server.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use app::backend::sms::{SendFailure, Sending, Text, TextSender};
use serde_json::{json, Value};

use crate::config::Config;

/// How long a provider may take to accept a text: the person waits for it.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum SmsConfigError {
    // Never the URL itself: it holds the provider's token.
    #[error("--sms-url: {0} (twilio://SID:TOKEN@api.twilio.com?from=..., cm://TOKEN@gw.messaging.cm.com?from=...)")]
    Url(&'static str),
    #[error("the SMS outbox folder {0} cannot be made: {1}")]
    OutboxDir(PathBuf, std::io::Error),
    #[error("the HTTP client for texts cannot start: {0}")]
    Client(String),
}

/// The way out `config` names.
pub fn sender_from_config(config: &Config) -> Result<Arc<dyn TextSender>, SmsConfigError> {
    let Some(url) = &config.sms_url else {
        let dir = config.sms_outbox_dir.clone();
        std::fs::create_dir_all(&dir).map_err(|e| SmsConfigError::OutboxDir(dir.clone(), e))?;
        private_folder(&dir).map_err(|e| SmsConfigError::OutboxDir(dir.clone(), e))?;
        return Ok(Arc::new(Folder { dir }));
    };
    let url = url::Url::parse(url).map_err(|_| SmsConfigError::Url("not a URL"))?;
    let (provider, scheme) = match url.scheme() {
        "twilio" => ("twilio", "https"),
        "twilio+http" => ("twilio", "http"),
        "cm" => ("cm", "https"),
        "cm+http" => ("cm", "http"),
        _ => return Err(SmsConfigError::Url("the scheme is none of twilio, cm, twilio+http, cm+http")),
    };
    let host = url.host_str().ok_or(SmsConfigError::Url("no host"))?;
    let base = match url.port() {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    };
    let from = url
        .query_pairs()
        .find(|(key, _)| key == "from")
        .map(|(_, value)| value.into_owned())
        .filter(|from| !from.is_empty())
        .ok_or(SmsConfigError::Url("no from= (the sender number or name)"))?;
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8()
            .map(|decoded| decoded.into_owned())
            .map_err(|_| SmsConfigError::Url("the credentials are not valid percent-encoding"))
    };
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| SmsConfigError::Client(e.to_string()))?;
    if provider == "twilio" {
        let sid = decode(url.username())?;
        let token = decode(url.password().unwrap_or_default())?;
        if sid.is_empty() || token.is_empty() {
            return Err(SmsConfigError::Url("twilio:// needs ACCOUNT_SID:AUTH_TOKEN@"));
        }
        let endpoint = format!("{base}/2010-04-01/Accounts/{sid}/Messages.json");
        Ok(Arc::new(Twilio { client, endpoint, sid, token, from }))
    } else {
        let token = decode(url.username())?;
        if token.is_empty() {
            return Err(SmsConfigError::Url("cm:// needs PRODUCT_TOKEN@"));
        }
        Ok(Arc::new(Cm { client, endpoint: format!("{base}/v1.0/message"), token, from }))
    }
}

/// Where texts go, for the start-up log: the provider and host, never the token.
pub fn describe(config: &Config) -> String {
    match config.sms_url.as_deref().map(url::Url::parse) {
        None => format!("SMS written to {}", config.sms_outbox_dir.display()),
        Some(Ok(url)) => format!("SMS through {} at {}", url.scheme(), url.host_str().unwrap_or("?")),
        Some(Err(_)) => "SMS through an unreadable --sms-url".to_owned(),
    }
}

/// The embedded default: `{"to": "+31612345678", "body": "..."}` files, the server's alone.
struct Folder {
    dir: PathBuf,
}

impl TextSender for Folder {
    fn send<'a>(&'a self, text: &'a Text) -> Sending<'a> {
        Box::pin(async move {
            // Named by the nanosecond, so that the names sort as the texts were sent.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            let name = format!("{nanos:020}-{:08x}.json", rand::random::<u32>());
            let contents = json!({ "to": text.to.e164(), "body": text.body }).to_string();
            let path = self.dir.join(name);
            tokio::task::spawn_blocking(move || write_private(&path, contents.as_bytes()))
                .await
                .map_err(|e| SendFailure::Unavailable { detail: e.to_string() })?
                .map_err(|e| SendFailure::Unavailable { detail: format!("the SMS outbox folder: {e}") })
        })
    }
}

fn private_folder(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let _ = dir;
    Ok(())
}

fn write_private(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents)
}

/// A request that got no answer at all.
fn unreachable(error: reqwest::Error) -> SendFailure {
    let what = if error.is_timeout() { "timed out" } else { "no answer" };
    // Without the URL: reqwest's own message names it, and the Twilio one holds the account id.
    SendFailure::Unavailable { detail: what.to_owned() }
}

struct Twilio {
    client: reqwest::Client,
    endpoint: String,
    sid: String,
    token: String,
    from: String,
}

impl TextSender for Twilio {
    fn send<'a>(&'a self, text: &'a Text) -> Sending<'a> {
        Box::pin(async move {
            // A Messaging Service (MG...) picks the sender from its pool.
            let sender = if self.from.starts_with("MG") { "MessagingServiceSid" } else { "From" };
            let form = [("To", text.to.e164()), (sender, self.from.as_str()), ("Body", text.body.as_str())];
            let answer = self
                .client
                .post(&self.endpoint)
                .basic_auth(&self.sid, Some(&self.token))
                .form(&form)
                .send()
                .await
                .map_err(unreachable)?;
            let status = answer.status().as_u16();
            let body: Value = answer.json().await.unwrap_or(Value::Null);
            if status == 200 || status == 201 {
                return Ok(());
            }
            Err(twilio_failure(status, &body))
        })
    }
}

/// What a Twilio error answer means (codes from twilio.com/docs/api/errors).
fn twilio_failure(status: u16, body: &Value) -> SendFailure {
    let code = body["code"].as_i64();
    let provider_code = code.map_or_else(|| format!("HTTP {status}"), |c| c.to_string());
    match (code, status) {
        // Invalid To, not a mobile, a landline, unroutable, a region not enabled, an opted-out
        // recipient, an unverified number on a trial account.
        (Some(21211 | 21614 | 21635 | 21612 | 21408 | 21610 | 21608), _) => {
            SendFailure::NumberRefused { provider_code }
        }
        (Some(20429), _) | (_, 429) => SendFailure::RateLimited { provider_code },
        // Authentication, and a From that is not the account's.
        (Some(20003 | 20404 | 21212 | 21606 | 21659), _) | (_, 401 | 403) => {
            SendFailure::Misconfigured { provider_code }
        }
        _ => SendFailure::Unavailable { detail: format!("HTTP {status}, provider code {provider_code}") },
    }
}

struct Cm {
    client: reqwest::Client,
    endpoint: String,
    token: String,
    from: String,
}

impl TextSender for Cm {
    fn send<'a>(&'a self, text: &'a Text) -> Sending<'a> {
        Box::pin(async move {
            // CM wants 00 and the country code, no plus.
            let number = format!("00{}", text.to.e164().trim_start_matches('+'));
            let request = json!({ "messages": {
                "authentication": { "producttoken": self.token },
                "msg": [{
                    "from": self.from,
                    "to": [{ "number": number }],
                    "body": { "type": "auto", "content": text.body },
                    "minimumNumberOfMessageParts": 1,
                    "maximumNumberOfMessageParts": 1,
                }],
            }});
            let answer = self.client.post(&self.endpoint).json(&request).send().await.map_err(unreachable)?;
            let status = answer.status().as_u16();
            let body: Value = answer.json().await.unwrap_or(Value::Null);
            cm_outcome(status, &body)
        })
    }
}

/// What a CM gateway answer means: its body says, whatever the HTTP status (the codes of CM's
/// own SDKs' status tables).
fn cm_outcome(status: u16, body: &Value) -> Result<(), SendFailure> {
    let Some(error_code) = body["errorCode"].as_i64() else {
        return Err(if status == 429 {
            SendFailure::RateLimited { provider_code: "HTTP 429".into() }
        } else {
            SendFailure::Unavailable { detail: format!("HTTP {status}, an answer without errorCode") }
        });
    };
    let message = &body["messages"][0];
    let accepted = message["status"].as_str() == Some("Accepted");
    match error_code {
        0 if accepted => Ok(()),
        101..=103 => Err(SendFailure::Misconfigured { provider_code: error_code.to_string() }),
        201 => {
            let code = message["messageErrorCode"].as_i64().unwrap_or(0);
            let provider_code = format!("201/{code}");
            Err(match code {
                // An invalid recipient or MSISDN; blocked, blacklisted or rejected by the operator.
                302 | 303 | 401..=403 => SendFailure::NumberRefused { provider_code },
                301 => SendFailure::Misconfigured { provider_code },
                _ => SendFailure::Unavailable {
                    detail: format!("HTTP {status}, provider code {provider_code}"),
                },
            })
        }
        _ if status == 429 => Err(SendFailure::RateLimited { provider_code: error_code.to_string() }),
        _ => Err(SendFailure::Unavailable { detail: format!("HTTP {status}, provider code {error_code}") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_errors_are_told_apart_by_their_code() {
        let error = |code: i64, status: u16| twilio_failure(status, &json!({"code": code, "status": status}));
        assert_eq!(error(21211, 400), SendFailure::NumberRefused { provider_code: "21211".into() });
        assert_eq!(error(21614, 400), SendFailure::NumberRefused { provider_code: "21614".into() });
        assert_eq!(error(20429, 429), SendFailure::RateLimited { provider_code: "20429".into() });
        assert_eq!(error(20003, 401), SendFailure::Misconfigured { provider_code: "20003".into() });
        assert!(matches!(twilio_failure(503, &Value::Null), SendFailure::Unavailable { .. }));
    }

    #[test]
    fn cm_answers_are_read_from_their_body() {
        let accepted = json!({"errorCode": 0, "messages": [{"status": "Accepted", "messageErrorCode": 0}]});
        assert_eq!(cm_outcome(200, &accepted), Ok(()));
        let bad_token = json!({"details": "No account found for the given authentication", "errorCode": 101, "messages": []});
        assert_eq!(
            cm_outcome(400, &bad_token),
            Err(SendFailure::Misconfigured { provider_code: "101".into() })
        );
        let bad_number =
            json!({"errorCode": 201, "messages": [{"status": "Rejected", "messageErrorCode": 302}]});
        assert_eq!(
            cm_outcome(400, &bad_number),
            Err(SendFailure::NumberRefused { provider_code: "201/302".into() })
        );
    }
}
