//! Login step 2 of an account with 2FA: a passkey (offered first), the 6-digit code from the
//! app, a code texted to the account's number, or a backup code. A password-verified session sees this page and nothing
//! else. Plain forms: it works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::api::{
    LogInWithAccessCode, LogInWithBackupCode, LogInWithCode, LogInWithSmsCode, LogOut, SendLoginSms,
};
use crate::i18n::fill;
use crate::two_factor::SecondFactorChoice;
use crate::ui::form::{posted_form_error, FormError};
use crate::ui::pages::passkeys::{passkeys_offered, PasskeyScript};

/// Which way of giving the second factor the page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    Passkey,
    App,
    Sms,
    BackupCode,
    AccessCode,
}

#[component]
pub fn CodePrompt(choice: SecondFactorChoice) -> impl IntoView {
    // The links between the forms load `?with=backup-code`, `?with=app-code` and `?with=sms`;
    // without one the app's code is asked for, or the texted one for an account with SMS only.
    // The field of the form shown takes the focus (`autofocus`), after a wrong code too.
    let locale = crate::i18n::current();
    let asked = leptos_router::hooks::use_query_map().with_untracked(|query| query.get("with"));
    let way = match asked.as_deref() {
        Some("backup-code") => Way::BackupCode,
        Some("access-code") => Way::AccessCode,
        Some("sms") if choice.sms_to.is_some() => Way::Sms,
        Some("app-code") => Way::App,
        Some("passkey") if choice.passkey => Way::Passkey,
        // A passkey first: it cannot be phished.
        _ if choice.passkey && passkeys_offered() => Way::Passkey,
        _ if !choice.app && choice.sms_to.is_some() => Way::Sms,
        _ => Way::App,
    };
    let link = |href: &'static str, text: &'static str| {
        view! { <p class="switch-page"><a href=href>{text}</a></p> }
    };
    let other_ways = view! {
        {(way != Way::Passkey && choice.passkey && passkeys_offered()).then(|| link("?with=passkey", td_string!(locale, pages.use_passkey)))}
        {(way != Way::App && choice.app).then(|| link("?with=app-code", td_string!(locale, pages.use_app_code)))}
        {(way != Way::Sms && choice.sms_to.is_some()).then(|| link("?with=sms", td_string!(locale, pages.use_sms_code)))}
        {(way != Way::BackupCode).then(|| link("?with=backup-code", td_string!(locale, pages.use_backup_code)))}
        {(way != Way::AccessCode).then(|| link("?with=access-code", td_string!(locale, pages.use_access_code)))}
    };
    let form = match way {
        Way::AccessCode => {
            let error = posted_form_error::<LogInWithAccessCode>();
            view! {
                <p>{td_string!(locale, pages.access_code_intro)}</p>
                <TypedCodeForm
                    action=LogInWithAccessCode::PATH
                    id="login-access-code"
                    error_id="access-code-error"
                    label=td_string!(locale, pages.access_code)
                    maxlength="40"
                    remember=false
                    error
                />
            }
            .into_any()
        }
        Way::Passkey => view! {
            <p>{td_string!(locale, pages.passkey_intro)}</p>
            <div
                class="passkey-step"
                data-passkey="second-factor"
                data-unsupported-notice="passkey-unsupported"
                data-cancelled=td_string!(locale, pages.passkey_cancelled)
                data-failed=td_string!(locale, pages.passkey_failed)
                hidden
            >
                <button type="button" autofocus>{td_string!(locale, pages.use_passkey)}</button>
                <RememberBrowser/>
                <p class="form-error" role="alert" hidden></p>
            </div>
            <p id="passkey-unsupported" class="notice" hidden>{td_string!(locale, pages.passkey_unsupported)}</p>
            <noscript><p class="notice">{td_string!(locale, pages.passkey_needs_script)}</p></noscript>
            <PasskeyScript/>
        }
        .into_any(),
        Way::BackupCode => {
            let error = posted_form_error::<LogInWithBackupCode>();
            view! {
                <p>{td_string!(locale, pages.backup_code_intro)}</p>
                <TypedCodeForm
                    action=LogInWithBackupCode::PATH
                    id="login-backup-code"
                    error_id="backup-code-error"
                    label=td_string!(locale, pages.backup_code)
                    maxlength="20"
                    remember=true
                    error
                />
            }
            .into_any()
        }
        Way::App => {
            let error = posted_form_error::<LogInWithCode>();
            view! {
                    <p>{td_string!(locale, pages.app_code_intro)}</p>
                    <CodeForm action=LogInWithCode::PATH error/>
            }
            .into_any()
        }
        Way::Sms => {
            let to = choice.sms_to.clone().unwrap_or_default();
            let send_error = posted_form_error::<SendLoginSms>();
            let error = posted_form_error::<LogInWithSmsCode>();
            let intro = if choice.sms_code_sent {
                td_string!(locale, pages.sms_code_sent_intro)
            } else {
                td_string!(locale, pages.sms_code_offer)
            };
            let send = if choice.sms_code_sent {
                td_string!(locale, pages.send_again)
            } else {
                td_string!(locale, pages.send_code)
            };
            view! {
                <p>{fill(intro, &[("to", &to)])}</p>
                <CodeForm action=LogInWithSmsCode::PATH error/>
                <form action=SendLoginSms::PATH method="post">
                    <FormError error=send_error id="send-code-error"/>
                    <button type="submit" class="secondary">{send}</button>
                </form>
            }
            .into_any()
        }
    };
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="code-title">
                <h1 id="code-title">{td_string!(locale, pages.two_factor_title)}</h1>
                {form}
                {other_ways}
                <form action=LogOut::PATH method="post">
                    <button type="submit" class="secondary">{td_string!(locale, pages.cancel)}</button>
                </form>
            </section>
        </main>
    }
}

