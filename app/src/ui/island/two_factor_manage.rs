//! Managing 2FA once it is on: new backup codes, the key again for another smartphone, a mobile
//! number for texted codes (added, changed, removed), and turning it off. Each asks for the
//! password again (and a current second factor where the change is riskier).

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use web_sys::SubmitEvent;

use super::backup_codes_panel::{BackupCodesPanel, SaveCheck};
use super::calls::{
    begin_adding_app, begin_sms_number_change, confirm_adding_app, confirm_sms_number_change,
    disable_two_factor, regenerate_backup_codes, remove_sms_number, send_sms_code,
    show_key_for_another_phone,
};
use super::island_text::{phrase, Phrase};
use super::key_panel::KeyPanel;
use super::modal::Modal;
use crate::two_factor::{AuthenticatorKey, BackupCodes};
use crate::ui::form::FormState;

fn password_field(id: &'static str, password: RwSignal<String>) -> impl IntoView {
    view! {
        <label for=id>{phrase(Phrase::Password)}</label>
        <input id=id type="password" autocomplete="current-password" required data-autofocus bind:value=password/>
    }
}

/// The second factor a risky change asks for: a current code from the app, or a backup code; and,
/// for an account with SMS (`sms`), a code texted to its number on request.
fn code_or_backup_code_field(
    id: &'static str,
    code: RwSignal<String>,
    sms: bool,
    form: FormState,
) -> impl IntoView {
    let text_me = move |_| {
        form.submit(send_sms_code(), move |sent| {
            form.notice.set(Some(phrase(Phrase::CodeTexted).replace("{to}", &sent.to)));
        });
    };
    view! {
        <label for=id>{phrase(Phrase::CodeOrBackupCode)}</label>
        <input id=id type="text" autocomplete="one-time-code" maxlength="20" required bind:value=code/>
        {sms.then(|| view! {
            <p>
                <button type="button" class="secondary" disabled=move || form.busy.get() on:click=text_me>
                    {phrase(Phrase::TextMeACode)}
                </button>
            </p>
        })}
    }
}

#[component]
pub fn RegenerateBackupCodes(sms: bool, #[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let codes = RwSignal::new(None::<BackupCodes>);
    let check = SaveCheck::new();
    // Once new codes are made, the old ones are gone: closing then is a change.
    let close = move || on_close.run(codes.with_untracked(Option::is_some));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let call = regenerate_backup_codes(password.get_untracked(), code.get_untracked());
        form.submit(call, move |made| codes.set(Some(made)));
    };
    view! {
        <Modal
            title=phrase(Phrase::RegenerateBackupCodes)
            subtitle=Signal::derive(|| None::<String>)
            focus_on=Signal::derive(move || format!("{}:{:?}", codes.with(Option::is_some), form.error.get()))
            on_close=move || {
                if check.lets_close() {
                    close()
                }
            }
        >
            {move || match codes.get() {
                None => Either::Left(view! {
                    <form on:submit=submit>
                        <p>
                            {phrase(Phrase::RegenerateIntro)}
                        </p>
                        {password_field("regenerate-password", password)}
                        {code_or_backup_code_field("regenerate-code", code, sms, form)}
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| close()>{phrase(Phrase::Cancel)}</button>
                            <button type="submit" disabled=move || form.busy.get()>{phrase(Phrase::Regenerate)}</button>
                        </div>
                    </form>
                }
                ),
                Some(codes) => Either::Right(view! {
                    <BackupCodesPanel codes notice=form.notice error=form.error check on_done=move || close()/>
                }
                ),
            }}
            {form.messages()}
        </Modal>
    }
}

