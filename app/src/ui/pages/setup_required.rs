//! What an account without 2FA sees after the grace period of `--require-two-factor`, and a
//! session started with a temporary access code: the 2FA switch and its setup, and nothing else
//! until 2FA is on.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::account::Viewer;
use crate::api::{get_two_factor_status, LogOut, ResendEmailConfirmation};
use crate::i18n;
use crate::ui::form::{posted_form_error, FormError};
use crate::ui::island::two_factor_controls::TwoFactorControls;
use crate::ui::IslandScripts;

#[component]
pub fn SetupRequiredPage(
    viewer: Viewer,
    /// Logged in with a temporary access code: the setup replaces every old factor.
    again: bool,
) -> impl IntoView {
    let locale = i18n::current();
    // The setup needs a confirmed address: the way to confirm it stays open too.
    let unconfirmed = (!viewer.email_confirmed).then(|| viewer.email.clone());
    view! {
        <main class="auth-page">
            <section class="card" aria-labelledby="setup-required-title">
                <h1 id="setup-required-title">{td_string!(locale, pages.setup_required_title)}</h1>
                <p>
                    {if again {
                        td_string!(locale, pages.setup_again_intro)
                    } else {
                        td_string!(locale, pages.setup_required_intro)
                    }}
                </p>
                {unconfirmed.map(|email| view! {
                    <div class="banner" role="status">
                        <p>{i18n::fill(td_string!(locale, pages.confirm_email_banner), &[("email", &email)])}</p>
                        <form action=ResendEmailConfirmation::PATH method="post" class="inline">
                            <button type="submit" class="secondary">{td_string!(locale, pages.send_link_again)}</button>
                        </form>
                        <FormError error={posted_form_error::<ResendEmailConfirmation>()}/>
                    </div>
                })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match get_two_factor_status().await {
                            Ok(status) => view! { <TwoFactorControls status/> }.into_any(),
                            Err(e) => view! { <p role="alert">{e.message(locale)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
                <form action=LogOut::PATH method="post">
                    <button type="submit" class="secondary">{td_string!(locale, common.log_out).to_string()}</button>
                </form>
            </section>
        </main>
        <IslandScripts/>
    }
}
