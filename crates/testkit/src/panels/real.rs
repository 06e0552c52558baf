//! Real panel software for contract tests: the kit in `shared/panels`
//! (Marzban 0.8.4 built from its released source, on 127.0.0.1 with SQLite).
//!
//! The kit lives outside the repository. It is found at `BAZAR_PANELS_KIT`,
//! else at `../shared/panels` beside the checkout, else at
//! `/work/shared/panels`. Its first start installs Marzban from PyPI (about
//! a minute), later ones take seconds. Without the kit (or without Python)
//! the contract tests are skipped with a loud message — except in CI
//! (`CI` or `BAZAR_REQUIRE_PANELS` set), where a missing kit fails them, as
//! PostgreSQL does.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A running real Marzban; stopped when dropped.
pub struct RealMarzban {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The sudo admin's user name.
    pub username: String,
    /// Its password.
    pub password: String,
    /// The panel's SQLite database (to fake traffic, as the kit's README says).
    pub db: PathBuf,
    pid: String,
    kit: PathBuf,
}

fn required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("BAZAR_REQUIRE_PANELS").is_some()
}

/// Where the kit is, if anywhere.
fn kit() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("BAZAR_PANELS_KIT").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/panels")),
        Some(PathBuf::from("/work/shared/panels")),
    ];
    candidates.into_iter().flatten().find(|dir| dir.join("marzban/start").is_file())
}

impl RealMarzban {
    /// Starts a fresh real Marzban on a free port. `None` (after a loud
    /// message) when the kit is not here and CI does not require it.
    pub fn start() -> Option<Self> {
        let Some(kit) = kit() else {
            assert!(!required(), "the real-panel kit (shared/panels) is required in CI but was not found");
            eprintln!("SKIPPED: the real Marzban contract test needs the panel kit (set BAZAR_PANELS_KIT)");
            return None;
        };
        let output = Command::new("bash")
            .arg(kit.join("marzban/start"))
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("bash runs");
        if !output.status.success() {
            assert!(!required(), "the real Marzban did not start (see the messages above)");
            eprintln!("SKIPPED: the real Marzban did not start on this machine");
            return None;
        }
        let vars = String::from_utf8_lossy(&output.stdout).into_owned();
        let var = |name: &str| {
            vars.lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("marzban/start printed no {name}"))
                .trim()
                .to_owned()
        };
        Some(Self {
            url: var("MARZBAN_URL"),
            username: var("MARZBAN_USERNAME"),
            password: var("MARZBAN_PASSWORD"),
            db: PathBuf::from(var("MARZBAN_DB")),
            pid: var("MARZBAN_PID"),
            kit,
        })
    }
}

impl Drop for RealMarzban {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(self.kit.join("marzban/stop"))
            .arg(&self.pid)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// `Bearer …` for a Marzban (real or fake) admin: the form login every test
/// that calls the panel's API directly needs.
pub async fn marzban_bearer(url: &str, username: &str, password: &str) -> String {
    let token: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/admin/token"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .expect("the panel answers the login")
        .json()
        .await
        .expect("the login answers JSON");
    format!("Bearer {}", token["access_token"].as_str().expect("an access token"))
}
