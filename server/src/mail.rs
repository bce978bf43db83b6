//! Sending the queued security mails (see `app::backend::notices`): over SMTP when `--smtp-url`
//! is given, else as `.eml` files in `--outbox-dir`, so that a first run needs no mail server.
//!
//! Every instance runs a worker. It claims a few due rows of `mail_outbox` for a lease, sends
//! them, and deletes the ones the mail server accepted, in one statement once the batch is done;
//! one it refused, or could not reach, is due again later, after a delay that doubles up to a
//! quarter of an hour. A crash between the server's acceptance and the delete sends the batch's
//! accepted mails again after the lease (at least once, never lost); a mail's `Message-ID` is the
//! same each time, so the receiving side can tell. (A delete and a recipient lookup for every
//! mail were database round trips, each waking the database's thread on cores busy hashing
//! passwords: with them, a login from a new browser and its mail made 19, one from a known
//! browser 9.)

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use app::backend::mail::outbox::{self, Mail};
use app::backend::store;
use app::backend::AppState;
use app::error::AppError;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;

/// How often a worker looks for due mails.
const POLL: Duration = Duration::from_secs(1);
/// Mails claimed at once, and how long a claim holds: longer than sending them all can take.
const BATCH: i64 = 5;
const SEND_TIMEOUT: Duration = Duration::from_secs(20);
const LEASE_SECS: i64 = 5 * 60;
/// The delay before a failed mail is tried again: doubles from the first to the last.
const FIRST_RETRY_SECS: i64 = 5;
const LAST_RETRY_SECS: i64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("--smtp-url is not a mail server address (smtp://, smtp+starttls:// or smtps://): {0}")]
    SmtpUrl(String),
    #[error("--mail-from is not a mail address: {0}")]
    From(String),
    #[error("the outbox folder {0} cannot be made: {1}")]
    OutboxDir(PathBuf, std::io::Error),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder only the server's user can read: a link mail carries a live
    /// token. Each file is named by its message id.
    Files(PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The right-hand side of each `Message-ID`.
    domain: String,
}

/// `smtp+starttls://` in lettre's terms: `smtp://` that requires STARTTLS.
fn lettre_url(url: &str) -> String {
    match url.strip_prefix("smtp+starttls://") {
        Some(rest) => {
            let join = if rest.contains('?') { '&' } else { '?' };
            format!("smtp://{rest}{join}tls=required")
        }
        None => url.to_owned(),
    }
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, MailConfigError> {
        let from: Mailbox = config.mail_from.parse().map_err(|e| MailConfigError::From(format!("{e}")))?;
        let domain = from.email.domain().to_owned();
        let transport = match &config.smtp_url {
            Some(url) => {
                // The URL may hold a password: the error names only what is wrong with it.
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url))
                    .map_err(|e| MailConfigError::SmtpUrl(format!("{e}")))?;
                Transport::Smtp(builder.timeout(Some(SEND_TIMEOUT)).build())
            }
            None => {
                let dir = &config.outbox_dir;
                std::fs::create_dir_all(dir).map_err(|e| MailConfigError::OutboxDir(dir.clone(), e))?;
                private_folder(dir).map_err(|e| MailConfigError::OutboxDir(dir.clone(), e))?;
                Transport::Files(dir.clone())
            }
        };
        Ok(Mailer { transport, from, domain })
    }

    /// Where mails go, for the log: never the SMTP URL itself, which may hold a password.
    pub fn describe(config: &Config) -> String {
        match &config.smtp_url {
            Some(_) => "to the mail server of --smtp-url".to_owned(),
            None => format!("as .eml files to {} (no --smtp-url given)", config.outbox_dir.display()),
        }
    }

    fn message(&self, message_id: &str, created_at: i64, mail: &Mail) -> Result<Message, String> {
        let to: Mailbox = mail.recipient.parse().map_err(|e| format!("recipient: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .date(UNIX_EPOCH + Duration::from_secs(created_at.max(0) as u64))
            .message_id(Some(format!("<{message_id}@{}>", self.domain)))
            .multipart(MultiPart::alternative_plain_html(mail.text_body.clone(), mail.html_body.clone()))
            .map_err(|e| format!("message: {e}"))
    }

    async fn send(&self, queued: &outbox::ClaimedMail) -> Result<(), Failure> {
        let mail =
            queued.mail.as_ref().map_err(|_| Failure::ThisMail("the queued mail does not open".into()))?;
        let message = self.message(&queued.message_id, queued.created_at, mail).map_err(Failure::ThisMail)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| {
                // A 5xx answer refuses this mail (its recipient, say), not every mail.
                if e.is_permanent() {
                    Failure::ThisMail(format!("{e}"))
                } else {
                    Failure::Server(format!("{e}"))
                }
            }),
            Transport::Files(dir) => {
                let path = dir.join(format!("{}.eml", queued.message_id));
                write_private(path, message.formatted()).await.map_err(|e| Failure::Server(format!("{e}")))
            }
        }
    }

    /// Removes the `.eml` files of link mails whose link is no longer live (used, expired, or
    /// its account closed): a token must not lie about on disk after its link is dead.
    pub async fn sweep_link_mails(&self, state: &AppState, now: i64) -> Result<usize, AppError> {
        let Transport::Files(dir) = &self.transport else { return Ok(0) };
        let mut removed = 0;
        let mut entries =
            tokio::fs::read_dir(dir).await.map_err(|e| AppError::internal("reading the outbox folder", e))?;
        while let Ok(Some(entry)) = entries.next_entry().await {
            let name = entry.file_name();
            let Some(link) =
                name.to_str().and_then(|n| n.strip_suffix(".eml")).and_then(outbox::link_of_message)
            else {
                continue;
            };
            if !store::email_links::is_live(&state.db, &link, now).await? {
                match tokio::fs::remove_file(entry.path()).await {
                    Ok(()) => removed += 1,
                    Err(error) => tracing::warn!(%error, "a dead link's mail file could not be removed"),
                }
            }
        }
        Ok(removed)
    }
}

