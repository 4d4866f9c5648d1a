//! The GitHub Actions workflow `pressroom init` writes, and how that workflow gets pressroom.
//!
//! A CI runner starts without pressroom, so the workflow installs it with cargo and caches the
//! binary. Two sources: a crates.io release (`cargo install pressroom --version X`), or the
//! source repository at a tag, branch or commit (`cargo install --git`), for organisations that
//! build pressroom from their own fork or from a release that is not on crates.io. For a git
//! source the workflow first resolves the revision to a commit, so the cache holds one binary
//! per commit and a moved branch is rebuilt.

/// How often the workflow runs to publish embargoed items unless `init --schedule` says otherwise.
pub const DEFAULT_SCHEDULE: &str = "*/10 * * * *";

/// Where `pressroom init` writes the GitHub Actions workflow.
pub const WORKFLOW_PATH: &str = ".github/workflows/pressroom.yml";

/// Where the generated workflow installs pressroom from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallSource {
    /// A crates.io release of this version.
    CratesIo {
        /// The exact version, e.g. `0.1.0`.
        version: String,
    },
    /// A git repository holding pressroom's source.
    Git {
        /// The repository, e.g. `https://github.com/acme/pressroom`.
        url: String,
        /// A tag, branch or full commit hash; `HEAD` is the default branch.
        rev: String,
    },
}

impl InstallSource {
    /// The release of the running binary.
    pub fn this_release() -> Self {
        InstallSource::CratesIo {
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// YAML's double-quoted form of `s`, so any URL or revision stays one scalar.
fn yaml_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Said wherever the crates.io install is written: it cannot work until pressroom is published.
pub const NOT_ON_CRATES_IO: &str = "pressroom is not on crates.io yet, so `cargo install pressroom --version X` fails on the runner; write the workflow with `pressroom init DIR --pressroom-git https://github.com/OWNER/pressroom --pressroom-rev TAG` to build it from its source repository instead";

/// [`NOT_ON_CRATES_IO`], as the workflow's comment says it.
const CRATES_IO_WARNING: &str = "#
# WARNING: pressroom is not on crates.io yet, so the \"Install pressroom\" step below
# (`cargo install pressroom --version ...`) fails. Write this workflow again with
#   pressroom init DIR --pressroom-git https://github.com/OWNER/pressroom --pressroom-rev TAG
# to build pressroom from its source repository instead (see the README's \"In CI\").
";

/// How often a cron schedule runs, for the workflow's comment and `init`'s output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The cron line, as GitHub reads it (UTC).
    pub cron: String,
}

/// A `--schedule` that is not a cron line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--schedule `{0}` is not a cron line: give five fields (minute hour day month weekday), e.g. \"*/30 * * * *\" or \"0 * * * *\""
)]
pub struct NotACronLine(pub String);

impl Schedule {
    /// `cron` if it has the five fields of a cron line.
    pub fn parse(cron: &str) -> Result<Schedule, NotACronLine> {
        let fields: Vec<&str> = cron.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(NotACronLine(cron.to_string()));
        }
        Ok(Schedule {
            cron: fields.join(" "),
        })
    }

    /// Runs an hour, for the simple every-N-minutes and every-hour forms; None when it depends
    /// on the hour, day or month.
    pub fn runs_per_hour(&self) -> Option<u32> {
        let fields: Vec<&str> = self.cron.split(' ').collect();
        if fields[1..] != ["*", "*", "*", "*"] {
            return None;
        }
        let minute = fields[0];
        if minute == "*" {
            return Some(60);
        }
        if let Some(step) = minute.strip_prefix("*/") {
            let step: u32 = step.parse().ok().filter(|s| (1..=60).contains(s))?;
            return Some(60_u32.div_ceil(step));
        }
        let minutes: Option<Vec<u32>> = minute.split(',').map(|m| m.parse().ok()).collect();
        minutes.map(|m| m.len() as u32)
    }

    /// The longest wait from an embargo time to the next run, in words.
    pub fn delay(&self) -> String {
        match self.runs_per_hour() {
            Some(1) => "about an hour".into(),
            Some(n) => format!("about {} minutes", 60 / n),
            None => "the time to the next scheduled run".into(),
        }
    }

    /// Runner minutes a month (30 days, each run billed at least a minute), in words.
    pub fn monthly_cost(&self) -> String {
        match self.runs_per_hour() {
            Some(n) => format!(
                "about {} runner minutes a month",
                thousands(u64::from(n) * 24 * 30)
            ),
            None => "at least one runner minute per run".into(),
        }
    }
}

/// `4320` as `4,320`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The `env:` lines and the steps that install pressroom from `source`.
fn install_parts(source: &InstallSource) -> (String, String) {
    match source {
        InstallSource::CratesIo { version } => (
            format!("  PRESSROOM_VERSION: {}", yaml_string(version)),
            CRATES_IO_STEPS.to_string(),
        ),
        InstallSource::Git { url, rev } => (
            format!(
                "  # pressroom is built from this repository at this tag, branch or commit (HEAD: the\n  # default branch). A private repository needs a token: see the README's Deploying section.\n  PRESSROOM_GIT: {}\n  PRESSROOM_REV: {}",
                yaml_string(url),
                yaml_string(rev)
            ),
            GIT_STEPS.to_string(),
        ),
    }
}

