//! What runs besides requests, from the server's commands and timers: deleting what has expired
//! (`cleanup`) and sealing everything again under a new data key (`key_rotation`).

pub mod cleanup;
pub mod key_rotation;
