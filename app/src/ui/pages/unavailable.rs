//! What a page behind the login shows when the server cannot tell who is logged in because the
//! database does not answer: a 503 that says so and when to try again, never the login page
//! (which would look like a logout) nor a 500.

use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::error::AppError;

#[component]
pub fn UnavailablePage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        if let AppError::DatabaseUnavailable { retry_after_secs } = &error {
            if let Ok(value) = http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.insert_header(http::header::RETRY_AFTER, value);
            }
        }
    }
    let locale = crate::i18n::current();
    view! {
        <main class="auth-page">
            <section class="card">
                <h1>{td_string!(locale, pages.unavailable_title)}</h1>
                <p role="alert">{error.message(locale)}</p>
                <p><a href="">{td_string!(locale, pages.try_again)}</a></p>
            </section>
        </main>
    }
}
