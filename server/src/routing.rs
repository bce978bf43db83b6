//! The axum router: pages, server functions, static files, and the layers around them.

use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};
use http::header::{self, HeaderValue};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use app::backend::AppState;
use app::{shell, App};

use crate::{api_errors, cross_site};

/// Largest request body accepted: the biggest legitimate one (a 1024-character password) is far
/// smaller.
pub const MAX_REQUEST_BODY: usize = 16 * 1024;

pub fn router(state: AppState, options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .layer(middleware::from_fn(api_errors::status_from_error_body))
        .layer(middleware::from_fn(cross_site::refuse_cross_site_calls))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Pages set their own policy, with the nonce of their scripts (see `app::shell`);
        // everything else may load nothing and be framed by no one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        ))
        .with_state(options)
}
