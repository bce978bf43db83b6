use leptos::prelude::*;
use leptos_router::components::A;

use super::auth::Auth;

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let error = move || auth.log_in.value().get().and_then(|result| result.err());
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="login-title">
                <h1 id="login-title">"Log in"</h1>
                <ActionForm action=auth.log_in>
                    <label for="login-email">"Email"</label>
                    <input id="login-email" name="email" type="email" autocomplete="username" required/>
                    <label for="login-password">"Password"</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                    {move || error().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    <button type="submit" disabled=move || auth.log_in.pending().get()>"Log in"</button>
                </ActionForm>
                <p class="switch-page">"New here? " <A href="/signup">"Create account"</A></p>
            </section>
        </main>
    }
}
