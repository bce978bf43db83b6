//! The frame of the logged-in WebApp: top bar, navigation (Settings at the bottom left), content.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::account::Viewer;
use crate::api::{LogOut, ResendEmailConfirmation};
use crate::i18n;
use crate::two_factor::FEW_BACKUP_CODES;
use crate::ui::form::{posted_form_error, posted_notice, FormError};

#[component]
pub fn AppShell(
    viewer: Viewer,
    children: Children,
    /// Days left to set up 2FA under `--require-two-factor`, when it is not yet on.
    #[prop(optional)]
    two_factor_days_left: Option<i64>,
    /// The account is an administrator: Administration is in the navigation.
    #[prop(optional)]
    administrator: bool,
) -> impl IntoView {
    // After a login with a backup code, its form is sent here with how many are left.
    let notice = posted_notice();
    let notice = notice.as_deref();
    let backup_codes_left =
        notice.and_then(|n| n.strip_prefix("backup-codes-left:")).and_then(|left| left.parse::<u32>().ok());
    let confirmation_sent = notice == Some("confirmation-sent");
    let locale = i18n::current();
    let unconfirmed = (!viewer.email_confirmed).then(|| viewer.email.clone());
    view! {
        <div class="shell">
            <header class="topbar">
                <span class="brand">"WebApp"</span>
                <span class="viewer-email" title=td_string!(locale, common.logged_in_as).to_string()>{viewer.email}</span>
                <form action=LogOut::PATH method="post">
                    <button type="submit" class="secondary">{td_string!(locale, common.log_out).to_string()}</button>
                </form>
            </header>
            <nav class="sidebar" aria-label=td_string!(locale, common.main_navigation).to_string()>
                <NavLink href="/">{td_string!(locale, common.inbox).to_string()}</NavLink>
                <div class="sidebar-bottom">
                    {administrator.then(|| view! { <NavLink href="/admin">{td_string!(locale, common.administration).to_string()}</NavLink> })}
                    <NavLink href="/settings">{td_string!(locale, common.settings).to_string()}</NavLink>
                </div>
            </nav>
            <main class="content">
                {unconfirmed.map(|email| view! {
                    <div class="banner" role="status">
                        <p>
                            {if confirmation_sent {
                                i18n::fill(td_string!(locale, pages.confirmation_sent), &[("email", &email)])
                            } else {
                                i18n::fill(td_string!(locale, pages.confirm_email_banner), &[("email", &email)])
                            }}
                        </p>
                        <form action=ResendEmailConfirmation::PATH method="post" class="inline">
                            <button type="submit" class="secondary">{td_string!(locale, pages.send_link_again)}</button>
                        </form>
                        <FormError error={posted_form_error::<ResendEmailConfirmation>()}/>
                    </div>
                })}
                {two_factor_days_left.map(|days| view! {
                    <div class="banner" role="status">
                        <p>
                            {i18n::fill(td_string!(locale, pages.two_factor_grace_banner), &[("days", &i18n::days(days, locale))])}
                            " "
                            <a href="/settings/security">{td_string!(locale, pages.set_up_now)}</a>
                        </p>
                    </div>
                })}
                {backup_codes_left.map(|left| view! {
                    <div class="banner" role="status">
                        <p>
                            {if left == 1 {
                                td_string!(locale, pages.backup_code_login_single).to_string()
                            } else {
                                i18n::fill(td_string!(locale, pages.backup_code_login), &[("left", &left.to_string())])
                            }}
                        </p>
                        {(left <= FEW_BACKUP_CODES).then(|| view! {
                            <p class="warning">
                                {format!("{} ", td_string!(locale, pages.few_backup_codes))}
                                <a href="/settings/security">{td_string!(locale, pages.make_new_backup_codes)}</a>
                            </p>
                        })}
                    </div>
                })}
                {children()}
            </main>
        </div>
    }
}

/// A link of the navigation, marked as the current page (`aria-current`) when the page shown is
/// it or one below it. Pages are rendered once on the server: the router's `A`, which follows the
/// location as it changes, cost a tenth of a page's render (callgrind).
#[component]
pub fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    let path = leptos_router::hooks::use_location().pathname.get_untracked();
    let below = path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/'));
    let current = path == href || (href != "/" && below);
    view! {
        <a href=href aria-current=current.then_some("page")>
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use leptos_i18n::td_string;

    use crate::i18n::{fill, Locale};

    #[test]
    fn every_placeholder_is_in_both_languages() {
        for locale in [Locale::en, Locale::nl] {
            for (text, name) in [
                (td_string!(locale, pages.confirmation_sent), "{email}"),
                (td_string!(locale, pages.confirm_email_banner), "{email}"),
                (td_string!(locale, pages.backup_code_login), "{left}"),
            ] {
                assert!(text.contains(name), "{text:?} lacks {name}");
            }
        }
    }

    #[test]
    fn the_banners_read_as_before_in_english() {
        let email = [("email", "ada@example.org")];
        assert_eq!(
            fill(td_string!(Locale::en, pages.confirmation_sent), &email),
            "A new confirmation link is on its way to ada@example.org."
        );
        assert_eq!(
            fill(td_string!(Locale::en, pages.backup_code_login), &[("left", "9")]),
            "You logged in with a backup code. 9 backup codes left."
        );
        assert_eq!(
            fill(td_string!(Locale::nl, pages.backup_code_login), &[("left", "9")]),
            "Je bent ingelogd met een back-upcode. Nog 9 back-upcodes over."
        );
    }
}
