//! The file names of the browser bundle (stylesheet, JS, WASM). Built with `hash-files`,
//! cargo-leptos puts a hash of each file's content into its name and writes the hashes to a
//! file beside the server binary: a name then never changes meaning, so browsers may keep the
//! file for good, and a new deployment is loaded at once under its new names.

use std::path::PathBuf;
use std::sync::OnceLock;

use leptos::config::LeptosOptions;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFiles {
    /// Paths as served, e.g. `/pkg/webapp.Xyz.css`.
    pub css: String,
    pub js: String,
    pub wasm: String,
    /// Whether the names carry content hashes.
    pub hashed: bool,
}

/// Where cargo-leptos writes the hashes: `hash.txt` (or `LEPTOS_HASH_FILE_NAME`) beside the binary.
pub fn hash_file_path(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// The bundle's names, read once per process (each page links the stylesheet).
pub fn files(options: &LeptosOptions) -> &'static BundleFiles {
    static FILES: OnceLock<BundleFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let hashes = options
            .hash_files
            .then(|| hash_file_path(options))
            .flatten()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        names(options, &hashes)
    })
}

/// The names for the hash file's content (`kind: hash` lines; empty when not hashed).
fn names(options: &LeptosOptions, hashes: &str) -> BundleFiles {
    let hash_of = |kind: &str| {
        hashes
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(k, _)| k.trim() == kind)
            .map(|(_, h)| h.trim())
    };
    let name = &options.output_name;
    let pkg = &options.site_pkg_dir;
    match (hash_of("css"), hash_of("js"), hash_of("wasm")) {
        (Some(css), Some(js), Some(wasm)) => BundleFiles {
            css: format!("/{pkg}/{name}.{css}.css"),
            js: format!("/{pkg}/{name}.{js}.js"),
            wasm: format!("/{pkg}/{name}.{wasm}.wasm"),
            hashed: true,
        },
        _ => BundleFiles {
            css: format!("/{pkg}/{name}.css"),
            js: format!("/{pkg}/{name}.js"),
            wasm: format!("/{pkg}/{name}.wasm"),
            hashed: false,
        },
    }
}

pub fn stylesheet_href(options: &LeptosOptions) -> String {
    files(options).css.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> LeptosOptions {
        LeptosOptions::builder().output_name("webapp").site_pkg_dir("pkg").build()
    }

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let files = names(&options(), "js: aB3_x\nwasm: Zz9\ncss: Q-1\n");
        assert_eq!(files.css, "/pkg/webapp.Q-1.css");
        assert_eq!(files.js, "/pkg/webapp.aB3_x.js");
        assert_eq!(files.wasm, "/pkg/webapp.Zz9.wasm");
        assert!(files.hashed);
    }

    #[test]
    fn without_a_complete_hash_file_the_names_are_plain() {
        let files = names(&options(), "js: aB3_x\n");
        assert_eq!(files.css, "/pkg/webapp.css");
        assert!(!files.hashed);
    }
}
