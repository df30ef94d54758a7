//! How a generated crate reaches `apigen-runtime`, the support code it is built on (the `runtime/` crate of this
//! repository): as a dependency (a path, a git repository or a registry version), or vendored, its sources copied
//! into the generated crate as the module `rt`.
//!
//! Generated code names the runtime only as `super::rt::...`; the generated `lib.rs` binds `rt` either to the
//! dependency (`pub use ::apigen_runtime as rt;`) or to the copied module (`pub mod rt;`), so every mode emits the
//! same code and only `lib.rs` and `Cargo.toml` differ.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The runtime's version, which is always the generator's own (both are versioned together).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The runtime's package name.
pub const PACKAGE: &str = "apigen-runtime";

/// Where a generated crate gets the runtime from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Runtime {
    /// A path dependency; the path is written into the generated `Cargo.toml` as it is here (see
    /// [`Runtime::relative_to`] for making a path given on the command line relative to the generated crate).
    Path(String),
    /// A git dependency, optionally at a `rev`, `tag` or `branch`.
    Git {
        /// The repository's URL.
        url: String,
        /// `("rev" | "tag" | "branch", value)`; `None` follows the default branch.
        reference: Option<(GitRef, String)>,
    },
    /// A registry dependency with a version requirement, from crates.io or a named registry.
    Registry {
        /// The requirement, e.g. `=0.1.0` (the default: exactly the generator's version).
        version: String,
        /// The registry's name as configured in `.cargo/config.toml`; `None` is crates.io.
        registry: Option<String>,
    },
    /// The runtime's sources copied into the generated crate as `src/rt/` (tests left out); the generated
    /// `Cargo.toml` then lists the runtime's own dependencies. Needs nothing but crates.io.
    #[default]
    Vendored,
}

/// Which git reference a [`Runtime::Git`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitRef {
    /// A commit.
    Rev,
    /// A tag.
    Tag,
    /// A branch.
    Branch,
}

impl GitRef {
    fn key(self) -> &'static str {
        match self {
            GitRef::Rev => "rev",
            GitRef::Tag => "tag",
            GitRef::Branch => "branch",
        }
    }
}

/// The syntax of `--runtime`, for messages.
pub const SYNTAX: &str =
    "vendored | path=DIR | git=URL[,rev=REV|,tag=TAG|,branch=NAME] | version[=REQ][,registry=NAME]";

impl Runtime {
    /// The registry dependency pinned to exactly the generator's version.
    pub fn pinned() -> Runtime {
        Runtime::Registry {
            version: format!("={VERSION}"),
            registry: None,
        }
    }

