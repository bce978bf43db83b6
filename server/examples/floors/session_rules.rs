//! The database of the session-rules floors (bare_axum.rs, bare_leptos.rs): the WebApp's own,
//! made by its migrations and holding one account and one fully authenticated session, read with
//! the session check's own query (`store::sessions::find_viewer`: the session joined with its
//! account, and whether the account moved to a new epoch or confirmed its address).

use app::backend::ids::SessionId;
use sqlx::AnyPool;

#[derive(Clone)]
pub struct SessionRules {
    pub pool: AnyPool,
    pub id: SessionId,
}

/// The WebApp's database (its migrations, its pool) in `folder`, with one account and one
/// fully authenticated session.
pub async fn session_rules(folder: &std::path::Path) -> Result<SessionRules, Box<dyn std::error::Error>> {
    use app::backend::{sessions, store};
    let url = format!("sqlite://{}/webapp.db?mode=rwc", folder.display());
    let pool = server::storage::connect(&url, 10).await?;
    let epoch = sessions::first_epoch();
    let locale = (app::i18n::Locale::en, None);
    let user = store::users::insert(&pool, "floor@example.org", "not a hash", epoch, locale, 0).await?;
    let id = app::backend::ids::SessionToken::generate().id();
    store::sessions::insert(&pool, &id, user, 2, epoch, (None, None), 0).await?;
    Ok(SessionRules { pool, id })
}

/// Reads the session once: whether it was found.
pub async fn read_the_session(rules: &SessionRules) -> Result<bool, app::error::AppError> {
    Ok(app::backend::store::sessions::find_viewer(&rules.pool, &rules.id).await?.is_some())
}
