//! The words of the island (the Security section's 2FA controls and their modals).
//!
//! They are put into words on the server, in the request's language, and reach the browser as one
//! of the island's props: the WASM then carries the words of neither language, only the page's,
//! and the same bundle serves every language.

use serde::{Deserialize, Serialize};

/// One text of the island.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    SwitchLabel,
    On,
    Off,
    NeedsJavascript,
    Method,
    AuthenticatorApp,
    OnSince,
    BackupCodesLeft,
    FewBackupCodes,
    RegenerateBackupCodes,
    SetUpAnotherSmartphone,
    TwoFactorAuthentication,
    Step,
    StepOf,
    ConfirmYourPassword,
    ChooseMethod,
    ScanQrCode,
    EnterTheCode,
    SaveYourBackupCodes,
    ConfirmItIsYou,
    Password,
    Cancel,
    Next,
    HowToConfirm,
    AuthenticatorAppRecommended,
    Sms,
    SmsLessSafe,
    EnterSixDigitCode,
    Code,
    Verify,
    TwoFactorIsOn,
    CodeOrBackupCode,
    RegenerateIntro,
    Regenerate,
    AnotherIntro,
    ShowKey,
    Done,
    TurnOffTitle,
    TurnOffIntro,
    TurnOff,
    NoteLabel,
    NoteLead,
    NoteText,
    ScanInstructions,
    QrAlternative,
    EnterManually,
    AccountName,
    CopyAccountName,
    AccountNameCopied,
    Key,
    CopyKey,
    KeyCopied,
    Copy,
    SaveCodesIntro,
    BackupCodes,
    DownloadBackupCodes,
    BackupCodesCopied,
    Print,
    CopyNotAllowed,
    DownloadFailed,
    Unreachable,
    Internal,
    EnterYourNumber,
    MobileNumber,
    MobileNumberHint,
    SendCode,
    CodeSentTo,
    SendAgain,
    SendAgainIn,
    CodeSentAgain,
    TextMeACode,
    CodeTexted,
    AddPhoneNumber,
    ChangePhoneNumber,
    RemovePhoneNumber,
    PhoneNumberIntro,
    RemovePhoneNumberIntro,
    Remove,
    AddAuthenticator,
    AddAuthenticatorIntro,
    SavedQuestion,
    SavedWhy,
    BackToCodes,
    YesSaved,
    OtherApps,
    Back,
}

impl Phrase {
    /// Every phrase, in the order of their numbers: the order of `IslandText`'s list.
    #[cfg(any(feature = "ssr", test))]
    const ALL: [Phrase; 86] = [
        Phrase::SwitchLabel,
        Phrase::On,
        Phrase::Off,
        Phrase::NeedsJavascript,
        Phrase::Method,
        Phrase::AuthenticatorApp,
        Phrase::OnSince,
        Phrase::BackupCodesLeft,
        Phrase::FewBackupCodes,
        Phrase::RegenerateBackupCodes,
        Phrase::SetUpAnotherSmartphone,
        Phrase::TwoFactorAuthentication,
        Phrase::Step,
        Phrase::StepOf,
        Phrase::ConfirmYourPassword,
        Phrase::ChooseMethod,
        Phrase::ScanQrCode,
        Phrase::EnterTheCode,
        Phrase::SaveYourBackupCodes,
        Phrase::ConfirmItIsYou,
        Phrase::Password,
        Phrase::Cancel,
        Phrase::Next,
        Phrase::HowToConfirm,
        Phrase::AuthenticatorAppRecommended,
        Phrase::Sms,
        Phrase::SmsLessSafe,
        Phrase::EnterSixDigitCode,
        Phrase::Code,
        Phrase::Verify,
        Phrase::TwoFactorIsOn,
        Phrase::CodeOrBackupCode,
        Phrase::RegenerateIntro,
        Phrase::Regenerate,
        Phrase::AnotherIntro,
        Phrase::ShowKey,
        Phrase::Done,
        Phrase::TurnOffTitle,
        Phrase::TurnOffIntro,
        Phrase::TurnOff,
        Phrase::NoteLabel,
        Phrase::NoteLead,
        Phrase::NoteText,
        Phrase::ScanInstructions,
        Phrase::QrAlternative,
        Phrase::EnterManually,
        Phrase::AccountName,
        Phrase::CopyAccountName,
        Phrase::AccountNameCopied,
        Phrase::Key,
        Phrase::CopyKey,
        Phrase::KeyCopied,
        Phrase::Copy,
        Phrase::SaveCodesIntro,
        Phrase::BackupCodes,
        Phrase::DownloadBackupCodes,
        Phrase::BackupCodesCopied,
        Phrase::Print,
        Phrase::CopyNotAllowed,
        Phrase::DownloadFailed,
        Phrase::Unreachable,
        Phrase::Internal,
        Phrase::EnterYourNumber,
        Phrase::MobileNumber,
        Phrase::MobileNumberHint,
        Phrase::SendCode,
        Phrase::CodeSentTo,
        Phrase::SendAgain,
        Phrase::SendAgainIn,
        Phrase::CodeSentAgain,
        Phrase::TextMeACode,
        Phrase::CodeTexted,
        Phrase::AddPhoneNumber,
        Phrase::ChangePhoneNumber,
        Phrase::RemovePhoneNumber,
        Phrase::PhoneNumberIntro,
        Phrase::RemovePhoneNumberIntro,
        Phrase::Remove,
        Phrase::AddAuthenticator,
        Phrase::AddAuthenticatorIntro,
        Phrase::SavedQuestion,
        Phrase::SavedWhy,
        Phrase::BackToCodes,
        Phrase::YesSaved,
        Phrase::OtherApps,
        Phrase::Back,
    ];

