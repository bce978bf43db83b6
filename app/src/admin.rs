//! Administration: the types the admin pages and the server share. What an administrator may do
//! lives in `backend::account::admin_console`.

use serde::{Deserialize, Serialize};

use crate::security_events::SecurityEvent;

/// How many accounts a page of the list shows.
pub const ACCOUNTS_PER_PAGE: u32 = 25;
/// How long a second factor proved on a session counts as fresh for administrator actions.
pub const FRESH_FACTOR_SECS: i64 = 10 * 60;

/// An account as the admin list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminAccount {
    /// What the account's page (`/admin/accounts/{id}`) and the actions take.
    pub id: i64,
    pub email: String,
    pub email_confirmed: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// The authenticator app is one of its second factors.
    pub app: bool,
    /// Texted codes are one of its second factors.
    pub sms: bool,
    /// How many passkeys it has.
    pub passkeys: i64,
    /// Unix seconds of its last completed login (with a temporary access code too), if any.
    pub last_login_at: Option<i64>,
    /// Fully logged-in sessions that are still live.
    pub active_sessions: i64,
    pub administrator: bool,
}

impl AdminAccount {
    pub fn two_factor_on(&self) -> bool {
        self.app || self.sms || self.passkeys > 0
    }
}

/// One page of the account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminAccountPage {
    pub accounts: Vec<AdminAccount>,
    /// From 1.
    pub page: u32,
    /// Whether a next page exists.
    pub more: bool,
}

/// What an administrator did to an account, who, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct AdminActionRecord {
    /// `access_code`, `end_all_sessions` or `require_setup_again`.
    pub action: String,
    /// The administrator's email, or "the command line".
    pub given_by: String,
    pub reason: String,
    /// Unix seconds.
    pub at: i64,
}

/// An account's page: the account, its recent security activity, and what administrators did to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminAccountDetail {
    pub account: AdminAccount,
    /// Sent back to the 2FA setup by an administrator, and not yet set up again.
    pub setup_required: bool,
    pub events: Vec<SecurityEvent>,
    pub actions: Vec<AdminActionRecord>,
}

/// A temporary access code just given: shown once, to the administrator who gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GivenAccessCode {
    pub code: String,
    /// Unix seconds.
    pub expires_at: i64,
}
