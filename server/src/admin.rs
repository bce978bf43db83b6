//! `server admin …`: the only way an account becomes an administrator.

use app::backend::account::access_codes;
use app::backend::account::admin_actions::{self, Actor, AdminAction};
use app::backend::account::administrators::{self, RoleChange};
use app::backend::AppState;
use app::AppError;

use crate::config::AdminCommand;

/// Runs the command; answers what to print.
pub async fn run(state: &AppState, action: AdminCommand, now: i64) -> Result<String, AppError> {
    let named = |email: &str| email.trim().to_owned();
    match action {
        AdminCommand::Grant { email } => Ok(match administrators::grant(state, &email, now).await? {
            RoleChange::Changed => format!("{} is now an administrator", named(&email)),
            RoleChange::Unchanged => format!("{} was an administrator already", named(&email)),
        }),
        AdminCommand::Revoke { email } => Ok(match administrators::revoke(state, &email, now).await? {
            RoleChange::Changed => format!("{} is no longer an administrator", named(&email)),
            RoleChange::Unchanged => format!("{} was not an administrator", named(&email)),
        }),
        AdminCommand::AccessCode { email, reason, hours } => {
            let given = access_codes::give(state, &email, &reason, hours, Actor::CommandLine, now).await?;
            Ok(format!(
                "temporary access code for {}: {}\nvalid once, until {}; give it to the person by a way you trust (not the account's mail)",
                named(&email),
                given.code,
                app::dates::format_date_time(given.expires_at),
            ))
        }
        AdminCommand::EndSessions { email, reason } => {
            let action = AdminAction::EndAllSessions;
            let ended =
                admin_actions::perform(state, action, &email, &reason, Actor::CommandLine, now).await?;
            Ok(format!("{}: {ended} session(s) logged out", named(&email)))
        }
        AdminCommand::RequireSetup { email, reason } => {
            let action = AdminAction::RequireSetupAgain;
            let ended =
                admin_actions::perform(state, action, &email, &reason, Actor::CommandLine, now).await?;
            Ok(format!(
                "{}: {ended} session(s) logged out; every next login reaches nothing but a new 2FA setup",
                named(&email)
            ))
        }
        AdminCommand::WithoutTwoFactor => {
            let rows = administrators::without_two_factor(state, now).await?;
            if rows.is_empty() {
                return Ok("every account has 2FA".into());
            }
            Ok(rows
                .iter()
                .map(|(email, left)| match left {
                    None => email.clone(),
                    Some(0) => format!("{email}\tgrace period over: held to the setup"),
                    Some(secs) => format!("{email}\t{} days left", (secs + 86_399) / 86_400),
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        AdminCommand::List => {
            let rows = administrators::list(state).await?;
            if rows.is_empty() {
                return Ok("no administrators".into());
            }
            Ok(rows
                .iter()
                .map(|row| {
                    let two_factor = if row.methods > 0 { "2FA on" } else { "2FA off" };
                    format!("{}\tsince {}\t{two_factor}", row.email, app::dates::format_date(row.granted_at))
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
    }
}
