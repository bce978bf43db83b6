//! Who is calling, as the domain layer needs it: built once per request.

use super::devices::Device;

#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The client's address, when known (see `context::client_ip`).
    pub ip: Option<String>,
    /// Seconds since the Unix epoch: the clock every time-dependent rule takes.
    pub now: i64,
    /// The device cookie the browser sent, when its signature holds.
    pub device: Option<Device>,
}

impl Caller {
    /// An anonymous caller at `now`: no address, no device.
    pub fn at(now: i64) -> Self {
        Caller { now, ..Caller::default() }
    }

    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }

    /// The caller's device, when it is a trusted browser of `user_id`.
    pub fn device_of(&self, user_id: i64) -> Option<&Device> {
        self.device.as_ref().filter(|d| d.user_id == user_id)
    }
}
