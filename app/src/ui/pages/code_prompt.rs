//! Login step 2 of an account with 2FA: the 6-digit code from the app, or a backup code.
//! A password-verified session sees this page and nothing else.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::api::{LogInWithBackupCode, LogInWithCode, LogOut};
use crate::ui::form::{posted_form_error, FormError};

#[component]
pub fn CodePrompt() -> impl IntoView {
    // The links between the two forms load `?with=backup-code` and `?with=app-code`; the field of
    // the form shown takes the focus (`autofocus`), after a wrong code too.
    let locale = crate::i18n::current();
    let use_backup = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("with").as_deref() == Some("backup-code"));
    let backup_error = posted_form_error::<LogInWithBackupCode>();
    let code_error = posted_form_error::<LogInWithCode>();
    let form = if use_backup {
        view! {
            <p>{td_string!(locale, pages.backup_code_intro)}</p>
            <form action=LogInWithBackupCode::PATH method="post">
                <label for="login-backup-code">{td_string!(locale, pages.backup_code)}</label>
                <input
                    id="login-backup-code"
                    name="code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    maxlength="20"
                    aria-invalid=backup_error.is_some().then_some("true")
                    aria-describedby=backup_error.is_some().then_some("backup-code-error")
                    autofocus
                    required
                />
                <RememberBrowser/>
                <FormError error=backup_error.clone() id="backup-code-error"/>
                <button type="submit">{td_string!(locale, pages.verify)}</button>
            </form>
            <p class="switch-page">
                <a href="?with=app-code">{td_string!(locale, pages.use_app_code)}</a>
            </p>
        }
        .into_any()
    } else {
        view! {
            <p>{td_string!(locale, pages.app_code_intro)}</p>
            <form action=LogInWithCode::PATH method="post">
                <label for="login-code">{td_string!(locale, pages.code)}</label>
                <input
                    id="login-code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength="12"
                    aria-invalid=code_error.is_some().then_some("true")
                    aria-describedby=code_error.is_some().then_some("code-error")
                    autofocus
                    required
                />
                <RememberBrowser/>
                <FormError error=code_error.clone() id="code-error"/>
                <button type="submit">{td_string!(locale, pages.verify)}</button>
            </form>
            <p class="switch-page">
                <a href="?with=backup-code">{td_string!(locale, pages.use_backup_code)}</a>
            </p>
        }
        .into_any()
    };
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="code-title">
                <h1 id="code-title">{td_string!(locale, pages.two_factor_title)}</h1>
                {form}
                <form action=LogOut::PATH method="post">
                    <button type="submit" class="secondary">{td_string!(locale, pages.cancel)}</button>
                </form>
            </section>
        </main>
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
