//! Texted codes: the number they go to (`number`), their words (`text`), and the one small
//! interface every way out implements (`TextSender`): a provider's HTTP API, or a folder for
//! the embedded default. The implementations live in the server, beside its configuration.

pub mod number;
pub mod text;

use std::future::Future;
use std::pin::Pin;

pub use number::MobileNumber;

/// One text to send: the number in E.164 and the words.
pub struct Text {
    pub to: MobileNumber,
    pub body: String,
}

impl std::fmt::Debug for Text {
    // The body holds a live code and the number is personal: neither reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text").field("to", &self.to.masked()).field("body", &"<redacted>").finish()
    }
}

/// Why a text did not go out, told apart for the log: each names the provider's own error code
/// where it gave one. The person sees one message for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// The provider will not deliver to this number: invalid, unroutable, not a mobile, or the
    /// holder opted out.
    NumberRefused { provider_code: String },
    /// The provider's rate limit.
    RateLimited { provider_code: String },
    /// The credentials were refused, or the provider account may not send (balance, sender).
    Misconfigured { provider_code: String },
    /// Down, timed out, or an answer that could not be read.
    Unavailable { detail: String },
}

impl std::fmt::Display for SendFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendFailure::NumberRefused { provider_code } => {
                write!(f, "number refused (provider code {provider_code})")
            }
            SendFailure::RateLimited { provider_code } => {
                write!(f, "rate limited (provider code {provider_code})")
            }
            SendFailure::Misconfigured { provider_code } => {
                write!(f, "credentials or provider account refused (provider code {provider_code})")
            }
            SendFailure::Unavailable { detail } => write!(f, "provider unavailable: {detail}"),
        }
    }
}

/// The future a send answers.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), SendFailure>> + Send + 'a>>;

/// A way out for texts.
pub trait TextSender: Send + Sync {
    /// Hands `text` to the provider; done once the provider accepted it.
    fn send<'a>(&'a self, text: &'a Text) -> Sending<'a>;
}
