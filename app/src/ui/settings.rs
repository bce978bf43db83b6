//! Settings, with its Security section (where the 2FA switch lives).

use leptos::prelude::*;
use leptos_router::components::A;

use super::two_factor_setup::TwoFactorSetup;
use crate::api::{get_account, get_two_factor_status};
use crate::two_factor::TwoFactorStatus;
use crate::dates::format_date;

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

#[component]
pub fn SecurityPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let status = Resource::new(move || reload.get(), |_| get_two_factor_status());
    let setup_open = RwSignal::new(false);
    view! {
        <h1>"Settings"</h1>
        <SettingsNav/>
        <section class="card" aria-labelledby="security-title">
            <h2 id="security-title">"Security"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) => view! {
                            <TwoFactorRow status on_turn_on=move || setup_open.set(true)/>
                        }
                        .into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <Show when=move || setup_open.get()>
            <TwoFactorSetup on_close=move || {
                setup_open.set(false);
                reload.update(|n| *n += 1);
            }/>
        </Show>
    }
}

/// The 2FA line of the Security section: its switch, and the facts when it is on.
#[component]
fn TwoFactorRow(status: TwoFactorStatus, #[prop(into)] on_turn_on: Callback<()>) -> impl IntoView {
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
                on:click=move |_| {
                    if !on {
                        on_turn_on.run(());
                    }
                }
            >
                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                <span class="switch-text" aria-hidden="true">{if on { "On" } else { "Off" }}</span>
            </button>
        </div>
        {on.then(|| view! {
            <dl class="facts two-factor-facts">
                <dt>"Method"</dt>
                <dd>"Authenticator app"</dd>
                <dt>"On since"</dt>
                <dd>{status.enabled_since.map(format_date).unwrap_or_default()}</dd>
                <dt>"Backup codes left"</dt>
                <dd>{status.backup_codes_left}</dd>
            </dl>
        })}
    }
}
