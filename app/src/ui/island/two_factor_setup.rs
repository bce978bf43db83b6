//! The setup modal of the help article: password, login method, QR code and key, first code,
//! backup codes. It renders in the browser and talks to the server only through server functions.

use leptos::either::EitherOf5;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use super::backup_codes_panel::BackupCodesPanel;
use super::calls::{begin_two_factor_setup, confirm_two_factor_setup};
use super::island_text::{phrase, step_of, Phrase};
use super::key_panel::KeyPanel;
use super::modal::Modal;
use crate::two_factor::{AuthenticatorKey, BackupCodes};
use crate::ui::form::FormState;

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
        phrase(match self {
            Step::Password => Phrase::ConfirmYourPassword,
            Step::Method(_) => Phrase::ChooseMethod,
            Step::Scan(_) => Phrase::ScanQrCode,
            Step::Code => Phrase::EnterTheCode,
            Step::Backup(_) => Phrase::SaveYourBackupCodes,
        })
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
        view! { <button type="button" class="secondary" on:click=move |_| close()>{phrase(Phrase::Cancel)}</button> }
    };

    let body = move || match step.get() {
        Step::Password => EitherOf5::A(view! {
            <form on:submit=submit_password>
                <p>{phrase(Phrase::ConfirmItIsYou)}</p>
                <label for="setup-password">{phrase(Phrase::Password)}</label>
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
                    <button type="submit" disabled=move || busy.get()>{phrase(Phrase::Next)}</button>
                </div>
            </form>
        }),
        Step::Method(setup) => EitherOf5::B(view! {
            <form on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                go_to(Step::Scan(setup.clone()));
            }>
                <fieldset class="methods">
                    <legend>{phrase(Phrase::HowToConfirm)}</legend>
                    <label class="method">
                        <input type="radio" name="method" value="app" checked data-autofocus/>
                        {phrase(Phrase::AuthenticatorAppRecommended)}
                    </label>
                    <label class="method disabled">
                        <input type="radio" name="method" value="sms" disabled aria-describedby="sms-soon"/>
                        {phrase(Phrase::Sms)}
                    </label>
                    <span id="sms-soon" class="badge">{phrase(Phrase::ComingSoon)}</span>
                </fieldset>
                <div class="actions">
                    {cancel_button()}
                    <button type="submit">{phrase(Phrase::Next)}</button>
                </div>
            </form>
        }),
        Step::Scan(setup) => EitherOf5::C(view! {
            <KeyPanel setup notice/>
            <div class="actions">
                {cancel_button()}
                <button type="button" data-autofocus on:click=move |_| go_to(Step::Code)>{phrase(Phrase::Next)}</button>
            </div>
        }),
        Step::Code => EitherOf5::D(view! {
            <form on:submit=submit_code>
                <p>{phrase(Phrase::EnterSixDigitCode)}</p>
                <label for="setup-code">{phrase(Phrase::Code)}</label>
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
                    <button type="submit" disabled=move || busy.get()>{phrase(Phrase::Verify)}</button>
                </div>
            </form>
        }),
        Step::Backup(codes) => EitherOf5::E(view! {
            <p>{phrase(Phrase::TwoFactorIsOn)}</p>
            <BackupCodesPanel codes notice error on_done=move || close()/>
        }),
    };

    view! {
        <Modal
            title=phrase(Phrase::TwoFactorAuthentication)
            subtitle=Signal::derive(move || Some(step_of(step.with(Step::number), STEP_COUNT)))
            focus_on=Signal::derive(move || format!("{}:{:?}", step.with(Step::number), error.get()))
            on_close=move || close()
        >
            <h3>{move || step.with(Step::title)}</h3>
            {body}
            {form.messages()}
        </Modal>
    }
}
