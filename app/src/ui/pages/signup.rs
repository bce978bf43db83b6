use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::account::MIN_PASSWORD_CHARS;
use crate::api::SignUp;
use crate::i18n;
use crate::ui::form::{posted_form_error, typed_email, FormError};

#[component]
pub fn SignupPage() -> impl IntoView {
    let locale = i18n::current();
    let error = posted_form_error::<SignUp>();
    let invalid = error.is_some().then_some("true");
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="signup-title">
                <h1 id="signup-title">{td_string!(locale, pages.create_account)}</h1>
                <form action=SignUp::PATH method="post">
                    <label for="signup-email">{td_string!(locale, pages.email)}</label>
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
                    <label for="signup-password">{td_string!(locale, pages.password)}</label>
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
                        {i18n::fill(td_string!(locale, pages.password_hint), &[("count", &MIN_PASSWORD_CHARS.to_string())])}
                    </p>
                    <FormError error=error.clone() id="signup-error"/>
                    <button type="submit">{td_string!(locale, pages.create_account)}</button>
                </form>
                <p class="switch-page">
                    {format!("{} ", td_string!(locale, pages.already_have_account))}
                    <a href="/">{td_string!(locale, pages.log_in)}</a>
                </p>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use leptos_i18n::td_string;

    use crate::i18n::{fill, Locale};

    /// The password hint, also on the page a reset link opens.
    #[test]
    fn every_placeholder_is_in_both_languages() {
        for locale in [Locale::en, Locale::nl] {
            let text = td_string!(locale, pages.password_hint);
            assert!(text.contains("{count}"), "{text:?}");
        }
        assert_eq!(
            fill(td_string!(Locale::en, pages.password_hint), &[("count", "10")]),
            "At least 10 characters."
        );
    }
}
