//! Passkeys in Settings > Security, and the one script every passkey ceremony runs in
//! (`/passkeys.js`). The list, "Rename" and "Remove" are plain forms; "Add a passkey" needs the
//! browser's WebAuthn, so it is a dialog the script opens, and without JavaScript a notice says
//! so. No WASM: the island's bundle does not grow by a byte for passkeys.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::api::{RemovePasskey, RenamePasskey};
use crate::dates::local_date;
use crate::i18n;
use crate::passkeys::{PasskeyInfo, MAX_NAME_CHARS};
use crate::ui::form::{posted_form_error, second_factor_field, FormError};

/// Whether this server can offer passkeys: its public URL names a domain (browsers refuse an
/// IP address as a passkey's relying party).
pub fn passkeys_offered() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::app_state()
            .is_ok_and(|state| crate::backend::second_factor::passkeys::available(&state.settings))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The script of every passkey ceremony; deferred, so the page shows before it runs.
#[component]
pub fn PasskeyScript() -> impl IntoView {
    view! { <script src="/passkeys.js" defer></script> }
}

#[component]
pub fn PasskeysSection(passkeys: Vec<PasskeyInfo>, two_factor: bool) -> impl IntoView {
    let locale = i18n::current();
    let offered = passkeys_offered();
    let error = posted_form_error::<RenamePasskey>().or_else(posted_form_error::<RemovePasskey>);
    // Removing the last one where it is the only method would turn 2FA off: refused there.
    view! {
        <section class="card" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">{td_string!(locale, settings.passkeys).to_string()}</h2>
            <p>{td_string!(locale, settings.passkeys_intro).to_string()}</p>
            {if passkeys.is_empty() {
                view! { <p>{td_string!(locale, settings.passkeys_none).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ul class="passkeys" aria-label=td_string!(locale, settings.passkeys_list).to_string()>
                        {passkeys.into_iter().map(|passkey| view! { <PasskeyItem passkey two_factor/> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <FormError error=error id="passkeys-error"/>
            {if offered {
                view! {
                    <noscript><p class="notice">{td_string!(locale, settings.passkey_needs_script).to_string()}</p></noscript>
                    <p id="passkey-add-unsupported" class="notice" hidden>{td_string!(locale, settings.passkey_unsupported).to_string()}</p>
                    <button type="button" id="passkey-add-open" hidden>{td_string!(locale, settings.add_passkey).to_string()}</button>
                    <AddPasskeyDialog two_factor/>
                    <PasskeyScript/>
                }
                .into_any()
            } else {
                view! { <p class="notice">{td_string!(locale, settings.passkeys_unavailable).to_string()}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn PasskeyItem(passkey: PasskeyInfo, two_factor: bool) -> impl IntoView {
    let locale = i18n::current();
    let id = passkey.id.to_string();
    let used = match passkey.last_used_at {
        Some(at) => i18n::fill(td_string!(locale, settings.passkey_last_used), &[("date", &local_date(at))]),
        None => td_string!(locale, settings.passkey_never_used).to_string(),
    };
    let added =
        i18n::fill(td_string!(locale, settings.passkey_added), &[("date", &local_date(passkey.created_at))]);
    let (rename_id, password_id) = (format!("passkey-name-{id}"), format!("passkey-password-{id}"));
    let code_id = format!("passkey-code-{id}");
    let rename = format!("{} {}", td_string!(locale, settings.rename), passkey.name);
    let remove = format!("{} {}", td_string!(locale, settings.remove), passkey.name);
    view! {
        <li>
            <strong class="passkey-name">{passkey.name.clone()}</strong>
            <span class="passkey-when">{format!("{added}, {used}")}</span>
            <details>
                <summary aria-label=rename.clone()>{td_string!(locale, settings.rename).to_string()}</summary>
                <form action=RenamePasskey::PATH method="post">
                    <input type="hidden" name="id" value=id.clone()/>
                    <label for=rename_id.clone()>{td_string!(locale, settings.passkey_name).to_string()}</label>
                    <input id=rename_id name="name" type="text" maxlength=MAX_NAME_CHARS.to_string() value=passkey.name.clone() required/>
                    <button type="submit" class="secondary">{td_string!(locale, settings.save).to_string()}</button>
                </form>
            </details>
            <details>
                <summary aria-label=remove.clone()>{td_string!(locale, settings.remove).to_string()}</summary>
                <form action=RemovePasskey::PATH method="post">
                    <p>{td_string!(locale, settings.remove_passkey_intro).to_string()}</p>
                    <input type="hidden" name="id" value=id/>
                    <label for=password_id.clone()>{td_string!(locale, settings.password).to_string()}</label>
                    <input id=password_id name="password" type="password" autocomplete="current-password" required/>
                    {two_factor.then(|| second_factor_field(code_id, None))}
                    <button type="submit" class="danger" aria-label=remove>{td_string!(locale, settings.remove).to_string()}</button>
                </form>
            </details>
        </li>
    }
}

/// The dialog `/passkeys.js` runs: the password (and a current code), the browser's own
/// dialog, a name, and after the first passkey of an account without 2FA, its backup codes.
#[component]
fn AddPasskeyDialog(two_factor: bool) -> impl IntoView {
    let locale = i18n::current();
    let intro = match two_factor {
        true => td_string!(locale, settings.add_passkey_intro_two_factor),
        false => td_string!(locale, settings.add_passkey_intro),
    };
    view! {
        <dialog
            id="passkey-dialog"
            class="modal"
            aria-labelledby="passkey-dialog-title"
            data-passkey="add"
            data-opener="passkey-add-open"
            data-unsupported-notice="passkey-add-unsupported"
            data-cancelled=td_string!(locale, settings.passkey_cancelled).to_string()
            data-failed=td_string!(locale, settings.passkey_failed).to_string()
            data-already=td_string!(locale, settings.passkey_already).to_string()
        >
            <h2 id="passkey-dialog-title">{td_string!(locale, settings.add_passkey).to_string()}</h2>
            <form data-step="password">
                <p>{intro}</p>
                <label for="passkey-add-password">{td_string!(locale, settings.password).to_string()}</label>
                <input id="passkey-add-password" name="password" type="password" autocomplete="current-password" required/>
                {two_factor.then(|| view! {
                    <label for="passkey-add-code">{td_string!(locale, settings.passkey_current_code).to_string()}</label>
                    <input id="passkey-add-code" name="code" type="text" autocomplete="one-time-code" autocapitalize="off" spellcheck="false" maxlength="20" required/>
                })}
                <div class="actions">
                    <button type="button" class="secondary" data-action="cancel">{td_string!(locale, pages.cancel).to_string()}</button>
                    <button type="submit">{td_string!(locale, settings.continue_step).to_string()}</button>
                </div>
            </form>
            <form data-step="name" hidden>
                <h3>{td_string!(locale, settings.passkey_name_step).to_string()}</h3>
                <label for="passkey-add-name">{td_string!(locale, settings.passkey_name).to_string()}</label>
                <input id="passkey-add-name" name="name" type="text" maxlength=MAX_NAME_CHARS.to_string() aria-describedby="passkey-add-name-hint" required/>
                <p id="passkey-add-name-hint" class="hint">{td_string!(locale, settings.passkey_name_hint).to_string()}</p>
                <div class="actions">
                    <button type="submit">{td_string!(locale, settings.save).to_string()}</button>
                </div>
            </form>
            <div data-step="codes" hidden>
                <h3>{td_string!(locale, settings.passkey_codes_title).to_string()}</h3>
                <p>{td_string!(locale, settings.passkey_codes_intro).to_string()}</p>
                <ol class="backup-codes" aria-label=td_string!(locale, settings.passkey_codes_title).to_string()></ol>
                <div class="actions">
                    <button type="button" class="secondary" data-action="download">{td_string!(locale, settings.download).to_string()}</button>
                    <button type="button" data-action="cancel">{td_string!(locale, settings.done).to_string()}</button>
                </div>
            </div>
            <p class="form-error" role="alert" data-slot="error" hidden></p>
        </dialog>
    }
}
