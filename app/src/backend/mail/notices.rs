//! When a security mail is queued: in the transaction of the change it reports (see
//! `store::outbox`), to the account's address, in its language and time zone (`users.language`,
//! `users.time_zone`, read with the address).

use sqlx::AnyConnection;

use super::letters::{compose, Reader};
use super::outbox;
use super::{Notice, REPEATED_WRONG_CODES, REPEATED_WRONG_WINDOW_SECS};
use crate::backend::caller::Caller;
use crate::backend::ids::UserId;
use crate::backend::store::{self, security_events};
use crate::backend::Settings;
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

/// Queues the mail for `notice` to the account's address, in the account's language, through
/// the transaction `conn` of the change it reports.
pub async fn notify(
    conn: &mut AnyConnection,
    settings: &Settings,
    user_id: UserId,
    notice: Notice,
    caller: &Caller,
) -> Result<(), AppError> {
    let account = store::users::find_by_id(&mut *conn, user_id).await?;
    let mail = compose(notice, &account.email, Reader::of_account(&account), settings, caller);
    outbox::queue(&mut *conn, &settings.data_key, &mail, caller.now).await
}

/// Records a wrong second factor, and tells the holder when it is the `REPEATED_WRONG_CODES`th
/// within the window: once per run of guesses, not once per guess.
pub async fn record_wrong_code(
    conn: &mut AnyConnection,
    settings: &Settings,
    user_id: UserId,
    kind: SecurityEventKind,
    caller: &Caller,
) -> Result<(), AppError> {
    let now = caller.now;
    security_events::record(&mut *conn, user_id, kind, caller.ip(), now).await?;
    let wrong = [SecurityEventKind::WrongCode, SecurityEventKind::WrongBackupCode];
    let recent =
        security_events::count_since(&mut *conn, user_id, &wrong, now - REPEATED_WRONG_WINDOW_SECS).await?;
    if recent == REPEATED_WRONG_CODES {
        notify(conn, settings, user_id, Notice::RepeatedWrongCodes, caller).await?;
    }
    Ok(())
}
