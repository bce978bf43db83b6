use leptos::prelude::*;
use super::form::{action_error, typed_email, FormError};
use crate::api::LogIn;

#[component]
pub fn LoginPage() -> impl IntoView {
    let log_in = ServerAction::<LogIn>::new();
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="login-title">
                <h1 id="login-title">"Log in"</h1>
                <ActionForm action=log_in>
                    <label for="login-email">"Email"</label>
                    <input
                        id="login-email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        value=typed_email()
                        required
                    />
                    <label for="login-password">"Password"</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                    <FormError error=action_error(log_in)/>
                    <button type="submit">"Log in"</button>
                </ActionForm>
                <p class="switch-page">"New here? " <a href="/signup">"Create account"</a></p>
            </section>
        </main>
    }
}
