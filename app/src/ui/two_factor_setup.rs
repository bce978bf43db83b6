//! The setup modal of the help article: password, login method, QR code and key, first code,
//! backup codes. It renders in the browser and talks to the server only through server functions.

use leptos::either::EitherOf5;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use super::backup_codes_panel::BackupCodesPanel;
use super::calls::{begin_two_factor_setup, confirm_two_factor_setup};
use super::form::FormState;
use super::key_panel::KeyPanel;
use super::modal::Modal;
use crate::two_factor::{AuthenticatorKey, BackupCodes};

const STEP_COUNT: usize = 5;

#[derive(Clone, PartialEq)]
enum Step {
    Password,
    Method(AuthenticatorKey),
    Scan(AuthenticatorKey),
    Code,
    Backup(BackupCodes),
}

impl Step {
    fn number(&self) -> usize {
        match self {
            Step::Password => 1,
            Step::Method(_) => 2,
            Step::Scan(_) => 3,
            Step::Code => 4,
            Step::Backup(_) => 5,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Step::Password => "Confirm your password",
            Step::Method(_) => "Choose a login method",
            Step::Scan(_) => "Scan the QR code",
            Step::Code => "Enter the code",
            Step::Backup(_) => "Save your backup codes",
        }
    }
}

/// `on_close` runs when the modal closes (by Cancel, Esc or Done), told whether 2FA was turned on.
#[component]
pub fn TwoFactorSetup(#[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let step = RwSignal::new(Step::Password);
    let form = FormState::new();
    let (error, notice, busy) = (form.error, form.notice, form.busy);
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());

    let go_to = move |next: Step| {
        error.set(None);
        notice.set(None);
        step.set(next);
    };
    let close = move || on_close.run(step.with_untracked(|s| matches!(s, Step::Backup(_))));

    let submit_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(begin_two_factor_setup(password.get_untracked()), move |setup| {
            password.set(String::new());
            go_to(Step::Method(setup));
        });
    };

    // The code goes to the server as typed ("123 456" too): it answers a malformed one with the
    // specific message, and checking it here as well would bring every error message into the WASM.
    let submit_code = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(confirm_two_factor_setup(code.get_untracked()), move |codes| go_to(Step::Backup(codes)));
    };

    let cancel_button = move || {
        view! { <button type="button" class="secondary" on:click=move |_| close()>"Cancel"</button> }
    };

    let body = move || match step.get() {
        Step::Password => EitherOf5::A(view! {
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
        }),
        Step::Method(setup) => EitherOf5::B(view! {
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
        }),
        Step::Scan(setup) => EitherOf5::C(view! {
            <KeyPanel setup notice/>
            <div class="actions">
                {cancel_button()}
                <button type="button" data-autofocus on:click=move |_| go_to(Step::Code)>"Next"</button>
            </div>
        }),
        Step::Code => EitherOf5::D(view! {
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
        }),
        Step::Backup(codes) => EitherOf5::E(view! {
            <p>"Two-factor authentication is on. Every other device logged in to your account has been logged out."</p>
            <BackupCodesPanel codes notice error on_done=move || close()/>
        }),
    };

    view! {
        <Modal
            title="Two-factor authentication"
            subtitle=Signal::derive(move || Some(format!("Step {} of {STEP_COUNT}", step.with(Step::number))))
            focus_on=Signal::derive(move || format!("{}:{:?}", step.with(Step::number), error.get()))
            on_close=move || close()
        >
            <h3>{move || step.with(Step::title)}</h3>
            {body}
            {form.messages()}
        </Modal>
    }
}
