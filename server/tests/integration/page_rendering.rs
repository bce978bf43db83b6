//! Every page finishes rendering: its stream ends, whatever else the process is doing.

use std::sync::Arc;
use std::time::Duration;

use crate::common::TestApp;

const PAGES: [&str; 3] = ["/", "/settings", "/settings/security"];

/// A page whose stream has not ended after this long has stalled for good.
const STALLED: Duration = Duration::from_secs(10);

/// Renders `PAGES` 4 at a time, `rounds` times over, while `meanwhile` runs on a blocking thread;
/// returns how many renders stalled.
async fn stalled_renders(
    app: &Arc<TestApp>,
    cookie: &str,
    rounds: usize,
    meanwhile: impl Fn() + Send + Sync + 'static,
) -> usize {
    let meanwhile = Arc::new(meanwhile);
    let mut stalled = 0;
    for _ in 0..rounds {
        let background = tokio::task::spawn_blocking({
            let meanwhile = meanwhile.clone();
            move || meanwhile()
        });
        let renders: Vec<_> = (0..4)
            .map(|i| {
                let app = app.clone();
                let cookie = cookie.to_owned();
                tokio::spawn(async move {
                    let page = app.get_page(PAGES[i % PAGES.len()], (i % 2 == 0).then_some(cookie.as_str()));
                    tokio::time::timeout(STALLED, page).await.is_ok()
                })
            })
            .collect();
        for render in renders {
            if !render.await.unwrap() {
                stalled += 1;
            }
        }
        background.await.unwrap();
    }
    stalled
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_rendered_in_parallel_all_finish() {
    let app = Arc::new(TestApp::new().await);
    let cookie = app.sign_up("ada@example.org").await;
    assert_eq!(stalled_renders(&app, &cookie, 40, || ()).await, 0);
}

/// Building a router used to render the App to list its routes; a page rendering meanwhile could
/// stall for good. Every test builds its own router while others render, so this guards them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_routers_does_not_stall_pages_being_rendered() {
    let app = Arc::new(TestApp::new().await);
    let cookie = app.sign_up("ada@example.org").await;
    let (state, options) = (app.state.clone(), server::leptos_options(&app.config));
    let build_routers = move || {
        for _ in 0..3 {
            let _ = server::routing::router(state.clone(), options.clone());
        }
    };
    assert_eq!(stalled_renders(&app, &cookie, 20, build_routers).await, 0);
}

/// Issue 28: each page has its own title in the tab, and the site an icon.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_names_itself_in_the_title_and_links_the_icon() {
    let app = TestApp::new().await;
    for (path, title) in [
        ("/", "WebApp"),
        ("/signup", "Create account – WebApp"),
        ("/forgot-password", "Forgot password – WebApp"),
        ("/settings/security", "Security – WebApp"),
        ("/admin", "Administration – WebApp"),
    ] {
        let page = app.get_page(path, None).await;
        assert!(page.body.contains(&format!("<title>{title}</title>")), "{path}: {}", &page.body[..400]);
        assert!(page.body.contains(r#"<link rel="icon" href="/favicon.svg""#), "{path}");
    }
    let page = app.get_page("/settings", Some("lang=nl")).await;
    assert!(page.body.contains("<title>Instellingen – WebApp</title>"), "{}", &page.body[..400]);
}
