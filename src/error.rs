//! Fatal errors: conditions that stop a run before or outside content diagnostics
//! (unreadable root, bad `site.toml`, bad usage, theme that does not load, I/O failures).

use std::path::PathBuf;

/// A failure that stops the run. Content problems are [`crate::diag::Diagnostic`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command-line usage or configuration (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// `site.toml` is missing or invalid (exit code 2).
    #[error("{path}:{line}:{col}: error: {message}")]
    Config {
        /// The config file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The build found content errors; they were reported as diagnostics (exit code 1).
    #[error("the build failed with {0} error(s)")]
    Content(usize),
    /// `--deny-warnings` and the run found warnings; they were reported (exit code 1).
    #[error("{0} warning(s), and --deny-warnings makes warnings fatal")]
    Warnings(usize),
    /// A file-system operation failed.
    #[error("{action} `{}`: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Something else went wrong that a user cannot fix in content (exit code 2).
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with the action and the path it concerned.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The process exit code for this error: 1 for content errors, 2 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) | Error::Warnings(_) => 1,
            _ => 2,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