    /// Parses a `--runtime` value (see [`SYNTAX`]).
    pub fn parse(text: &str) -> Result<Runtime, String> {
        let mut parts = text.split(',').map(str::trim);
        let first = parts.next().unwrap_or_default();
        let (key, value) = match first.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (first, None),
        };
        let options: Vec<(&str, &str)> = parts
            .map(|p| p.split_once('=').map(|(k, v)| (k.trim(), v.trim())))
            .collect::<Option<_>>()
            .ok_or_else(|| {
                format!("`{text}`: options after the first are KEY=VALUE; expected {SYNTAX}")
            })?;
        let empty = |what: &str| format!("`{text}`: {what} is empty; expected {SYNTAX}");
        let runtime = match (key, value) {
            ("vendored", None) => Runtime::Vendored,
            ("path", Some(dir)) if !dir.is_empty() => Runtime::Path(dir.to_owned()),
            ("path", _) => return Err(empty("the directory")),
            ("git", Some(url)) if !url.is_empty() => Runtime::Git {
                url: url.to_owned(),
                reference: None,
            },
            ("git", _) => return Err(empty("the URL")),
            ("version", None) => Runtime::pinned(),
            ("version", Some(req)) if !req.is_empty() => Runtime::Registry {
                version: req.to_owned(),
                registry: None,
            },
            ("version", _) => return Err(empty("the version requirement")),
            _ => {
                return Err(format!(
                    "`{text}` is not a runtime source; expected {SYNTAX}"
                ))
            }
        };
        options
            .into_iter()
            .try_fold(runtime, |runtime, (key, value)| match (runtime, key) {
                (Runtime::Git { url, reference: None }, "rev" | "tag" | "branch") if !value.is_empty() => {
                    let which = match key {
                        "rev" => GitRef::Rev,
                        "tag" => GitRef::Tag,
                        _ => GitRef::Branch,
                    };
                    Ok(Runtime::Git {
                        url,
                        reference: Some((which, value.to_owned())),
                    })
                }
                (Runtime::Registry { version, registry: None }, "registry") if !value.is_empty() => {
                    Ok(Runtime::Registry {
                        version,
                        registry: Some(value.to_owned()),
                    })
                }
                _ => Err(format!(
                    "`{text}`: `{key}={value}` does not apply here (git takes one of rev, tag or branch; version \
                     takes registry); expected {SYNTAX}"
                )),
            })
    }

    /// A path runtime given relative to the current directory, made relative to the generated crate in `out` (so the
    /// generated `Cargo.toml` does not depend on where it was generated from). Paths stay absolute when no relative
    /// path joins them (another drive). Other runtimes are returned unchanged.
    pub fn relative_to(self, out: &Path) -> Runtime {
        match self {
            Runtime::Path(dir) => Runtime::Path(relative_path(Path::new(&dir), out)),
            other => other,
        }
    }

    /// True for [`Runtime::Vendored`].
    pub fn is_vendored(&self) -> bool {
        matches!(self, Runtime::Vendored)
    }

    /// The inline table of the generated crate's dependency on the runtime (`None` when vendored). It always pins
    /// the generator's version, so a path or git checkout of another version is refused by cargo with a clear
    /// message rather than failing to compile.
    pub fn dependency(&self) -> Option<String> {
        // JSON string escapes are a subset of TOML's basic-string escapes.
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let pin = format!("version = {}", quoted(&format!("={VERSION}")));
        let source = match self {
            Runtime::Vendored => return None,
            Runtime::Path(dir) => format!("path = {}, {pin}", quoted(dir)),
            Runtime::Git { url, reference } => {
                let reference = reference
                    .as_ref()
                    .map(|(which, value)| format!(", {} = {}", which.key(), quoted(value)))
                    .unwrap_or_default();
                format!("git = {}{reference}, {pin}", quoted(url))
            }
            Runtime::Registry { version, registry } => {
                let registry = registry
                    .as_ref()
                    .map(|r| format!(", registry = {}", quoted(r)))
                    .unwrap_or_default();
                format!("version = {}{registry}", quoted(version))
            }
        };
        Some(format!(
            "{PACKAGE} = {{ {source}, default-features = false }}"
        ))
    }
}

