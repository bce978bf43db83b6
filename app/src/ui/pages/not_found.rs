use leptos::prelude::*;
use leptos_i18n::td_string;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let locale = crate::i18n::current();
    view! {
        <main class="auth-page">
            <section class="card">
                <h1>{td_string!(locale, pages.page_not_found)}</h1>
                <p><a href="/">{td_string!(locale, pages.go_to_webapp)}</a></p>
            </section>
        </main>
    }
}
