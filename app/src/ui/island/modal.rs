//! A modal dialog: `role="dialog"`, `aria-modal`, focus moved inside and kept there, Esc closes.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves focus to the element marked `data-autofocus`, or the first control.
fn focus_first(dialog: &web_sys::HtmlDialogElement) {
    let target = dialog
        .query_selector("[data-autofocus]")
        .ok()
        .flatten()
        .or_else(|| dialog.query_selector("input, button").ok().flatten());
    if let Some(el) = target.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
        // A step opens at its title and step counter: a button at its foot (Next) takes the
        // focus without scrolling the modal down to it; a field takes it as usual.
        if el.tag_name() == "BUTTON" {
            dialog.set_scroll_top(0);
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = el.focus_with_options(&options);
        } else {
            let _ = el.focus();
        }
    }
}

/// While the modal shows an error, its text fields are marked invalid and described by it, so a
/// screen reader reads the error with the field the focus returns to.
fn mark_fields(dialog: &web_sys::HtmlDialogElement) {
    let has_error = dialog.query_selector(".form-error").ok().flatten().is_some();
    let Ok(fields) = dialog.query_selector_all("input:not([type=radio]):not([readonly])") else { return };
    for field in (0..fields.length())
        .filter_map(|i| fields.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
    {
        if has_error {
            let _ = field.set_attribute("aria-invalid", "true");
            let _ = field.set_attribute("aria-describedby", crate::ui::form::MODAL_ERROR_ID);
        } else {
            let _ = field.remove_attribute("aria-invalid");
            let _ = field.remove_attribute("aria-describedby");
        }
    }
}

/// Keeps Tab and Shift+Tab cycling inside the dialog: from the last control back to the first.
fn trap_tab(dialog: &web_sys::HtmlDialogElement, ev: &web_sys::KeyboardEvent) {
    if ev.key() != "Tab" {
        return;
    }
    let Ok(list) = dialog.query_selector_all("button:not([disabled]), input:not([disabled]), a[href]") else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else { return };
    let active = document().active_element();
    let at = |el: &web_sys::HtmlElement| {
        active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
    };
    let outside = !active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    if ev.shift_key() && (at(first) || outside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || outside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// `focus_on` changes whenever focus should go back to the content's main control (a new step,
/// a new error). `on_close` runs on Esc; the content closes the modal by its own buttons.
#[component]
pub fn Modal<C: IntoView + 'static>(
    title: &'static str,
    #[prop(into)] subtitle: Signal<Option<String>>,
    #[prop(into)] focus_on: Signal<String>,
    #[prop(into)] on_close: Callback<()>,
    // Typed, not `Children`: a type-erased view would bring hydration code for every modal.
    children: TypedChildren<C>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    // A modal <dialog> makes the rest of the page inert.
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    Effect::new(move |_| {
        focus_on.track();
        if let Some(d) = dialog.get() {
            request_animation_frame(move || {
                mark_fields(&d);
                focus_first(&d);
            });
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby="modal-title"
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if let Some(d) = dialog.get_untracked() {
                    trap_tab(&d, &ev);
                }
            }
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                on_close.run(());
            }
        >
            <header class="modal-header">
                <h2 id="modal-title">{title}</h2>
                <p class="step-indicator">{move || subtitle.get()}</p>
            </header>
            {children.into_inner()()}
        </dialog>
    }
}
