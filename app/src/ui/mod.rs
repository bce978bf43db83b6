//! The pages and components of the WebApp. Pages are rendered on the server as plain HTML whose
//! forms post and redirect; the Security section's 2FA controls are an island, the one part
//! that runs in the browser (as WASM).

mod account_settings;
mod app_shell;
mod backup_codes_panel;
mod browser;
#[cfg(feature = "ssr")]
pub mod bundle;
mod calls;
mod code_prompt;
mod email_links;
mod form;
mod inbox;
mod island_text;
mod key_panel;
mod language_menu;
mod login;
mod modal;
mod not_found;
mod settings;
mod signup;
mod two_factor_controls;
mod two_factor_manage;
mod two_factor_setup;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{path, SsrMode};

use crate::account::AuthLevel;

/// The page's Content-Security-Policy: the WebApp's own origin, the nonce of the inline
/// hydration script, and WASM compilation; no framing.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use http::header::CONTENT_SECURITY_POLICY;
    use http::HeaderValue;
    let (Some(response), Some(nonce)) =
        (use_context::<leptos_axum::ResponseOptions>(), leptos::nonce::use_nonce())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(feature = "ssr")]
/// The HTML document around the app, rendered on the server only. Pages are HTML: only an
/// island (see `IslandScripts`) is woken up in the browser, so a page without one loads no WASM.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    // Outside islands nothing is hydrated: no hydration ids, no serialized resources.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let stylesheet = bundle::stylesheet_href(&options);
    provide_context(options);
    view! {
        <!DOCTYPE html>
        <html lang=crate::i18n::code(crate::i18n::current())>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <title>"WebApp"</title>
            </head>
            <body>
                <App/>
                <language_menu::LanguageMenu/>
            </body>
        </html>
    }
}

/// Loads the WASM and wakes the islands of the page: rendered by the pages that have one (in
/// the body, which browsers accept for module scripts and preloads), and by no other.
#[component]
pub fn IslandScripts() -> impl IntoView {
    use_context::<LeptosOptions>().map(|options| view! { <HydrationScripts options islands=true/> })
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <FlatRoutes fallback=not_found::NotFoundPage>
                <Route path=path!("/signup") view=signup::SignupPage ssr=SsrMode::Async/>
                <Route path=path!("/confirm-email") view=email_links::ConfirmEmailPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=email_links::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=email_links::ResetPasswordPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><inbox::InboxPage/></Protected> }
                />
                <Route
                    path=path!("/settings")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><settings::SettingsPage/></Protected> }
                />
                <Route
                    path=path!("/settings/security")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><settings::SecurityPage/></Protected> }
                />
            </FlatRoutes>
        </Router>
    }
}

/// The gate in front of every page behind the login: its children inside the WebApp shell for a
/// fully authenticated session, the code prompt for a password-verified one, and the login page
/// for everyone else.
#[component]
fn Protected(children: ChildrenFn) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    // Asked directly, not through a resource: pages are not hydrated, so there
                    // is nothing to keep for the browser, and making the resource took 5% of a
                    // login page's instructions (callgrind).
                    match crate::api::current_viewer().await {
                        Ok(Some(viewer)) if viewer.level.reaches_webapp() => {
                            view! { <app_shell::AppShell viewer>{children()}</app_shell::AppShell> }.into_any()
                        }
                        Ok(Some(viewer)) if viewer.level == AuthLevel::PasswordVerified => {
                            view! { <code_prompt::CodePrompt/> }.into_any()
                        }
                        _ => view! { <login::LoginPage/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