#[component]
pub fn AnotherSmartphone(#[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let key = RwSignal::new(None::<AuthenticatorKey>);
    // Showing the key again is recorded in the activity.
    let close = move || on_close.run(key.with_untracked(Option::is_some));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let call = show_key_for_another_phone(password.get_untracked(), code.get_untracked());
        form.submit(call, move |shown| key.set(Some(shown)));
    };
    view! {
        <Modal
            title=phrase(Phrase::SetUpAnotherSmartphone)
            subtitle=Signal::derive(|| None::<String>)
            focus_on=Signal::derive(move || format!("{}:{:?}", key.with(Option::is_some), form.error.get()))
            on_close=move || close()
        >
            {move || match key.get() {
                None => Either::Left(view! {
                    <form on:submit=submit>
                        <p>{phrase(Phrase::AnotherIntro)}</p>
                        {password_field("another-password", password)}
                        // With the app on, six digits are the app's code: no texted code here.
                        {code_or_backup_code_field("another-code", code, false, form)}
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| close()>{phrase(Phrase::Cancel)}</button>
                            <button type="submit" disabled=move || form.busy.get()>{phrase(Phrase::ShowKey)}</button>
                        </div>
                    </form>
                }
                ),
                Some(setup) => Either::Right(view! {
                    <KeyPanel setup notice=form.notice/>
                    <div class="actions">
                        <button type="button" data-autofocus on:click=move |_| close()>{phrase(Phrase::Done)}</button>
                    </div>
                }
                ),
            }}
            {form.messages()}
        </Modal>
    }
}

#[component]
pub fn TurnOffTwoFactor(sms: bool, #[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(disable_two_factor(password.get_untracked(), code.get_untracked()), move |_| {
            on_close.run(true)
        });
    };
    view! {
        <Modal
            title=phrase(Phrase::TurnOffTitle)
            subtitle=Signal::derive(|| None::<String>)
            focus_on=Signal::derive(move || format!("{:?}", form.error.get()))
            on_close=move || on_close.run(false)
        >
            <form on:submit=submit>
                <p>
                    {phrase(Phrase::TurnOffIntro)}
                </p>
                {password_field("disable-password", password)}
                {code_or_backup_code_field("disable-code", code, sms, form)}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| on_close.run(false)>{phrase(Phrase::Cancel)}</button>
                    <button type="submit" class="danger" disabled=move || form.busy.get()>{phrase(Phrase::TurnOff)}</button>
                </div>
            </form>
            {form.messages()}
        </Modal>
    }
}

#[derive(Clone, PartialEq)]
enum NumberStep {
    Ask,
    Code(String),
    Done,
}

/// A mobile number for texted codes: added beside the app (`sms` false), or in place of the
/// number before. The password, a current second factor and the number; then the code texted to
/// the new number makes the change.
#[component]
pub fn PhoneNumber(sms: bool, #[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let form = FormState::new();
    let (password, code, number) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let texted = RwSignal::new(String::new());
    let step = RwSignal::new(NumberStep::Ask);
    let close = move || on_close.run(step.get_untracked() == NumberStep::Done);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let call =
            begin_sms_number_change(password.get_untracked(), code.get_untracked(), number.get_untracked());
        form.submit(call, move |sent| {
            form.notice.set(None);
            step.set(NumberStep::Code(sent.to));
        });
    };
    let confirm = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(confirm_sms_number_change(texted.get_untracked()), move |()| {
            step.set(NumberStep::Done);
            on_close.run(true);
        });
    };
    let title = if sms { Phrase::ChangePhoneNumber } else { Phrase::AddPhoneNumber };
    view! {
        <Modal
            title=phrase(title)
            subtitle=Signal::derive(|| None::<String>)
            focus_on=Signal::derive(move || format!("{}:{:?}", matches!(step.get(), NumberStep::Code(_)), form.error.get()))
            on_close=move || close()
        >
            {move || match step.get() {
                NumberStep::Ask => EitherOf3::A(view! {
                    <form on:submit=submit>
                        <p>{phrase(Phrase::PhoneNumberIntro)}</p>
                        {password_field("number-password", password)}
                        {code_or_backup_code_field("number-code", code, sms, form)}
                        <label for="number-new">{phrase(Phrase::MobileNumber)}</label>
                        <input
                            id="number-new"
                            type="tel"
                            inputmode="tel"
                            autocomplete="tel"
                            maxlength="32"
                            required
                            aria-describedby="number-new-hint"
                            bind:value=number
                        />
                        <p id="number-new-hint" class="hint">{phrase(Phrase::MobileNumberHint)}</p>
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| close()>{phrase(Phrase::Cancel)}</button>
                            <button type="submit" disabled=move || form.busy.get()>{phrase(Phrase::SendCode)}</button>
                        </div>
                    </form>
                }),
                NumberStep::Code(to) => EitherOf3::B(view! {
                    <form on:submit=confirm>
                        <p>{phrase(Phrase::CodeSentTo).replace("{to}", &to)}</p>
                        <label for="number-texted-code">{phrase(Phrase::Code)}</label>
                        <input
                            id="number-texted-code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="12"
                            required
                            data-autofocus
                            bind:value=texted
                        />
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| close()>{phrase(Phrase::Cancel)}</button>
                            <button type="submit" disabled=move || form.busy.get()>{phrase(Phrase::Verify)}</button>
                        </div>
                    </form>
                }),
                NumberStep::Done => EitherOf3::C(()),
            }}
            {form.messages()}
        </Modal>
    }
}

