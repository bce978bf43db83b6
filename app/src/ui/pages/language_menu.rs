//! The language menu at the foot of every page: a plain form, so it works without JavaScript.
//! Each language is named in itself, marked with its own `lang` for screen readers.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_i18n::td_string;

use crate::api::SetLanguage;
use crate::i18n::{self, Locale};

#[component]
pub fn LanguageMenu() -> impl IntoView {
    let locale = i18n::current();
    let choice = move |language: Locale, name: &'static str| {
        let code = i18n::code(language);
        view! {
            <button
                type="submit"
                name="lang"
                value=code
                lang=code
                class="secondary"
                aria-current=(language == locale).then_some("true")
            >
                {name}
            </button>
        }
    };
    view! {
        <footer class="site-footer">
            <nav aria-label=td_string!(locale, common.language).to_string()>
                <form action=SetLanguage::PATH method="post" class="language-menu">
                    {choice(Locale::en, "English")}
                    {choice(Locale::nl, "Nederlands")}
                </form>
            </nav>
        </footer>
    }
}
