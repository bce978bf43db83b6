//! The 2FA line of the Security section, the WebApp's island: the switch, the facts when 2FA is
//! on, and the modals that open from them.

use leptos::prelude::*;
use leptos_i18n::td_string;

use super::island_text::{IslandText, Phrase};
use super::two_factor_manage::{
    AddAuthenticator, AnotherSmartphone, PhoneNumber, RegenerateBackupCodes, RemovePhoneNumber,
    TurnOffTwoFactor,
};
use super::two_factor_setup::TwoFactorSetup;
use crate::dates::local_date;
use crate::two_factor::{TwoFactorStatus, FEW_BACKUP_CODES};

/// The dialogs of the Security section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SecurityDialog {
    Setup,
    Regenerate,
    AnotherPhone,
    PhoneNumber,
    RemovePhoneNumber,
    AddAuthenticator,
    TurnOff,
}

thread_local! {
    /// Where the modals are mounted: the island's last element, once it woke up.
    static HOST: std::cell::RefCell<Option<web_sys::HtmlElement>> = const { std::cell::RefCell::new(None) };
    /// The open modal's mount (its `UnmountHandle`): dropping it unmounts the modal. Touched by
    /// event handlers only, which run in the browser alone.
    static OPEN_DIALOG: std::cell::RefCell<Option<Box<dyn std::any::Any>>> = const { std::cell::RefCell::new(None) };
    /// What had the focus when the modal opened (the switch, a button): it gets it back.
    static OPENER: std::cell::RefCell<Option<web_sys::HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// Mounts `view` at the end of the island and keeps it there until `close_dialog`. Compiled once
/// per modal: what does not depend on the modal is in `keep_dialog`.
fn mount_dialog<N: IntoView + 'static>(view: impl FnOnce() -> N + 'static) {
    let Some(host) = HOST.with(|host| host.borrow().clone()) else { return };
    let opener = document().active_element();
    keep_dialog(opener, Box::new(leptos::mount::mount_to(host, view)));
}

fn keep_dialog(opener: Option<web_sys::Element>, handle: Box<dyn std::any::Any>) {
    use wasm_bindgen::JsCast;
    OPENER.with(|o| *o.borrow_mut() = opener.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()));
    OPEN_DIALOG.with(|open| *open.borrow_mut() = Some(handle));
}

fn close_dialog() {
    // Taken out first: unmounting runs the modal's cleanups, which must not find it borrowed.
    let handle = OPEN_DIALOG.with(|open| open.borrow_mut().take());
    drop(handle);
    if let Some(opener) = OPENER.with(|o| o.borrow_mut().take()) {
        let _ = opener.focus();
    }
}

/// The session-storage key that asks the reloaded page to put the focus on the switch.
const FOCUS_SWITCH: &str = "focus-two-factor-switch";

/// What a modal runs when it closes, told whether it changed something: a change reloads the
/// page, whose HTML the server renders afresh (status and activity).
fn on_close(changed: bool) {
    // Unmounted on the next frame: this runs inside the modal's own handler.
    request_animation_frame(close_dialog);
    if changed {
        // The page comes back with the focus on the switch (see `TwoFactorIsland`). Kept for
        // this tab alone, not in the address, which the reload must leave as it is.
        if let Ok(Some(storage)) = window().session_storage() {
            let _ = storage.set_item(FOCUS_SWITCH, "1");
        }
        let _ = window().location().reload();
    }
}

/// The modals of an account with 2FA on, in a chunk of their own (cargo leptos build --split),
/// fetched when one first opens: an account without 2FA, opening the setup, never loads them.
/// `sms`: whether the account has a number for texted codes.
#[lazy]
fn open_managing(dialog: SecurityDialog, sms: bool) {
    match dialog {
        SecurityDialog::Regenerate => mount_dialog(move || view! { <RegenerateBackupCodes sms on_close/> }),
        SecurityDialog::AnotherPhone => mount_dialog(|| view! { <AnotherSmartphone on_close/> }),
        SecurityDialog::PhoneNumber => mount_dialog(move || view! { <PhoneNumber sms on_close/> }),
        SecurityDialog::RemovePhoneNumber => mount_dialog(|| view! { <RemovePhoneNumber on_close/> }),
        SecurityDialog::AddAuthenticator => mount_dialog(|| view! { <AddAuthenticator on_close/> }),
        SecurityDialog::TurnOff => mount_dialog(move || view! { <TurnOffTwoFactor sms on_close/> }),
        SecurityDialog::Setup => {}
    }
}