const CRATES_IO_STEPS: &str = r#"      - name: Cache pressroom
        id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/pressroom
          key: pressroom-${{ runner.os }}-${{ env.PRESSROOM_VERSION }}

      - name: Install pressroom
        if: steps.cache.outputs.cache-hit != 'true'
        run: cargo install pressroom --version "$PRESSROOM_VERSION" --locked
"#;

/// The resolve step prefers a tag (peeled to its commit) over a branch of the same name, and
/// takes a full commit hash as it is (`git ls-remote` lists refs, not commits).
const GIT_STEPS: &str = r#"      - name: Resolve pressroom's commit
        id: pressroom
        run: |
          refs=$(git ls-remote "$PRESSROOM_GIT")
          commit=""
          for name in "refs/tags/$PRESSROOM_REV^{}" "refs/tags/$PRESSROOM_REV" "refs/heads/$PRESSROOM_REV" "$PRESSROOM_REV"; do
            commit=$(awk -v n="$name" '$2 == n { print $1; exit }' <<<"$refs")
            if [ -n "$commit" ]; then break; fi
          done
          if [ -z "$commit" ] && [[ "$PRESSROOM_REV" =~ ^[0-9a-f]{40}$ ]]; then
            commit="$PRESSROOM_REV"
          fi
          if [ -z "$commit" ]; then
            echo "::error::no tag, branch or commit '$PRESSROOM_REV' in $PRESSROOM_GIT (set PRESSROOM_REV)"
            exit 1
          fi
          echo "pressroom: $PRESSROOM_GIT at $PRESSROOM_REV = $commit"
          echo "commit=$commit" >> "$GITHUB_OUTPUT"

      - name: Cache pressroom
        id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/pressroom
          key: pressroom-${{ runner.os }}-${{ steps.pressroom.outputs.commit }}

      - name: Install pressroom
        if: steps.cache.outputs.cache-hit != 'true'
        run: cargo install pressroom --locked --git "$PRESSROOM_GIT" --rev "${{ steps.pressroom.outputs.commit }}"
"#;

/// The GitHub Actions workflow `pressroom init` writes: build, `check`, deploy on main, and a
/// schedule (every 10 minutes by default) so embargoed releases go out on time.
pub fn github_workflow(source: &InstallSource, schedule: &Schedule) -> String {
    let (env, steps) = install_parts(source);
    let note = match source {
        InstallSource::CratesIo { .. } => CRATES_IO_WARNING.to_string(),
        InstallSource::Git { .. } => String::new(),
    };
    let text = if schedule.cron == DEFAULT_SCHEDULE {
        "every 10 minutes".to_string()
    } else {
        format!("cron \"{}\", UTC", schedule.cron)
    };
    include_str!("github-workflow.yml")
        .replace("{{INSTALL_ENV}}", &env)
        .replace("{{INSTALL_STEPS}}\n", &steps)
        .replace("{{INSTALL_NOTE}}", &note)
        .replace("{{SCHEDULE}}", &yaml_string(&schedule.cron))
        .replace("{{SCHEDULE_TEXT}}", &text)
        .replace("{{SCHEDULE_DELAY}}", &schedule.delay())
        .replace("{{SCHEDULE_COST}}", &schedule.monthly_cost())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_states_its_delay_and_cost() {
        let every = |cron: &str| Schedule::parse(cron).unwrap();
        assert_eq!(
            every("*/10 * * * *").monthly_cost(),
            "about 4,320 runner minutes a month"
        );
        assert_eq!(every("*/10 * * * *").delay(), "about 10 minutes");
        assert_eq!(every("*/30  * * * *").cron, "*/30 * * * *");
        assert_eq!(
            every("*/30 * * * *").monthly_cost(),
            "about 1,440 runner minutes a month"
        );
        assert_eq!(every("0 * * * *").delay(), "about an hour");
        assert_eq!(
            every("0 * * * *").monthly_cost(),
            "about 720 runner minutes a month"
        );
        assert_eq!(every("0,15,30,45 * * * *").delay(), "about 15 minutes");
        assert_eq!(every("0 9 * * 1-5").runs_per_hour(), None);
        assert!(Schedule::parse("hourly").is_err());
    }

    #[test]
    fn every_placeholder_is_filled() {
        for source in [
            InstallSource::this_release(),
            InstallSource::Git {
                url: "https://example.com/a b\".git".into(),
                rev: "v1".into(),
            },
        ] {
            let wf = github_workflow(&source, &Schedule::parse(DEFAULT_SCHEDULE).unwrap());
            assert!(!wf.replace("${{", "").contains("{{"), "{wf}");
            let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&wf).expect("valid YAML");
            let env = &doc["env"];
            match &source {
                InstallSource::CratesIo { version } => {
                    assert_eq!(env["PRESSROOM_VERSION"].as_str(), Some(version.as_str()))
                }
                InstallSource::Git { url, rev } => {
                    assert_eq!(env["PRESSROOM_GIT"].as_str(), Some(url.as_str()));
                    assert_eq!(env["PRESSROOM_REV"].as_str(), Some(rev.as_str()));
                }
            }
        }
    }
}
