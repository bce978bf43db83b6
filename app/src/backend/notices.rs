//! The security mails an account's holder gets (ASVS 2.5.5, 2.8.5): what each one says, and
//! queueing it in the transaction of the change it reports (see `store::outbox`).
//!
//! Every mail says what happened, when, from which address and browser, and what to do if it
//! was not the holder. None carries a secret, a code or a token.

use sqlx::AnyConnection;

use super::caller::Caller;
use super::ids::UserId;
use super::outbox::{self, Mail};
use super::store::{self, security_events};
use super::Settings;
use crate::dates::format_date_time;
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

/// Wrong codes (app or backup) within `REPEATED_WRONG_WINDOW_SECS` after which the holder is told.
pub const REPEATED_WRONG_CODES: i64 = 3;
pub const REPEATED_WRONG_WINDOW_SECS: i64 = 15 * 60;

/// What a mail reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    TwoFactorEnabled,
    TwoFactorDisabled,
    BackupCodesRegenerated,
    BackupCodeUsed {
        left: u32,
    },
    /// A correct code of a time step already used: someone else may have seen it.
    CodeReused,
    RepeatedWrongCodes,
    /// A completed login from a browser without the account's device cookie.
    NewBrowser,
    /// The password was set anew through a reset link.
    PasswordReset,
    /// The password was changed in Settings.
    PasswordChanged,
}

/// A mail whose purpose is a link: the one place a token may be in a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMail {
    ConfirmEmail,
    ResetPassword,
}

