//! The executor of the tasks Leptos spawns while it renders a page on the server (a suspense
//! boundary's effect, a resource): tokio, with the reactive owners above each task held while
//! the task is polled.
//!
//! Why: such a task holds its own owner, and only weak links to the owners above it, which the
//! page holds. A browser that leaves drops the page on another thread, and a context lookup in
//! the task could then upgrade a link to the last of an owner above. The lookup drops it while it
//! still holds its own owner's read lock, and the owner's cleanup waits for that same lock's
//! write side: the worker thread hung for good (one of the two here), and the server never shut
//! down (reactive_graph 0.2.16 of leptos 0.8.23;
//! `operations::browsers_that_leave_the_security_page_early_…`). Held by the task while it is
//! polled, an owner above is dropped after the poll, outside every lookup. Held only while
//! polled, not for the task's life: an effect's task ends when its owner is cleaned up, which a
//! task that held the page's owners for its life would never see.
//!
//! A task whose owners above are gone, wholly or in part, is not polled again but dropped: its
//! page was dropped, so its work is for a browser that left, and without those owners it has lost
//! the request's context too (it logged "AppState is not provided" as an internal error). axum
//! drops a handler's future in the same way when its client goes away.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use leptos::reactive::owner::{Owner, WeakOwner};

/// Makes Leptos spawn its tasks through `OwnersHeldWhilePolled`. Once per process, before
/// leptos_axum's first handler sets plain tokio (which it does only when no executor is set).
pub fn install() {
    // Already set: by an earlier call (every test builds a router); there is no other setter
    // before the router is built.
    let _ = Executor::init_custom_executor(TokioKeepingOwners);
}

struct TokioKeepingOwners;

impl CustomExecutor for TokioKeepingOwners {
    fn spawn(&self, task: PinnedFuture<()>) {
        let current = Owner::current();
        let above = current.as_ref().map(Owner::downgrade);
        let depth = app::api::context::owners_up_from(current).len();
        tokio::spawn(OwnersHeldWhilePolled { above, depth, task });
    }

    fn spawn_local(&self, task: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(task);
    }

    fn poll_local(&self) {}
}

/// A task, a weak link to the owner that was current where it was spawned, and how many owners
/// were there from that one up.
struct OwnersHeldWhilePolled {
    above: Option<WeakOwner>,
    depth: usize,
    task: PinnedFuture<()>,
}

impl Future for OwnersHeldWhilePolled {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let held = app::api::context::owners_up_from(self.above.as_ref().and_then(WeakOwner::upgrade));
        if held.len() < self.depth {
            return Poll::Ready(());
        }
        let polled = self.task.as_mut().poll(cx);
        drop(held);
        polled
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use leptos::prelude::{provide_context, use_context};
    use leptos::reactive::computed::ScopedFuture;
    use leptos::reactive::owner::Owner;

    /// What the request's context is to a page: provided at its root owner.
    #[derive(Clone)]
    struct RequestContext;

    /// A task spawned under a page's owner, as a resource or a suspense boundary spawns one: it
    /// runs under an owner of its own, whose parent is the page's, and records whether the
    /// request's context reached it each time it was polled.
    fn spawn_under_a_page() -> (Owner, Arc<Mutex<Vec<bool>>>) {
        super::install();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let page = Owner::new();
        page.with(|| {
            provide_context(RequestContext);
            let part = Owner::new();
            part.with(|| {
                let seen = seen.clone();
                leptos::task::spawn(ScopedFuture::new(async move {
                    seen.lock().unwrap().push(use_context::<RequestContext>().is_some());
                }));
            });
        });
        (page, seen)
    }

    async fn let_tasks_run() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_task_of_a_page_being_rendered_runs_with_the_request_context() {
        let (page, seen) = spawn_under_a_page();
        let_tasks_run().await;
        assert_eq!(*seen.lock().unwrap(), [true]);
        drop(page);
    }

    /// A browser that leaves drops its page before a task spawned for it is polled (on the
    /// other worker thread, in the server). The task ran without the request's context and
    /// logged "AppState is not provided" as an internal error (CI, the test
    /// `operations::browsers_that_leave_the_security_page_early_…`); it is dropped instead.
    #[tokio::test(flavor = "current_thread")]
    async fn a_task_whose_page_was_dropped_is_never_polled_without_its_context() {
        let (page, seen) = spawn_under_a_page();
        drop(page);
        let_tasks_run().await;
        assert_eq!(*seen.lock().unwrap(), Vec::<bool>::new());
    }
}
