//! The pages of a browser that sends no cookie but its language and time zone: a first visit, a
//! visitor logged out, a crawler, or a flood of anonymous requests, the cheapest load anyone can
//! put on the server. Without other cookies nothing on the login, sign-up and forgot-password
//! pages can differ but the language (there is no session, no form error, no notice, no typed
//! email to show, and these pages show no time), so each is answered from memory once two
//! renders in a row gave the same page (one odd render is never kept for good), with a fresh CSP
//! nonce every time, in the policy and in the page's scripts alike.
//! Rendering the login page cost about 247,000 instructions (callgrind); from memory it is a copy
//! of its bytes. At most `PAGES` × languages answers are kept, whatever the requests say.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::header::{CONTENT_LENGTH, CONTENT_SECURITY_POLICY, COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use rand::{rngs::OsRng, RngCore};

/// The pages whose cookie-less rendering depends on the language alone.
pub const PAGES: [&str; 3] = ["/", "/signup", "/forgot-password"];
/// A page larger than this is not kept (the login page is about 6 KB).
const LARGEST_KEPT: usize = 256 * 1024;

/// A page and the language it is in.
type Key = (&'static str, &'static str);

/// The first-visit pages of one router.
#[derive(Default)]
pub struct FirstVisitPages {
    pages: RwLock<HashMap<Key, Rendered>>,
}

/// A page's last render, and whether the one before it was the same.
enum Rendered {
    Once(Arc<KeptPage>),
    Kept(Arc<KeptPage>),
}

/// One rendered page: its headers, and its body and Content-Security-Policy each cut where the
/// nonce was, to be joined again around a fresh one.
#[derive(PartialEq)]
struct KeptPage {
    headers: HeaderMap,
    body: Vec<Bytes>,
    policy: (String, String),
}

/// The cookies these pages read for their language (which picks the kept page), or not at all.
const COOKIES_OF_EVERY_VISITOR: [&str; 2] = [app::i18n::LANGUAGE_COOKIE, app::dates::TIME_ZONE_COOKIE];

/// Which kept page may answer `request`: a GET of one of `PAGES`, with no query and no cookie but
/// those of every visitor.
pub fn key_of(request: &Request) -> Option<Key> {
    if request.method() != Method::GET
        || request.uri().query().is_some()
        || !only_cookies_of_every_visitor(request)
    {
        return None;
    }
    let page = PAGES.iter().find(|page| **page == request.uri().path())?;
    Some((page, app::i18n::code(app::i18n::of_request(request.headers()))))
}

/// Whether every cookie the request sends is one of `COOKIES_OF_EVERY_VISITOR`; a header that is
/// not text could hide any cookie, and is not.
fn only_cookies_of_every_visitor(request: &Request) -> bool {
    request.headers().get_all(COOKIE).iter().all(|header| {
        header.to_str().is_ok_and(|header| {
            header.split(';').map(str::trim).all(|pair| {
                let name = pair.split_once('=').map_or(pair, |(name, _)| name.trim());
                pair.is_empty() || COOKIES_OF_EVERY_VISITOR.contains(&name)
            })
        })
    })
}

