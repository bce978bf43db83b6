//! The accounts as the admin pages read them: one query over `users` with what each account's
//! second factors, last login and live sessions are. Read only.

use super::Db;
use crate::admin::AdminAccount;
use crate::backend::ids::UserId;
use crate::error::AppError;

/// Which accounts a page of the list holds.
pub struct AccountFilter<'a> {
    /// Part of the email, lower case; empty: every account.
    pub email_contains: &'a str,
    /// Only accounts without any second factor (for `--require-two-factor`).
    pub without_two_factor: bool,
    pub limit: i64,
    pub offset: i64,
}

/// The live-session bounds: a fully authenticated session of the account's epoch, used after
/// `idle_after` and started after `started_after`.
pub struct LiveSince {
    pub idle_after: i64,
    pub started_after: i64,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    email: String,
    email_confirmed_at: Option<i64>,
    created_at: i64,
    apps: i64,
    numbers: i64,
    passkeys: i64,
    last_login_at: Option<i64>,
    active_sessions: i64,
    administrators: i64,
}

impl From<AccountRow> for AdminAccount {
    fn from(row: AccountRow) -> Self {
        AdminAccount {
            id: row.id,
            email: row.email,
            email_confirmed: row.email_confirmed_at.is_some(),
            created_at: row.created_at,
            app: row.apps > 0,
            sms: row.numbers > 0,
            passkeys: row.passkeys,
            last_login_at: row.last_login_at,
            active_sessions: row.active_sessions,
            administrator: row.administrators > 0,
        }
    }
}

/// `$1` and `$2` are the live-session bounds.
const SELECT_ACCOUNT: &str = "SELECT u.id, u.email, u.email_confirmed_at, u.created_at,
        (SELECT COUNT(*) FROM totp_credentials t WHERE t.user_id = u.id) AS apps,
        (SELECT COUNT(*) FROM sms_numbers n WHERE n.user_id = u.id) AS numbers,
        (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS passkeys,
        (SELECT MAX(e.created_at) FROM security_events e
            WHERE e.user_id = u.id AND e.kind IN ('login', 'access_code_used')) AS last_login_at,
        (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.level = 2
            AND s.auth_epoch = u.auth_epoch AND s.last_seen_at > $1 AND s.created_at > $2) AS active_sessions,
        (SELECT COUNT(*) FROM administrators a WHERE a.user_id = u.id) AS administrators
    FROM users u";

const WITHOUT_TWO_FACTOR: &str = " AND NOT EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = u.id)
    AND NOT EXISTS (SELECT 1 FROM sms_numbers n WHERE n.user_id = u.id)
    AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)";

/// A page of accounts by email; `filter.limit` of them at most.
pub async fn page<'e>(
    db: impl Db<'e>,
    filter: &AccountFilter<'_>,
    live: &LiveSince,
) -> Result<Vec<AdminAccount>, AppError> {
    // The search is a LIKE pattern: its own `%`, `_` and `\` are escaped to match themselves.
    let escaped = filter.email_contains.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    let without = if filter.without_two_factor { WITHOUT_TWO_FACTOR } else { "" };
    let sql = format!(
        "{SELECT_ACCOUNT} WHERE u.email LIKE $3 ESCAPE '\\'{without} ORDER BY u.email LIMIT $4 OFFSET $5"
    );
    let rows: Vec<AccountRow> = sqlx::query_as(&sql)
        .bind(live.idle_after)
        .bind(live.started_after)
        .bind(pattern)
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(AdminAccount::from).collect())
}

pub async fn one<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    live: &LiveSince,
) -> Result<Option<AdminAccount>, AppError> {
    let sql = format!("{SELECT_ACCOUNT} WHERE u.id = $3");
    let row: Option<AccountRow> = sqlx::query_as(&sql)
        .bind(live.idle_after)
        .bind(live.started_after)
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(AdminAccount::from))
}
