//! The login flows: sign up, log in, log out. Each takes the caller (address, clock, device).

use sqlx::AnyConnection;

use crate::account::{normalize_email, AuthLevel, Viewer, MAX_LOGIN_PASSWORD_CHARS};
use crate::backend::caller::Caller;
use crate::backend::crypto::passwords::{self, Share};
use crate::backend::ids::{LinkToken, SessionToken, UserId};
use crate::backend::mail::{notices, Notice};
use crate::backend::run_to_end::run_to_end;
use crate::backend::second_factor::{self, Entered};
use crate::backend::sessions::Session;
use crate::backend::store::{self, security_events};
use crate::backend::{account::address, second_factor::remembered, sessions, telemetry, throttle, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

/// A session just started: the token goes into the cookie, the viewer to the page. A login that
/// is complete also gives the browser its device cookie, or renews it.
pub struct StartedSession {
    pub token: SessionToken,
    pub viewer: Viewer,
    pub device_cookie: Option<String>,
    /// The token of the "remember this browser" cookie, when the browser is to be remembered.
    pub remember_token: Option<LinkToken>,
}

/// The second step of a login done: the new session, and for a backup code how many are left.
pub struct CompletedLogin {
    pub started: StartedSession,
    pub backup_codes_left: Option<u32>,
}

/// Creates an account and logs it in, ending the caller's previous session if any. Sign-ups are
/// limited per client address: each costs a password hash and says whether an email is taken.
pub async fn sign_up(
    state: &AppState,
    email: &str,
    password: &str,
    previous_token: Option<&SessionToken>,
    caller: &Caller,
) -> Result<StartedSession, AppError> {
    let email = normalize_email(email)?;
    // Counted before any costly work, which an anonymous caller gets a bounded share of.
    let scopes = caller.ip().map(throttle::sign_up_scopes).unwrap_or_default();
    throttle::begin_attempt(&state.db, &scopes, caller.now).await?;
    let (db, now) = (&state.db, caller.now);
    let checked = passwords::check_new(password.to_owned(), email.clone(), Share::Anonymous).await;
    throttle::refund_if_busy(db, &scopes, now, checked).await?;
    let hash = throttle::refund_if_busy(
        db,
        &scopes,
        now,
        passwords::hash(password.to_owned(), Share::Anonymous).await,
    )
    .await?;
    let level = AuthLevel::FullyAuthenticated;
    // The account, its first session and the confirmation mail together.
    let mut tx = state.db.begin().await?;
    let epoch = sessions::first_epoch();
    let user_id = store::users::insert(
        &mut *tx,
        &email,
        &hash,
        epoch,
        (caller.language, caller.time_zone.as_deref()),
        caller.now,
    )
    .await?;
    let token = sessions::start(&mut *tx, user_id, level, epoch, caller).await?;
    address::send_confirmation(&mut tx, &state.settings, user_id, &email, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "account created");
    if let Some(previous) = previous_token {
        sessions::end(&state.db, previous).await?;
    }
    let device_cookie = Some(caller.device_cookie_after_login(&state.settings.data_key, user_id, epoch));
    Ok(StartedSession {
        token,
        viewer: Viewer { email, level, email_confirmed: false },
        device_cookie,
        remember_token: None,
    })
}

/// Checks email and password and starts a new session; the previous one, if any, ends, so every
/// login gets a fresh session id. With 2FA on, the new session is only password-verified: it
/// reaches nothing but the code prompt. Wrong email and wrong password are one error, so the
/// answer does not tell whether an account exists. A browser remembered for the account (its
/// `remembered` token) skips the code prompt.
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    previous_token: Option<&SessionToken>,
    remembered_token: Option<&LinkToken>,
    caller: &Caller,
) -> Result<StartedSession, AppError> {
    // Checked to the end even if the browser goes away, so the attempt counts as what it was.
    let (state, email, password) = (state.clone(), email.to_owned(), password.to_owned());
    let (previous, remembered, caller) = (previous_token.cloned(), remembered_token.cloned(), caller.clone());
    run_to_end(async move {
        let started = check_password_and_start(
            &state,
            &email,
            &password,
            previous.as_ref(),
            remembered.as_ref(),
            &caller,
        )
        .await;
        telemetry::login(&started.as_ref().map(|s| s.viewer.level).map_err(Clone::clone));
        started
    })
    .await
}

