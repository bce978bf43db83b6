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
        let above = Owner::current().map(|owner| owner.downgrade());
        tokio::spawn(OwnersHeldWhilePolled { above, task });
    }

    fn spawn_local(&self, task: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(task);
    }

    fn poll_local(&self) {}
}

/// A task and a weak link to the owner that was current where it was spawned.
struct OwnersHeldWhilePolled {
    above: Option<WeakOwner>,
    task: PinnedFuture<()>,
}

impl Future for OwnersHeldWhilePolled {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let held = app::api::context::owners_up_from(self.above.as_ref().and_then(WeakOwner::upgrade));
        let polled = self.task.as_mut().poll(cx);
        drop(held);
        polled
    }
}
