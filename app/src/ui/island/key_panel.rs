//! What an authenticator app needs to add the account: the QR code, or account name and key to
//! type by hand, with the article's note about more smartphones.

use leptos::prelude::*;

use super::browser;
use super::island_text::{phrase, Phrase};
use crate::two_factor::AuthenticatorKey;

#[component]
pub fn KeyPanel(setup: AuthenticatorKey, notice: RwSignal<Option<String>>) -> impl IntoView {
    let account = setup.account_name.clone();
    let key = setup.key.replace(' ', "");
    view! {
        <div class="scan">
            <p>
                {phrase(Phrase::ScanInstructions)}
            </p>
            <div
                class="qr"
                role="img"
                aria-label=phrase(Phrase::QrAlternative)
                inner_html=setup.qr_svg.clone()
            ></div>
            <p>{phrase(Phrase::EnterManually)}</p>
            <CopyField
                id="key-account"
                label=phrase(Phrase::AccountName)
                copy_label=phrase(Phrase::CopyAccountName)
                copied=phrase(Phrase::AccountNameCopied)
                value=setup.account_name
                copy=account
                notice
            />
            <CopyField
                id="key-secret"
                label=phrase(Phrase::Key)
                copy_label=phrase(Phrase::CopyKey)
                copied=phrase(Phrase::KeyCopied)
                value=setup.key
                copy=key
                notice
                mono=true
            />
            <p class="hint">{phrase(Phrase::OtherApps)}</p>
            // After the key it speaks of.
            <aside class="note" aria-label=phrase(Phrase::NoteLabel)>
                <strong>{phrase(Phrase::NoteLead)}</strong>
                {phrase(Phrase::NoteText)}
            </aside>
        </div>
    }
}

/// A read-only field with a "Copy" button: `value` is shown, `copy` (the value without the
/// spaces that make it readable) goes to the clipboard.
#[component]
fn CopyField(
    id: &'static str,
    label: &'static str,
    /// The Copy button's name for screen readers. Written out, not lowercased from `label`:
    /// that would bring Unicode's case tables into the WASM.
    copy_label: &'static str,
    /// What the notice says once it is copied.
    copied: &'static str,
    value: String,
    copy: String,
    notice: RwSignal<Option<String>>,
    #[prop(optional)] mono: bool,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <div class="copy-field">
            <input id=id type="text" class:mono=mono readonly value=value/>
            <button
                type="button"
                class="secondary"
                aria-label=copy_label
                on:click=move |_| browser::copy_text(&copy, notice, copied.to_owned(), || ())
            >
                {phrase(Phrase::Copy)}
            </button>
        </div>
    }
}