    #[cfg(feature = "ssr")]
    fn in_language(self, locale: crate::i18n::Locale) -> String {
        use leptos_i18n::td_string;
        match self {
            Phrase::SwitchLabel => td_string!(locale, island.switch_label).to_string(),
            Phrase::On => td_string!(locale, island.on).to_string(),
            Phrase::Off => td_string!(locale, island.off).to_string(),
            Phrase::NeedsJavascript => td_string!(locale, island.needs_javascript).to_string(),
            Phrase::Method => td_string!(locale, island.method).to_string(),
            Phrase::AuthenticatorApp => td_string!(locale, island.authenticator_app).to_string(),
            Phrase::OnSince => td_string!(locale, island.on_since).to_string(),
            Phrase::BackupCodesLeft => td_string!(locale, island.backup_codes_left).to_string(),
            Phrase::FewBackupCodes => td_string!(locale, island.few_backup_codes).to_string(),
            Phrase::RegenerateBackupCodes => td_string!(locale, island.regenerate_backup_codes).to_string(),
            Phrase::SetUpAnotherSmartphone => {
                td_string!(locale, island.set_up_another_smartphone).to_string()
            }
            Phrase::TwoFactorAuthentication => {
                td_string!(locale, island.two_factor_authentication).to_string()
            }
            Phrase::Step => td_string!(locale, island.step).to_string(),
            Phrase::StepOf => td_string!(locale, island.step_of).to_string(),
            Phrase::ConfirmYourPassword => td_string!(locale, island.confirm_your_password).to_string(),
            Phrase::ChooseMethod => td_string!(locale, island.choose_method).to_string(),
            Phrase::ScanQrCode => td_string!(locale, island.scan_qr_code).to_string(),
            Phrase::EnterTheCode => td_string!(locale, island.enter_the_code).to_string(),
            Phrase::SaveYourBackupCodes => td_string!(locale, island.save_your_backup_codes).to_string(),
            Phrase::ConfirmItIsYou => td_string!(locale, island.confirm_it_is_you).to_string(),
            Phrase::Password => td_string!(locale, island.password).to_string(),
            Phrase::Cancel => td_string!(locale, island.cancel).to_string(),
            Phrase::Next => td_string!(locale, island.next).to_string(),
            Phrase::HowToConfirm => td_string!(locale, island.how_to_confirm).to_string(),
            Phrase::AuthenticatorAppRecommended => {
                td_string!(locale, island.authenticator_app_recommended).to_string()
            }
            Phrase::Sms => td_string!(locale, island.sms).to_string(),
            Phrase::SmsLessSafe => td_string!(locale, island.sms_less_safe).to_string(),
            Phrase::EnterSixDigitCode => td_string!(locale, island.enter_six_digit_code).to_string(),
            Phrase::Code => td_string!(locale, island.code).to_string(),
            Phrase::Verify => td_string!(locale, island.verify).to_string(),
            Phrase::TwoFactorIsOn => td_string!(locale, island.two_factor_is_on).to_string(),
            Phrase::CodeOrBackupCode => td_string!(locale, island.code_or_backup_code).to_string(),
            Phrase::RegenerateIntro => td_string!(locale, island.regenerate_intro).to_string(),
            Phrase::Regenerate => td_string!(locale, island.regenerate).to_string(),
            Phrase::AnotherIntro => td_string!(locale, island.another_intro).to_string(),
            Phrase::ShowKey => td_string!(locale, island.show_key).to_string(),
            Phrase::Done => td_string!(locale, island.done).to_string(),
            Phrase::TurnOffTitle => td_string!(locale, island.turn_off_title).to_string(),
            Phrase::TurnOffIntro => td_string!(locale, island.turn_off_intro).to_string(),
            Phrase::TurnOff => td_string!(locale, island.turn_off).to_string(),
            Phrase::NoteLabel => td_string!(locale, island.note_label).to_string(),
            Phrase::NoteLead => td_string!(locale, island.note_lead).to_string(),
            Phrase::NoteText => td_string!(locale, island.note_text).to_string(),
            Phrase::ScanInstructions => td_string!(locale, island.scan_instructions).to_string(),
            Phrase::QrAlternative => td_string!(locale, island.qr_alternative).to_string(),
            Phrase::EnterManually => td_string!(locale, island.enter_manually).to_string(),
            Phrase::AccountName => td_string!(locale, island.account_name).to_string(),
            Phrase::CopyAccountName => td_string!(locale, island.copy_account_name).to_string(),
            Phrase::AccountNameCopied => td_string!(locale, island.account_name_copied).to_string(),
            Phrase::Key => td_string!(locale, island.key).to_string(),
            Phrase::CopyKey => td_string!(locale, island.copy_key).to_string(),
            Phrase::KeyCopied => td_string!(locale, island.key_copied).to_string(),
            Phrase::Copy => td_string!(locale, island.copy).to_string(),
            Phrase::SaveCodesIntro => td_string!(locale, island.save_codes_intro).to_string(),
            Phrase::BackupCodes => td_string!(locale, island.backup_codes).to_string(),
            Phrase::DownloadBackupCodes => td_string!(locale, island.download_backup_codes).to_string(),
            Phrase::BackupCodesCopied => td_string!(locale, island.backup_codes_copied).to_string(),
            Phrase::Print => td_string!(locale, island.print).to_string(),
            Phrase::CopyNotAllowed => td_string!(locale, island.copy_not_allowed).to_string(),
            Phrase::DownloadFailed => td_string!(locale, island.download_failed).to_string(),
            // The same words as the server's own errors.
            Phrase::Unreachable => td_string!(locale, errors.unreachable).to_string(),
            Phrase::Internal => td_string!(locale, errors.internal).to_string(),
            Phrase::EnterYourNumber => td_string!(locale, island.enter_your_number).to_string(),
            Phrase::MobileNumber => td_string!(locale, island.mobile_number).to_string(),
            Phrase::MobileNumberHint => td_string!(locale, island.mobile_number_hint).to_string(),
            Phrase::SendCode => td_string!(locale, island.send_code).to_string(),
            Phrase::CodeSentTo => td_string!(locale, island.code_sent_to).to_string(),
            Phrase::SendAgain => td_string!(locale, island.send_again).to_string(),
            Phrase::SendAgainIn => td_string!(locale, island.send_again_in).to_string(),
            Phrase::CodeSentAgain => td_string!(locale, island.code_sent_again).to_string(),
            Phrase::TextMeACode => td_string!(locale, island.text_me_a_code).to_string(),
            Phrase::CodeTexted => td_string!(locale, island.code_texted).to_string(),
            Phrase::AddPhoneNumber => td_string!(locale, island.add_phone_number).to_string(),
            Phrase::ChangePhoneNumber => td_string!(locale, island.change_phone_number).to_string(),
            Phrase::RemovePhoneNumber => td_string!(locale, island.remove_phone_number).to_string(),
            Phrase::PhoneNumberIntro => td_string!(locale, island.phone_number_intro).to_string(),
            Phrase::RemovePhoneNumberIntro => {
                td_string!(locale, island.remove_phone_number_intro).to_string()
            }
            Phrase::Remove => td_string!(locale, island.remove).to_string(),
            Phrase::AddAuthenticator => td_string!(locale, island.add_authenticator).to_string(),
            Phrase::AddAuthenticatorIntro => td_string!(locale, island.add_authenticator_intro).to_string(),
            Phrase::SavedQuestion => td_string!(locale, island.saved_question).to_string(),
            Phrase::SavedWhy => td_string!(locale, island.saved_why).to_string(),
            Phrase::BackToCodes => td_string!(locale, island.back_to_codes).to_string(),
            Phrase::YesSaved => td_string!(locale, island.yes_saved).to_string(),
            Phrase::OtherApps => td_string!(locale, island.other_apps).to_string(),
            Phrase::Back => td_string!(locale, island.back).to_string(),
        }
    }
}