/// Makes `dir`, and the mail files an earlier version left in it open to every local user,
/// readable by the server's user alone.
fn private_folder(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "eml") {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    let _ = dir;
    Ok(())
}

/// Writes `contents` to a new file at `path` that only the server's user can read.
async fn write_private(path: PathBuf, contents: Vec<u8>) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&path)?.write_all(&contents)
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Why a mail was not sent: something about it alone, or the mail server (down, busy), which
/// the rest of the batch would meet too.
enum Failure {
    ThisMail(String),
    Server(String),
}

/// The delay after the `attempts`th failure.
pub fn retry_delay(attempts: i64) -> i64 {
    let doublings = attempts.clamp(0, 20) as u32;
    FIRST_RETRY_SECS.saturating_mul(1 << doublings).min(LAST_RETRY_SECS)
}

/// Sends the mails due at `now`, until none is left or the mail server fails; answers how many
/// were sent.
pub async fn deliver_due(state: &AppState, mailer: &Mailer, started_at: i64) -> Result<usize, AppError> {
    let (db, key) = (&state.db, &state.settings.data_key);
    let started = std::time::Instant::now();
    let mut sent = 0;
    // Whether a mail went to an address no account has any more (a closed one's last mails).
    let mut closed_address_sent = false;
    // Until none is left, or the mail server failed.
    loop {
        // The clock moves on while a long backlog is sent: each batch's lease starts now.
        let now = started_at + started.elapsed().as_secs() as i64;
        let claim = format!("{:032x}", rand::random::<u128>());
        let batch = outbox::claim_due(db, key, now, now + LEASE_SECS, &claim, BATCH).await?;
        let mut failed = false;
        let mut recipients = std::collections::BTreeSet::new();
        for queued in &batch {
            let retry_at = now + retry_delay(queued.attempts);
            if failed {
                // The server just failed: the rest of the batch waits with it.
                store::outbox::retry_later(db, queued.id, &claim, retry_at).await?;
                continue;
            }
            match mailer.send(queued).await {
                Ok(()) => {
                    sent += 1;
                    if let Ok(mail) = &queued.mail {
                        recipients.insert(mail.recipient.as_str());
                    }
                }
                Err(failure) => {
                    // The server's own failure stops the batch; one mail's alone does not.
                    let (error, server_failed) = match failure {
                        Failure::ThisMail(error) => (error, false),
                        Failure::Server(error) => (error, true),
                    };
                    let (mail, attempts) = (queued.id, queued.attempts + 1);
                    tracing::warn!(mail, attempts, retry_at, server_failed, %error, "mail not sent");
                    // Given back: no longer under this claim, so not deleted below.
                    store::outbox::retry_later(db, queued.id, &claim, retry_at).await?;
                    failed = server_failed;
                }
            }
        }
        // What is still under this claim is what the mail server accepted.
        if let (Some(first), Some(last)) =
            (batch.iter().map(|m| m.id).min(), batch.iter().map(|m| m.id).max())
        {
            store::outbox::delivered_under(db, &claim, first..=last).await?;
        }
        for recipient in recipients {
            closed_address_sent |= store::users::find_by_email(db, recipient).await?.is_none();
        }
        // A batch that was not full took the last due mail.
        if failed || (batch.len() as i64) < BATCH {
            break;
        }
    }
    if closed_address_sent {
        // The last mails to a closed account's address: no older copy of their rows stays
        // behind in SQLite's write-ahead log.
        store::closing::scrub(db).await?;
    }
    Ok(sent)
}

/// How often the `.eml` outbox is swept of dead links' mails.
const SWEEP_EVERY: u32 = 60;

/// Sends due mails for as long as the server runs, and sweeps dead links' mail files.
pub async fn deliver_periodically(state: AppState, mailer: Mailer) {
    let mut interval = tokio::time::interval(POLL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut tick: u32 = 0;
    loop {
        interval.tick().await;
        tick = tick.wrapping_add(1);
        if tick % SWEEP_EVERY == 1 {
            if let Err(error) = mailer.sweep_link_mails(&state, app::backend::unix_now()).await {
                tracing::warn!(%error, "the outbox folder could not be swept");
            }
        }
        match deliver_due(&state, &mailer, app::backend::unix_now()).await {
            Ok(sent) if sent > 0 => tracing::info!(sent, "mails sent"),
            Ok(_) => {}
            Err(_) => tracing::warn!("the mail outbox could not be read; trying again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starttls_urls_become_lettres_required_tls() {
        assert_eq!(
            lettre_url("smtp+starttls://u:p@mail.example:587"),
            "smtp://u:p@mail.example:587?tls=required"
        );
        assert_eq!(lettre_url("smtps://u:p@mail.example:465"), "smtps://u:p@mail.example:465");
        assert_eq!(lettre_url("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
    }

    #[test]
    fn retries_back_off_to_a_quarter_of_an_hour() {
        assert_eq!(retry_delay(0), 5);
        assert_eq!(retry_delay(1), 10);
        assert_eq!(retry_delay(3), 40);
        assert_eq!(retry_delay(100), 15 * 60);
    }
}