impl fmt::Display for Runtime {
    /// The `--runtime` value that gives this runtime.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Runtime::Vendored => f.write_str("vendored"),
            Runtime::Path(dir) => write!(f, "path={dir}"),
            Runtime::Git { url, reference } => {
                write!(f, "git={url}")?;
                match reference {
                    Some((which, value)) => write!(f, ",{}={value}", which.key()),
                    None => Ok(()),
                }
            }
            Runtime::Registry { version, registry } => {
                write!(f, "version={version}")?;
                match registry {
                    Some(r) => write!(f, ",registry={r}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// `dir` as a path from `from`, both taken relative to the current directory; `/` separated.
pub(crate) fn relative_path(dir: &Path, from: &Path) -> String {
    let (Some(dir), Some(from)) = (resolved(dir), resolved(from)) else {
        return slashed(dir);
    };
    let shared: Vec<Component> = dir
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    // Trees that share no directory (only the root, or not even a drive) are best joined by an absolute path: a
    // relative one would climb to the root and break as soon as either moves.
    if !shared.iter().any(|c| matches!(c, Component::Normal(_))) {
        return slashed(&dir);
    }
    let common = shared.len();
    let mut relative = PathBuf::new();
    for _ in from.components().skip(common) {
        relative.push("..");
    }
    for part in dir.components().skip(common) {
        relative.push(part);
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    slashed(&relative)
}

/// An absolute path without `.` or `..`, its longest existing ancestor resolved through symlinks (the directory
/// to generate into may not exist yet).
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut normal = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    let mut existing = normal.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return Some(rest.iter().rev().fold(real, |p: PathBuf, c| p.join(c)));
        }
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
    }
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The runtime's `Cargo.toml`, the source of the features and dependencies a vendored copy needs.
const CARGO_TOML: &str = include_str!("../../runtime/Cargo.toml");

/// The runtime's sources, as (path under the runtime's `src/`, text), listed by the build script.
const SOURCES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/runtime_sources.rs"));

/// The vendored runtime: (path in the generated crate, text) per file, each without its unit tests (they ran once,
/// in the runtime crate, and would need its dev-dependencies). Every file is copied whatever the crate's features:
/// the copy's `#[cfg(feature = "client")]` and `"server"` refer to the generated crate's features.
pub fn vendored_sources() -> Vec<(String, String, String)> {
    SOURCES
        .iter()
        .map(|(relative, text)| {
            // The crate root becomes the module `rt`.
            let path = match *relative {
                "lib.rs" => "src/rt/mod.rs".to_owned(),
                other => format!("src/rt/{other}"),
            };
            (path, without_tests(text), format!("src/{relative}"))
        })
        .collect()
}

/// The source without its tests: a trailing `#[cfg(test)] mod tests { ... }` (the runtime keeps each file's
/// tests last), or a `#[cfg(test)] mod tests;` declaring a file that is not copied.
fn without_tests(text: &str) -> String {
    let text = text.replace("\n#[cfg(test)]\nmod tests;\n", "\n");
    match text.find("\n#[cfg(test)]\nmod tests {") {
        Some(at) => format!("{}\n", text[..at].trim_end()),
        None => text,
    }
}

/// The lines of one `[section]` of the runtime's `Cargo.toml`, without the header and without the comments and
/// blank lines at its end (those introduce the next section).
fn cargo_section(name: &str) -> Vec<&'static str> {
    let header = format!("[{name}]");
    let mut lines: Vec<&str> = CARGO_TOML
        .lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .collect();
    while lines
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        lines.pop();
    }
    lines
}

/// The runtime's `client` and `server` features (its `default` left out: the generated crate has its own), for a
/// vendored copy's `Cargo.toml`.
pub fn vendored_features() -> String {
    cargo_section("features")
        .into_iter()
        .filter(|l| !l.starts_with("default"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The runtime's dependencies, for a vendored copy's `Cargo.toml`.
pub fn vendored_dependencies() -> String {
    cargo_section("dependencies").join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let cases = [
            ("vendored", Runtime::Vendored),
            ("path=../runtime", Runtime::Path("../runtime".into())),
            (
                "git=https://example.com/apigen.git",
                Runtime::Git {
                    url: "https://example.com/apigen.git".into(),
                    reference: None,
                },
            ),
            (
                "git=https://example.com/apigen.git,tag=v0.1.0",
                Runtime::Git {
                    url: "https://example.com/apigen.git".into(),
                    reference: Some((GitRef::Tag, "v0.1.0".into())),
                },
            ),
            ("version", Runtime::pinned()),
            (
                "version=0.1, registry=company",
                Runtime::Registry {
                    version: "0.1".into(),
                    registry: Some("company".into()),
                },
            ),
        ];
        for (text, runtime) in cases {
            assert_eq!(Runtime::parse(text).as_ref(), Ok(&runtime), "{text}");
            // Display gives back a value that parses to the same runtime (used in regenerate commands).
            assert_eq!(Runtime::parse(&runtime.to_string()), Ok(runtime), "{text}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        for bad in [
            "",
            "vendor",
            "path",
            "path=",
            "git=",
            "vendored=yes",
            "git=u,rev=1,tag=2",
            "git=u,version=1",
            "path=x,tag=1",
            "version=1,rev",
        ] {
            let error = Runtime::parse(bad).expect_err(bad);
            assert!(error.contains(SYNTAX), "{bad}: {error}");
        }
    }

    #[test]
    fn dependencies_pin_the_generator_version() {
        let pin = format!("version = \"={VERSION}\"");
        assert_eq!(Runtime::Vendored.dependency(), None);
        assert_eq!(
            Runtime::Path("../runtime".into()).dependency().unwrap(),
            format!(
                "apigen-runtime = {{ path = \"../runtime\", {pin}, default-features = false }}"
            )
        );
        let git = Runtime::parse("git=https://example.com/a.git,rev=abc").unwrap();
        assert_eq!(
            git.dependency().unwrap(),
            format!("apigen-runtime = {{ git = \"https://example.com/a.git\", rev = \"abc\", {pin}, default-features = false }}")
        );
        assert_eq!(
            Runtime::pinned().dependency().unwrap(),
            format!("apigen-runtime = {{ {pin}, default-features = false }}")
        );
        // A path with quotes or backslashes stays one TOML string.
        let odd = Runtime::Path("a \"b\"\\c".into()).dependency().unwrap();
        assert!(odd.contains(r#"path = "a \"b\"\\c""#), "{odd}");
    }

    #[test]
    fn paths_become_relative_to_the_generated_crate() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("apigen/runtime")).unwrap();
        let runtime = root.join("apigen/runtime");
        let from = |out: &str| match Runtime::Path(runtime.display().to_string())
            .relative_to(&root.join(out))
        {
            Runtime::Path(p) => p,
            other => panic!("{other:?}"),
        };
        // The output directory need not exist yet.
        assert_eq!(from("my-api"), "../apigen/runtime");
        assert_eq!(from("a/b/my-api"), "../../../apigen/runtime");
        assert_eq!(from("apigen/generated"), "../runtime");
        assert_eq!(from("apigen/runtime/inner/../x"), "..");
        #[cfg(unix)]
        assert_eq!(
            relative_path(Path::new("/nonexistent-a/x"), Path::new("/nonexistent-b/y")),
            "/nonexistent-a/x",
            "unrelated trees keep the absolute path"
        );
        assert_eq!(
            Runtime::Vendored.relative_to(&root),
            Runtime::Vendored,
            "only paths change"
        );
    }

    #[test]
    fn vendored_files_leave_the_tests_out() {
        let files = vendored_sources();
        assert_eq!(files.len(), SOURCES.len());
        for (path, text, origin) in &files {
            assert!(path.starts_with("src/rt/"), "{path}");
            assert!(!text.contains("#[cfg(test)]"), "{origin} keeps tests");
            // Relative paths only: the copy is a module of another crate.
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
            assert!(
                !code.clone().any(|l| l.contains("crate::")),
                "{origin} names `crate::`"
            );
            assert!(text.ends_with("}\n") || text.ends_with(";\n"), "{origin}");
        }
        let client = &files
            .iter()
            .find(|f| f.0 == "src/rt/client/mod.rs")
            .unwrap()
            .1;
        assert!(client.contains("pub struct Runtime<B>"));
    }

    #[test]
    fn vendored_manifest_sections_come_from_the_runtime() {
        let features = vendored_features();
        assert!(
            features.starts_with("# The async reqwest client"),
            "{features}"
        );
        assert!(features.contains("client = [") && features.contains("server = ["));
        assert!(!features.contains("default"));
        let dependencies = vendored_dependencies();
        for dep in ["serde = ", "uuid = ", "reqwest = ", "axum = ", "regex = "] {
            assert!(dependencies.contains(dep), "{dep}");
        }
        assert!(!dependencies.contains("tower"), "dev-dependencies stay out");
        assert!(
            !dependencies.contains("workspace"),
            "versions are spelt out"
        );
    }
}
