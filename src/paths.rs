//! The two kinds of path a build deals in, as types, so that one is never passed for the
//! other: a [`SitePath`] names a page (`/fr/press/launch/`: no base path, no host, a folder
//! ends with `/`), and [`crate::config::Config::url`] and
//! [`crate::config::Config::permalink`] turn it into the root-relative URL and the absolute
//! one; its [`SitePath::file`] is the output file that holds the page
//! (`/fr/press/launch/index.html`), the path every [`crate::render::Output`] has.

use serde::Serialize;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A page's path on the site, without the base path: `/`, `/press/launch/`, `/404.html`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SitePath(String);

impl SitePath {
    /// A site path from its text (assembly makes them; they start with `/`).
    pub fn new(path: impl Into<String>) -> Self {
        SitePath(path.into())
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The output file that holds the page: `index.html` in a folder path's folder.
    pub fn file(&self) -> String {
        if self.0.ends_with('/') {
            format!("{}index.html", self.0)
        } else {
            self.0.clone()
        }
    }
}

impl Deref for SitePath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SitePath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SitePath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SitePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for SitePath {
    fn from(path: String) -> Self {
        SitePath(path)
    }
}

impl From<&SitePath> for SitePath {
    fn from(path: &SitePath) -> Self {
        path.clone()
    }
}

impl From<&str> for SitePath {
    fn from(path: &str) -> Self {
        SitePath(path.to_string())
    }
}

impl PartialEq<str> for SitePath {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SitePath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for SitePath {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl From<&SitePath> for String {
    fn from(path: &SitePath) -> String {
        path.0.clone()
    }
}

impl From<SitePath> for String {
    fn from(path: SitePath) -> String {
        path.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_path_is_held_in_its_index_file() {
        assert_eq!(
            SitePath::new("/press/launch/").file(),
            "/press/launch/index.html"
        );
        assert_eq!(SitePath::new("/").file(), "/index.html");
        assert_eq!(SitePath::new("/404.html").file(), "/404.html");
    }
}
