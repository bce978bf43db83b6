//! Who is logged in, as the UI knows it, and the gate in front of every page behind the login.

use leptos::prelude::*;

use super::app_shell::AppShell;
use super::login::LoginPage;
use crate::account::Viewer;
use crate::api::{current_viewer, LogIn, LogOut, SignUp};
use crate::error::AppError;

#[derive(Clone, Copy)]
pub struct Auth {
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
    pub log_in: ServerAction<LogIn>,
    pub sign_up: ServerAction<SignUp>,
    pub log_out: ServerAction<LogOut>,
}

impl Auth {
    pub fn new() -> Self {
        let log_in = ServerAction::<LogIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let log_out = ServerAction::<LogOut>::new();
        // Reload the viewer only when a login, sign-up or logout succeeded: a failed attempt
        // must leave the form (and what the user typed) in place.
        let changes = RwSignal::new(0u32);
        Effect::new(move |_| {
            let succeeded = log_in.value().with(|v| matches!(v, Some(Ok(_))))
                | sign_up.value().with(|v| matches!(v, Some(Ok(_))))
                | log_out.value().with(|v| matches!(v, Some(Ok(_))));
            if succeeded {
                changes.update(|n| *n += 1);
            }
        });
        let viewer = Resource::new(move || changes.get(), |_| current_viewer());
        Auth { viewer, log_in, sign_up, log_out }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Self::new()
    }
}

/// Shows its children inside the WebApp shell to a fully authenticated session, and the login
/// page to everyone else.
#[component]
pub fn Protected(children: ChildrenFn) -> impl IntoView {
    let auth = expect_context::<Auth>();
    view! {
        <Transition fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match auth.viewer.await {
                        Ok(Some(viewer)) if viewer.level.reaches_webapp() => {
                            view! { <AppShell viewer>{children()}</AppShell> }.into_any()
                        }
                        _ => view! { <LoginPage/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
