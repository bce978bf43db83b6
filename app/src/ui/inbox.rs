use leptos::prelude::*;

/// The messages will live here; this page stands in for them.
#[component]
pub fn InboxPage() -> impl IntoView {
    view! {
        <h1>"Inbox"</h1>
        <p class="placeholder">"No messages yet."</p>
    }
}
