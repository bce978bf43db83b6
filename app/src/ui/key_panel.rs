//! What an authenticator app needs to add the account: the QR code, or account name and key to
//! type by hand, with the article's note about more smartphones.

use leptos::prelude::*;

use super::browser;
use crate::two_factor::AuthenticatorKey;

#[component]
pub fn KeyPanel(setup: AuthenticatorKey, notice: RwSignal<Option<String>>) -> impl IntoView {
    let account = setup.account_name.clone();
    let key = setup.key.replace(' ', "");
    view! {
        <div class="scan">
            <aside class="note" aria-label="Note">
                <strong>"Note: "</strong>
                "Do you want to set up the Authenticator app on multiple smartphones? Save the key shown here. You will need it to set up the Authenticator app on multiple smartphones. This can be useful if you share an account with multiple colleagues."
            </aside>
            <p>
                "In Microsoft Authenticator, tap the plus icon, then Other (Google, Facebook, etc.), and scan this QR code:"
            </p>
            <div
                class="qr"
                role="img"
                aria-label="QR code with the account name and key below, for the authenticator app to scan"
                inner_html=setup.qr_svg.clone()
            ></div>
            <p>"Or tap “Or enter a code manually” and enter:"</p>
            <CopyField
                id="key-account"
                label="Account name"
                copy_label="Copy account name"
                value=setup.account_name
                copy=account
                notice
            />
            <CopyField id="key-secret" label="Key" copy_label="Copy key" value=setup.key copy=key notice mono=true/>
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
                on:click=move |_| browser::copy_text(&copy, notice, format!("{label} copied."))
            >
                "Copy"
            </button>
        </div>
    }
}
