//! Settings, with its Security section (where the 2FA switch lives). The pages are HTML from
//! the server; the Security section's controls are an island.

use leptos::prelude::*;
use leptos_i18n::td_string;

use super::account_settings::{ActiveSessions, ChangePasswordForm, CloseAccountForm, RememberedBrowsers};
use super::app_shell::NavLink;
use super::passkeys::PasskeysSection;
use crate::api::{
    get_account, get_security_events, get_two_factor_status, list_passkeys, list_remembered_browsers,
    list_sessions,
};
use crate::dates::{local_date, local_date_time};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::security_events::SecurityEvent;
use crate::ui::form::posted_notice;
use crate::ui::island::two_factor_controls::TwoFactorControls;
use crate::ui::IslandScripts;

#[component]
fn SettingsNav() -> impl IntoView {
    let locale = i18n::current();
    view! {
        <nav class="settings-nav" aria-label=td_string!(locale, settings.settings_sections).to_string()>
            <NavLink href="/settings/security">{td_string!(locale, settings.security).to_string()}</NavLink>
        </nav>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let locale = i18n::current();
    view! {
        <h1>{td_string!(locale, common.settings).to_string()}</h1>
        <SettingsNav/>
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">{td_string!(locale, settings.account).to_string()}</h2>
            <Suspense fallback=move || view! { <p>{td_string!(locale, common.loading).to_string()}</p> }>
                {move || Suspend::new(async move {
                    match get_account().await {
                        Ok(account) => view! {
                            <dl class="facts">
                                <dt>{td_string!(locale, settings.email).to_string()}</dt>
                                <dd>{account.email}</dd>
                                <dt>{td_string!(locale, settings.member_since).to_string()}</dt>
                                <dd>{local_date(account.created_at)}</dd>
                            </dl>
                        }
                        .into_any(),
                        Err(e) => view! { <p role="alert">{e.message(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    // Server functions called directly (see `Protected`), under one Suspense: each boundary
    // costs more to render than the query it waits for (callgrind).
    let locale = i18n::current();
    view! {
        <h1>{td_string!(locale, common.settings).to_string()}</h1>
        <SettingsNav/>
        <Suspense fallback=move || view! { <p>{td_string!(locale, common.loading).to_string()}</p> }>
            {move || Suspend::new(async move {
                let (status, events, sessions, remembered, passkeys) = security_page_data().await;
                let two_factor = status.as_ref().is_ok_and(|s| s.enabled);
                let password_changed = posted_notice().as_deref() == Some("password-changed");
                view! {
                    <section class="card" aria-labelledby="security-title">
                        <h2 id="security-title">{td_string!(locale, settings.security).to_string()}</h2>
                        {match status {
                            Ok(status) => view! { <TwoFactorControls status/> }.into_any(),
                            Err(e) => view! { <p role="alert">{e.message(locale)}</p> }.into_any(),
                        }}
                    </section>
                    {match passkeys {
                        Ok(passkeys) => view! { <PasskeysSection passkeys two_factor/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.message(locale)}</p> }.into_any(),
                    }}
                    <section class="card" aria-labelledby="activity-title">
                        <h2 id="activity-title">{td_string!(locale, settings.recent_activity).to_string()}</h2>
                        {match events {
                            Ok(events) if events.is_empty() => view! { <p>{td_string!(locale, settings.nothing_yet).to_string()}</p> }.into_any(),
                            Ok(events) => view! { <ActivityList events locale/> }.into_any(),
                            Err(e) => view! { <p role="alert">{e.message(locale)}</p> }.into_any(),
                        }}
                    </section>
                    {match sessions {
                        Ok(sessions) => view! { <ActiveSessions sessions/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.message(locale)}</p> }.into_any(),
                    }}
                    {match remembered {
                        Ok(browsers) => view! { <RememberedBrowsers browsers/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.message(locale)}</p> }.into_any(),
                    }}
                    <ChangePasswordForm two_factor changed=password_changed/>
                    <CloseAccountForm two_factor/>
                }
            })}
        </Suspense>
        <IslandScripts/>
    }
}

/// What the Security page shows.
type SecurityPageData = (
    Result<crate::two_factor::TwoFactorStatus, AppError>,
    Result<Vec<SecurityEvent>, AppError>,
    Result<Vec<crate::account::ActiveSession>, AppError>,
    Result<Vec<crate::account::RememberedBrowser>, AppError>,
    Result<Vec<crate::passkeys::PasskeyInfo>, AppError>,
);

/// What the Security page shows, asked for once per request (see `once_per_request`).
async fn security_page_data() -> SecurityPageData {
    let load = async {
        (
            get_two_factor_status().await,
            get_security_events().await,
            list_sessions().await,
            list_remembered_browsers().await,
            list_passkeys().await,
        )
    };
    #[cfg(feature = "ssr")]
    {
        crate::api::context::once_per_request("security page", load).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        load.await
    }
}

#[component]
pub fn ActivityList(events: Vec<SecurityEvent>, locale: Locale) -> impl IntoView {
    view! {
        <ul class="activity" aria-label=td_string!(locale, settings.security_events).to_string()>
            {events
                .into_iter()
                .map(|event| view! {
                    <li>
                        <span class="activity-what">{event.kind.description(locale)}</span>
                        <span class="activity-when">{local_date_time(event.at)}</span>
                        <span class="activity-ip">{event.ip.unwrap_or_else(|| td_string!(locale, settings.unknown_address).to_string())}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}
