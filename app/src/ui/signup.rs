use leptos::prelude::*;
use leptos_router::components::A;

use super::form::{action_error, typed_email, FormError};
use super::session::Auth;
use crate::account::MIN_PASSWORD_CHARS;

#[component]
pub fn SignupPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="signup-title">
                <h1 id="signup-title">"Create account"</h1>
                <ActionForm action=auth.sign_up>
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
                    <FormError error=action_error(auth.sign_up)/>
                    <button type="submit">"Create account"</button>
                </ActionForm>
                <p class="switch-page">"Already have an account? " <A href="/">"Log in"</A></p>
            </section>
        </main>
    }
}
