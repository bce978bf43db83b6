//! Small browser services for the UI: clipboard, file download, printing. They run only in the
//! browser (event handlers never run on the server).

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::island_text::{phrase, Phrase};

/// Copies `text` and reports the outcome in `notice`.
pub fn copy_text(
    text: &str,
    notice: RwSignal<Option<String>>,
    done: String,
    on_copied: impl FnOnce() + 'static,
) {
    let promise = window().navigator().clipboard().write_text(text);
    leptos::task::spawn_local(async move {
        let message = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => {
                on_copied();
                done
            }
            Err(_) => phrase(Phrase::CopyNotAllowed).to_owned(),
        };
        notice.set(Some(message));
    });
}

/// Offers `text` as a file download named `file_name`.
pub fn save_text_file(file_name: &str, text: &str, notice: RwSignal<Option<String>>) {
    if save(file_name, text).is_err() {
        notice.set(Some(phrase(Phrase::DownloadFailed).to_owned()));
    }
}

fn save(file_name: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Revoking at once can cancel the download: give the browser a moment.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(5),
    );
    Ok(())
}

pub fn print() {
    let _ = window().print();
}
