//! The CI workflow `pressroom init` writes, run end to end: its own commands, in order, as
//! GitHub Actions would run them on a clone of a repository with a bare remote, with time moved
//! by `PRESSROOM_NOW`. An embargoed release goes out at its time and is recorded with nobody at a
//! keyboard; a run with nothing new commits nothing; a silent edit fails; a pull request that
//! touches `published.lock` fails.

use crate::common;
use common::git;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A newsroom repository made by `pressroom init`, its bare remote, and a web root.
struct Repo {
    tmp: tempfile::TempDir,
}

/// What GitHub started the run for.
#[derive(Clone, Copy, PartialEq)]
enum Trigger {
    /// A push to main or the schedule.
    Main,
    /// A pull request into main.
    PullRequest,
}

/// How a run ended: the name of the step that failed (None: all passed), and what it printed.
struct Outcome {
    failed: Option<String>,
    log: String,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join("work");
        common::run(&["init", work.to_str().unwrap()], &work).assert_ok();
        let remote = tmp.path().join("remote.git");
        std::fs::create_dir_all(&remote).unwrap();
        git(&remote, &["init", "-q", "--bare", "-b", "main"]);
        git(&work, &["init", "-q", "-b", "main"]);
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", "A new newsroom"]);
        git(
            &work,
            &["remote", "add", "origin", remote.to_str().unwrap()],
        );
        git(&work, &["push", "-q", "origin", "main"]);
        std::fs::create_dir_all(tmp.path().join("www")).unwrap();
        Repo { tmp }
    }

    /// The writer's clone.
    fn work(&self) -> PathBuf {
        self.tmp.path().join("work")
    }

    fn www(&self) -> PathBuf {
        self.tmp.path().join("www")
    }

    /// The writer commits `text` at `rel` and pushes to main.
    fn push(&self, rel: &str, text: &str, message: &str) {
        let work = self.work();
        git(&work, &["pull", "-q", "--rebase", "origin", "main"]);
        let path = work.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", message]);
        git(&work, &["push", "-q", "origin", "main"]);
    }

    fn remote_head(&self) -> String {
        git(
            &self.tmp.path().join("remote.git"),
            &["rev-parse", "refs/heads/main"],
        )
    }

    /// A fresh runner: clones the remote (actions/checkout with fetch-depth 0), checks out
    /// `branch`, and runs every `run` step of the job whose `if` holds for `trigger`, in order,
    /// with bash as GitHub does, stopping at the first that fails.
    fn run_workflow(&self, trigger: Trigger, branch: &str, now: &str) -> Outcome {
        let runner = tempfile::tempdir().unwrap();
        let checkout = runner.path().join("repo");
        git(
            runner.path(),
            &[
                "clone",
                "-q",
                self.tmp.path().join("remote.git").to_str().unwrap(),
                "repo",
            ],
        );
        git(&checkout, &["checkout", "-q", branch]);
        let text = std::fs::read_to_string(checkout.join(".github/workflows/pressroom.yml"))
            .expect("init wrote the workflow");
        let wf: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("YAML");
        let bin_dir = Path::new(common::bin()).parent().unwrap().to_path_buf();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let summary = runner.path().join("summary.md");
        let mut log = String::new();
        for step in wf["jobs"]["site"]["steps"].as_sequence().unwrap() {
            let Some(script) = step["run"].as_str() else {
                continue; // `uses:` steps: checkout and the cache
            };
            let name = step["name"].as_str().unwrap_or("").to_string();
            if name.contains("Install pressroom") || name.contains("Resolve pressroom") {
                continue; // the binary under test is on PATH instead
            }
            if !applies(step["if"].as_str(), trigger) {
                continue;
            }
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .current_dir(&checkout)
                .env("PATH", &path)
                .env("PRESSROOM_NOW", now)
                .env(
                    "PRESSROOM_TARGET",
                    format!("file://{}", self.www().display()),
                )
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_OUTPUT", runner.path().join("output"));
            if trigger == Trigger::PullRequest {
                cmd.env("GITHUB_BASE_REF", "main");
            }
            let out = cmd.output().expect("bash runs");
            log.push_str(&format!(
                "== {name}\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
            if !out.status.success() {
                return Outcome {
                    failed: Some(name),
                    log,
                };
            }
        }
        Outcome { failed: None, log }
    }
}

/// Whether a step's `if:` holds for the trigger (the two conditions the workflow uses).
fn applies(condition: Option<&str>, trigger: Trigger) -> bool {
    match condition {
        None => true,
        Some(c) if c.contains("github.event_name != 'pull_request'") => trigger == Trigger::Main,
        Some(c) if c.contains("github.event_name == 'pull_request'") => {
            trigger == Trigger::PullRequest
        }
        Some(c) => panic!("a condition this test does not know: {c}"),
    }
}

const RELEASE: &str = "content/press/2026-12-10-new-plant.md";
const LIFT: &str = "2026-12-10T09:00:00Z";

#[test]
fn the_scheduled_run_publishes_an_embargoed_release_at_its_time_and_records_it() {
    let repo = Repo::new();
    // The first run publishes the sample site and commits the record.
    let first = repo.run_workflow(Trigger::Main, "main", "2026-12-01T08:00:00Z");
    assert!(first.failed.is_none(), "{}", first.log);
    let recorded = repo.remote_head();
    let ledger = git(
        &repo.tmp.path().join("remote.git"),
        &["show", "main:published.lock"],
    );
    assert!(
        ledger.contains("first_published = \"2026-12-01T08:00:00Z\""),
        "{ledger}"
    );

    // A writer merges an embargoed release.
    repo.push(
        RELEASE,
        &format!("+++\ntitle = \"A new plant\"\ndate = 2026-12-10\nkind = \"release\"\ndateline = \"OSLO\"\nembargo = {LIFT}\n+++\n\nWe build a plant.\n"),
        "Release under embargo",
    );
    let merged = repo.remote_head();
    let before = repo.run_workflow(Trigger::Main, "main", "2026-12-05T08:00:00Z");
    assert!(before.failed.is_none(), "{}", before.log);
    assert!(
        !repo.www().join("press/new-plant/index.html").exists(),
        "not before its time"
    );
    assert_eq!(
        repo.remote_head(),
        merged,
        "nothing published, nothing committed"
    );

    // The scheduled run after the lift: online, recorded, committed.
    let lift = repo.run_workflow(Trigger::Main, "main", "2026-12-10T09:05:00Z");
    assert!(lift.failed.is_none(), "{}", lift.log);
    assert!(
        repo.www().join("press/new-plant/index.html").exists(),
        "{}",
        lift.log
    );
    let head = repo.remote_head();
    assert_ne!(head, merged);
    let remote = repo.tmp.path().join("remote.git");
    let message = git(&remote, &["log", "-1", "--format=%B", "main"]);
    assert!(
        message.contains("[skip ci]") && message.contains("new-plant"),
        "{message}"
    );
    assert_eq!(
        git(&remote, &["diff", "--name-only", &merged, "main"]),
        "published.lock",
        "the run commits the ledger and nothing else"
    );
    let ledger: toml::Table = git(&remote, &["show", "main:published.lock"])
        .parse()
        .unwrap();
    assert_eq!(
        ledger["items"][RELEASE]["first_published"].as_str(),
        Some("2026-12-10T09:05:00Z")
    );
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.www().join("corrections/record.json")).unwrap())
            .unwrap();
    assert_eq!(
        record["events"].as_array().unwrap().last().unwrap()["url"],
        "/press/new-plant/"
    );

    // Ten minutes later: nothing new, nothing committed.
    let again = repo.run_workflow(Trigger::Main, "main", "2026-12-10T09:15:00Z");
    assert!(again.failed.is_none(), "{}", again.log);
    assert_eq!(repo.remote_head(), head);
    let _ = recorded;
}

