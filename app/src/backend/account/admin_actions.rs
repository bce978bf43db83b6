//! What an administrator does to an account, besides a temporary access code
//! (`access_codes`): end all its sessions, or send it back to the 2FA setup. Each is recorded
//! (who, on whom, when, why) in `admin_actions`, listed in the account's activity and mailed to
//! it. Never "turn 2FA off": an account with a lost factor is helped to a new one instead.

use crate::account::normalize_email;
use crate::backend::caller::Caller;
use crate::backend::ids::UserId;
use crate::backend::mail::{notices, Notice};
use crate::backend::store::{self, security_events};
use crate::backend::AppState;
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

const MAX_REASON_CHARS: usize = 500;

/// What an administrator can do to an account here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction {
    /// Every session logged out, every remembered browser forgotten, reset links ended.
    EndAllSessions,
    /// As above, and every later login reaches nothing but a new 2FA setup, whose completion
    /// replaces every old factor.
    RequireSetupAgain,
}

impl AdminAction {
    fn name(self) -> &'static str {
        match self {
            AdminAction::EndAllSessions => "end_all_sessions",
            AdminAction::RequireSetupAgain => "require_setup_again",
        }
    }
}

/// Who acts on an account: the server's command line, or an administrator from the admin pages.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    CommandLine,
    Administrator { id: UserId, email: &'a str },
}

impl Actor<'_> {
    /// As the audit trail names it.
    pub fn name(&self) -> &str {
        match self {
            Actor::CommandLine => "the command line",
            Actor::Administrator { email, .. } => email,
        }
    }
}

/// Keeps an action in the account's audit trail (`admin_actions`) and, when an administrator
/// did it, in the administrator's own activity, in the transaction of the action itself.
pub(crate) async fn record(
    conn: &mut sqlx::AnyConnection,
    actor: Actor<'_>,
    (user_id, action): (UserId, &str),
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    store::admin_actions::insert(&mut *conn, user_id, action, actor.name(), reason, now).await?;
    if let Actor::Administrator { id, .. } = actor {
        security_events::record(&mut *conn, id, SecurityEventKind::AdministratorActed, None, now).await?;
    }
    Ok(())
}

/// A reason as given: trimmed, 1 to 500 characters.
pub fn checked_reason(reason: &str) -> Result<&str, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::bad_request(format!("reason: 1 to {MAX_REASON_CHARS} characters")));
    }
    Ok(reason)
}

/// Does `action` to the account of `email` as `actor`. Answers how many sessions ended.
pub async fn perform(
    state: &AppState,
    action: AdminAction,
    email: &str,
    reason: &str,
    actor: Actor<'_>,
    now: i64,
) -> Result<u64, AppError> {
    let reason = checked_reason(reason)?;
    let email = normalize_email(email)?;
    let account = store::users::find_by_email(&state.db, &email).await?.ok_or(AppError::NotFound)?;
    let user_id = account.id;
    let mut tx = state.db.begin().await?;
    // A new epoch: every session, remembered browser and reset link of the old one is dead, on
    // every instance.
    if store::users::next_epoch(&mut *tx, user_id, account.auth_epoch).await?.is_none() {
        return Err(AppError::internal("admin action", "the account changed meanwhile; try again"));
    }
    let ended = store::sessions::delete_all_of_user(&mut *tx, user_id).await?;
    store::remembered_browsers::delete_all_of_user(&mut *tx, user_id).await?;
    let reset = store::email_links::Purpose::ResetPassword;
    store::email_links::delete_of_account(&mut *tx, user_id, reset).await?;
    let (kind, notice) = match action {
        AdminAction::EndAllSessions => {
            (SecurityEventKind::SessionsEndedByAdministrator, Notice::SessionsEndedByAdministrator)
        }
        AdminAction::RequireSetupAgain => {
            store::access_codes::require_setup(&mut *tx, user_id, now).await?;
            (SecurityEventKind::SetupRequiredByAdministrator, Notice::SetupRequiredByAdministrator)
        }
    };
    record(&mut tx, actor, (user_id, action.name()), reason, now).await?;
    security_events::record(&mut *tx, user_id, kind, None, now).await?;
    notices::notify(&mut tx, &state.settings, user_id, notice, &Caller::at(now)).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, action = action.name(), given_by = actor.name(), ended, "administrator action");
    Ok(ended)
}
