use leptos::prelude::*;
use leptos_i18n::td_string;

/// The messages will live here; this page stands in for them.
#[component]
pub fn InboxPage() -> impl IntoView {
    let locale = crate::i18n::current();
    view! {
        <h1>{td_string!(locale, pages.inbox_title)}</h1>
        <p class="placeholder">{td_string!(locale, pages.no_messages)}</p>
    }
}