/// The 6-digit code's form, for the app's code or a texted one.
#[component]
fn CodeForm(action: &'static str, error: Option<String>) -> impl IntoView {
    let locale = crate::i18n::current();
    view! {
        <form action=action method="post">
            <label for="login-code">{td_string!(locale, pages.code)}</label>
            <input
                id="login-code"
                name="code"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                maxlength="12"
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then_some("code-error")
                autofocus
                required
            />
            <RememberBrowser/>
            <FormError error=error.clone() id="code-error"/>
            <button type="submit">{td_string!(locale, pages.verify)}</button>
        </form>
        <p class="hint lost-phone">{td_string!(locale, pages.lost_phone)}</p>
    }
}

/// The form of a code typed as letters and digits (a backup code, a temporary access code):
/// `id` names its field, `error_id` the refusal shown under it.
#[component]
fn TypedCodeForm(
    action: &'static str,
    id: &'static str,
    error_id: &'static str,
    label: &'static str,
    maxlength: &'static str,
    /// Whether "Remember this browser" is offered (not after an access code: the browser has
    /// proved nothing yet).
    remember: bool,
    error: Option<String>,
) -> impl IntoView {
    let locale = crate::i18n::current();
    view! {
        <form action=action method="post">
            <label for=id>{label}</label>
            <input
                id=id
                name="code"
                type="text"
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                maxlength=maxlength
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then_some(error_id)
                autofocus
                required
            />
            {remember.then(|| view! { <RememberBrowser/> })}
            <FormError error=error.clone() id=error_id/>
            <button type="submit">{td_string!(locale, pages.verify)}</button>
        </form>
    }
}

/// Off by default: a shared or borrowed computer must not skip the code for the next person.
#[component]
fn RememberBrowser() -> impl IntoView {
    let locale = crate::i18n::current();
    view! {
        <label class="checkbox">
            <input type="checkbox" name="remember" value="on"/>
            {format!(" {}", td_string!(locale, pages.remember_browser))}
        </label>
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Locale;
    use leptos_i18n::td_string;

    #[test]
    fn every_placeholder_is_in_both_languages() {
        for locale in [Locale::en, Locale::nl] {
            for text in
                [td_string!(locale, pages.sms_code_sent_intro), td_string!(locale, pages.sms_code_offer)]
            {
                assert!(text.contains("{to}"), "{text:?}");
            }
        }
    }
}
