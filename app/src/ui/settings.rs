//! Settings, with its Security section (where the 2FA switch lives). The pages are HTML from
//! the server; the Security section's controls are an island.

use leptos::prelude::*;

use super::account_settings::{ActiveSessions, ChangePasswordForm, CloseAccountForm, RememberedBrowsers};
use super::app_shell::NavLink;
use super::two_factor_manage::{AnotherSmartphone, RegenerateBackupCodes, TurnOffTwoFactor};
use super::two_factor_setup::TwoFactorSetup;
use super::IslandScripts;
use crate::api::{
    get_account, get_security_events, get_two_factor_status, list_remembered_browsers, list_sessions,
};
use crate::dates::{format_date, format_date_time};
use crate::security_events::SecurityEvent;
use crate::two_factor::{TwoFactorStatus, FEW_BACKUP_CODES};

#[component]
fn SettingsNav() -> impl IntoView {
    view! {
        <nav class="settings-nav" aria-label="Settings sections">
            <NavLink href="/settings/security">"Security"</NavLink>
        </nav>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <h1>"Settings"</h1>
        <SettingsNav/>
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">"Account"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match get_account().await {
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
    // Server functions called directly (see `Protected`), under one Suspense: each boundary
    // costs more to render than the query it waits for (callgrind).
    view! {
        <h1>"Settings"</h1>
        <SettingsNav/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let status = get_two_factor_status().await;
                let events = get_security_events().await;
                let sessions = list_sessions().await;
                let remembered = list_remembered_browsers().await;
                let two_factor = status.as_ref().is_ok_and(|s| s.enabled);
                let password_changed = leptos_router::hooks::use_query_map()
                    .with_untracked(|query| query.get("password-changed").is_some());
                view! {
                    <section class="card" aria-labelledby="security-title">
                        <h2 id="security-title">"Security"</h2>
                        {match status {
                            Ok(status) => view! { <TwoFactorControls status/> }.into_any(),
                            Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                        }}
                    </section>
                    <section class="card" aria-labelledby="activity-title">
                        <h2 id="activity-title">"Recent security activity"</h2>
                        {match events {
                            Ok(events) if events.is_empty() => view! { <p>"Nothing yet."</p> }.into_any(),
                            Ok(events) => view! { <ActivityList events/> }.into_any(),
                            Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                        }}
                    </section>
                    {match sessions {
                        Ok(sessions) => view! { <ActiveSessions sessions/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }}
                    {match remembered {
                        Ok(browsers) => view! { <RememberedBrowsers browsers/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }}
                    <ChangePasswordForm two_factor changed=password_changed/>
                    <CloseAccountForm two_factor/>
                }
            })}
        </Suspense>
        <IslandScripts/>
    }
}

/// The dialogs of the Security section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SecurityDialog {
    Setup,
    Regenerate,
    AnotherPhone,
    TurnOff,
}

thread_local! {
    /// The open modal's mount (its `UnmountHandle`): dropping it unmounts the modal. Touched by
    /// event handlers only, which run in the browser alone.
    static OPEN_DIALOG: std::cell::RefCell<Option<Box<dyn std::any::Any>>> = const { std::cell::RefCell::new(None) };
    /// What had the focus when the modal opened (the switch, a button): it gets it back.
    static OPENER: std::cell::RefCell<Option<web_sys::HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// Mounts `view` at the end of `host` and keeps it there until `close_dialog`.
fn mount_dialog<N: IntoView + 'static>(host: &web_sys::HtmlElement, view: impl FnOnce() -> N + 'static) {
    use wasm_bindgen::JsCast;
    let opener = document().active_element().and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    OPENER.with(|o| *o.borrow_mut() = opener);
    let handle = leptos::mount::mount_to(host.clone(), view);
    OPEN_DIALOG.with(|open| *open.borrow_mut() = Some(Box::new(handle)));
}

fn close_dialog() {
    // Taken out first: unmounting runs the modal's cleanups, which must not find it borrowed.
    let handle = OPEN_DIALOG.with(|open| open.borrow_mut().take());
    drop(handle);
    if let Some(opener) = OPENER.with(|o| o.borrow_mut().take()) {
        let _ = opener.focus();
    }
}

/// The 2FA line of the Security section: its switch, and what can be done when it is on. The
/// island of the WebApp, the one part that runs in the browser: its modals call the server step
/// by step. Its controls stay disabled until the WASM has woken them (without JavaScript, for
/// good), so a click never falls on a control that cannot answer yet. A change made in a modal
/// reloads the page, whose HTML the server renders afresh (status and activity).
#[island]
fn TwoFactorControls(status: TwoFactorStatus) -> impl IntoView {
    let awake = RwSignal::new(false);
    // Effects run only in the browser: this marks the moment the controls became interactive.
    Effect::new(move |_| {
        awake.set(true);
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    let asleep = move || !awake.get();
    // A modal is built in the browser when it opens and mounted beside the hydrated view, not
    // inside it: hydration code is then compiled for the row alone, not for every modal
    // (measured with typed modal children: 27 KB brotli less WASM).
    let host = NodeRef::<leptos::html::Div>::new();
    let close = move |changed: bool| {
        // Unmounted on the next frame: this runs inside the modal's own handler.
        request_animation_frame(close_dialog);
        if changed {
            let _ = window().location().reload();
        }
    };
    let show = move |dialog: SecurityDialog| {
        let Some(host) = host.get_untracked() else { return };
        let host: &web_sys::HtmlElement = &host;
        match dialog {
            SecurityDialog::Setup => mount_dialog(host, move || view! { <TwoFactorSetup on_close=close/> }),
            SecurityDialog::Regenerate => {
                mount_dialog(host, move || view! { <RegenerateBackupCodes on_close=close/> })
            }
            SecurityDialog::AnotherPhone => {
                mount_dialog(host, move || view! { <AnotherSmartphone on_close=close/> })
            }
            SecurityDialog::TurnOff => {
                mount_dialog(host, move || view! { <TurnOffTwoFactor on_close=close/> })
            }
        }
    };
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
                disabled=asleep
                on:click=move |_| show(if on { SecurityDialog::TurnOff } else { SecurityDialog::Setup })
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
                    <button
                        type="button"
                        class="secondary"
                        disabled=asleep
                        on:click=move |_| show(SecurityDialog::Regenerate)
                    >
                        "Regenerate backup codes"
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        disabled=asleep
                        on:click=move |_| show(SecurityDialog::AnotherPhone)
                    >
                        "Set up another smartphone"
                    </button>
                </div>
            }
        })}
        <div node_ref=host></div>
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
