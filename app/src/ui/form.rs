//! What the WebApp's forms share: the error line under a form, the email a login or sign-up form
//! keeps after an error, and the state of a form that calls a server function from a modal (an
//! error, a notice, a request in flight).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::td_string;

use leptos::server_fn::error::ServerFnUrlError;

use super::island::calls::Refusal;
use crate::error::AppError;

/// The error of a form, announced to screen readers as it appears. Its `id` is what the form's
/// fields name in `aria-describedby` while they are marked `aria-invalid`. With `focus` (a page's
/// form far down a long page), the page opens at the error, which takes the focus.
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] id: &'static str,
    #[prop(optional)] focus: bool,
) -> impl IntoView {
    let id = (!id.is_empty()).then_some(id);
    move || {
        error.get().map(|e| {
            view! { <p class="form-error" role="alert" id=id tabindex=focus.then_some("-1") autofocus=focus>{e}</p> }
        })
    }
}

/// The id of the error line of the open modal (see `modal::mark_fields`).
pub const MODAL_ERROR_ID: &str = "modal-error";

/// The error a form posted to the server function `S` came back with. Pages are plain HTML
/// (nothing on them is hydrated): a form posts, and a refused one is sent back to its page with
/// the error in a cookie of one minute that the server set with that answer (never the URL's
/// `__err`, which any link can write), cleared by the page that shows it. The error is put in
/// the words of the request's language; text it carries is never shown.
pub fn posted_form_error<S>() -> Option<String>
where
    S: leptos::server_fn::ServerFn<Error = AppError>,
{
    let locale = crate::i18n::current();
    form_error_left_for_this_browser().filter(|(path, _)| path == S::PATH).map(|(_, error)| {
        match ServerFnUrlError::<AppError>::decode_err(&error) {
            // The one error that carries text (a framework's detail, or whatever an undecodable
            // value was): a link could choose it, so a page never shows it, only our words.
            AppError::BadRequest { .. } => td_string!(locale, errors.form_unreadable).to_owned(),
            known => known.message(locale),
        }
    })
}

#[cfg(feature = "ssr")]
fn form_error_left_for_this_browser() -> Option<(String, String)> {
    crate::api::context::take_form_error()
}

#[cfg(not(feature = "ssr"))]
fn form_error_left_for_this_browser() -> Option<(String, String)> {
    None
}

/// What the page a plain form was sent on to should say (`password-reset`, …), as the server
/// left it for this browser (see `api::context::redirect_plain_form_noting`), never from the URL.
pub fn posted_notice() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::take_notice()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The field of a plain form for a current code from the app or a backup code (with 2FA on),
/// with an optional hint below it (`{id}-hint`), already in the page's language
/// (`td_string!` of a key without placeholders is a `&'static str`).
pub fn second_factor_field(id: impl Into<String>, hint: Option<&'static str>) -> impl IntoView {
    let locale = crate::i18n::current();
    let id: String = id.into();
    let hint_id = hint.map(|_| format!("{id}-hint"));
    view! {
        <label for=id.clone()>{td_string!(locale, pages.second_factor_label)}</label>
        <input
            id=id
            name="code"
            type="text"
            autocomplete="one-time-code"
            autocapitalize="off"
            spellcheck="false"
            maxlength="20"
            aria-describedby=hint_id.clone()
            required
        />
        {hint.map(|hint| view! { <p id=hint_id class="hint">{hint}</p> })}
    }
}

/// What the person typed as their email before their login or sign-up form came back with an
/// error, so they need not type it again (see `api::context::remember_typed_email`). A password
/// is never sent back into a page.
pub fn typed_email() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::typed_email()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The state every management modal shares: an error, a notice, a request in flight.
#[derive(Clone, Copy)]
pub struct FormState {
    pub error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

impl FormState {
    pub fn new() -> Self {
        FormState { error: RwSignal::new(None), notice: RwSignal::new(None), busy: RwSignal::new(false) }
    }

    /// Runs one server call unless one is in flight, and hands its result to `done`.
    pub fn submit<T: 'static>(
        self,
        call: impl std::future::Future<Output = Result<T, Refusal>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.run(Box::pin(async move { call.await.map(done) }));
    }

    /// The part of `submit` that does not depend on the call's type: compiled once, not once
    /// per call.
    fn run(self, work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Refusal>>>>) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        spawn_local(async move {
            match work.await {
                Ok(()) => self.error.set(None),
                Err(refusal) => self.error.set(Some(refusal.0)),
            }
            self.busy.set(false);
        });
    }

    pub fn messages(self) -> impl IntoView {
        view! {
            <FormError error=self.error id=MODAL_ERROR_ID/>
            <p class="notice" role="status">{move || self.notice.get()}</p>
        }
    }
}