/// The island's words in one language, listed by `Phrase` number. A list, not a struct with a
/// field per phrase: decoding a list is one small function in the WASM, a struct's decoder would
/// carry every field's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IslandText(Vec<String>);

impl IslandText {
    /// The island's words in the language of the request being served.
    pub fn for_request() -> Self {
        #[cfg(feature = "ssr")]
        {
            Self::in_language(crate::i18n::current())
        }
        #[cfg(not(feature = "ssr"))]
        {
            Self::default()
        }
    }

    #[cfg(feature = "ssr")]
    pub fn in_language(locale: crate::i18n::Locale) -> Self {
        IslandText(Phrase::ALL.iter().map(|phrase| phrase.in_language(locale)).collect())
    }

    pub fn get(&self, phrase: Phrase) -> &str {
        self.0.get(phrase as usize).map_or("", String::as_str)
    }
}

thread_local! {
    /// The page's island words, once the island woke up in the browser. The modals, the calls and
    /// the clipboard read them here: they run in the browser alone, where there is one page.
    static BROWSER_TEXT: std::cell::Cell<&'static [String]> = const { std::cell::Cell::new(&[]) };
}

/// Keeps the island's words for the browser-side code (see `phrase`), for as long as the page
/// lives: they are kept once per page load (a few KB), and as `&'static str` they are the same
/// type in the views as the literals they replace, which keeps the WASM 1.3 KB (brotli) smaller
/// than owned strings did.
#[cfg(feature = "hydrate")]
pub fn keep_in_browser(text: IslandText) {
    BROWSER_TEXT.with(|kept| kept.set(Box::leak(text.0.into_boxed_slice())));
}

