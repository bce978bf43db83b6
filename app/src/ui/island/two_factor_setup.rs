//! The setup modal of the help article: password and login method here, then the chosen method's
//! own steps (for the app: QR code and key, first code, backup codes), loaded when it is chosen.
//! It renders in the browser and talks to the server only through server functions.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use super::authenticator_steps::{authenticator_steps, SetupProgress};
use super::calls::{begin_two_factor_setup, Refusal};
use super::island_text::{phrase, step_of, Phrase};
use super::modal::Modal;
use crate::two_factor::AuthenticatorKey;
use crate::ui::form::FormState;

const STEP_COUNT: usize = 5;

/// The steps every method shares; the chosen method's own steps come after them.
#[derive(Clone, PartialEq)]
enum Stage {
    Password,
    Method(AuthenticatorKey),
    /// The authenticator app's steps (see `authenticator_steps`), loaded when it was chosen.
    Authenticator,
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
    };
    let password = RwSignal::new(String::new());
    // The chosen method's steps, built once its code has arrived.
    let method_steps = StoredValue::new_local(None::<AnyView>);

    let submit_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(begin_two_factor_setup(password.get_untracked()), move |setup| {
            password.set(String::new());
            progress.show(2, Phrase::ChooseMethod);
            stage.set(Stage::Method(setup));
        });
    };

    let choose_method = move |setup: AuthenticatorKey| {
        form.submit(
            async move { Ok::<_, Refusal>(authenticator_steps(setup, progress).await) },
            move |steps| {
                method_steps.set_value(Some(steps));
                stage.set(Stage::Authenticator);
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
                    <button type="submit" disabled=move || busy.get()>{phrase(Phrase::Next)}</button>
                </div>
            </form>
        }),
        Stage::Authenticator => EitherOf3::C(method_steps.try_update_value(Option::take).flatten()),
    };

    view! {
        <Modal
            title=phrase(Phrase::TwoFactorAuthentication)
            subtitle=Signal::derive(move || Some(step_of(progress.number.get(), STEP_COUNT)))
            focus_on=Signal::derive(move || format!("{}:{:?}", progress.number.get(), error.get()))
            on_close=move || close()
        >
            <h3>{move || progress.title.get()}</h3>
            {body}
            {form.messages()}
        </Modal>
    }
}
