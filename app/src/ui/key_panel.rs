//! What an authenticator app needs to add the account: the QR code, or account name and key to
//! type by hand, with the article's note about more smartphones.

use leptos::prelude::*;

use super::browser;
use crate::two_factor::PendingSetup;

#[component]
pub fn KeyPanel(setup: PendingSetup, notice: RwSignal<Option<String>>) -> impl IntoView {
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
            <div class="qr" role="img" aria-label="QR code" inner_html=setup.qr_svg.clone()></div>
            <p>"Or tap “Or enter a code manually” and enter:"</p>
            <label for="key-account">"Account name"</label>
            <div class="copy-field">
                <input id="key-account" type="text" readonly value=setup.account_name.clone()/>
                <button
                    type="button"
                    class="secondary"
                    aria-label="Copy account name"
                    on:click=move |_| browser::copy_text(&account, notice, "Account name copied.")
                >
                    "Copy"
                </button>
            </div>
            <label for="key-secret">"Key"</label>
            <div class="copy-field">
                <input id="key-secret" type="text" class="mono" readonly value=setup.key.clone()/>
                <button
                    type="button"
                    class="secondary"
                    aria-label="Copy key"
                    on:click=move |_| browser::copy_text(&key, notice, "Key copied.")
                >
                    "Copy"
                </button>
            </div>
        </div>
    }
}
