//! Login step 2 of an account with 2FA: the 6-digit code from the app, or a backup code.
//! A password-verified session sees this page and nothing else.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::form::{action_error, FormError};
use super::session::Auth;

fn focus_by_id(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) =
            document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

#[component]
pub fn CodePrompt() -> impl IntoView {
    let auth = expect_context::<Auth>();
    // Without JavaScript the links below load `?with=backup-code`; with it they only switch forms.
    let asked_for_backup = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("with").as_deref() == Some("backup-code"));
    let use_backup = RwSignal::new(asked_for_backup);
    Effect::new(move |_| {
        focus_by_id(if use_backup.get() { "login-backup-code" } else { "login-code" });
    });
    // A wrong code puts focus back into the field for the next try.
    Effect::new(move |_| {
        if auth.log_in_code.value().with(|v| matches!(v, Some(Err(_)))) {
            focus_by_id("login-code");
        }
        if auth.log_in_backup.value().with(|v| matches!(v, Some(Err(_)))) {
            focus_by_id("login-backup-code");
        }
    });

    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="code-title">
                <h1 id="code-title">"Two-factor authentication"</h1>
                <Show
                    when=move || use_backup.get()
                    fallback=move || view! {
                        <p>"Open the Authenticator app on your smartphone and enter the 6-digit code shown under your account."</p>
                        <ActionForm action=auth.log_in_code>
                            <label for="login-code">"Code"</label>
                            <input
                                id="login-code"
                                name="code"
                                type="text"
                                inputmode="numeric"
                                autocomplete="one-time-code"
                                maxlength="12"
                                autofocus
                                required
                            />
                            <FormError error=action_error(auth.log_in_code)/>
                            <button type="submit" disabled=move || auth.log_in_code.pending().get()>"Verify"</button>
                        </ActionForm>
                        <p class="switch-page">
                            <a href="?with=backup-code" on:click=move |ev| {
                                ev.prevent_default();
                                use_backup.set(true);
                            }>"Use a backup code instead"</a>
                        </p>
                    }
                >
                    <p>"Enter one of the backup codes you saved when you turned on two-factor authentication. Each code works once."</p>
                    <ActionForm action=auth.log_in_backup>
                        <label for="login-backup-code">"Backup code"</label>
                        <input
                            id="login-backup-code"
                            name="code"
                            type="text"
                            autocomplete="off"
                            autocapitalize="off"
                            spellcheck="false"
                            maxlength="20"
                            autofocus
                            required
                        />
                        <FormError error=action_error(auth.log_in_backup)/>
                        <button type="submit" disabled=move || auth.log_in_backup.pending().get()>"Verify"</button>
                    </ActionForm>
                    <p class="switch-page">
                        <a href="?with=app-code" on:click=move |ev| {
                            ev.prevent_default();
                            use_backup.set(false);
                        }>"Use the code from the app instead"</a>
                    </p>
                </Show>
                <ActionForm action=auth.log_out>
                    <button type="submit" class="secondary">"Cancel"</button>
                </ActionForm>
            </section>
        </main>
    }
}
