//! The pages that links mailed to the account open, and the page that asks for one: confirming
//! the address, "Forgot password?", and setting a new password. Plain forms, no script needed.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::account::MIN_PASSWORD_CHARS;
use crate::api::{check_password_reset_link, ConfirmEmail, RequestPasswordReset, ResetPassword};
use crate::ui::form::{posted_form_error, posted_notice, second_factor_field, FormError};

fn query(name: &str) -> Option<String> {
    leptos_router::hooks::use_query_map().with_untracked(|query| query.get(name))
}

/// Whether the server left `notice` for this page (see `posted_notice`).
fn has_notice(notice: &str) -> bool {
    posted_notice().as_deref() == Some(notice)
}

/// The page a confirmation link opens. The address is confirmed by the button, not by opening
/// the page: mail scanners that open links must not use them up.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let locale = crate::i18n::current();
    let body = if has_notice("confirmed") {
        view! {
            <p role="status">{td_string!(locale, pages.email_confirmed)}</p>
            <p><a href="/">{td_string!(locale, pages.go_to_webapp)}</a></p>
        }
        .into_any()
    } else {
        let token = query("token").unwrap_or_default();
        view! {
            <p>{td_string!(locale, pages.confirm_email_intro)}</p>
            <form action=ConfirmEmail::PATH method="post">
                <input type="hidden" name="token" value=token/>
                <FormError error={posted_form_error::<ConfirmEmail>()}/>
                <button type="submit">{td_string!(locale, pages.confirm_my_address)}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="confirm-title">
                <h1 id="confirm-title">{td_string!(locale, pages.confirm_email_title)}</h1>
                {body}
            </section>
        </main>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let locale = crate::i18n::current();
    let body = if has_notice("sent") {
        view! {
            <p role="status">
                {td_string!(locale, pages.reset_link_sent)}
            </p>
            <p class="switch-page"><a href="/">{td_string!(locale, pages.back_to_log_in)}</a></p>
        }
        .into_any()
    } else {
        view! {
            <p>{td_string!(locale, pages.forgot_password_intro)}</p>
            <form action=RequestPasswordReset::PATH method="post">
                <label for="forgot-email">{td_string!(locale, pages.email)}</label>
                <input id="forgot-email" name="email" type="email" autocomplete="username" required/>
                <FormError error={posted_form_error::<RequestPasswordReset>()}/>
                <button type="submit">{td_string!(locale, pages.send_link)}</button>
            </form>
            <p class="switch-page"><a href="/">{td_string!(locale, pages.back_to_log_in)}</a></p>
        }
        .into_any()
    };
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="forgot-title">
                <h1 id="forgot-title">{td_string!(locale, pages.forgot_password)}</h1>
                {body}
            </section>
        </main>
    }
}

/// The page a reset link opens: a new password and, with 2FA on, a code or a backup code.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let locale = crate::i18n::current();
    let token = query("token").unwrap_or_default();
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="reset-title">
                <h1 id="reset-title">{td_string!(locale, pages.choose_new_password)}</h1>
                <Suspense fallback=|| ()>
                    {move || {
                        let token = token.clone();
                        Suspend::new(async move {
                            match check_password_reset_link(token.clone()).await {
                                Ok(link) => view! { <ResetForm token email=link.email two_factor=link.two_factor/> }.into_any(),
                                Err(e) => view! {
                                    <p role="alert">{e.message(locale)}</p>
                                    <p class="switch-page"><a href="/forgot-password">{td_string!(locale, pages.ask_for_new_link)}</a></p>
                                }
                                .into_any(),
                            }
                        })
                    }}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn ResetForm(token: String, email: String, two_factor: bool) -> impl IntoView {
    let locale = crate::i18n::current();
    view! {
        <form action=ResetPassword::PATH method="post">
            <input type="hidden" name="token" value=token/>
            // For password managers: the account the new password belongs to.
            <input type="hidden" name="username" autocomplete="username" value=email.clone()/>
            <p>
                {format!("{} ", td_string!(locale, pages.reset_for))}
                <strong>{email}</strong>
                {format!(". {}", td_string!(locale, pages.reset_logs_out))}
            </p>
            <label for="reset-password">{td_string!(locale, pages.new_password)}</label>
            <input
                id="reset-password"
                name="password"
                type="password"
                autocomplete="new-password"
                aria-describedby="reset-password-hint"
                required
            />
            <p id="reset-password-hint" class="hint">{crate::i18n::fill(td_string!(locale, pages.password_hint), &[("count", &MIN_PASSWORD_CHARS.to_string())])}</p>
            {two_factor.then(|| second_factor_field(
                "reset-code",
                Some(td_string!(locale, pages.reset_two_factor_hint)),
            ))}
            <FormError error={posted_form_error::<ResetPassword>()}/>
            <button type="submit">{td_string!(locale, pages.set_new_password)}</button>
        </form>
    }
}
