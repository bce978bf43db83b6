//! Fresh backup codes, with the ways to keep them: download, copy, print.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::browser;
use super::calls::download_backup_codes;
use super::island_text::{phrase, Phrase};
use crate::two_factor::BackupCodes;

#[component]
pub fn BackupCodesPanel(
    codes: BackupCodes,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    let file_name = codes.file_name.clone();
    let all_codes = codes.codes.join("\n");
    view! {
        <div class="backup">
            <p>
                {phrase(Phrase::SaveCodesIntro)}
            </p>
            <ul class="backup-codes" aria-label=phrase(Phrase::BackupCodes)>
                {codes.codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
            </ul>
            <div class="actions">
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| {
                        let file_name = file_name.clone();
                        spawn_local(async move {
                            match download_backup_codes().await {
                                Ok(text) => browser::save_text_file(&file_name, &text, notice),
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
                    on:click=move |_| browser::copy_text(&all_codes, notice, phrase(Phrase::BackupCodesCopied).to_owned())
                >
                    {phrase(Phrase::Copy)}
                </button>
                <button type="button" class="secondary" on:click=move |_| browser::print()>{phrase(Phrase::Print)}</button>
                <button type="button" data-autofocus on:click=move |_| on_done.run(())>{phrase(Phrase::Done)}</button>
            </div>
        </div>
    }
}
