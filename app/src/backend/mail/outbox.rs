//! The mail queue: a mail is queued in the transaction of the change it reports, sealed under
//! the data key (it may carry a link with a token), and claimed by a sending worker of any
//! instance (see the server's `mail` module).

use serde::{Deserialize, Serialize};

use crate::backend::crypto::sealing::{self, DataKey};
use crate::backend::ids::LinkId;
use crate::backend::store::{self, Db};
use crate::error::AppError;

/// A mail, rendered whole: sending needs nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
}

/// A queued mail claimed for sending. `mail` fails to open only if the row was tampered with
/// or sealed under a key this server does not hold.
pub struct ClaimedMail {
    pub id: i64,
    pub created_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The mail's `Message-ID`, without its domain: the same on every attempt.
    pub message_id: String,
    pub mail: Result<Mail, AppError>,
}

/// The associated data of a queued mail: its content opens only for its recipient's row.
pub fn mail_context(recipient: &str) -> String {
    format!("mail-outbox:{recipient}")
}

pub async fn queue<'e>(db: impl Db<'e>, key: &DataKey, mail: &Mail, now: i64) -> Result<(), AppError> {
    let message_key = format!("{:032x}", rand::random::<u128>());
    enqueue(db, key, mail, &message_key, now).await
}

/// Queues the mail that delivers the link `link`: its message key names the link, so that a
/// copy of it kept as a file (`.eml` outbox) can be removed once the link is used, expired or
/// its account closed (see `link_of_message`).
pub async fn queue_link<'e>(
    db: impl Db<'e>,
    key: &DataKey,
    mail: &Mail,
    link: &LinkId,
    now: i64,
) -> Result<(), AppError> {
    enqueue(db, key, mail, &format!("{LINK_KEY_PREFIX}{}", link.as_str()), now).await
}

const LINK_KEY_PREFIX: &str = "link-";

/// The link a message (by its message id, `<row id>.<message key>`) delivered, if it is a link
/// mail.
pub fn link_of_message(message_id: &str) -> Option<LinkId> {
    let (_, key) = message_id.split_once('.')?;
    let id = key.strip_prefix(LINK_KEY_PREFIX)?;
    (id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| LinkId::parse(id))
}

async fn enqueue<'e>(
    db: impl Db<'e>,
    key: &DataKey,
    mail: &Mail,
    message_key: &str,
    now: i64,
) -> Result<(), AppError> {
    let plain = serde_json::to_vec(mail).map_err(|e| AppError::internal("queueing a mail", e))?;
    let sealed = sealing::seal(key, &plain, &mail_context(&mail.recipient))?;
    store::outbox::enqueue(db, &mail.recipient, &sealed, message_key, now).await
}

/// Claims up to `limit` due mails until `claimed_until` under `claim`, opened.
pub async fn claim_due<'e>(
    db: impl Db<'e>,
    key: &DataKey,
    now: i64,
    claimed_until: i64,
    claim: &str,
    limit: i64,
) -> Result<Vec<ClaimedMail>, AppError> {
    let rows = store::outbox::claim_due(db, now, claimed_until, claim, limit).await?;
    Ok(rows
        .into_iter()
        .map(|row| ClaimedMail {
            id: row.id,
            created_at: row.created_at,
            attempts: row.attempts,
            message_id: format!("{}.{}", row.id, row.message_key),
            mail: open(key, &row.recipient, &row.sealed),
        })
        .collect())
}

fn open(key: &DataKey, recipient: &str, sealed: &[u8]) -> Result<Mail, AppError> {
    let plain = sealing::open(key, sealed, &mail_context(recipient))?;
    let mail: Mail =
        serde_json::from_slice(&plain).map_err(|e| AppError::internal("opening a queued mail", e))?;
    if mail.recipient != recipient {
        return Err(AppError::internal("opening a queued mail", "recipient differs from its row"));
    }
    Ok(mail)
}
