//! The setup modal of the help article: password, login method, QR code and key, first code,
//! backup codes. It renders in the browser and talks to the server only through server functions.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::SubmitEvent;

use super::browser;
use crate::api::{begin_two_factor_setup, confirm_two_factor_setup, download_backup_codes};
use crate::dates::format_date;
use crate::two_factor::{backup_file_name, normalize_code, BackupCodes, PendingSetup};

const STEP_COUNT: usize = 5;

#[derive(Clone, PartialEq)]
enum Step {
    Password,
    Method(PendingSetup),
    Scan(PendingSetup),
    Code(PendingSetup),
    Backup(PendingSetup, BackupCodes),
}

impl Step {
    fn number(&self) -> usize {
        match self {
            Step::Password => 1,
            Step::Method(_) => 2,
            Step::Scan(_) => 3,
            Step::Code(_) => 4,
            Step::Backup(..) => 5,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Step::Password => "Confirm your password",
            Step::Method(_) => "Choose a login method",
            Step::Scan(_) => "Scan the QR code",
            Step::Code(_) => "Enter the code",
            Step::Backup(..) => "Save your backup codes",
        }
    }
}

/// Moves focus to the element of the current step marked `data-autofocus`.
fn focus_first(dialog: &web_sys::HtmlDialogElement) {
    if let Ok(Some(el)) = dialog.query_selector("[data-autofocus]") {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Keeps Tab and Shift+Tab cycling inside the dialog: from the last control back to the first.
fn trap_tab(dialog: &web_sys::HtmlDialogElement, ev: &web_sys::KeyboardEvent) {
    if ev.key() != "Tab" {
        return;
    }
    let Ok(list) = dialog.query_selector_all("button:not([disabled]), input:not([disabled]), a[href]") else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else { return };
    let active = document().active_element();
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    let outside = !active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    if ev.shift_key() && (at(first) || outside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || outside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// `on_close` runs when the modal closes: by Cancel, Esc or Done.
#[component]
pub fn TwoFactorSetup(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let step = RwSignal::new(Step::Password);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let dialog = NodeRef::<html::Dialog>::new();

    // A modal <dialog> makes the rest of the page inert: focus cannot leave it.
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    // Each step, and each error, puts focus back on the step's main control.
    Effect::new(move |_| {
        step.track();
        error.track();
        if let Some(d) = dialog.get() {
            request_animation_frame(move || focus_first(&d));
        }
    });

    let go_to = move |next: Step| {
        error.set(None);
        notice.set(None);
        step.set(next);
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        on_close.run(());
    };

    let submit_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let entered = password.get_untracked();
        spawn_local(async move {
            match begin_two_factor_setup(entered).await {
                Ok(setup) => {
                    password.set(String::new());
                    go_to(Step::Method(setup));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };

    let submit_code = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Step::Code(setup) = step.get_untracked() else { return };
        // Check the form in the browser first: the server says the same, one round trip later.
        let typed = code.get_untracked();
        if let Err(e) = normalize_code(&typed) {
            error.set(Some(e.to_string()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match confirm_two_factor_setup(typed).await {
                Ok(codes) => go_to(Step::Backup(setup, codes)),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };

    let cancel_button = move || {
        view! {
            <button type="button" class="secondary" on:click=move |_| close()>"Cancel"</button>
        }
    };

    let body = move || match step.get() {
        Step::Password => view! {
            <form on:submit=submit_password>
                <p>"To change how you log in, confirm it is you."</p>
                <label for="setup-password">"Password"</label>
                <input
                    id="setup-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    data-autofocus
                    bind:value=password
                />
                <div class="actions">
                    {cancel_button()}
                    <button type="submit" disabled=move || busy.get()>"Next"</button>
                </div>
            </form>
        }
        .into_any(),
        Step::Method(setup) => view! {
            <form on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                go_to(Step::Scan(setup.clone()));
            }>
                <fieldset class="methods">
                    <legend>"How do you want to confirm your logins?"</legend>
                    <label class="method">
                        <input type="radio" name="method" value="app" checked data-autofocus/>
                        "Authenticator App (recommended)"
                    </label>
                    <label class="method disabled">
                        <input type="radio" name="method" value="sms" disabled aria-describedby="sms-soon"/>
                        "SMS"
                    </label>
                    <span id="sms-soon" class="badge">"coming soon"</span>
                </fieldset>
                <div class="actions">
                    {cancel_button()}
                    <button type="submit">"Next"</button>
                </div>
            </form>
        }
        .into_any(),
        Step::Scan(setup) => {
            let next = setup.clone();
            let account = setup.account_name.clone();
            let key = setup.key.clone();
            view! {
                <div class="scan">
                    <aside class="note" aria-label="Note">
                        <strong>"Note: "</strong>
                        "Do you want to set up the Authenticator app on multiple smartphones? Save the key shown here. You will need it to set up the Authenticator app on multiple smartphones. This can be useful if you share an account with multiple colleagues."
                    </aside>
                    <p>
                        "In Microsoft Authenticator, tap the plus icon, then Other (Google, Facebook, etc.), and scan this QR code:"
                    </p>
                    <div class="qr" role="img" aria-label="QR code" inner_html=setup.qr_svg.clone()></div>
                    <p>"Or tap Or enter a code manually, and enter:"</p>
                    <label for="setup-account">"Account name"</label>
                    <div class="copy-field">
                        <input id="setup-account" type="text" readonly value=setup.account_name.clone()/>
                        <button
                            type="button"
                            class="secondary"
                            aria-label="Copy account name"
                            on:click=move |_| browser::copy_text(&account, notice, "Account name copied.")
                        >
                            "Copy"
                        </button>
                    </div>
                    <label for="setup-key">"Key"</label>
                    <div class="copy-field">
                        <input id="setup-key" type="text" class="mono" readonly value=setup.key.clone()/>
                        <button
                            type="button"
                            class="secondary"
                            aria-label="Copy key"
                            on:click=move |_| browser::copy_text(&key.replace(' ', ""), notice, "Key copied.")
                        >
                            "Copy"
                        </button>
                    </div>
                    <div class="actions">
                        {cancel_button()}
                        <button type="button" data-autofocus on:click=move |_| go_to(Step::Code(next.clone()))>
                            "Next"
                        </button>
                    </div>
                </div>
            }
            .into_any()
        }
        Step::Code(_) => view! {
            <form on:submit=submit_code>
                <p>"Enter the 6-digit code shown under your account in the Authenticator app."</p>
                <label for="setup-code">"Code"</label>
                <input
                    id="setup-code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength="12"
                    data-autofocus
                    bind:value=code
                />
                <div class="actions">
                    {cancel_button()}
                    <button type="submit" disabled=move || busy.get()>"Verify"</button>
                </div>
            </form>
        }
        .into_any(),
        Step::Backup(setup, codes) => {
            let file_name = backup_file_name(&setup.issuer, &format_date(codes.created_at));
            let all_codes = codes.codes.join("\n");
            view! {
                <div class="backup">
                    <p>
                        "Two-factor authentication is on. Save these backup codes somewhere secure: each one works once, to log in when your phone is not available."
                    </p>
                    <ul class="backup-codes" aria-label="Backup codes">
                        {codes.codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                    </ul>
                    <div class="actions">
                        <button
                            type="button"
                            class="secondary"
                            on:click=move |_| {
                                let file_name = file_name.clone();
                                spawn_local(async move {
                                    match download_backup_codes().await {
                                        Ok(text) => browser::save_text_file(&file_name, &text, notice),
                                        Err(e) => error.set(Some(e.to_string())),
                                    }
                                });
                            }
                        >
                            "Download backup codes"
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            on:click=move |_| browser::copy_text(&all_codes, notice, "Backup codes copied.")
                        >
                            "Copy"
                        </button>
                        <button type="button" class="secondary" on:click=move |_| browser::print()>"Print"</button>
                        <button type="button" data-autofocus on:click=move |_| close()>"Done"</button>
                    </div>
                </div>
            }
            .into_any()
        }
    };

    view! {
        <dialog
            node_ref=dialog
            class="modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby="setup-title"
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if let Some(d) = dialog.get_untracked() {
                    trap_tab(&d, &ev);
                }
            }
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                close();
            }
        >
            <header class="modal-header">
                <h2 id="setup-title">"Two-factor authentication"</h2>
                <p class="step-indicator">
                    {move || format!("Step {} of {STEP_COUNT}", step.with(Step::number))}
                </p>
            </header>
            <h3>{move || step.with(Step::title)}</h3>
            {body}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <p class="notice" role="status">{move || notice.get()}</p>
        </dialog>
    }
}
