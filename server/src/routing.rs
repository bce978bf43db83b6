//! The axum router: pages, server functions, static files, and the layers around them.

use std::sync::{Arc, LazyLock};

use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};
use http::header::{self, HeaderValue};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use app::backend::AppState;
use app::{shell, App};

use crate::{api_errors, caching, cross_site};

/// Largest request body accepted: the biggest legitimate one (a 1024-character password) is far
/// smaller.
pub const MAX_REQUEST_BODY: usize = 16 * 1024;

/// The WebApp's routes, generated once per process. Generating them renders the App, and a
/// render of the route list that overlaps a page render elsewhere in the process can stall that
/// page's stream for good (seen with leptos 0.8.23: 54 of 160 pages rendered during repeated
/// generation never finished). Routers built later, as every test builds its own, reuse this list.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// HSTS for two years once the WebApp is served over HTTPS (`--secure-cookies`): the browser
/// never again tries plain HTTP for this host, where a network attacker could answer.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

pub fn router(state: AppState, options: LeptosOptions) -> Router {
    let secure = state.settings.secure_cookies;
    let schemes = if secure { cross_site::HTTPS } else { cross_site::HTTP_OR_HTTPS };
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || app::api::context::provide_request_context(state.clone())
    };
    let pages_and_calls = Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(options.clone());
    // The layers go around the whole router, not around each of its routes: axum clones a
    // route's layered service for every request, and each `from_fn` layer clones what it wraps
    // again, which made 29 copies of the Leptos options per request (callgrind). Around one
    // router, what they clone is a pointer.
    Router::new()
        .fallback_service(pages_and_calls)
        .layer(middleware::from_fn(api_errors::status_from_error_body))
        .layer(middleware::from_fn(move |request, next| {
            cross_site::refuse_cross_site_calls(schemes, request, next)
        }))
        .layer(middleware::from_fn({
            let pkg_prefix: Arc<str> = format!("/{}/", options.site_pkg_dir).into();
            let immutable = Arc::new(caching::ImmutablePaths::of_bundle(app::ui::bundle::files(&options)));
            move |request, next| {
                let pkg_prefix = pkg_prefix.clone();
                let immutable = immutable.clone();
                async move { caching::set_cache_policy(&pkg_prefix, &immutable, request, next).await }
            }
        }))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Other sites learn nothing of our URLs; our own pages send theirs, so that a form posted
        // without JavaScript carries its Origin and Referer (to pass the cross-site check, and to
        // be sent back to its page with the answer).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Pages set their own policy, with the nonce of their scripts (see `app::shell`);
        // everything else may load nothing and be framed by no one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            secure.then_some(HeaderValue::from_static(HSTS)),
        ))
}
