//! Settings, with its Security section (where the 2FA switch lives).

use leptos::prelude::*;
use leptos_router::components::A;

use super::two_factor_manage::{AnotherSmartphone, RegenerateBackupCodes, TurnOffTwoFactor};
use super::two_factor_setup::TwoFactorSetup;
use crate::api::{get_account, get_security_events, get_two_factor_status};
use crate::dates::{format_date, format_date_time};
use crate::security_events::SecurityEvent;
use crate::two_factor::{TwoFactorStatus, FEW_BACKUP_CODES};

#[component]
fn SettingsNav() -> impl IntoView {
    view! {
        <nav class="settings-nav" aria-label="Settings sections">
            <A href="/settings/security">"Security"</A>
        </nav>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_account());
    view! {
        <h1>"Settings"</h1>
        <SettingsNav/>
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">"Account"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(account) => view! {
                            <dl class="facts">
                                <dt>"Email"</dt>
                                <dd>{account.email}</dd>
                                <dt>"Member since"</dt>
                                <dd>{format_date(account.created_at)}</dd>
                            </dl>
                        }
                        .into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Which dialog of the Security section is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SecurityDialog {
    Closed,
    Setup,
    Regenerate,
    AnotherPhone,
    TurnOff,
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let status = Resource::new(move || reload.get(), |_| get_two_factor_status());
    let events = Resource::new(move || reload.get(), |_| get_security_events());
    let dialog = RwSignal::new(SecurityDialog::Closed);
    let close = move || {
        dialog.set(SecurityDialog::Closed);
        reload.update(|n| *n += 1);
    };
    view! {
        <h1>"Settings"</h1>
        <SettingsNav/>
        <section class="card" aria-labelledby="security-title">
            <h2 id="security-title">"Security"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) => view! { <TwoFactorRow status dialog/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="activity-title">
            <h2 id="activity-title">"Recent security activity"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(events) if events.is_empty() => view! { <p>"Nothing yet."</p> }.into_any(),
                        Ok(events) => view! { <ActivityList events/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        {move || match dialog.get() {
            SecurityDialog::Closed => ().into_any(),
            SecurityDialog::Setup => view! { <TwoFactorSetup on_close=close/> }.into_any(),
            SecurityDialog::Regenerate => view! { <RegenerateBackupCodes on_close=close/> }.into_any(),
            SecurityDialog::AnotherPhone => view! { <AnotherSmartphone on_close=close/> }.into_any(),
            SecurityDialog::TurnOff => view! { <TurnOffTwoFactor on_close=close/> }.into_any(),
        }}
    }
}

/// The 2FA line of the Security section: its switch, and what can be done when it is on.
#[component]
fn TwoFactorRow(status: TwoFactorStatus, dialog: RwSignal<SecurityDialog>) -> impl IntoView {
    let on = status.enabled;
    view! {
        <div class="setting-row">
            <span id="two-factor-label">"Two-factor authentication for your account (2FA)"</span>
            <button
                type="button"
                role="switch"
                class="switch"
                aria-checked=if on { "true" } else { "false" }
                aria-labelledby="two-factor-label"
                on:click=move |_| dialog.set(if on { SecurityDialog::TurnOff } else { SecurityDialog::Setup })
            >
                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                <span class="switch-text" aria-hidden="true">{if on { "On" } else { "Off" }}</span>
            </button>
        </div>
        <noscript>
            <p class="warning">
                "Setting up or changing two-factor authentication needs JavaScript. Turn JavaScript on in your browser to use this switch."
            </p>
        </noscript>
        {on.then(|| {
            let left = status.backup_codes_left;
            view! {
                <dl class="facts two-factor-facts">
                    <dt>"Method"</dt>
                    <dd>"Authenticator app"</dd>
                    <dt>"On since"</dt>
                    <dd>{status.enabled_since.map(format_date).unwrap_or_default()}</dd>
                    <dt>"Backup codes left"</dt>
                    <dd>{left}</dd>
                </dl>
                {(left <= FEW_BACKUP_CODES).then(|| view! {
                    <p class="warning" role="status">
                        "Only a few backup codes are left: make new ones so you can still log in without your phone."
                    </p>
                })}
                <div class="actions start">
                    <button type="button" class="secondary" on:click=move |_| dialog.set(SecurityDialog::Regenerate)>
                        "Regenerate backup codes"
                    </button>
                    <button type="button" class="secondary" on:click=move |_| dialog.set(SecurityDialog::AnotherPhone)>
                        "Set up another smartphone"
                    </button>
                </div>
            }
        })}
    }
}

#[component]
fn ActivityList(events: Vec<SecurityEvent>) -> impl IntoView {
    view! {
        <ul class="activity" aria-label="Security events">
            {events
                .into_iter()
                .map(|event| view! {
                    <li>
                        <span class="activity-what">{event.kind.description()}</span>
                        <span class="activity-when">{format_date_time(event.at)}</span>
                        <span class="activity-ip">{event.ip.unwrap_or_else(|| "unknown address".into())}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}
