//! `check --external`: fetches external links and source URLs with bounded concurrency and a
//! timeout. Every finding is a warning (the web is not ours to fix in a build), and a dead
//! source whose `archived` copy answers says so: readers can still reach the evidence.

use crate::diag::{Diagnostic, LineIndex};
use crate::model::Site;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// One place that names an external URL.
#[derive(Debug, Clone)]
struct Place {
    rel: String,
    line: usize,
    col: usize,
    archived: Option<String>,
}

/// How many requests run at once, and how long each may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests at once.
    pub concurrency: usize,
    /// Per request.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency: 8,
            timeout: Duration::from_secs(10),
        }
    }
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Every external URL of the site with the first place that names it.
fn collect(site: &Site) -> BTreeMap<String, Place> {
    let mut urls: BTreeMap<String, Place> = BTreeMap::new();
    for item in &site.items {
        let lines = LineIndex::new(&item.text);
        let mut add = |url: &str, at: Option<usize>, archived: Option<&String>| {
            if !is_external(url) {
                return;
            }
            let at = at.or_else(|| item.text.find(url)).unwrap_or(0);
            let (line, col) = lines.position(at);
            urls.entry(url.to_string()).or_insert(Place {
                rel: item.src.rel.clone(),
                line,
                col,
                archived: archived.cloned(),
            });
        };
        for link in &item.rendered.links {
            add(&link.url, link.at, None);
        }
        for s in &item.sources {
            if let Some(u) = &s.url {
                add(u, None, s.archived.as_ref());
            }
        }
    }
    for s in &site.sources {
        if let Some(u) = &s.url {
            urls.entry(u.clone()).or_insert(Place {
                rel: "data/sources.toml".into(),
                line: 1,
                col: 1,
                archived: s.archived.clone(),
            });
        }
    }
    urls
}

/// Why a URL does not answer.
#[derive(Debug, thiserror::Error)]
enum NoAnswer {
    /// No connection, or no HTTP answer.
    #[error(transparent)]
    Unreachable(#[from] ureq::Error),
    /// An error status.
    #[error("HTTP {0}")]
    Status(u16),
}

/// Whether a URL answers with a success status (HEAD, then GET when HEAD is refused).
fn fetch(agent: &ureq::Agent, url: &str) -> Result<(), NoAnswer> {
    let status = agent.head(url).call()?.status().as_u16();
    let status = if matches!(status, 405 | 501) {
        agent.get(url).call()?.status().as_u16()
    } else {
        status
    };
    if status < 400 {
        Ok(())
    } else {
        Err(NoAnswer::Status(status))
    }
}

/// Checks every external URL of the site.
pub fn check(site: &Site, limits: Limits) -> Vec<Diagnostic> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .http_status_as_error(false)
        .user_agent(concat!(
            "pressroom/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let queue = Mutex::new(collect(site).into_iter().collect::<Vec<_>>());
    let found = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..limits.concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some((url, place)) = next else { break };
                    let Err(why) = fetch(&agent, &url) else { continue };
                    let d = match &place.archived {
                        Some(archived) if fetch(&agent, archived).is_ok() => Diagnostic::warning(&place.rel, place.line, place.col, format!("source `{url}` does not answer ({why}); its archived copy does"))
                            .with_help("readers are sent to the archived copy; update `url` if the document moved"),
                        Some(archived) => Diagnostic::warning(&place.rel, place.line, place.col, format!("source `{url}` does not answer ({why}), nor does its archived copy `{archived}`"))
                            .with_help("find where the document moved, or archive it"),
                        None => Diagnostic::warning(&place.rel, place.line, place.col, format!("external link `{url}` does not answer ({why})"))
                            .with_help("update or remove the link, or declare an `archived` copy for a source"),
                    };
                    if let Ok(mut f) = found.lock() {
                        f.push(d);
                    }
                }
            });
        }
    });
    found.into_inner().unwrap_or_default()
}