#[test]
fn a_silent_edit_fails_the_run_and_nothing_goes_out() {
    let repo = Repo::new();
    repo.run_workflow(Trigger::Main, "main", "2026-12-01T08:00:00Z");
    let published = repo.remote_head();
    let www = common::hash_tree(&repo.www());
    // Change a published item's title with no notice.
    let work = repo.work();
    git(&work, &["pull", "-q", "origin", "main"]);
    let ledger: toml::Table = std::fs::read_to_string(work.join("published.lock"))
        .unwrap()
        .parse()
        .unwrap();
    let (source, entry) = ledger["items"].as_table().unwrap().iter().next().unwrap();
    let title = entry["fields"]["title"].as_str().unwrap();
    let text = std::fs::read_to_string(work.join(source)).unwrap();
    repo.push(
        source,
        &text.replacen(title, &format!("{title} (revised)"), 1),
        "Retitle",
    );
    let edited = repo.remote_head();
    assert_ne!(edited, published);
    let run = repo.run_workflow(Trigger::Main, "main", "2026-12-02T08:00:00Z");
    assert_eq!(
        run.failed.as_deref(),
        Some("Build (refuses silent edits of published items; records nothing)"),
        "{}",
        run.log
    );
    assert!(run.log.contains("`title`"), "{}", run.log);
    assert_eq!(common::hash_tree(&repo.www()), www, "nothing went out");
    assert_eq!(repo.remote_head(), edited, "nothing committed");
}

#[test]
fn a_pull_request_that_changes_the_ledger_fails() {
    let repo = Repo::new();
    repo.run_workflow(Trigger::Main, "main", "2026-12-01T08:00:00Z");
    let work = repo.work();
    git(&work, &["pull", "-q", "origin", "main"]);
    git(&work, &["checkout", "-q", "-b", "tamper"]);
    let path = work.join("published.lock");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n# edited by hand\n")).unwrap();
    git(&work, &["commit", "-q", "-am", "Tamper"]);
    git(&work, &["push", "-q", "origin", "tamper"]);
    let run = repo.run_workflow(Trigger::PullRequest, "tamper", "2026-12-02T08:00:00Z");
    assert_eq!(
        run.failed.as_deref(),
        Some("A pull request does not change published.lock"),
        "{}",
        run.log
    );

    // A pull request that only adds a post passes, and deploys nothing.
    git(&work, &["checkout", "-q", "main"]);
    git(&work, &["checkout", "-q", "-b", "post"]);
    std::fs::write(
        work.join("content/blog/2026-12-02-hello.md"),
        "+++\ntitle = \"Hello\"\ndate = 2026-12-02\n+++\n\nHi.\n",
    )
    .unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "A post"]);
    git(&work, &["push", "-q", "origin", "post"]);
    let www = common::hash_tree(&repo.www());
    let run = repo.run_workflow(Trigger::PullRequest, "post", "2026-12-02T08:00:00Z");
    assert!(run.failed.is_none(), "{}", run.log);
    assert_eq!(common::hash_tree(&repo.www()), www);
}
