use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::api::LogIn;
use crate::ui::form::{posted_form_error, posted_notice, typed_email, FormError};
use crate::ui::pages::passkeys::{passkeys_offered, PasskeyScript};

#[component]
pub fn LoginPage() -> impl IntoView {
    // Sent here after a password reset, which logged every session out, or after closing the account.
    let notice = posted_notice();
    let (after_reset, closed) =
        (notice.as_deref() == Some("password-reset"), notice.as_deref() == Some("account-closed"));
    let locale = crate::i18n::current();
    let error = posted_form_error::<LogIn>();
    let invalid = error.is_some().then_some("true");
    let described = error.is_some().then_some("login-error");
    let passkeys = passkeys_offered();
    // With passkeys, the email field's autofill offers them too (conditional mediation).
    let email_autocomplete = if passkeys { "username webauthn" } else { "username" };
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="login-title">
                <h1 id="login-title">{td_string!(locale, pages.log_in)}</h1>
                {after_reset.then(|| view! {
                    <p class="notice" role="status">{td_string!(locale, pages.login_after_reset)}</p>
                })}
                {closed.then(|| view! {
                    <p class="notice" role="status">{td_string!(locale, pages.login_account_closed)}</p>
                })}
                <form action=LogIn::PATH method="post">
                    <label for="login-email">{td_string!(locale, pages.email)}</label>
                    <input
                        id="login-email"
                        name="email"
                        type="email"
                        autocomplete=email_autocomplete
                        value=typed_email()
                        aria-invalid=invalid
                        aria-describedby=described
                        required
                    />
                    <label for="login-password">{td_string!(locale, pages.password)}</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        aria-invalid=invalid
                        aria-describedby=described
                        required
                    />
                    <FormError error=error id="login-error"/>
                    <button type="submit">{td_string!(locale, pages.log_in)}</button>
                </form>
                {passkeys.then(|| view! {
                    <div
                        class="passkey-sign-in"
                        data-passkey="sign-in"
                        data-email-field="login-email"
                        data-cancelled=td_string!(locale, pages.passkey_cancelled)
                        data-failed=td_string!(locale, pages.passkey_failed)
                        hidden
                    >
                        <p class="divider">{td_string!(locale, pages.or)}</p>
                        <button type="button" class="secondary">{td_string!(locale, pages.sign_in_with_passkey)}</button>
                        <p class="form-error" role="alert" hidden></p>
                    </div>
                    <noscript><p class="notice">{td_string!(locale, pages.passkey_sign_in_needs_script)}</p></noscript>
                    <PasskeyScript/>
                })}
                <p class="switch-page"><a href="/forgot-password">{td_string!(locale, pages.forgot_password)}</a></p>
                <p class="switch-page">
                    {format!("{} ", td_string!(locale, pages.new_here))}
                    <a href="/signup">{td_string!(locale, pages.create_account)}</a>
                </p>
            </section>
        </main>
    }
}
