//! A security mail's words: what happened, when, from which address and browser, and what to do
//! if it was not the holder, in the account's language, as plain text and HTML.

use leptos_i18n::td_string;

use super::outbox::Mail;
use super::{LinkMail, Notice, REPEATED_WRONG_CODES, REPEATED_WRONG_WINDOW_SECS};
use crate::backend::caller::Caller;
use crate::backend::store::email_links::{CONFIRM_LINK_SECS, RESET_LINK_SECS};
use crate::backend::store::users::Account;
use crate::backend::Settings;
use crate::dates::date_time_in;
use crate::i18n::{self, fill, Locale};

/// How the account's holder reads their mails: in their language, with times in the zone their
/// browser last told at a login or sign-up (UTC, said so, before it did).
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub locale: Locale,
    pub time_zone: Option<&'a str>,
}

impl<'a> Reader<'a> {
    /// A reader of `locale` whose time zone is not known.
    pub fn of(locale: Locale) -> Self {
        Reader { locale, time_zone: None }
    }

    /// The holder of `account`: its language and time zone.
    pub fn of_account(account: &'a Account) -> Self {
        Reader { locale: account.locale(), time_zone: account.time_zone.as_deref() }
    }
}

/// The browser and system named by a User-Agent header, as a person would say them in `locale`.
pub fn describe_browser(user_agent: Option<&str>, locale: Locale) -> String {
    const UNKNOWN: &str = woothee::woothee::VALUE_UNKNOWN;
    let Some(user_agent) = user_agent.filter(|ua| !ua.trim().is_empty()) else {
        return td_string!(locale, mail.unknown_browser).to_string();
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
                fill(td_string!(locale, mail.browser_on_system), &[("browser", &name), ("system", ua.os)])
            }
        }
        // Not a browser (curl, a script). What it calls itself is not repeated: the sender
        // chooses it, and it would put the sender's words (a link, say) into the holder's mail.
        _ => td_string!(locale, mail.not_a_browser).to_string(),
    }
}

/// One mail's words, before they become text and HTML.
struct Letter {
    subject: String,
    what: String,
    if_not_you: String,
}