async fn check_password_and_start(
    state: &AppState,
    email: &str,
    password: &str,
    previous_token: Option<&SessionToken>,
    remembered_token: Option<&LinkToken>,
    caller: &Caller,
) -> Result<StartedSession, AppError> {
    if password.chars().count() > MAX_LOGIN_PASSWORD_CHARS {
        return Err(AppError::InvalidCredentials);
    }
    let Ok(email) = normalize_email(email) else {
        return Err(AppError::InvalidCredentials);
    };
    let (db, now) = (&state.db, caller.now);
    // Whether 2FA is on and the epoch are read in one statement: should 2FA be turned on
    // between this reading and the session's insert, the session is of a past epoch.
    let account = store::users::find_by_email(db, &email).await?;
    // Counted by email, so that unknown and known addresses are throttled alike; a trusted
    // browser of the account is counted on its own.
    let scopes = throttle::password_scopes(&email, account.as_ref().map(|a| (a.id, a.auth_epoch)), caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let Some(account) = account else {
        throttle::refund_if_busy(
            db,
            &scopes,
            now,
            passwords::verify_against_nothing(password.to_owned()).await,
        )
        .await?;
        return Err(AppError::InvalidCredentials);
    };
    let checked = passwords::verify(password.to_owned(), account.password_hash.clone()).await;
    if !throttle::refund_if_busy(db, &scopes, now, checked).await? {
        tracing::info!(user_id = %account.id, "login refused: wrong password");
        return Err(AppError::InvalidCredentials);
    }
    let remembered = match remembered_token {
        Some(token) if account.two_factor_on() => {
            remembered::recognises(db, token, account.id, account.auth_epoch, now).await?
        }
        _ => false,
    };
    let level = if account.two_factor_on() && !remembered {
        AuthLevel::PasswordVerified
    } else {
        AuthLevel::FullyAuthenticated
    };
    // The new session, the end of the previous one and the counters given back, in one commit.
    // The insert comes first: on SQLite it takes the write lock that `succeeded_in` needs.
    let mut tx = db.begin().await?;
    let token = sessions::start(&mut *tx, account.id, level, account.auth_epoch, caller).await?;
    if let Some(previous) = previous_token {
        sessions::end(&mut *tx, previous).await?;
    }
    throttle::succeeded_in(&mut tx, &scopes, now).await?;
    if level == AuthLevel::FullyAuthenticated {
        keep_time_zone(&mut tx, account.id, caller).await?;
        security_events::record(&mut *tx, account.id, SecurityEventKind::Login, caller.ip(), now).await?;
        tell_if_new_browser(&mut tx, state, (account.id, account.created_at), caller).await?;
    }
    tx.commit().await?;
    tracing::info!(user_id = %account.id, ?level, remembered, "password accepted");
    if level == AuthLevel::PasswordVerified {
        if let Some(session) = sessions::find(db, &token, now).await? {
            second_factor::sms::send_after_password(state, &session, caller).await?;
        }
    }
    let device_cookie = level
        .reaches_webapp()
        .then(|| caller.device_cookie_after_login(&state.settings.data_key, account.id, account.auth_epoch));
    Ok(StartedSession {
        token,
        viewer: Viewer { email: account.email, level, email_confirmed: account.email_confirmed_at.is_some() },
        device_cookie,
        remember_token: None,
    })
}

/// The second step of a login with 2FA: a code from the app or a backup code turns the
/// password-verified session into a fully authenticated one, under a new session id and the
/// epoch the password step was checked under. With `remember`, the browser skips the code
/// prompt for 30 days (see `remembered`).
pub async fn complete_login(
    state: &AppState,
    session: &Session,
    proof: Entered<'_>,
    remember: bool,
    caller: &Caller,
) -> Result<CompletedLogin, AppError> {
    if session.level != AuthLevel::PasswordVerified {
        return Err(AppError::AlreadyLoggedIn);
    }
    let backup_codes_left = second_factor::consume(state, session, proof, caller).await?;
    let (db, now) = (&state.db, caller.now);
    let level = AuthLevel::FullyAuthenticated;
    let mut tx = db.begin().await?;
    sessions::end_by_id(&mut *tx, &session.id).await?;
    let token = sessions::start(&mut *tx, session.user_id, level, session.epoch, caller).await?;
    store::sessions::mark_factor_checked(&mut *tx, &token.id(), now).await?;
    keep_time_zone(&mut tx, session.user_id, caller).await?;
    security_events::record(&mut *tx, session.user_id, SecurityEventKind::Login, caller.ip(), now).await?;
    tell_if_new_browser(&mut tx, state, (session.user_id, session.account_created_at), caller).await?;
    let remember_token = match remember {
        true => Some(remembered::remember(&mut tx, session.user_id, session.epoch, caller).await?),
        false => None,
    };
    tx.commit().await?;
    tracing::info!(user_id = %session.user_id, remember, "logged in with a second factor");
    let viewer = Viewer { email: session.email.clone(), level, email_confirmed: session.email_confirmed };
    let device_cookie =
        Some(caller.device_cookie_after_login(&state.settings.data_key, session.user_id, session.epoch));
    Ok(CompletedLogin {
        started: StartedSession { token, viewer, device_cookie, remember_token },
        backup_codes_left,
    })
}

/// Keeps the zone of the browser that completed a login as the one the account's mails show
/// times in: only a login with every factor, so that a password alone changes nothing.
async fn keep_time_zone(tx: &mut AnyConnection, user_id: UserId, caller: &Caller) -> Result<(), AppError> {
    match caller.time_zone.as_deref() {
        Some(zone) => store::users::set_time_zone(tx, user_id, zone).await,
        None => Ok(()),
    }
}

/// Signs in with a passkey alone: a passkey that verified its user is the device and its PIN or
/// biometrics, two factors in one, so the new session is fully authenticated with no password
/// and no code. The previous session, if any, ends.
pub async fn sign_in_with_passkey(
    state: &AppState,
    challenge: &str,
    credential: &str,
    previous_token: Option<&SessionToken>,
    caller: &Caller,
) -> Result<StartedSession, AppError> {
    let user_id = second_factor::passkeys::sign_in(state, challenge, credential, caller).await?;
    let (db, now) = (&state.db, caller.now);
    let account = store::users::find_by_id(db, user_id).await?;
    if let Some(previous) = previous_token {
        sessions::end(db, previous).await?;
    }
    let level = AuthLevel::FullyAuthenticated;
    let mut tx = db.begin().await?;
    let token = sessions::start(&mut *tx, account.id, level, account.auth_epoch, caller).await?;
    store::sessions::mark_factor_checked(&mut *tx, &token.id(), now).await?;
    keep_time_zone(&mut tx, account.id, caller).await?;
    security_events::record(&mut *tx, account.id, SecurityEventKind::Login, caller.ip(), now).await?;
    tell_if_new_browser(&mut tx, state, (account.id, account.created_at), caller).await?;
    tx.commit().await?;
    telemetry::login(&Ok(level));
    tracing::info!(user_id = %account.id, "signed in with a passkey");
    let device_cookie =
        Some(caller.device_cookie_after_login(&state.settings.data_key, account.id, account.auth_epoch));
    Ok(StartedSession {
        token,
        viewer: Viewer { email: account.email, level, email_confirmed: account.email_confirmed_at.is_some() },
        device_cookie,
        remember_token: None,
    })
}

/// A completed login from a browser that holds no device cookie of the account (see `devices`)
/// is mailed to its holder.
async fn tell_if_new_browser(
    conn: &mut AnyConnection,
    state: &AppState,
    (user_id, created_at): (UserId, i64),
    caller: &Caller,
) -> Result<(), AppError> {
    if caller.knows_account(user_id, created_at) {
        return Ok(());
    }
    notices::notify(conn, &state.settings, user_id, Notice::NewBrowser, caller).await
}

pub async fn log_out(state: &AppState, token: Option<&SessionToken>) -> Result<(), AppError> {
    if let Some(token) = token {
        sessions::end(&state.db, token).await?;
    }
    Ok(())
}
