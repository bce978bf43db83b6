//! The password asked again before a change to how the account logs in. It counts against the
//! same limit as password logins.

use sqlx::AnyPool;

use super::caller::Caller;
use super::crypto::passwords;
use super::run_to_end::run_to_end;
use super::sessions::Session;
use super::store::{self, users::Account};
use super::throttle;
use crate::error::AppError;

/// Re-checks the password of the session's account before a change to how it logs in.
/// It counts against the same limit as password logins, and like a login it is checked to its
/// end even if the browser goes away, so the attempt counts as what it was.
pub async fn check_password(
    db: &AnyPool,
    session: &Session,
    password: &str,
    caller: &Caller,
) -> Result<Account, AppError> {
    let (db, session, password, caller) = (db.clone(), session.clone(), password.to_owned(), caller.clone());
    run_to_end(async move { check_now(&db, &session, &password, &caller).await }).await
}

async fn check_now(
    db: &AnyPool,
    session: &Session,
    password: &str,
    caller: &Caller,
) -> Result<Account, AppError> {
    let account = store::users::find_by_id(db, session.user_id).await?;
    let scopes = throttle::password_scopes(&account.email, Some((account.id, session.epoch)), caller);
    throttle::begin_attempt(db, &scopes, caller.now).await?;
    let checked = passwords::verify(password.to_owned(), account.password_hash.clone()).await;
    if !throttle::refund_if_busy(db, &scopes, caller.now, checked).await? {
        tracing::info!(user_id = %session.user_id, "password re-check failed");
        return Err(AppError::WrongPassword);
    }
    throttle::succeeded(db, &scopes, caller.now).await?;
    Ok(account)
}
