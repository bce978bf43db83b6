//! The texted code's part of the setup (steps 3 to 5 of the help article with "SMS" chosen): the
//! mobile number, the code texted to it (with "Send again" after the wait the server names), the
//! backup codes. In a WASM chunk of its own, like the app's steps: a visit that does not choose
//! SMS never loads it.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use super::authenticator_steps::SetupProgress;
use super::calls::{begin_sms_setup, confirm_sms_setup, resend_sms_setup_code};
use super::island_text::{phrase, Phrase};
use crate::two_factor::{BackupCodes, SmsCodeSent};

#[derive(Clone, PartialEq)]
enum Step {
    Number,
    Code(SmsCodeSent),
    Backup(BackupCodes),
}

/// The texted code's steps, as one view for the setup modal to show. `password` is the one step 1
/// checked: sending the first text asks for it again, on the server.
#[lazy]
pub fn sms_steps(password: String, progress: SetupProgress) -> AnyView {
    view! { <SmsSteps password progress/> }.into_any()
}

#[component]
fn SmsSteps(password: String, progress: SetupProgress) -> impl IntoView {
    let step = RwSignal::new(Step::Number);
    let (number, code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let password = StoredValue::new(password);
    // Seconds until "Send again" may send: counted down here, set by each answer.
    let wait = RwSignal::new(0_i64);
    if let Ok(ticking) = set_interval_with_handle(
        move || wait.update(|secs| *secs = (*secs - 1).max(0)),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || ticking.clear());
    }
    let form = progress.form;
    let (notice, busy) = (form.notice, form.busy);
    progress.show(3, Phrase::EnterYourNumber);

    // Number and code go to the server as typed: it reads "06 12345678" and "+31 6 1234 5678"
    // alike and answers a wrong one with the specific message.
    let submit_number = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(begin_sms_setup(password.get_value(), number.get_untracked()), move |sent| {
            password.set_value(String::new());
            wait.set(sent.resend_after_secs);
            progress.show(4, Phrase::EnterTheCode);
            step.set(Step::Code(sent));
        });
    };
    let send_again = move || {
        form.submit(resend_sms_setup_code(), move |sent| {
            wait.set(sent.resend_after_secs);
            notice.set(Some(phrase(Phrase::CodeSentAgain).to_owned()));
        });
    };
    let submit_code = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(confirm_sms_setup(code.get_untracked()), move |codes| {
            progress.finished.set(true);
            progress.show(5, Phrase::SaveYourBackupCodes);
            step.set(Step::Backup(codes));
        });
    };

    move || match step.get() {
        Step::Number => EitherOf3::A(view! {
            <form on:submit=submit_number>
                <label for="setup-number">{phrase(Phrase::MobileNumber)}</label>
                <input
                    id="setup-number"
                    type="tel"
                    inputmode="tel"
                    autocomplete="tel"
                    maxlength="32"
                    required
                    aria-describedby="setup-number-hint"
                    data-autofocus
                    bind:value=number
                />
                <p id="setup-number-hint" class="hint">{phrase(Phrase::MobileNumberHint)}</p>
                <div class="actions">
                    {progress.cancel_button()}
                    <button type="submit" disabled=move || busy.get()>{phrase(Phrase::SendCode)}</button>
                </div>
            </form>
        }),
        Step::Code(sent) => EitherOf3::B(view! {
            <form on:submit=submit_code>
                <p>{phrase(Phrase::CodeSentTo).replace("{to}", &sent.to)}</p>
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
                <p>
                    <button
                        type="button"
                        class="secondary"
                        disabled=move || { wait.get() > 0 || busy.get() }
                        on:click=move |_| send_again()
                    >
                        {move || match wait.get() {
                            0 => phrase(Phrase::SendAgain).to_owned(),
                            secs => phrase(Phrase::SendAgainIn).replace("{secs}", &secs.to_string()),
                        }}
                    </button>
                </p>
                <div class="actions">
                    {progress.cancel_button()}
                    <button type="submit" disabled=move || busy.get()>{phrase(Phrase::Verify)}</button>
                </div>
            </form>
        }),
        Step::Backup(codes) => EitherOf3::C(progress.backup_codes_step(codes)),
    }
}
