//! The authenticator app's part of the setup (steps 3 to 5 of the help article): the QR code and
//! key, the first code, the backup codes. In a WASM chunk of its own, fetched when the method is
//! chosen: a second method (a texted code, a passkey) is a module beside this one, and a visit
//! that does not choose it never loads it.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use super::backup_codes_panel::{BackupCodesPanel, SaveCheck};
use super::calls::confirm_two_factor_setup;
use super::island_text::{phrase, Phrase};
use super::key_panel::KeyPanel;
use crate::two_factor::{AuthenticatorKey, BackupCodes};
use crate::ui::form::FormState;

/// What a method's steps share with the setup modal around them: which step it shows (its
/// number and title), its error and notice, and how it closes.
#[derive(Clone, Copy)]
pub struct SetupProgress {
    pub number: RwSignal<usize>,
    pub title: RwSignal<&'static str>,
    /// Whether 2FA is on now: closing then is a change.
    pub finished: RwSignal<bool>,
    pub form: FormState,
    pub close: Callback<()>,
    /// The last step's question before the modal closes on codes never kept.
    pub check: SaveCheck,
}

impl SetupProgress {
    /// Shows step `number` under `title`, with the last step's messages cleared.
    pub fn show(self, number: usize, title: Phrase) {
        self.form.error.set(None);
        self.form.notice.set(None);
        self.title.set(phrase(title));
        self.number.set(number);
    }

    /// "Cancel", which closes the setup.
    pub fn cancel_button(self) -> impl IntoView {
        view! {
            <button type="button" class="secondary" on:click=move |_| self.close.run(())>
                {phrase(Phrase::Cancel)}
            </button>
        }
    }

    /// The last step of every method: 2FA is on, and the backup codes to save.
    pub fn backup_codes_step(self, codes: BackupCodes) -> impl IntoView {
        view! {
            <p>{phrase(Phrase::TwoFactorIsOn)}</p>
            <BackupCodesPanel codes notice=self.form.notice error=self.form.error check=self.check on_done=move || self.close.run(())/>
        }
    }
}

#[derive(Clone, PartialEq)]
enum Step {
    Scan,
    Code,
    Backup(BackupCodes),
}

/// The authenticator's steps, as one view for the setup modal to show.
#[lazy]
pub fn authenticator_steps(setup: AuthenticatorKey, progress: SetupProgress) -> AnyView {
    view! { <AuthenticatorSteps setup progress/> }.into_any()
}

#[component]
fn AuthenticatorSteps(setup: AuthenticatorKey, progress: SetupProgress) -> impl IntoView {
    let step = RwSignal::new(Step::Scan);
    let code = RwSignal::new(String::new());
    let form = progress.form;
    let (notice, busy) = (form.notice, form.busy);
    progress.show(3, Phrase::ScanQrCode);

    // The code goes to the server as typed ("123 456" too): it answers a malformed one with the
    // specific message, and checking it here as well would bring every error message into the WASM.
    let submit_code = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(confirm_two_factor_setup(code.get_untracked()), move |codes| {
            progress.finished.set(true);
            progress.show(5, Phrase::SaveYourBackupCodes);
            step.set(Step::Backup(codes));
        });
    };
    move || match step.get() {
        Step::Scan => EitherOf3::A(view! {
            <KeyPanel setup=setup.clone() notice/>
            <div class="actions">
                {progress.cancel_button()}
                <button
                    type="button"
                    data-autofocus
                    on:click=move |_| {
                        progress.show(4, Phrase::EnterTheCode);
                        step.set(Step::Code);
                    }
                >
                    {phrase(Phrase::Next)}
                </button>
            </div>
        }),
        Step::Code => EitherOf3::B(view! {
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
                    {progress.cancel_button()}
                    <button
                        type="button"
                        class="secondary"
                        on:click=move |_| {
                            progress.show(3, Phrase::ScanQrCode);
                            step.set(Step::Scan);
                        }
                    >
                        {phrase(Phrase::Back)}
                    </button>
                    <button type="submit" disabled=move || busy.get()>{phrase(Phrase::Verify)}</button>
                </div>
            </form>
        }),
        Step::Backup(codes) => EitherOf3::C(progress.backup_codes_step(codes)),
    }
}
