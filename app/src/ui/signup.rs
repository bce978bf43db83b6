use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::form::{posted_form_error, typed_email, FormError};
use crate::account::MIN_PASSWORD_CHARS;
use crate::api::SignUp;

#[component]
pub fn SignupPage() -> impl IntoView {
    let error = posted_form_error::<SignUp>();
    let invalid = error.is_some().then_some("true");
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="signup-title">
                <h1 id="signup-title">"Create account"</h1>
                <form action=SignUp::PATH method="post">
                    <label for="signup-email">"Email"</label>
                    <input
                        id="signup-email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        value=typed_email()
                        aria-invalid=invalid
                        aria-describedby=error.is_some().then_some("signup-error")
                        required
                    />
                    <label for="signup-password">"Password"</label>
                    <input
                        id="signup-password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        aria-invalid=invalid
                        aria-describedby=if error.is_some() { "signup-password-hint signup-error" } else { "signup-password-hint" }
                        required
                    />
                    <p id="signup-password-hint" class="hint">
                        {format!("At least {MIN_PASSWORD_CHARS} characters.")}
                    </p>
                    <FormError error=error.clone() id="signup-error"/>
                    <button type="submit">"Create account"</button>
                </form>
                <p class="switch-page">"Already have an account? " <a href="/">"Log in"</a></p>
            </section>
        </main>
    }
}