/// Removes the number, with the password and a factor that remains (the app's code or a backup
/// code).
#[component]
pub fn RemovePhoneNumber(#[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let form = FormState::new();
    let (password, code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(remove_sms_number(password.get_untracked(), code.get_untracked()), move |()| {
            on_close.run(true)
        });
    };
    view! {
        <Modal
            title=phrase(Phrase::RemovePhoneNumber)
            subtitle=Signal::derive(|| None::<String>)
            focus_on=Signal::derive(move || format!("{:?}", form.error.get()))
            on_close=move || on_close.run(false)
        >
            <form on:submit=submit>
                <p>{phrase(Phrase::RemovePhoneNumberIntro)}</p>
                {password_field("remove-number-password", password)}
                {code_or_backup_code_field("remove-number-code", code, false, form)}
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| on_close.run(false)>{phrase(Phrase::Cancel)}</button>
                    <button type="submit" class="danger" disabled=move || form.busy.get()>{phrase(Phrase::Remove)}</button>
                </div>
            </form>
            {form.messages()}
        </Modal>
    }
}

/// The authenticator app beside texted codes: the password and a current second factor, then the
/// key (QR code and text) and the app's first code.
#[component]
pub fn AddAuthenticator(#[prop(into)] on_close: Callback<bool>) -> impl IntoView {
    let form = FormState::new();
    let (password, code, first) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let key = RwSignal::new(None::<AuthenticatorKey>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(begin_adding_app(password.get_untracked(), code.get_untracked()), move |shown| {
            key.set(Some(shown))
        });
    };
    let confirm = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.submit(confirm_adding_app(first.get_untracked()), move |()| on_close.run(true));
    };
    view! {
        <Modal
            title=phrase(Phrase::AddAuthenticator)
            subtitle=Signal::derive(|| None::<String>)
            focus_on=Signal::derive(move || format!("{}:{:?}", key.with(Option::is_some), form.error.get()))
            on_close=move || on_close.run(false)
        >
            {move || match key.get() {
                None => Either::Left(view! {
                    <form on:submit=submit>
                        <p>{phrase(Phrase::AddAuthenticatorIntro)}</p>
                        {password_field("add-app-password", password)}
                        {code_or_backup_code_field("add-app-code", code, true, form)}
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| on_close.run(false)>{phrase(Phrase::Cancel)}</button>
                            <button type="submit" disabled=move || form.busy.get()>{phrase(Phrase::Next)}</button>
                        </div>
                    </form>
                }),
                Some(setup) => Either::Right(view! {
                    <form on:submit=confirm>
                        <KeyPanel setup notice=form.notice/>
                        <p>{phrase(Phrase::EnterSixDigitCode)}</p>
                        <label for="add-app-first-code">{phrase(Phrase::Code)}</label>
                        <input
                            id="add-app-first-code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="12"
                            required
                            bind:value=first
                        />
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| on_close.run(false)>{phrase(Phrase::Cancel)}</button>
                            <button type="submit" disabled=move || form.busy.get()>{phrase(Phrase::Verify)}</button>
                        </div>
                    </form>
                }),
            }}
            {form.messages()}
        </Modal>
    }
}
