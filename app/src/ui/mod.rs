//! The pages and components of the WebApp, split where the WASM boundary runs:
//!
//! - `pages/`: rendered on the server as plain HTML whose forms post and redirect; none of
//!   their code runs in the browser.
//! - `island/`: the Security section's 2FA controls and their modals, the one part that runs in
//!   the browser (as WASM), and the one path from there to the server functions (`calls`).
//! - `form.rs`: what both show of a form's state and errors; `bundle.rs`: the bundle's
//!   content-hashed file names (server only).

#[cfg(feature = "ssr")]
pub mod bundle;
mod form;
mod island;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{path, SsrMode};

use crate::account::AuthLevel;
use crate::two_factor::TwoFactorStanding;

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

/// The tab's title: the page's name, then the site's ("Security – WebApp"); the page's name is
/// read off the path, so that a tab, a bookmark and the history each say which page it is.
#[cfg(feature = "ssr")]
fn page_title() -> String {
    use leptos_i18n::td_string;
    let locale = crate::i18n::current();
    let path =
        with_context::<http::request::Parts, _>(|parts| parts.uri.path().to_owned()).unwrap_or_default();
    let page = match path.as_str() {
        "/signup" => Some(td_string!(locale, pages.create_account)),
        "/confirm-email" => Some(td_string!(locale, pages.confirm_email_title)),
        "/forgot-password" => Some(td_string!(locale, pages.forgot_password)),
        "/reset-password" => Some(td_string!(locale, pages.choose_new_password)),
        "/settings" => Some(td_string!(locale, common.settings)),
        "/settings/security" => Some(td_string!(locale, settings.security)),
        "/admin" => Some(td_string!(locale, common.administration)),
        admin if admin.starts_with("/admin/") => Some(td_string!(locale, common.administration)),
        _ => None,
    };
    match page {
        Some(page) => format!("{} – WebApp", page.trim_end_matches('?')),
        None => "WebApp".to_owned(),
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
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // Tells the server the browser's time zone, for the times pages and mails show.
                <script src="/time-zone.js" defer></script>
                <title>{page_title()}</title>
            </head>
            <body>
                <App/>
                <pages::language_menu::LanguageMenu/>
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
            <FlatRoutes fallback=pages::not_found::NotFoundPage>
                <Route path=path!("/signup") view=pages::signup::SignupPage ssr=SsrMode::Async/>
                <Route path=path!("/confirm-email") view=pages::email_links::ConfirmEmailPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=pages::email_links::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=pages::email_links::ResetPasswordPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><pages::inbox::InboxPage/></Protected> }
                />
                <Route
                    path=path!("/settings")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><pages::settings::SettingsPage/></Protected> }
                />
                <Route
                    path=path!("/settings/security")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><pages::settings::SecurityPage/></Protected> }
                />
                <Route
                    path=path!("/admin")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><pages::admin::AdminPage/></Protected> }
                />
                <Route
                    path=path!("/admin/accounts/:id")
                    ssr=SsrMode::Async
                    view=|| view! { <Protected><pages::admin::AdminAccountPage/></Protected> }
                />
            </FlatRoutes>
        </Router>
    }
}

/// Whether this request's session is an administrator's: its navigation then shows
/// Administration (the admin pages check again for themselves).
async fn viewer_is_administrator() -> bool {
    #[cfg(feature = "ssr")]
    {
        let Ok(state) = crate::api::context::app_state() else { return false };
        crate::api::context::current_session(&state).await.ok().flatten().is_some_and(|s| s.administrator)
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
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
                            let administrator = viewer_is_administrator().await;
                            // `--require-two-factor`: a countdown, or nothing but the setup.
                            match crate::api::two_factor_standing().await {
                                Ok(TwoFactorStanding::SetupRequired) => {
                                    view! { <pages::setup_required::SetupRequiredPage viewer again=false/> }.into_any()
                                }
                                Ok(TwoFactorStanding::SetupAgain) => {
                                    view! { <pages::setup_required::SetupRequiredPage viewer again=true/> }.into_any()
                                }
                                Ok(TwoFactorStanding::Grace { days_left }) => view! {
                                    <pages::app_shell::AppShell viewer administrator two_factor_days_left=days_left>{children()}</pages::app_shell::AppShell>
                                }
                                .into_any(),
                                _ => view! { <pages::app_shell::AppShell viewer administrator>{children()}</pages::app_shell::AppShell> }.into_any(),
                            }
                        }
                        Ok(Some(viewer)) if viewer.level == AuthLevel::PasswordVerified => {
                            let choice = crate::api::login_methods().await.unwrap_or_default();
                            view! { <pages::code_prompt::CodePrompt choice/> }.into_any()
                        }
                        Err(error @ crate::error::AppError::DatabaseUnavailable { .. }) => {
                            view! { <pages::unavailable::UnavailablePage error/> }.into_any()
                        }
                        _ => view! { <pages::login::LoginPage/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