fn letter(notice: Notice, site: &str, locale: Locale) -> Letter {
    let site = &[("site", site)];
    let check = || td_string!(locale, mail.check_if_not_you).to_string();
    match notice {
        Notice::TwoFactorEnabled => Letter {
            subject: fill(td_string!(locale, mail.two_factor_enabled_subject), site),
            what: td_string!(locale, mail.two_factor_enabled_what).to_string(),
            if_not_you: td_string!(locale, mail.two_factor_enabled_if_not_you).to_string(),
        },
        Notice::AccountClosed => Letter {
            subject: fill(td_string!(locale, mail.account_closed_subject), site),
            what: td_string!(locale, mail.account_closed_what).to_string(),
            if_not_you: td_string!(locale, mail.account_closed_if_not_you).to_string(),
        },
        Notice::AnotherPhoneAdded => Letter {
            subject: fill(td_string!(locale, mail.another_phone_added_subject), site),
            what: td_string!(locale, mail.another_phone_added_what).to_string(),
            if_not_you: td_string!(locale, mail.another_phone_added_if_not_you).to_string(),
        },
        Notice::PhoneNumberChanged { ending } => Letter {
            subject: fill(td_string!(locale, mail.phone_number_changed_subject), site),
            what: fill(
                td_string!(locale, mail.phone_number_changed_what),
                &[("to", &format!("•••• ••• {ending:03}"))],
            ),
            if_not_you: td_string!(locale, mail.phone_number_changed_if_not_you).to_string(),
        },
        Notice::AuthenticatorAdded => Letter {
            subject: fill(td_string!(locale, mail.authenticator_added_subject), site),
            what: td_string!(locale, mail.authenticator_added_what).to_string(),
            if_not_you: td_string!(locale, mail.authenticator_added_if_not_you).to_string(),
        },
        Notice::PasskeyAdded => Letter {
            subject: fill(td_string!(locale, mail.passkey_added_subject), site),
            what: td_string!(locale, mail.passkey_added_what).to_string(),
            if_not_you: td_string!(locale, mail.passkey_added_if_not_you).to_string(),
        },
        Notice::PasskeyRemoved => Letter {
            subject: fill(td_string!(locale, mail.passkey_removed_subject), site),
            what: td_string!(locale, mail.passkey_removed_what).to_string(),
            if_not_you: td_string!(locale, mail.passkey_removed_if_not_you).to_string(),
        },
        Notice::PasskeyPossiblyCloned => Letter {
            subject: fill(td_string!(locale, mail.passkey_possibly_cloned_subject), site),
            what: td_string!(locale, mail.passkey_possibly_cloned_what).to_string(),
            if_not_you: td_string!(locale, mail.passkey_possibly_cloned_if_not_you).to_string(),
        },
        Notice::AdministratorGranted => Letter {
            subject: fill(td_string!(locale, mail.administrator_granted_subject), site),
            what: td_string!(locale, mail.administrator_granted_what).to_string(),
            if_not_you: td_string!(locale, mail.administrator_granted_if_not_you).to_string(),
        },
        Notice::AdministratorRevoked => Letter {
            subject: fill(td_string!(locale, mail.administrator_revoked_subject), site),
            what: td_string!(locale, mail.administrator_revoked_what).to_string(),
            if_not_you: td_string!(locale, mail.administrator_revoked_if_not_you).to_string(),
        },
        Notice::AccessCodeGiven { hours } => Letter {
            subject: fill(td_string!(locale, mail.access_code_given_subject), site),
            what: fill(td_string!(locale, mail.access_code_given_what), &[("hours", &hours.to_string())]),
            if_not_you: td_string!(locale, mail.access_code_given_if_not_you).to_string(),
        },
        Notice::AccessCodeUsed => Letter {
            subject: fill(td_string!(locale, mail.access_code_used_subject), site),
            what: td_string!(locale, mail.access_code_used_what).to_string(),
            if_not_you: td_string!(locale, mail.access_code_used_if_not_you).to_string(),
        },
        Notice::SessionsEndedByAdministrator => Letter {
            subject: fill(td_string!(locale, mail.sessions_ended_by_administrator_subject), site),
            what: td_string!(locale, mail.sessions_ended_by_administrator_what).to_string(),
            if_not_you: td_string!(locale, mail.sessions_ended_by_administrator_if_not_you).to_string(),
        },
        Notice::SetupRequiredByAdministrator => Letter {
            subject: fill(td_string!(locale, mail.setup_required_by_administrator_subject), site),
            what: td_string!(locale, mail.setup_required_by_administrator_what).to_string(),
            if_not_you: td_string!(locale, mail.setup_required_by_administrator_if_not_you).to_string(),
        },
        Notice::PhoneNumberRemoved => Letter {
            subject: fill(td_string!(locale, mail.phone_number_removed_subject), site),
            what: td_string!(locale, mail.phone_number_removed_what).to_string(),
            if_not_you: td_string!(locale, mail.phone_number_removed_if_not_you).to_string(),
        },
        Notice::TwoFactorDisabled => Letter {
            subject: fill(td_string!(locale, mail.two_factor_disabled_subject), site),
            what: td_string!(locale, mail.two_factor_disabled_what).to_string(),
            if_not_you: td_string!(locale, mail.two_factor_disabled_if_not_you).to_string(),
        },
        Notice::BackupCodesRegenerated => Letter {
            subject: fill(td_string!(locale, mail.backup_codes_regenerated_subject), site),
            what: td_string!(locale, mail.backup_codes_regenerated_what).to_string(),
            if_not_you: check(),
        },
        Notice::BackupCodeUsed { left } => Letter {
            subject: fill(td_string!(locale, mail.backup_code_used_subject), site),
            what: match left {
                0 => td_string!(locale, mail.backup_code_used_what_none).to_string(),
                1 => td_string!(locale, mail.backup_code_used_what_single).to_string(),
                _ => fill(
                    td_string!(locale, mail.backup_code_used_what_several),
                    &[("left", &left.to_string())],
                ),
            },
            if_not_you: td_string!(locale, mail.backup_code_used_if_not_you).to_string(),
        },
        Notice::CodeReused => Letter {
            subject: fill(td_string!(locale, mail.code_reused_subject), site),
            what: td_string!(locale, mail.code_reused_what).to_string(),
            if_not_you: td_string!(locale, mail.code_reused_if_not_you).to_string(),
        },
        Notice::RepeatedWrongCodes => Letter {
            subject: fill(td_string!(locale, mail.repeated_wrong_codes_subject), site),
            what: fill(
                td_string!(locale, mail.repeated_wrong_codes_what),
                &[
                    ("count", &REPEATED_WRONG_CODES.to_string()),
                    ("minutes", &(REPEATED_WRONG_WINDOW_SECS / 60).to_string()),
                ],
            ),
            if_not_you: td_string!(locale, mail.repeated_wrong_codes_if_not_you).to_string(),
        },
        Notice::NewBrowser => Letter {
            subject: fill(td_string!(locale, mail.new_browser_subject), site),
            what: td_string!(locale, mail.new_browser_what).to_string(),
            if_not_you: check(),
        },
        Notice::PasswordReset => Letter {
            subject: fill(td_string!(locale, mail.password_reset_subject), site),
            what: td_string!(locale, mail.password_reset_what).to_string(),
            if_not_you: td_string!(locale, mail.password_reset_if_not_you).to_string(),
        },
        Notice::PasswordChanged => Letter {
            subject: fill(td_string!(locale, mail.password_changed_subject), site),
            what: td_string!(locale, mail.password_changed_what).to_string(),
            if_not_you: td_string!(locale, mail.password_changed_if_not_you).to_string(),
        },
    }
}

