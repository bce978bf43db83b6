//! The `users` table.
//!
//! `auth_epoch` counts the changes to how the account logs in; each session carries the epoch
//! it was started under (see `sessions::new_epoch`).

use super::Db;
use crate::account::AccountOverview;
use crate::backend::ids::{AuthEpoch, UserId};
use crate::error::AppError;
use crate::i18n::{self, Locale};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    /// Read in the same statement as `two_factor_on`: a session started from this reading
    /// carries this epoch, so it cannot outlive a change that made the reading stale.
    pub auth_epoch: AuthEpoch,
    /// When the address was confirmed; `None` until then.
    pub email_confirmed_at: Option<i64>,
    /// When the account was made: a device cookie issued before it is another account's, whose
    /// id it may reuse (SQLite gives a closed newest account's id to the next).
    pub created_at: i64,
    /// The code of the language of the account's mails (see `locale`).
    language: String,
    /// The IANA time zone the holder's browser last told at a login or sign-up, for the times
    /// in mails (see `dates`).
    pub time_zone: Option<String>,
    credentials: i64,
}

impl Account {
    pub fn two_factor_on(&self) -> bool {
        self.credentials > 0
    }

    /// The language the account's mails are written in.
    pub fn locale(&self) -> Locale {
        stored_locale(&self.language)
    }
}

/// A stored language code as our language: the table allows only ours, English otherwise.
fn stored_locale(code: &str) -> Locale {
    i18n::from_code(code).unwrap_or(Locale::en)
}

const SELECT_ACCOUNT: &str =
    "SELECT u.id, u.email, u.password_hash, u.auth_epoch, u.email_confirmed_at, u.created_at, u.language, u.time_zone,
    (SELECT COUNT(*) FROM totp_credentials t WHERE t.user_id = u.id)
        + (SELECT COUNT(*) FROM sms_numbers s WHERE s.user_id = u.id)
        + (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS credentials FROM users u";

/// Inserts an account whose mails are in `language`, with times in `time_zone`; an email already present is `EmailTaken`,
/// decided by the database's unique index so that two simultaneous sign-ups cannot both succeed.
pub async fn insert<'e>(
    db: impl Db<'e>,
    email: &str,
    password_hash: &str,
    first_epoch: AuthEpoch,
    (language, time_zone): (Locale, Option<&str>),
    now: i64,
) -> Result<UserId, AppError> {
    let inserted = sqlx::query_scalar::<_, UserId>(
        "INSERT INTO users (email, password_hash, auth_epoch, language, time_zone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(first_epoch)
    .bind(i18n::code(language))
    .bind(time_zone)
    .bind(now)
    .fetch_one(db)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::EmailTaken),
        other => Ok(other?),
    }
}

pub async fn find_by_email<'e>(db: impl Db<'e>, email: &str) -> Result<Option<Account>, AppError> {
    Ok(sqlx::query_as(&format!("{SELECT_ACCOUNT} WHERE u.email = $1")).bind(email).fetch_optional(db).await?)
}

pub async fn find_by_id<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Account, AppError> {
    Ok(sqlx::query_as(&format!("{SELECT_ACCOUNT} WHERE u.id = $1")).bind(user_id).fetch_one(db).await?)
}

pub async fn overview<'e>(db: impl Db<'e>, user_id: UserId) -> Result<AccountOverview, AppError> {
    let (email, created_at) =
        sqlx::query_as::<_, (String, i64)>("SELECT email, created_at FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(db)
            .await?;
    Ok(AccountOverview { email, created_at })
}

/// Moves the account from epoch `from` to the next one and answers it; `None` when the account
/// was not at `from` any more.
pub async fn next_epoch<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    from: AuthEpoch,
) -> Result<Option<AuthEpoch>, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE users SET auth_epoch = auth_epoch + 1 WHERE id = $1 AND auth_epoch = $2 RETURNING auth_epoch",
    )
    .bind(user_id)
    .bind(from)
    .fetch_optional(db)
    .await?)
}

/// Marks the account's address confirmed, when it still is `email`; `false` otherwise.
pub async fn confirm_email<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    email: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email = $3 AND email_confirmed_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(email)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_password_hash<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    password_hash: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The language and time zone of the account's mails.
pub async fn language_and_time_zone<'e>(
    db: impl Db<'e>,
    user_id: UserId,
) -> Result<(Locale, Option<String>), AppError> {
    let (code, zone): (String, Option<String>) =
        sqlx::query_as("SELECT language, time_zone FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(db)
            .await?;
    Ok((stored_locale(&code), zone))
}

/// Keeps `time_zone` as the zone of the account's mails.
pub async fn set_time_zone<'e>(db: impl Db<'e>, user_id: UserId, time_zone: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
        .bind(time_zone)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Sets the language of the account's mails.
pub async fn set_language<'e>(db: impl Db<'e>, user_id: UserId, language: Locale) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(i18n::code(language))
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}
