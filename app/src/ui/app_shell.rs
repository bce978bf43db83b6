//! The frame of the logged-in WebApp: top bar, navigation (Settings at the bottom left), content.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos::server_fn::ServerFn;

use super::form::{posted_form_error, FormError};
use crate::account::Viewer;
use crate::i18n;
use crate::api::{LogOut, ResendEmailConfirmation};
use crate::two_factor::FEW_BACKUP_CODES;

#[component]
pub fn AppShell(viewer: Viewer, children: Children) -> impl IntoView {
    // After a login with a backup code, its form is sent here with how many are left.
    let (backup_codes_left, confirmation_sent) =
        leptos_router::hooks::use_query_map().with_untracked(|query| {
            let left = query.get("backup-codes-left").and_then(|left| left.parse::<u32>().ok());
            (left, query.get("confirmation-sent").is_some())
        });
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
                    <NavLink href="/settings">{td_string!(locale, common.settings).to_string()}</NavLink>
                </div>
            </nav>
            <main class="content">
                {unconfirmed.map(|email| view! {
                    <div class="banner" role="status">
                        <p>
                            {if confirmation_sent {
                                format!("A new confirmation link is on its way to {email}.")
                            } else {
                                format!("Confirm your email address: open the link we sent to {email}. Security mails and password reset links go only to a confirmed address.")
                            }}
                        </p>
                        <form action=ResendEmailConfirmation::PATH method="post" class="inline">
                            <button type="submit" class="secondary">"Send the link again"</button>
                        </form>
                        <FormError error={posted_form_error::<ResendEmailConfirmation>()}/>
                    </div>
                })}
                {backup_codes_left.map(|left| view! {
                    <div class="banner" role="status">
                        <p>{format!("You logged in with a backup code. {left} backup codes left.")}</p>
                        {(left <= FEW_BACKUP_CODES).then(|| view! {
                            <p class="warning">
                                "You are running out of backup codes. "
                                <a href="/settings/security">"Make new backup codes"</a>
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