/// How long a link works, as its mail says it: "24 hours", "30 minutes".
fn valid_for_text(secs: i64, locale: Locale) -> String {
    if secs >= 3600 && secs % 3600 == 0 {
        crate::i18n::hours(secs / 3600, locale)
    } else {
        crate::i18n::minutes(secs / 60, locale)
    }
}

fn link_letter(kind: LinkMail, site: &str, locale: Locale) -> Letter {
    let site = &[("site", site)];
    match kind {
        LinkMail::ConfirmEmail => Letter {
            subject: fill(td_string!(locale, mail.confirm_email_subject), site),
            what: fill(
                td_string!(locale, mail.confirm_email_what),
                &[("valid_for", &valid_for_text(CONFIRM_LINK_SECS, locale))],
            ),
            if_not_you: td_string!(locale, mail.confirm_email_if_not_you).to_string(),
        },
        LinkMail::ResetPassword => Letter {
            subject: fill(td_string!(locale, mail.reset_password_subject), site),
            what: fill(
                td_string!(locale, mail.reset_password_what),
                &[("valid_for", &valid_for_text(RESET_LINK_SECS, locale))],
            ),
            if_not_you: td_string!(locale, mail.reset_password_if_not_you).to_string(),
        },
    }
}

/// The mail for `reader` that delivers `link` (which carries a token) to `recipient`.
pub fn compose_link(
    kind: LinkMail,
    link: &str,
    recipient: &str,
    reader: Reader,
    settings: &Settings,
    caller: &Caller,
) -> Mail {
    let locale = reader.locale;
    let letter = link_letter(kind, &settings.issuer, locale);
    let label = match kind {
        LinkMail::ConfirmEmail => td_string!(locale, mail.confirm_email_link).to_string(),
        LinkMail::ResetPassword => td_string!(locale, mail.reset_password_link).to_string(),
    };
    // The mail asks for a step (open the link): no "nothing more to do" after it.
    render(letter, (&label, link), recipient, (reader, false), settings, caller)
}

