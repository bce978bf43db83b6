//! The setup modal of the help article: password and login method here, then the chosen method's
//! own steps (for the app: QR code and key, first code, backup codes; for SMS: the number, the
//! texted code, backup codes), loaded when it is chosen.
//! It renders in the browser and talks to the server only through server functions.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use super::authenticator_steps::{authenticator_steps, SetupProgress};
use super::backup_codes_panel::SaveCheck;
use super::calls::{begin_two_factor_setup, Refusal};
use super::island_text::{phrase, step_of, Phrase};
use super::modal::Modal;
use super::sms_steps::sms_steps;
use crate::two_factor::AuthenticatorKey;
use crate::ui::form::FormState;

const STEP_COUNT: usize = 5;

/// The steps every method shares; the chosen method's own steps come after them.
#[derive(Clone, PartialEq)]
enum Stage {
    Password,
    Method(AuthenticatorKey),
    /// The chosen method's steps (`authenticator_steps`, `sms_steps`), loaded when it was chosen.
    Chosen,
}

/// `on_close` runs when the modal closes (by Cancel, Esc or Done), told whether 2FA was turned on.
#[component]
pub fn TwoFactorSetup(#[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let stage = RwSignal::new(Stage::Password);
    let form = FormState::new();
    let (error, busy) = (form.error, form.busy);
    let finished = RwSignal::new(false);
    let close = move || on_close.run(finished.get_untracked());
    let progress = SetupProgress {
        number: RwSignal::new(1),
        title: RwSignal::new(phrase(Phrase::ConfirmYourPassword)),
        finished,
        form,
        close: Callback::new(move |()| close()),
        check: SaveCheck::new(),
    };
    let password = RwSignal::new(String::new());
    // The chosen method's steps, built once its code has arrived.
    let method_steps = StoredValue::new_local(None::<AnyView>);

    let submit_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The password stays until a method is chosen: SMS sends its first text with it.
        form.submit(begin_two_factor_setup(password.get_untracked()), move |setup| {
            progress.show(2, Phrase::ChooseMethod);
            stage.set(Stage::Method(setup));
        });
    };

    let sms_chosen = RwSignal::new(false);
    let choose_method = move |setup: AuthenticatorKey| {
        let typed = password.get_untracked();
        password.set(String::new());
        let sms = sms_chosen.get_untracked();
        form.submit(
            async move {
                Ok::<_, Refusal>(if sms {
                    sms_steps(typed, progress).await
                } else {
                    authenticator_steps(setup, progress).await
                })
            },
            move |steps| {
                method_steps.set_value(Some(steps));
                stage.set(Stage::Chosen);
            },
        );
    };

    let cancel_button = move || {
        view! { <button type="button" class="secondary" on:click=move |_| close()>{phrase(Phrase::Cancel)}</button> }
    };

    let body = move || match stage.get() {
        Stage::Password => EitherOf3::A(view! {
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
        Stage::Method(setup) => EitherOf3::B(view! {
            <form on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                choose_method(setup.clone());
            }>
                <fieldset class="methods">
                    <legend>{phrase(Phrase::HowToConfirm)}</legend>
                    <label class="method">
                        <input
                            type="radio"
                            name="method"
                            value="app"
                            checked
                            data-autofocus
                            on:change=move |_| sms_chosen.set(false)
                        />
                        {phrase(Phrase::AuthenticatorAppRecommended)}
                    </label>
                    <label class="method">
                        <input
                            type="radio"
                            name="method"
                            value="sms"
                            aria-describedby="sms-less-safe"
                            on:change=move |_| sms_chosen.set(true)
                        />
                        {phrase(Phrase::Sms)}
                    </label>
                    <p id="sms-less-safe" class="hint">{phrase(Phrase::SmsLessSafe)}</p>
                </fieldset>
                <div class="actions">
                    {cancel_button()}
                    <button type="submit" disabled=move || busy.get()>{phrase(Phrase::Next)}</button>
                </div>
            </form>
        }),
        Stage::Chosen => EitherOf3::C(method_steps.try_update_value(Option::take).flatten()),
    };

    view! {
        <Modal
            title=phrase(Phrase::TwoFactorAuthentication)
            subtitle=Signal::derive(move || Some(step_of(progress.number.get(), STEP_COUNT)))
            focus_on=Signal::derive(move || format!("{}:{:?}", progress.number.get(), error.get()))
            on_close=move || {
                if progress.check.lets_close() {
                    close()
                }
            }
        >
            <h3>{move || progress.title.get()}</h3>
            {body}
            {form.messages()}
        </Modal>
    }
}