/// Queues the mail for `notice` to the account's address, through the transaction `conn` of the
/// change it reports.
pub async fn notify(
    conn: &mut AnyConnection,
    settings: &Settings,
    user_id: UserId,
    notice: Notice,
    caller: &Caller,
) -> Result<(), AppError> {
    let account = store::users::find_by_id(&mut *conn, user_id).await?;
    let mail = compose(notice, &account.email, settings, caller);
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

/// The browser and system named by a User-Agent header, as a person would say them.
pub fn describe_browser(user_agent: Option<&str>) -> String {
    const UNKNOWN: &str = woothee::woothee::VALUE_UNKNOWN;
    let Some(user_agent) = user_agent.filter(|ua| !ua.trim().is_empty()) else {
        return "an unknown browser".to_owned();
    };
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    match parsed {
        Some(ua)
            if ua.name != UNKNOWN
                && matches!(ua.category, "pc" | "smartphone" | "mobilephone" | "appliance") =>
        {
            let version = ua.version.split('.').next().unwrap_or_default();
            let name = if version.is_empty() || version == UNKNOWN {
                ua.name.to_owned()
            } else {
                format!("{} {version}", ua.name)
            };
            if ua.os == UNKNOWN {
                name
            } else {
                format!("{name} on {}", ua.os)
            }
        }
        // Not a browser (curl, a script). What it calls itself is not repeated: the sender
        // chooses it, and it would put the sender's words (a link, say) into the holder's mail.
        _ => "a program, not a browser".to_owned(),
    }
}

/// One mail's words, before they become text and HTML.
struct Letter {
    subject: String,
    what: String,
    if_not_you: &'static str,
}

fn letter(notice: Notice, site: &str) -> Letter {
    const CHECK: &str = "If this was not you, someone may know your password: log in, change your password, \
         and check the recent security activity in Settings > Security.";
    match notice {
        Notice::TwoFactorEnabled => Letter {
            subject: format!("Two-factor authentication was turned on for your {site} account"),
            what: "Two-factor authentication was turned on for your account. From now on, logging in \
                   asks for a code from your authenticator app, or a backup code."
                .into(),
            if_not_you: "If this was not you, someone knows your password and now holds the second factor \
                 of your account: contact your administrator at once.",
        },
        Notice::TwoFactorDisabled => Letter {
            subject: format!("Two-factor authentication was turned off for your {site} account"),
            what: "Two-factor authentication was turned off for your account. Your password alone now \
                   logs in, and your backup codes no longer work."
                .into(),
            if_not_you: "If this was not you, someone has your password and your second factor: log in, \
                 change your password, and turn two-factor authentication on again with a new key.",
        },
        Notice::BackupCodesRegenerated => Letter {
            subject: format!("New backup codes were made for your {site} account"),
            what: "New backup codes were made for your account. The old ones no longer work.".into(),
            if_not_you: CHECK,
        },
        Notice::BackupCodeUsed { left } => Letter {
            subject: format!("A backup code of your {site} account was used"),
            what: format!(
                "A backup code of your account was used, to log in or to confirm a change. {left} unused \
                 backup {} left.",
                if left == 1 { "code is" } else { "codes are" }
            ),
            if_not_you: "If this was not you, someone has your password and one of your backup codes: log \
                 in, make new backup codes, and change your password.",
        },
        Notice::CodeReused => Letter {
            subject: format!("A code already used was tried on your {site} account"),
            what:
                "Someone entered a code from your authenticator app that had already been used, and it was \
                   refused. A code works only once; someone may have seen yours."
                    .into(),
            if_not_you: "If this was not you entering the same code twice, someone knows your password and \
                 has seen a code of yours: change your password.",
        },
        Notice::RepeatedWrongCodes => Letter {
            subject: format!("Wrong codes were entered for your {site} account"),
            what: format!(
                "{REPEATED_WRONG_CODES} wrong codes were entered for your account within {} minutes. \
                 Further attempts are slowed down.",
                REPEATED_WRONG_WINDOW_SECS / 60
            ),
            if_not_you: "If this was not you, someone knows your password and is guessing your second \
                 factor: change your password.",
        },
        Notice::NewBrowser => Letter {
            subject: format!("New login to your {site} account"),
            what: "Your account was logged in to from a browser that had not logged in to it before.".into(),
            if_not_you: CHECK,
        },
        Notice::PasswordReset => Letter {
            subject: format!("The password of your {site} account was reset"),
            what: "The password of your account was set anew through a link sent to this address. Every \
                   session of the account was logged out."
                .into(),
            if_not_you: "If this was not you, someone can read your mail: secure your mailbox, then ask for \
                 a new reset link from the login page and choose a new password.",
        },
        Notice::PasswordChanged => Letter {
            subject: format!("The password of your {site} account was changed"),
            what: "The password of your account was changed in Settings. Every other session of the \
                   account was logged out, and remembered browsers were forgotten."
                .into(),
            if_not_you:
                "If this was not you, someone is logged in to your account: use \"Forgot password?\" \
                 on the login page to set a new password, and check Settings > Security.",
        },
    }
}

fn link_letter(kind: LinkMail, site: &str, valid_for: &str) -> Letter {
    match kind {
        LinkMail::ConfirmEmail => Letter {
            subject: format!("Confirm your email address for {site}"),
            what: format!(
                "Confirm that this is your address by opening the link below. It works once, for \
                 {valid_for}. Security mails and password reset links go only to a confirmed address."
            ),
            if_not_you: "If you did not create an account, someone typed your address by mistake: do not \
                 open the link, and nothing more will happen.",
        },
        LinkMail::ResetPassword => Letter {
            subject: format!("Reset the password of your {site} account"),
            what: format!(
                "Someone asked to reset the password of your account. Open the link below to choose a new \
                 one. It works once, for {valid_for}. With two-factor authentication on, it also asks for \
                 a code from your app or a backup code."
            ),
            if_not_you: "If this was not you, ignore this mail: your password stays as it is. Do not \
                 forward this mail; the link is for you alone.",
        },
    }
}

/// The mail that delivers `link` (which carries a token) to `recipient`.
pub fn compose_link(
    kind: LinkMail,
    link: &str,
    valid_for: &str,
    recipient: &str,
    settings: &Settings,
    caller: &Caller,
) -> Mail {
    let letter = link_letter(kind, &settings.issuer, valid_for);
    let label = match kind {
        LinkMail::ConfirmEmail => "Confirm my address",
        LinkMail::ResetPassword => "Choose a new password",
    };
    render(letter, (label, link), recipient, settings, caller)
}

/// The mail for `notice` to `recipient`, as plain text and HTML.
pub fn compose(notice: Notice, recipient: &str, settings: &Settings, caller: &Caller) -> Mail {
    let settings_url = format!("{}/settings/security", settings.public_url);
    render(
        letter(notice, &settings.issuer),
        ("Settings > Security", &settings_url),
        recipient,
        settings,
        caller,
    )
}

fn render(letter: Letter, link: (&str, &str), recipient: &str, settings: &Settings, caller: &Caller) -> Mail {
    let site = settings.issuer.as_str();
    let (link_label, link_url) = link;
    let when = format_date_time(caller.now);
    let address = caller.ip().unwrap_or("an unknown address").to_owned();
    let browser = describe_browser(caller.user_agent.as_deref());
    let facts = [("When", when), ("From address", address), ("Browser", browser)];

    let mut text = format!("{}\n\n{link_label}: {link_url}\n\n", letter.what);
    for (label, value) in &facts {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!(
        "\nIf this was you, there is nothing more to do.\n{}\n\n-- \n{site}\n",
        letter.if_not_you
    ));

    let e = |s: &str| html_escape::encode_text(s).into_owned();
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n<p>{}</p>\n\
         <p><a href=\"{}\">{}</a></p>\n<table>\n",
        e(&letter.subject),
        e(&letter.what),
        html_escape::encode_double_quoted_attribute(link_url),
        e(link_label)
    );
    for (label, value) in &facts {
        html.push_str(&format!("<tr><th align=\"left\">{}</th><td>{}</td></tr>\n", e(label), e(value)));
    }
    html.push_str(&format!(
        "</table>\n<p>If this was you, there is nothing more to do.<br>\n{}</p>\n<p>{}</p>\n</body></html>\n",
        e(letter.if_not_you),
        e(site)
    ));

    Mail { recipient: recipient.to_owned(), subject: letter.subject, text_body: text, html_body: html }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::crypto::sealing::DataKey;

    fn settings() -> Settings {
        Settings {
            issuer: "WebApp".into(),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            data_key: DataKey::generate(1),
            public_url: "https://webapp.example".into(),
        }
    }

    #[test]
    fn a_mail_says_what_when_from_where_and_what_to_do() {
        let caller = Caller {
            ip: Some("203.0.113.7".into()),
            now: 1_795_910_399,
            user_agent: Some(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
                    .into(),
            ),
            ..Caller::default()
        };
        let mail = compose(Notice::BackupCodeUsed { left: 7 }, "ann@example.com", &settings(), &caller);
        assert_eq!(mail.recipient, "ann@example.com");
        assert!(mail.subject.contains("backup code of your WebApp account was used"));
        for body in [&mail.text_body, &mail.html_body] {
            assert!(body.contains("7 unused backup codes are left"), "{body}");
            assert!(body.contains("2026-11-28 23:59 UTC"));
            assert!(body.contains("203.0.113.7"));
            assert!(body.contains("Chrome 120 on Linux"), "{body}");
            assert!(body.contains("If this was not you"));
            assert!(body.contains("https://webapp.example/settings/security"));
        }
    }

    #[test]
    fn what_the_client_sends_cannot_inject_html() {
        let caller = Caller { ip: Some("<script>alert(1)</script>".into()), now: 0, ..Caller::default() };
        let mail = compose(Notice::NewBrowser, "ann@example.com", &settings(), &caller);
        assert!(!mail.html_body.contains("<script>"));
        assert!(mail.html_body.contains("&lt;script&gt;"));
    }

    #[test]
    fn an_unknown_browser_is_said_so() {
        assert_eq!(describe_browser(None), "an unknown browser");
        assert_eq!(describe_browser(Some("  ")), "an unknown browser");
        assert_eq!(describe_browser(Some("curl/8.5.0")), "a program, not a browser");
        assert_eq!(describe_browser(Some("Visit-https://evil.example/reset")), "a program, not a browser");
        assert_eq!(
            describe_browser(Some(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
            )),
            "Firefox 121 on Windows 10"
        );
    }
}