/// The mail for `notice` to `recipient`, for `reader`, as plain text and HTML.
pub fn compose(
    notice: Notice,
    recipient: &str,
    reader: Reader,
    settings: &Settings,
    caller: &Caller,
) -> Mail {
    let locale = reader.locale;
    let settings_url = format!("{}/settings/security", settings.public_url);
    let label = td_string!(locale, mail.settings_security).to_string();
    render(
        letter(notice, &settings.issuer, locale),
        (&label, &settings_url),
        recipient,
        (reader, true),
        settings,
        caller,
    )
}

/// `reader`, and whether the mail says "If this was you, there is nothing more to do" (not when
/// the mail itself asks for a step).
fn render(
    letter: Letter,
    link: (&str, &str),
    recipient: &str,
    (reader, says_if_you): (Reader, bool),
    settings: &Settings,
    caller: &Caller,
) -> Mail {
    let site = settings.issuer.as_str();
    let (link_label, link_url) = link;
    let locale = reader.locale;
    let when = date_time_in(caller.now, locale, reader.time_zone);
    let address = match caller.ip() {
        Some(ip) => ip.to_owned(),
        None => td_string!(locale, mail.unknown_address).to_string(),
    };
    let browser = describe_browser(caller.user_agent.as_deref(), locale);
    let facts = [
        (td_string!(locale, mail.when).to_string(), when),
        (td_string!(locale, mail.from_address).to_string(), address),
        (td_string!(locale, mail.browser).to_string(), browser),
    ];
    let if_you = match says_if_you {
        true => format!("{}\n", td_string!(locale, mail.if_you)),
        false => String::new(),
    };

    let mut text = format!("{}\n\n{link_label}: {link_url}\n\n", letter.what);
    for (label, value) in &facts {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!("\n{if_you}{}\n\n-- \n{site}\n", letter.if_not_you));

    let e = |s: &str| html_escape::encode_text(s).into_owned();
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n\
         <p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n<table>\n",
        i18n::code(locale),
        e(&letter.subject),
        e(&letter.what),
        html_escape::encode_double_quoted_attribute(link_url),
        e(link_label)
    );
    for (label, value) in &facts {
        html.push_str(&format!("<tr><th align=\"left\">{}</th><td>{}</td></tr>\n", e(label), e(value)));
    }
    let if_you_html = match says_if_you {
        true => format!("{}<br>\n", e(if_you.trim_end())),
        false => String::new(),
    };
    html.push_str(&format!(
        "</table>\n<p>{if_you_html}{}</p>\n<p>{}</p>\n</body></html>\n",
        e(&letter.if_not_you),
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
            sms_daily_limit: 1000,
            two_factor_policy: None,
            sms_calling_codes: Vec::new(),
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
        let mail = compose(
            Notice::BackupCodeUsed { left: 7 },
            "ann@example.com",
            Reader::of(Locale::en),
            &settings(),
            &caller,
        );
        assert_eq!(mail.recipient, "ann@example.com");
        assert!(mail.subject.contains("backup code of your WebApp account was used"));
        for body in [&mail.text_body, &mail.html_body] {
            assert!(body.contains("7 unused backup codes are left"), "{body}");
            assert!(body.contains("28 Nov 2026, 23:59 UTC"), "no zone known: UTC, said so: {body}");
            assert!(body.contains("203.0.113.7"));
            assert!(body.contains("Chrome 120 on Linux"), "{body}");
            assert!(body.contains("If this was not you"));
            assert!(body.contains("https://webapp.example/settings/security"));
        }
    }

    #[test]
    fn what_the_client_sends_cannot_inject_html() {
        let caller = Caller { ip: Some("<script>alert(1)</script>".into()), now: 0, ..Caller::default() };
        let mail =
            compose(Notice::NewBrowser, "ann@example.com", Reader::of(Locale::en), &settings(), &caller);
        assert!(!mail.html_body.contains("<script>"));
        assert!(mail.html_body.contains("&lt;script&gt;"));
    }

    #[test]
    fn a_dutch_account_gets_its_mail_in_dutch_with_the_same_facts() {
        let caller = Caller {
            ip: None,
            now: 1_795_910_399,
            user_agent: Some(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0".into(),
            ),
            ..Caller::default()
        };
        let reader = Reader { locale: Locale::nl, time_zone: Some("Europe/Amsterdam") };
        let mail =
            compose(Notice::BackupCodeUsed { left: 1 }, "ann@example.com", reader, &settings(), &caller);
        assert_eq!(mail.subject, "Er is een back-upcode van je WebApp-account gebruikt");
        for body in [&mail.text_body, &mail.html_body] {
            assert!(body.contains("Je hebt nog 1 ongebruikte back-upcode."), "{body}");
            assert!(body.contains("Wanneer"), "{body}");
            assert!(body.contains("29 nov. 2026 00:59 CET"), "in the holder's zone and language: {body}");
            assert!(body.contains("een onbekend adres"), "{body}");
            assert!(body.contains("Firefox 121 op Windows 10"), "{body}");
            assert!(body.contains("Was jij dit, dan hoef je verder niets te doen."), "{body}");
            assert!(
                body.contains("Instellingen &gt; Beveiliging") || body.contains("Instellingen > Beveiliging")
            );
            assert!(!body.contains("If this was"), "{body}");
        }
        assert!(mail.html_body.contains("<html lang=\"nl\">"));
        let english = compose(
            Notice::BackupCodeUsed { left: 1 },
            "ann@example.com",
            Reader::of(Locale::en),
            &settings(),
            &caller,
        );
        assert!(english.text_body.contains("1 unused backup code is left."), "{}", english.text_body);
        assert!(english.text_body.contains("IP address: an unknown address"), "{}", english.text_body);
        assert!(english.text_body.contains("If this was you, there is nothing more to do."));
    }

    #[test]
    fn link_mails_say_how_long_the_link_works_in_the_accounts_language() {
        let caller = Caller::at(0);
        let link = "https://webapp.example/confirm-email?token=abc";
        let english = compose_link(
            LinkMail::ConfirmEmail,
            link,
            "ann@example.com",
            Reader::of(Locale::en),
            &settings(),
            &caller,
        );
        assert_eq!(english.subject, "Confirm your email address for WebApp");
        assert!(english.text_body.contains("It works once, for 24 hours."), "{}", english.text_body);
        assert!(english.text_body.contains(&format!("Confirm my address: {link}")));
        // It asks for a step: it never says there is nothing more to do.
        assert!(!english.text_body.contains("nothing more to do"), "{}", english.text_body);
        assert!(!english.html_body.contains("nothing more to do"), "{}", english.html_body);
        let dutch = compose_link(
            LinkMail::ResetPassword,
            link,
            "ann@example.com",
            Reader::of(Locale::nl),
            &settings(),
            &caller,
        );
        assert_eq!(dutch.subject, "Stel het wachtwoord van je WebApp-account opnieuw in");
        assert!(dutch.text_body.contains("De link werkt één keer, 30 minuten lang."), "{}", dutch.text_body);
        assert!(dutch.text_body.contains(&format!("Nieuw wachtwoord kiezen: {link}")));
        assert_eq!(valid_for_text(3600, Locale::nl), "1 uur");
        assert_eq!(valid_for_text(60, Locale::en), "1 minute");
    }

    /// Every notice a mail is made for, some in several forms.
    const EVERY_NOTICE: [Notice; 25] = [
        Notice::TwoFactorEnabled,
        Notice::TwoFactorDisabled,
        Notice::BackupCodesRegenerated,
        Notice::BackupCodeUsed { left: 0 },
        Notice::BackupCodeUsed { left: 1 },
        Notice::BackupCodeUsed { left: 9 },
        Notice::CodeReused,
        Notice::RepeatedWrongCodes,
        Notice::NewBrowser,
        Notice::PasswordReset,
        Notice::PasswordChanged,
        Notice::AnotherPhoneAdded,
        Notice::PhoneNumberChanged { ending: 678 },
        Notice::PhoneNumberRemoved,
        Notice::AuthenticatorAdded,
        Notice::PasskeyAdded,
        Notice::PasskeyRemoved,
        Notice::PasskeyPossiblyCloned,
        Notice::AdministratorGranted,
        Notice::AdministratorRevoked,
        Notice::AccessCodeGiven { hours: 4 },
        Notice::AccessCodeUsed,
        Notice::SessionsEndedByAdministrator,
        Notice::SetupRequiredByAdministrator,
        Notice::AccountClosed,
    ];

    #[test]
    fn every_mail_has_every_placeholder_filled_in_both_languages() {
        let notices = EVERY_NOTICE;
        let caller = Caller { user_agent: Some("curl/8.5.0".into()), ..Caller::at(0) };
        let mut mails = Vec::new();
        for locale in [Locale::en, Locale::nl] {
            for notice in notices {
                mails.push((
                    locale,
                    compose(notice, "ann@example.com", Reader::of(locale), &settings(), &caller),
                ));
            }
            for kind in [LinkMail::ConfirmEmail, LinkMail::ResetPassword] {
                mails.push((
                    locale,
                    compose_link(
                        kind,
                        "https://x.example/",
                        "a@b.c",
                        Reader::of(locale),
                        &settings(),
                        &caller,
                    ),
                ));
            }
        }
        for (locale, mail) in &mails {
            for part in [&mail.subject, &mail.text_body] {
                assert!(!part.contains('{') && !part.contains('}'), "{locale:?}: {part}");
            }
            assert!(mail.subject.contains("WebApp"), "{}", mail.subject);
        }
        let (english, dutch) = mails.split_at(mails.len() / 2);
        for ((_, en), (_, nl)) in english.iter().zip(dutch) {
            assert_ne!(en.subject, nl.subject);
            assert_ne!(en.text_body, nl.text_body);
        }
        assert!(english[7]
            .1
            .text_body
            .contains("3 wrong codes were entered for your account within 15 minutes."));
        assert!(dutch[7].1.text_body.contains("Er zijn binnen 15 minuten 3 verkeerde codes ingevuld"));
    }

    #[test]
    fn only_what_an_administrator_did_sends_a_person_to_an_administrator() {
        // Most people signed themselves up and have no administrator of their own.
        let own = EVERY_NOTICE.into_iter().filter(|notice| {
            !matches!(
                notice,
                Notice::AdministratorGranted
                    | Notice::AdministratorRevoked
                    | Notice::AccessCodeGiven { .. }
                    | Notice::AccessCodeUsed
                    | Notice::SessionsEndedByAdministrator
                    | Notice::SetupRequiredByAdministrator
            )
        });
        let own: Vec<Notice> = own.collect();
        let caller = Caller::at(0);
        for (locale, word) in [(Locale::en, "administrator"), (Locale::nl, "beheerder")] {
            for &notice in &own {
                let mail = compose(notice, "ann@example.com", Reader::of(locale), &settings(), &caller);
                assert!(!mail.text_body.to_lowercase().contains(word), "{notice:?}: {}", mail.text_body);
            }
        }
    }

    #[test]
    fn an_unknown_browser_is_said_so() {
        assert_eq!(describe_browser(None, Locale::en), "an unknown browser");
        assert_eq!(describe_browser(Some("  "), Locale::en), "an unknown browser");
        assert_eq!(describe_browser(Some("curl/8.5.0"), Locale::en), "a program, not a browser");
        assert_eq!(
            describe_browser(Some("Visit-https://evil.example/reset"), Locale::en),
            "a program, not a browser"
        );
        assert_eq!(
            describe_browser(
                Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"),
                Locale::en
            ),
            "Firefox 121 on Windows 10"
        );
        assert_eq!(describe_browser(None, Locale::nl), "een onbekende browser");
        assert_eq!(describe_browser(Some("curl/8.5.0"), Locale::nl), "een programma, geen browser");
    }
}
