//! Fresh backup codes, with the ways to keep them: download (the main action), copy, print. The
//! modal around them does not close until one of those was used, or the person says the codes
//! are saved (`SaveCheck`): a lost phone without them locks the account.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::browser;
use super::calls::download_backup_codes;
use super::island_text::{phrase, Phrase};
use crate::two_factor::BackupCodes;

/// Whether backup codes are on screen, whether they were kept (downloaded, copied, printed),
/// and whether the panel is asking "Have you saved your backup codes?".
#[derive(Clone, Copy)]
pub struct SaveCheck {
    shown: RwSignal<bool>,
    kept: RwSignal<bool>,
    asking: RwSignal<bool>,
}

impl Default for SaveCheck {
    fn default() -> Self {
        Self::new()
    }
}

impl SaveCheck {
    pub fn new() -> Self {
        SaveCheck { shown: RwSignal::new(false), kept: RwSignal::new(false), asking: RwSignal::new(false) }
    }

    /// Whether the modal may close now (Done, Escape): not while codes that were never kept are
    /// on screen, which makes the panel ask instead.
    pub fn lets_close(self) -> bool {
        if self.shown.get_untracked() && !self.kept.get_untracked() {
            self.asking.set(true);
            return false;
        }
        true
    }
}

#[component]
pub fn BackupCodesPanel(
    codes: BackupCodes,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    check: SaveCheck,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    check.shown.set(true);
    let file_name = codes.file_name.clone();
    let all_codes = codes.codes.join("\n");
    let kept = move || {
        check.kept.set(true);
        check.asking.set(false);
    };
    let done = move || {
        if check.lets_close() {
            on_done.run(());
        }
    };
    let back = NodeRef::<leptos::html::Button>::new();
    // The question takes the focus as it appears, so a keyboard or screen reader meets it.
    Effect::new(move |_| {
        if let Some(button) = back.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="backup">
            <p>
                {phrase(Phrase::SaveCodesIntro)}
            </p>
            // A printed page is the codes with what they are: the file's opening lines.
            <div class="backup-print">
                <pre class="print-only">{codes.heading.clone()}</pre>
                <ul class="backup-codes" aria-label=phrase(Phrase::BackupCodes)>
                    {codes.codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                </ul>
            </div>
            {move || check.asking.get().then(|| view! {
                <div class="note save-check" role="alert">
                    <p><strong>{phrase(Phrase::SavedQuestion)}</strong>" "{phrase(Phrase::SavedWhy)}</p>
                    <div class="actions">
                        <button type="button" node_ref=back class="secondary" on:click=move |_| check.asking.set(false)>
                            {phrase(Phrase::BackToCodes)}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| on_done.run(())>
                            {phrase(Phrase::YesSaved)}
                        </button>
                    </div>
                </div>
            })}
            <div class="actions">
                <button
                    type="button"
                    data-autofocus
                    on:click=move |_| {
                        let file_name = file_name.clone();
                        spawn_local(async move {
                            match download_backup_codes().await {
                                Ok(text) => {
                                    browser::save_text_file(&file_name, &text, notice);
                                    kept();
                                }
                                Err(refusal) => error.set(Some(refusal.0)),
                            }
                        });
                    }
                >
                    {phrase(Phrase::DownloadBackupCodes)}
                </button>
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| {
                        let copied = phrase(Phrase::BackupCodesCopied).to_owned();
                        browser::copy_text(&all_codes, notice, copied, kept);
                    }
                >
                    {phrase(Phrase::Copy)}
                </button>
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| {
                        browser::print();
                        kept();
                    }
                >
                    {phrase(Phrase::Print)}
                </button>
                <button type="button" class="secondary" on:click=move |_| done()>{phrase(Phrase::Done)}</button>
            </div>
        </div>
    }
}
