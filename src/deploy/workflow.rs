//! The GitHub Actions workflow `pressroom init` writes, and how that workflow gets pressroom.
//!
//! A CI runner starts without pressroom, so the workflow installs it with cargo and caches the
//! binary. Two sources: a crates.io release (`cargo install pressroom --version X`), or the
//! source repository at a tag, branch or commit (`cargo install --git`), for organisations that
//! build pressroom from their own fork or from a release that is not on crates.io. For a git
//! source the workflow first resolves the revision to a commit, so the cache holds one binary
//! per commit and a moved branch is rebuilt.

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

/// The GitHub Actions workflow `pressroom init` writes: build with `--locked`, `check`, deploy
/// on main, and a schedule every 10 minutes so embargoed releases go out on time.
pub fn github_workflow(source: &InstallSource) -> String {
    let (env, steps) = install_parts(source);
    include_str!("github-workflow.yml")
        .replace("{{INSTALL_ENV}}", &env)
        .replace("{{INSTALL_STEPS}}\n", &steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for source in [
            InstallSource::this_release(),
            InstallSource::Git {
                url: "https://example.com/a b\".git".into(),
                rev: "v1".into(),
            },
        ] {
            let wf = github_workflow(&source);
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
