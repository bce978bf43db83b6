use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::form::{posted_form_error, typed_email, FormError};
use crate::account::MIN_PASSWORD_CHARS;
use crate::api::SignUp;

#[component]
pub fn SignupPage() -> impl IntoView {
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
                        required
                    />
                    <label for="signup-password">"Password"</label>
                    <input
                        id="signup-password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        aria-describedby="signup-password-hint"
                        required
                    />
                    <p id="signup-password-hint" class="hint">
                        {format!("At least {MIN_PASSWORD_CHARS} characters.")}
                    </p>
                    <FormError error={posted_form_error::<SignUp>()}/>
                    <button type="submit">"Create account"</button>
                </form>
                <p class="switch-page">"Already have an account? " <a href="/">"Log in"</a></p>
            </section>
        </main>
    }
}
