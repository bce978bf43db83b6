//! The parts of Settings > Security about the account itself: where it is logged in, the
//! browsers it remembers, a new password, and closing it. Server-rendered lists with plain forms:
//! each button posts and the page comes back.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::account::{ActiveSession, RememberedBrowser, MIN_PASSWORD_CHARS};
use crate::api::{ChangePassword, CloseAccount, EndOtherSessions, EndSession, ForgetBrowser};
use crate::dates::{local_date, local_date_time};
use crate::i18n;
use crate::ui::form::{posted_form_error, second_factor_field, FormError};

#[component]
pub fn ActiveSessions(sessions: Vec<ActiveSession>) -> impl IntoView {
    let locale = i18n::current();
    let others = sessions.iter().filter(|s| !s.current).count();
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{td_string!(locale, settings.active_sessions).to_string()}</h2>
            <ul class="sessions" aria-label=td_string!(locale, settings.active_sessions).to_string()>
                {sessions
                    .into_iter()
                    .map(|session| {
                        let label = i18n::fill(
                            td_string!(locale, settings.log_out_session),
                            &[("browser", &session.browser), ("ip", session.ip.as_deref().unwrap_or_default())],
                        );
                        view! {
                            <li>
                                <span class="session-browser">{session.browser.clone()}</span>
                                {session.current.then(|| view! { <strong class="session-current">{format!(" {}", td_string!(locale, settings.this_browser))}</strong> })}
                                {session.half_logged_in.then(|| view! { <span>{format!(" {}", td_string!(locale, settings.code_not_yet_entered))}</span> })}
                                <span class="session-ip">{session.ip.unwrap_or_else(|| td_string!(locale, settings.unknown_address).to_string())}</span>
                                <span class="session-when">
                                    {i18n::fill(
                                        td_string!(locale, settings.session_times),
                                        &[
                                            ("started", &local_date_time(session.started_at)),
                                            ("last_used", &local_date_time(session.last_seen_at)),
                                        ],
                                    )}
                                </span>
                                {(!session.current).then(|| view! {
                                    <form action=EndSession::PATH method="post" class="inline">
                                        <input type="hidden" name="id" value=session.id/>
                                        <button type="submit" class="secondary" aria-label=label>{td_string!(locale, settings.log_out).to_string()}</button>
                                    </form>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <FormError error={posted_form_error::<EndSession>()} focus=true/>
            {(others > 0).then(|| view! {
                <form action=EndOtherSessions::PATH method="post">
                    <FormError error={posted_form_error::<EndOtherSessions>()} focus=true/>
                    <button type="submit" class="secondary">{td_string!(locale, settings.log_out_other_sessions).to_string()}</button>
                </form>
            })}
        </section>
    }
}

#[component]
pub fn RememberedBrowsers(browsers: Vec<RememberedBrowser>) -> impl IntoView {
    let locale = i18n::current();
    view! {
        <section class="card" aria-labelledby="remembered-title">
            <h2 id="remembered-title">{td_string!(locale, settings.remembered_browsers).to_string()}</h2>
            <p>{td_string!(locale, settings.remembered_browsers_intro).to_string()}</p>
            {if browsers.is_empty() {
                view! { <p>{td_string!(locale, settings.none).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ul class="sessions" aria-label=td_string!(locale, settings.remembered_browsers).to_string()>
                        {browsers
                            .into_iter()
                            .map(|browser| {
                                let label = i18n::fill(td_string!(locale, settings.forget_browser), &[("browser", &browser.browser)]);
                                view! {
                                    <li>
                                        <span class="session-browser">{browser.browser.clone()}</span>
                                        <span class="session-ip">{browser.ip.unwrap_or_else(|| td_string!(locale, settings.unknown_address).to_string())}</span>
                                        <span class="session-when">
                                            {i18n::fill(td_string!(locale, settings.remembered_until), &[("date", &local_date(browser.expires_at))])}
                                        </span>
                                        <form action=ForgetBrowser::PATH method="post" class="inline">
                                            <input type="hidden" name="id" value=browser.id/>
                                            <button type="submit" class="secondary" aria-label=label>{td_string!(locale, settings.forget).to_string()}</button>
                                        </form>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <FormError error={posted_form_error::<ForgetBrowser>()} focus=true/>
        </section>
    }
}

#[component]
pub fn ChangePasswordForm(two_factor: bool, changed: bool) -> impl IntoView {
    let locale = i18n::current();
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{td_string!(locale, settings.change_password).to_string()}</h2>
            {changed.then(|| view! {
                // The page opens at it, and it takes the focus: the form was far down the page.
                <p class="notice" role="status" tabindex="-1" autofocus>{td_string!(locale, settings.password_changed_notice).to_string()}</p>
            })}
            <form action=ChangePassword::PATH method="post">
                <label for="change-current">{td_string!(locale, settings.current_password).to_string()}</label>
                <input id="change-current" name="current_password" type="password" autocomplete="current-password" required/>
                <label for="change-new">{td_string!(locale, settings.new_password).to_string()}</label>
                <input
                    id="change-new"
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="change-new-hint"
                    required
                />
                <p id="change-new-hint" class="hint">
                    {i18n::fill(td_string!(locale, settings.new_password_hint), &[("min", &MIN_PASSWORD_CHARS.to_string())])}
                </p>
                {two_factor.then(|| second_factor_field("change-code", None))}
                <FormError error={posted_form_error::<ChangePassword>()} focus=true/>
                <button type="submit">{td_string!(locale, settings.change_password).to_string()}</button>
            </form>
        </section>
    }
}

#[component]
pub fn CloseAccountForm(two_factor: bool) -> impl IntoView {
    let locale = i18n::current();
    view! {
        <section class="card danger" aria-labelledby="close-title">
            <h2 id="close-title">{td_string!(locale, settings.close_account).to_string()}</h2>
            <p>{td_string!(locale, settings.close_account_intro).to_string()}</p>
            <form action=CloseAccount::PATH method="post">
                <label for="close-password">{td_string!(locale, settings.password).to_string()}</label>
                <input id="close-password" name="password" type="password" autocomplete="current-password" required/>
                {two_factor.then(|| second_factor_field("close-code", None))}
                <FormError error={posted_form_error::<CloseAccount>()} focus=true/>
                <button type="submit" class="danger">{td_string!(locale, settings.close_my_account).to_string()}</button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use leptos_i18n::td_string;

    use crate::i18n::{fill, Locale};

    #[test]
    fn every_placeholder_is_in_both_languages() {
        for locale in [Locale::en, Locale::nl] {
            let filled = [
                (
                    td_string!(locale, settings.log_out_session),
                    &[("browser", "Firefox 128 on Linux"), ("ip", "192.0.2.1")][..],
                ),
                (
                    td_string!(locale, settings.session_times),
                    &[("started", "2026-11-28 10:00 UTC"), ("last_used", "2026-11-28 11:00 UTC")],
                ),
                (td_string!(locale, settings.forget_browser), &[("browser", "Firefox 128 on Linux")]),
                (td_string!(locale, settings.remembered_until), &[("date", "2026-12-28")]),
                (td_string!(locale, settings.new_password_hint), &[("min", "12")]),
            ];
            for (text, values) in filled {
                let filled = fill(text, values);
                assert!(!filled.contains('{'), "{locale:?}: {filled}");
                for (_, value) in values {
                    assert!(filled.contains(value), "{locale:?}: {text} lacks {value}");
                }
            }
        }
        assert_eq!(
            fill(
                td_string!(Locale::en, settings.log_out_session),
                &[("browser", "Firefox 128 on Linux"), ("ip", "192.0.2.1")]
            ),
            "Log out Firefox 128 on Linux (192.0.2.1)"
        );
        assert_eq!(
            fill(td_string!(Locale::en, settings.new_password_hint), &[("min", "12")]),
            "At least 12 characters. Your other sessions will be logged out."
        );
    }
}
