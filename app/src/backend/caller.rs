//! Who is calling, as the domain layer needs it: built once per request.

use super::crypto::devices::{self, Device};
use super::crypto::sealing::DataKey;
use super::ids::{AuthEpoch, UserId};
use crate::i18n::Locale;

#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The client's address, when known (see `context::client_ip`).
    pub ip: Option<String>,
    /// Seconds since the Unix epoch: the clock every time-dependent rule takes.
    pub now: i64,
    /// The device cookies the browser sent whose signature holds (normally one).
    pub devices: Vec<Device>,
    /// The browser's `User-Agent`, shortened, for the mails that say which browser it was.
    pub user_agent: Option<String>,
    /// The language of the request (see `i18n::of_request`): an account signed up in it gets
    /// its mails in it.
    pub language: Locale,
    /// The IANA time zone the browser told (the `tz` cookie, when a zone we know): a login or
    /// sign-up keeps it for the account's mails.
    pub time_zone: Option<String>,
}

impl Caller {
    /// An anonymous caller at `now`: no address, no device.
    pub fn at(now: i64) -> Self {
        Caller { now, ..Caller::default() }
    }

    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }

    /// The caller's device, when it is a trusted browser of `user_id` at the account's epoch
    /// `epoch` (see `devices`).
    pub fn trusted_device(&self, user_id: UserId, epoch: AuthEpoch) -> Option<&Device> {
        self.devices.iter().find(|d| d.trusted_for(user_id.0, epoch.0, self.now))
    }

    /// Whether this browser completed a login to the account `user_id`, made at `created_at`,
    /// before (it holds a device cookie of the account, of any epoch). A cookie issued before
    /// the account existed is of a closed account whose id was given again.
    pub fn knows_account(&self, user_id: UserId, created_at: i64) -> bool {
        self.devices.iter().any(|d| d.user_id == user_id.0 && d.issued_at >= created_at)
    }

    /// The device cookie this caller, who just completed a login to `user_id` at `epoch`, gets:
    /// its trusted one renewed, or a new one.
    pub fn device_cookie_after_login(&self, key: &DataKey, user_id: UserId, epoch: AuthEpoch) -> String {
        let known = self.devices.iter().find(|d| d.user_id == user_id.0);
        devices::issue(key, user_id.0, epoch.0, self.now, known)
    }
}
