//! Who is logged in, as the UI knows it: the viewer and the actions that change it. Pages read
//! it from the context; it imports no page.

use leptos::prelude::*;

use crate::account::Viewer;
use crate::api::{current_viewer, LogIn, LogInWithBackupCode, LogInWithCode, LogOut, SignUp};
use crate::error::AppError;

#[derive(Clone, Copy)]
pub struct Auth {
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
    pub log_in: ServerAction<LogIn>,
    pub sign_up: ServerAction<SignUp>,
    pub log_out: ServerAction<LogOut>,
    pub log_in_code: ServerAction<LogInWithCode>,
    pub log_in_backup: ServerAction<LogInWithBackupCode>,
    /// Set after a login with a backup code: how many are left, for the banner in the shell.
    pub backup_codes_left: RwSignal<Option<u32>>,
}

impl Auth {
    pub fn new() -> Self {
        let log_in = ServerAction::<LogIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let log_out = ServerAction::<LogOut>::new();
        let log_in_code = ServerAction::<LogInWithCode>::new();
        let log_in_backup = ServerAction::<LogInWithBackupCode>::new();
        let backup_codes_left = RwSignal::new(None);
        // Reload the viewer only when a login step, sign-up or logout succeeded: a failed attempt
        // must leave the form (and what the user typed) in place. One effect per action, so each
        // reacts to its own outcome only.
        let changes = RwSignal::new(0u32);
        let reload = move || changes.update(|n| *n += 1);
        Effect::new(move |_| {
            if log_in.value().with(|v| matches!(v, Some(Ok(_)))) {
                reload();
            }
        });
        Effect::new(move |_| {
            if sign_up.value().with(|v| matches!(v, Some(Ok(_)))) {
                reload();
            }
        });
        Effect::new(move |_| {
            if log_in_code.value().with(|v| matches!(v, Some(Ok(_)))) {
                reload();
            }
        });
        Effect::new(move |_| {
            if let Some(Ok(login)) = log_in_backup.value().get() {
                backup_codes_left.set(Some(login.backup_codes_left));
                reload();
            }
        });
        Effect::new(move |_| {
            if log_out.value().with(|v| matches!(v, Some(Ok(_)))) {
                backup_codes_left.set(None);
                reload();
            }
        });
        let viewer = Resource::new(move || changes.get(), |_| current_viewer());
        Auth { viewer, log_in, sign_up, log_out, log_in_code, log_in_backup, backup_codes_left }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Self::new()
    }
}