/// A phrase of the island, in the browser (modals, calls, clipboard), once the island woke up.
pub fn phrase(phrase: Phrase) -> &'static str {
    BROWSER_TEXT.with(|kept| kept.get().get(phrase as usize).map_or("", String::as_str))
}

/// "Step 2 of 5", in the island's language (both put the number after "step" and "of").
pub fn step_of(step: usize, total: usize) -> String {
    format!("{} {step} {} {total}", phrase(Phrase::Step), phrase(Phrase::StepOf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_is_listed_at_its_number() {
        for (index, phrase) in Phrase::ALL.iter().enumerate() {
            assert_eq!(*phrase as usize, index, "{phrase:?}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn both_languages_have_every_phrase() {
        use crate::i18n::Locale;
        let (en, nl) = (IslandText::in_language(Locale::en), IslandText::in_language(Locale::nl));
        assert_eq!(en.get(Phrase::Cancel), "Cancel");
        assert_eq!(nl.get(Phrase::Cancel), "Annuleren");
        assert_eq!((en.get(Phrase::Step), en.get(Phrase::StepOf)), ("Step", "of"));
        assert_eq!((nl.get(Phrase::Step), nl.get(Phrase::StepOf)), ("Stap", "van"));
        for phrase in Phrase::ALL {
            assert!(!en.get(phrase).is_empty() && !nl.get(phrase).is_empty(), "{phrase:?}");
        }
    }
}
