//! Gives server-function errors their HTTP status and a readable message.
//!
//! server_fn answers every error with 500. Here the body (an `AppError` in JSON) decides the
//! status instead, so malformed arguments are a 400, a missing login a 401, and so on; and a
//! `message` field is added, in the request's language, for API clients such as curl and for the
//! island, which shows it as it is.

use axum::body::{to_bytes, Body};
use axum::response::Response;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION, RETRY_AFTER, SET_COOKIE};
use http::{HeaderValue, StatusCode};

use app::i18n::Locale;
use app::AppError;

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn status_from_error_body(response: Response, locale: Locale) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let error = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => serde_json::from_slice::<AppError>(&bytes).unwrap_or(AppError::Internal),
        Err(_) => AppError::Internal,
    };
    parts.headers.remove(CONTENT_LENGTH);
    let (rebuilt, body) = error_response(&error, locale).into_parts();
    parts.status = rebuilt.status;
    parts.headers.extend(rebuilt.headers);
    Response::from_parts(parts, body)
}

/// A plain form (no JavaScript) that a server function refused is sent back to its page with the
/// error in the URL (`__path`, `__err`), where any link could put one of its own. The error goes
/// into a cookie of one minute instead, set with this answer for this browser alone, and the page
/// reads it from there (`api::context::take_form_error`).
pub fn bind_plain_form_error(mut response: Response, secure_cookies: bool) -> Response {
    if !response.status().is_redirection() {
        return response;
    }
    let Some(location) = response.headers().get(LOCATION).and_then(|l| l.to_str().ok()) else {
        return response;
    };
    let Some((page, query)) = location.split_once('?') else { return response };
    let (mut path, mut error, mut kept) = (None, None, Vec::new());
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "__path" => path = Some(value.into_owned()),
            "__err" => error = Some(value.into_owned()),
            _ => kept.push((name.into_owned(), value.into_owned())),
        }
    }
    let (Some(path), Some(error)) = (path, error) else { return response };
    let mut location = page.to_owned();
    if !kept.is_empty() {
        location.push('?');
        location.push_str(&url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish());
    }
    let cookie = app::api::context::form_error_cookie(secure_cookies, &path, &error);
    if let (Ok(location), Ok(cookie)) = (HeaderValue::from_str(&location), HeaderValue::from_str(&cookie)) {
        response.headers_mut().insert(LOCATION, location);
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// An error as the API answers it: its status, and its JSON with a `message` in `locale` added.
pub fn error_response(error: &AppError, locale: Locale) -> Response {
    let mut json = serde_json::to_value(error).unwrap_or_default();
    json["message"] = error.message(locale).into();
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Body::from(json.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let AppError::TooManyAttempts { retry_after_secs }
    | AppError::ServerBusy { retry_after_secs }
    | AppError::DatabaseUnavailable { retry_after_secs } = error
    {
        if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
    }
    response
}