impl FirstVisitPages {
    /// The page kept for `key`, or the one `render` makes, kept for next time when it can be.
    pub async fn answer(&self, key: Key, render: impl Future<Output = Response>) -> Response {
        let kept = match self.pages.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key) {
            Some(Rendered::Kept(kept)) => Some(kept.clone()),
            _ => None,
        };
        if let Some(kept) = kept {
            return kept.answer();
        }
        let response = render.await;
        if response.status() != StatusCode::OK || response.headers().contains_key(SET_COOKIE) {
            return response;
        }
        let (mut parts, body) = response.into_parts();
        // The page is the server's own, bounded by its code; only a small one is kept.
        let body = match to_bytes(body, usize::MAX).await {
            Ok(body) => body,
            Err(error) => {
                tracing::error!(%error, page = key.0, "rendering a first-visit page failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        parts.headers.remove(CONTENT_LENGTH);
        if let Some(page) = KeptPage::of(&parts.headers, &body).filter(|_| body.len() <= LARGEST_KEPT) {
            let mut pages = self.pages.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            let page = Arc::new(page);
            let agrees = matches!(pages.get(&key), Some(Rendered::Once(last)) if **last == *page);
            pages.insert(key, if agrees { Rendered::Kept(page) } else { Rendered::Once(page) });
        }
        Response::from_parts(parts, Body::from(body))
    }
}

impl KeptPage {
    /// Keeps a rendered page, unless its policy has no nonce to replace.
    fn of(headers: &HeaderMap, body: &Bytes) -> Option<KeptPage> {
        let policy = headers.get(CONTENT_SECURITY_POLICY)?.to_str().ok()?;
        let (before, rest) = policy.split_once("'nonce-")?;
        let (nonce, after) = rest.split_once('\'')?;
        if nonce.is_empty() {
            return None;
        }
        let mut headers = headers.clone();
        headers.remove(CONTENT_SECURITY_POLICY);
        Some(KeptPage {
            headers,
            body: cut_at(body, nonce.as_bytes()),
            policy: (format!("{before}'nonce-"), format!("'{after}")),
        })
    }

    fn answer(&self) -> Response {
        let nonce = fresh_nonce();
        let policy = format!("{}{nonce}{}", self.policy.0, self.policy.1);
        let mut response = Response::new(Body::from(self.body.join(nonce.as_bytes())));
        *response.headers_mut() = self.headers.clone();
        match HeaderValue::from_str(&policy) {
            Ok(policy) => {
                response.headers_mut().insert(CONTENT_SECURITY_POLICY, policy);
            }
            // Cannot happen (the policy came from a header value, the nonce is base64); without
            // it the page would get the default policy, which loads nothing.
            Err(error) => tracing::error!(%error, "a first-visit page's policy"),
        }
        response
    }
}

/// `body` cut at every occurrence of `nonce`, without it.
fn cut_at(body: &Bytes, nonce: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at + nonce.len() <= body.len() {
        if &body[at..at + nonce.len()] == nonce {
            pieces.push(body.slice(start..at));
            at += nonce.len();
            start = at;
        } else {
            at += 1;
        }
    }
    pieces.push(body.slice(start..));
    pieces
}

/// 128 bits from the OS, as a CSP nonce, in the form Leptos gives its own (base64url).
fn fresh_nonce() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A rendered page with the nonce `nonce` in its policy and its script, and `text`.
    fn rendered(nonce: &str, text: &str) -> Response {
        let mut response =
            Response::new(Body::from(format!("<p>{text}</p><script nonce=\"{nonce}\">x</script>")));
        let policy = format!("script-src 'self' 'nonce-{nonce}'");
        response.headers_mut().insert(CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).unwrap());
        response
    }

    async fn text_of(response: Response) -> String {
        String::from_utf8(to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_page_is_answered_from_memory_once_two_renders_in_a_row_agree() {
        let pages = FirstVisitPages::default();
        let key = ("/", "en");
        let renders = AtomicUsize::new(0);
        let renders = &renders;
        let render = |nonce: &'static str, text: &'static str| async move {
            renders.fetch_add(1, Ordering::SeqCst);
            rendered(nonce, text)
        };
        // An odd render, then two alike (each with its own nonce): kept from then on.
        for (nonce, text) in [("n1", "odd"), ("n2", "page"), ("n3", "page")] {
            let answer = text_of(pages.answer(key, render(nonce, text)).await).await;
            assert!(answer.contains(text) && answer.contains(nonce), "{answer}");
        }
        let from_memory = pages.answer(key, render("n4", "never rendered")).await;
        let policy = from_memory.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        let answer = text_of(from_memory).await;
        assert_eq!(renders.load(Ordering::SeqCst), 3, "rendered again once kept");
        assert!(answer.starts_with("<p>page</p>"), "{answer}");
        let nonce = policy.split("'nonce-").nth(1).unwrap().trim_end_matches('\'');
        assert!(nonce.len() >= 22 && !["n2", "n3"].contains(&nonce), "{policy}");
        assert!(answer.contains(&format!("nonce=\"{nonce}\"")), "{answer}");
    }

    #[test]
    fn a_body_cut_at_its_nonce_joins_again_around_another() {
        let body = Bytes::from_static(b"<script nonce=\"N0nce\"></script><p>N0nce</p>N0nc");
        let pieces = cut_at(&body, b"N0nce");
        let joined: Vec<u8> = pieces.join(&b"fresh"[..]);
        assert_eq!(joined, b"<script nonce=\"fresh\"></script><p>fresh</p>N0nc".to_vec());
        assert_eq!(cut_at(&Bytes::from_static(b"no nonce here"), b"N0nce").len(), 1);
    }
}
