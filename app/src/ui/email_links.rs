//! The pages that links mailed to the account open, and the page that asks for one: confirming
//! the address, "Forgot password?", and setting a new password. Plain forms, no script needed.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::form::{posted_form_error, second_factor_field, FormError};
use crate::account::MIN_PASSWORD_CHARS;
use crate::api::{check_password_reset_link, ConfirmEmail, RequestPasswordReset, ResetPassword};

fn query(name: &str) -> Option<String> {
    leptos_router::hooks::use_query_map().with_untracked(|query| query.get(name))
}

fn has_query(name: &str) -> bool {
    query(name).is_some()
}

/// The page a confirmation link opens. The address is confirmed by the button, not by opening
/// the page: mail scanners that open links must not use them up.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let body = if has_query("confirmed") {
        view! {
            <p role="status">"Your email address is confirmed. Security mails and password reset links will reach you there."</p>
            <p><a href="/">"Go to the WebApp"</a></p>
        }
        .into_any()
    } else {
        let token = query("token").unwrap_or_default();
        view! {
            <p>"Confirm that this email address is yours."</p>
            <form action=ConfirmEmail::PATH method="post">
                <input type="hidden" name="token" value=token/>
                <FormError error={posted_form_error::<ConfirmEmail>()}/>
                <button type="submit">"Confirm my address"</button>
            </form>
        }
        .into_any()
    };
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="confirm-title">
                <h1 id="confirm-title">"Confirm your email address"</h1>
                {body}
            </section>
        </main>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let body = if has_query("sent") {
        view! {
            <p role="status">
                "If an account with a confirmed address exists for that email, a link to reset its password is on its way. It works once, for 30 minutes. Check your spam folder if it does not arrive."
            </p>
            <p class="switch-page"><a href="/">"Back to log in"</a></p>
        }
        .into_any()
    } else {
        view! {
            <p>"Enter the email address of your account. We will send you a link to choose a new password."</p>
            <form action=RequestPasswordReset::PATH method="post">
                <label for="forgot-email">"Email"</label>
                <input id="forgot-email" name="email" type="email" autocomplete="username" required/>
                <FormError error={posted_form_error::<RequestPasswordReset>()}/>
                <button type="submit">"Send link"</button>
            </form>
            <p class="switch-page"><a href="/">"Back to log in"</a></p>
        }
        .into_any()
    };
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="forgot-title">
                <h1 id="forgot-title">"Forgot password?"</h1>
                {body}
            </section>
        </main>
    }
}

/// The page a reset link opens: a new password and, with 2FA on, a code or a backup code.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = query("token").unwrap_or_default();
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="reset-title">
                <h1 id="reset-title">"Choose a new password"</h1>
                <Suspense fallback=|| ()>
                    {move || {
                        let token = token.clone();
                        Suspend::new(async move {
                            match check_password_reset_link(token.clone()).await {
                                Ok(link) => view! { <ResetForm token email=link.email two_factor=link.two_factor/> }.into_any(),
                                Err(e) => view! {
                                    <p role="alert">{e.to_string()}</p>
                                    <p class="switch-page"><a href="/forgot-password">"Ask for a new link"</a></p>
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
    view! {
        <form action=ResetPassword::PATH method="post">
            <input type="hidden" name="token" value=token/>
            // For password managers: the account the new password belongs to.
            <input type="hidden" name="username" autocomplete="username" value=email.clone()/>
            <p>"For " <strong>{email}</strong> ". Every session of the account will be logged out."</p>
            <label for="reset-password">"New password"</label>
            <input
                id="reset-password"
                name="password"
                type="password"
                autocomplete="new-password"
                aria-describedby="reset-password-hint"
                required
            />
            <p id="reset-password-hint" class="hint">{format!("At least {MIN_PASSWORD_CHARS} characters.")}</p>
            {two_factor.then(|| second_factor_field(
                "reset-code",
                Some("Two-factor authentication is on for this account: the link alone cannot change the password."),
            ))}
            <FormError error={posted_form_error::<ResetPassword>()}/>
            <button type="submit">"Set new password"</button>
        </form>
    }
}