/// The 2FA line of the Security section: its switch, and what can be done when it is on. The
/// island of the WebApp, the one part that runs in the browser: its modals call the server step
/// by step. Its controls stay disabled until the WASM has woken them (without JavaScript, for
/// good), so a click never falls on a control that cannot answer yet. A change made in a modal
/// reloads the page, whose HTML the server renders afresh (status and activity).
#[component]
pub fn TwoFactorControls(status: TwoFactorStatus) -> impl IntoView {
    let text = IslandText::for_request();
    let t = |phrase| text.get(phrase).to_owned();
    let on = status.enabled;
    let left = status.backup_codes_left;
    // What only shows, rendered here on the server and handed to the island as its children,
    // which the browser leaves as they are: no hydration code for them in the WASM.
    let shown = view! {
        <noscript>
            <p class="warning">{t(Phrase::NeedsJavascript)}</p>
        </noscript>
        {on.then(|| view! {
            <dl class="facts two-factor-facts">
                <dt>{t(Phrase::Method)}</dt>
                {status.app.then(|| view! { <dd>{t(Phrase::AuthenticatorApp)}</dd> })}
                {status.sms_to.clone().map(|to| view! { <dd>{format!("{} ({to})", t(Phrase::Sms))}</dd> })}
                // The same word in English and Dutch.
                {(status.passkeys > 0).then(|| view! { <dd>{format!("Passkeys ({})", status.passkeys)}</dd> })}
                <dt>{t(Phrase::OnSince)}</dt>
                <dd>{status.enabled_since.map(local_date).unwrap_or_default()}</dd>
                <dt>{t(Phrase::BackupCodesLeft)}</dt>
                <dd>{left}</dd>
            </dl>
            {(left <= FEW_BACKUP_CODES).then(|| view! {
                <p class="warning" role="status">{t(Phrase::FewBackupCodes)}</p>
            })}
            // Rendered on the server only: its words need not travel to the island.
            {status.app.then(|| view! {
                <p class="hint lost-phone">{td_string!(crate::i18n::current(), settings.lost_phone)}</p>
            })}
        })}
    };
    let (app, sms) = (status.app, status.sms_to.is_some());
    view! { <TwoFactorIsland on app sms text>{shown}</TwoFactorIsland> }
}

/// `on`: whether 2FA is on; `app`: whether the authenticator app is one of its methods (its key
/// can go on another smartphone); `sms`: whether texted codes are (to a number that can be
/// changed, or removed beside the app); `text`: the island's words, in the page's language;
/// `children`: what the server shows between the switch and the buttons.
#[island]
fn TwoFactorIsland(on: bool, app: bool, sms: bool, text: IslandText, children: Children) -> impl IntoView {
    let awake = RwSignal::new(false);
    // On the server the words are read from the prop; in the browser they are kept for the
    // modals, and read from there as `&'static str` like the rest (see `keep_in_browser`).
    #[cfg(not(feature = "hydrate"))]
    let t = move |phrase| text.get(phrase).to_owned();
    #[cfg(feature = "hydrate")]
    let t = {
        super::island_text::keep_in_browser(text);
        super::island_text::phrase
    };
    let switch = NodeRef::<leptos::html::Button>::new();
    // Effects run only in the browser: this marks the moment the controls became interactive.
    Effect::new(move |_| {
        awake.set(true);
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        // Back from a change made in a modal: the focus goes where it was, on the switch.
        let storage = window().session_storage().ok().flatten();
        if let Some(storage) = storage.filter(|s| s.get_item(FOCUS_SWITCH).ok().flatten().is_some()) {
            let _ = storage.remove_item(FOCUS_SWITCH);
            request_animation_frame(move || {
                if let Some(switch) = switch.get_untracked() {
                    let _ = switch.focus();
                }
            });
        }
    });
    let asleep = move || !awake.get();
    // A modal is built in the browser when it opens and mounted beside the hydrated view, not
    // inside it: hydration code is then compiled for the row alone, not for every modal
    // (measured with typed modal children: 27 KB brotli less WASM).
    let host = NodeRef::<leptos::html::Div>::new();
    let show = move |dialog: SecurityDialog| {
        let Some(element) = host.get_untracked() else { return };
        HOST.with(|host| *host.borrow_mut() = Some((*element).clone()));
        match dialog {
            SecurityDialog::Setup => mount_dialog(|| view! { <TwoFactorSetup on_close/> }),
            managing => leptos::task::spawn_local(open_managing(managing, sms)),
        }
    };
    view! {
        <div class="setting-row" id="two-factor">
            <span id="two-factor-label">{t(Phrase::SwitchLabel)}</span>
            <button
                node_ref=switch
                type="button"
                role="switch"
                class="switch"
                aria-checked=if on { "true" } else { "false" }
                aria-labelledby="two-factor-label"
                disabled=asleep
                on:click=move |_| show(if on { SecurityDialog::TurnOff } else { SecurityDialog::Setup })
            >
                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                <span class="switch-text" aria-hidden="true">{if on { t(Phrase::On) } else { t(Phrase::Off) }}</span>
            </button>
        </div>
        {children()}
        {on.then(|| {
            view! {
                <div class="actions start">
                    <button
                        type="button"
                        class="secondary"
                        disabled=asleep
                        on:click=move |_| show(SecurityDialog::Regenerate)
                    >
                        {t(Phrase::RegenerateBackupCodes)}
                    </button>
                    {app.then(|| view! {
                        <button
                            type="button"
                            class="secondary"
                            disabled=asleep
                            on:click=move |_| show(SecurityDialog::AnotherPhone)
                        >
                            {t(Phrase::SetUpAnotherSmartphone)}
                        </button>
                    })}
                    <button
                        type="button"
                        class="secondary"
                        disabled=asleep
                        on:click=move |_| show(SecurityDialog::PhoneNumber)
                    >
                        {if sms { t(Phrase::ChangePhoneNumber) } else { t(Phrase::AddPhoneNumber) }}
                    </button>
                    {(!app).then(|| view! {
                        <button
                            type="button"
                            class="secondary"
                            disabled=asleep
                            on:click=move |_| show(SecurityDialog::AddAuthenticator)
                        >
                            {t(Phrase::AddAuthenticator)}
                        </button>
                    })}
                    {(app && sms).then(|| view! {
                        <button
                            type="button"
                            class="secondary"
                            disabled=asleep
                            on:click=move |_| show(SecurityDialog::RemovePhoneNumber)
                        >
                            {t(Phrase::RemovePhoneNumber)}
                        </button>
                    })}
                </div>
            }
        })}
        <div node_ref=host></div>
    }
}
