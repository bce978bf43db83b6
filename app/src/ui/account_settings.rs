//! The parts of Settings > Security about the account itself: where it is logged in, the
//! browsers it remembers, a new password, and closing it. Server-rendered lists with plain forms:
//! each button posts and the page comes back.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::form::{posted_form_error, second_factor_field, FormError};
use crate::account::{ActiveSession, RememberedBrowser, MIN_PASSWORD_CHARS};
use crate::api::{ChangePassword, CloseAccount, EndOtherSessions, EndSession, ForgetBrowser};
use crate::dates::{format_date, format_date_time};

#[component]
pub fn ActiveSessions(sessions: Vec<ActiveSession>) -> impl IntoView {
    let others = sessions.iter().filter(|s| !s.current).count();
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Active sessions"</h2>
            <ul class="sessions" aria-label="Active sessions">
                {sessions
                    .into_iter()
                    .map(|session| {
                        let label = format!("Log out {} ({})", session.browser, session.ip.clone().unwrap_or_default());
                        view! {
                            <li>
                                <span class="session-browser">{session.browser.clone()}</span>
                                {session.current.then(|| view! { <strong class="session-current">" This browser"</strong> })}
                                {session.half_logged_in.then(|| view! { <span>" (code not yet entered)"</span> })}
                                <span class="session-ip">{session.ip.unwrap_or_else(|| "unknown address".into())}</span>
                                <span class="session-when">
                                    {format!(
                                        "Started {}, last used {}",
                                        format_date_time(session.started_at),
                                        format_date_time(session.last_seen_at)
                                    )}
                                </span>
                                {(!session.current).then(|| view! {
                                    <form action=EndSession::PATH method="post" class="inline">
                                        <input type="hidden" name="id" value=session.id/>
                                        <button type="submit" class="secondary" aria-label=label>"Log out"</button>
                                    </form>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <FormError error={posted_form_error::<EndSession>()}/>
            {(others > 0).then(|| view! {
                <form action=EndOtherSessions::PATH method="post">
                    <FormError error={posted_form_error::<EndOtherSessions>()}/>
                    <button type="submit" class="secondary">"Log out other sessions"</button>
                </form>
            })}
        </section>
    }
}

#[component]
pub fn RememberedBrowsers(browsers: Vec<RememberedBrowser>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="remembered-title">
            <h2 id="remembered-title">"Remembered browsers"</h2>
            <p>"These browsers skip the code from your app at login (never the password), until the date shown."</p>
            {if browsers.is_empty() {
                view! { <p>"None."</p> }.into_any()
            } else {
                view! {
                    <ul class="sessions" aria-label="Remembered browsers">
                        {browsers
                            .into_iter()
                            .map(|browser| {
                                let label = format!("Forget {}", browser.browser);
                                view! {
                                    <li>
                                        <span class="session-browser">{browser.browser.clone()}</span>
                                        <span class="session-ip">{browser.ip.unwrap_or_else(|| "unknown address".into())}</span>
                                        <span class="session-when">
                                            {format!("Remembered until {}", format_date(browser.expires_at))}
                                        </span>
                                        <form action=ForgetBrowser::PATH method="post" class="inline">
                                            <input type="hidden" name="id" value=browser.id/>
                                            <button type="submit" class="secondary" aria-label=label>"Forget"</button>
                                        </form>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <FormError error={posted_form_error::<ForgetBrowser>()}/>
        </section>
    }
}

#[component]
pub fn ChangePasswordForm(two_factor: bool, changed: bool) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Change password"</h2>
            {changed.then(|| view! {
                <p class="notice" role="status">"Your password was changed. Your other sessions were logged out."</p>
            })}
            <form action=ChangePassword::PATH method="post">
                <label for="change-current">"Current password"</label>
                <input id="change-current" name="current_password" type="password" autocomplete="current-password" required/>
                <label for="change-new">"New password"</label>
                <input
                    id="change-new"
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="change-new-hint"
                    required
                />
                <p id="change-new-hint" class="hint">
                    {format!("At least {MIN_PASSWORD_CHARS} characters. Your other sessions will be logged out.")}
                </p>
                {two_factor.then(|| second_factor_field("change-code", None))}
                <FormError error={posted_form_error::<ChangePassword>()}/>
                <button type="submit">"Change password"</button>
            </form>
        </section>
    }
}

#[component]
pub fn CloseAccountForm(two_factor: bool) -> impl IntoView {
    view! {
        <section class="card danger" aria-labelledby="close-title">
            <h2 id="close-title">"Close account"</h2>
            <p>"Closing your account deletes it and everything kept with it: sessions, two-factor authentication, backup codes and history. This cannot be undone."</p>
            <form action=CloseAccount::PATH method="post">
                <label for="close-password">"Password"</label>
                <input id="close-password" name="password" type="password" autocomplete="current-password" required/>
                {two_factor.then(|| second_factor_field("close-code", None))}
                <FormError error={posted_form_error::<CloseAccount>()}/>
                <button type="submit" class="danger">"Close my account"</button>
            </form>
        </section>
    }
}
