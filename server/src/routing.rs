//! The axum router: pages, server functions, static files, and the layers around them.

use std::convert::Infallible;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use tracing::Instrument;

use axum::extract::{DefaultBodyLimit, Request};
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower::{ServiceBuilder, ServiceExt};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;

use app::backend::AppState;
use app::{shell, App};

use crate::first_visit::{self, FirstVisitPages};
use crate::health::Draining;
use crate::{
    api_errors, caching, cross_site, health, metrics, openapi, request_id, security_headers, session_check,
};

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

/// What every request goes through, once, around the router (`EveryRequest`): server-function
/// calls from other sites are refused, a server function's error gets its HTTP status, and every
/// answer gets its cache policy and security headers. Shared behind one `Arc`: it is cloned for
/// every request, and a clone of each of its parts, counted up and down again by both cores,
/// cost a session check more than its own SHA-256 (perf).
struct RequestPolicy {
    schemes: &'static [&'static str],
    secure: bool,
    pkg_prefix: String,
    immutable: caching::ImmutablePaths,
    trusted_proxies: Vec<std::net::IpAddr>,
    request_times: metrics::RequestTimes,
    first_visits: FirstVisitPages,
    /// For the session checks answered here (`session_check`).
    state: AppState,
}

/// Also: every log line of the request carries its id (a span at error level, so that it is on
/// whatever level is logged), the answer carries it in `X-Request-Id`, and the time to the
/// answer's head is measured per route.
async fn around_every_request(policy: Arc<RequestPolicy>, mut request: Request, routes: Router) -> Response {
    let started = Instant::now();
    let id = request_id::of(&request, &policy.trusted_proxies);
    let request_time = policy.request_times.of(request.uri().path());
    let cache = caching::policy_for(&policy.pkg_prefix, &policy.immutable, request.uri().path());
    let span = tracing::error_span!("request", id = %id.to_str().unwrap_or_default());
    let mut response = async {
        match cross_site::refusal(policy.schemes, &request) {
            Some(refusal) => {
                metrics::cross_site_refused();
                refusal
            }
            // A session check's answer has its status already and never redirects.
            None if session_check::takes(&request) => {
                session_check::answer(&policy.state, request.headers()).await
            }
            None => {
                let locale = app::i18n::of_request(request.headers());
                request.extensions_mut().insert(app::api::context::MemosOfRequest::default());
                let answer = match first_visit::key_of(&request) {
                    Some(page) => policy.first_visits.answer(page, answer(routes, request)).await,
                    None => answer(routes, request).await,
                };
                let answer = api_errors::status_from_error_body(answer, locale).await;
                api_errors::bind_plain_form_error(answer, policy.secure)
            }
        }
    }
    .instrument(span)
    .await;
    // Room for the headers added below at once, rather than the map growing twice on the way.
    response.headers_mut().reserve(security_headers::COUNT + 2);
    caching::apply(cache, &mut response);
    security_headers::add_missing(response.headers_mut(), policy.secure);
    response.headers_mut().insert(request_id::HEADER, id);
    request_time.record(started.elapsed().as_secs_f64());
    response
}

/// The router's answer (it never fails: its error type is `Infallible`).
async fn answer(routes: Router, request: Request) -> Response {
    match routes.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The WebApp's routes behind `around_every_request`: a service of its own rather than axum's
/// `from_fn`, which boxes the rest of the stack anew for every request (and its every answer's
/// future), where this calls the router directly.
#[derive(Clone)]
struct EveryRequest {
    policy: Arc<RequestPolicy>,
    routes: Router,
}

impl tower::Service<Request> for EveryRequest {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        // A router is always ready.
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let (policy, routes) = (self.policy.clone(), self.routes.clone());
        Box::pin(async move { Ok(around_every_request(policy, request, routes).await) })
    }
}

/// The site's files (the bundle, the scripts, the icon) as they are on disk, precompressed where
/// a copy is; every other path is the not-found page. Not leptos_axum's
/// `file_and_error_handler`: it looked a file's response options up below whatever reactive
/// owner its worker thread had last made current, which could be a page still rendering there,
/// and answered the file with that page's headers, taking them from the page (its policy, its
/// cookies): `browser_security::a_file_served_beside_rendering_pages_takes_none_of_their_headers`.
fn site_files(
    options: &LeptosOptions,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> ServeDir<impl tower::Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone> {
    let not_found = leptos_axum::render_app_to_stream_with_context(context, {
        let options = options.clone();
        move || shell(options.clone())
    });
    ServeDir::new(&*options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(tower::service_fn(move |request: Request| {
            let answer = not_found(request);
            async move { Ok::<_, Infallible>(answer.await) }
        }))
}

/// `/metrics` alone.
pub fn metrics_router(db: sqlx::AnyPool) -> Router {
    metrics::recorder();
    Router::new().route("/metrics", get(metrics::scrape)).with_state(db)
}

/// The WebApp with `/metrics` beside it, as the tests drive it.
pub fn router(state: AppState, options: LeptosOptions) -> Router {
    serving(state, options, true, Draining::default())
}

/// The WebApp as an instance serves it: `/metrics` beside it or not (`--metrics-addr`), and
/// `/readyz` answering 503 once `draining` is on.
pub fn serving(state: AppState, options: LeptosOptions, with_metrics: bool, draining: Draining) -> Router {
    crate::leptos_tasks::install();
    metrics::recorder();
    let secure = state.settings.secure_cookies;
    let policy = Arc::new(RequestPolicy {
        schemes: if secure { cross_site::HTTPS } else { cross_site::HTTP_OR_HTTPS },
        secure,
        pkg_prefix: format!("/{}/", options.site_pkg_dir),
        immutable: caching::ImmutablePaths::of_bundle(app::ui::bundle::files(&options)),
        trusted_proxies: state.settings.trusted_proxies.clone(),
        request_times: metrics::RequestTimes::new(
            leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path),
        ),
        first_visits: FirstVisitPages::default(),
        state: state.clone(),
    });
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
        .fallback_service(site_files(&options, context))
        .with_state(options.clone());
    let mut operations = Router::new()
        .route("/healthz", get(health::live))
        // Told of the drain by an extension of its own route: a layer around the whole router
        // cost every request 2% of its instructions (callgrind).
        .route("/readyz", get(health::ready).layer(Extension(draining)))
        .route("/api/openapi.json", get(openapi::serve));
    if with_metrics {
        operations = operations.route("/metrics", get(metrics::scrape));
    }
    let routes = pages_and_calls.merge(operations.with_state(state.db.clone()));
    // Around the whole router, once, and no layer on a route: `Router::layer` wraps each route
    // in every layer instead, and axum clones a route for every request, so each request cloned
    // every layer, each behind a box of its own, and the Leptos options the routes hold (29
    // copies of them once, callgrind; perf).
    let layered = ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .map_request(|request: http::Request<_>| request.map(axum::body::Body::new))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY))
        .service(EveryRequest { policy, routes });
    Router::new().fallback_service(layered)
}
