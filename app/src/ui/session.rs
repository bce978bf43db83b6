//! Who is logged in, as the pages know it: the viewer and the server actions of the login
//! forms. Pages read it from the context; it imports no page.

use leptos::prelude::*;

use crate::account::Viewer;
use crate::api::{current_viewer, LogIn, LogInWithBackupCode, LogInWithCode, LogOut, SignUp};
use crate::error::AppError;

/// The forms are plain HTML forms that post to these server functions and are sent back with
/// a redirect (see `api::context::redirect_plain_form`): each page render is a fresh look at
/// the session, so nothing here needs to reload.
#[derive(Clone, Copy)]
pub struct Auth {
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
    pub log_in: ServerAction<LogIn>,
    pub sign_up: ServerAction<SignUp>,
    pub log_out: ServerAction<LogOut>,
    pub log_in_code: ServerAction<LogInWithCode>,
    pub log_in_backup: ServerAction<LogInWithBackupCode>,
}

impl Auth {
    pub fn new() -> Self {
        Auth {
            viewer: Resource::new(|| (), |_| current_viewer()),
            log_in: ServerAction::new(),
            sign_up: ServerAction::new(),
            log_out: ServerAction::new(),
            log_in_code: ServerAction::new(),
            log_in_backup: ServerAction::new(),
        }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Self::new()
    }
}
