#![recursion_limit = "256"]
//! The browser entry point: wakes the islands of a server-rendered page. Nothing else lives here.

// The islands' entry points are exported by `app`; nothing here names them, so the crate is
// linked in explicitly.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console while developing; a release build leaves the formatting
    // code out of the bundle (a panic there aborts with a plain "unreachable").
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
