//! Real panel software for contract tests: the kit in `shared/panels`
//! (Marzban 0.8.4 built from its released source, on 127.0.0.1 with SQLite).
//!
//! PasarGuard 5.2.1 likewise.
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

/// What a kit panel's `start` printed (`NAME_URL=…` lines), and how to stop it.
struct Started {
    vars: String,
    prefix: &'static str,
    pid: String,
    kit: PathBuf,
}

impl Started {
    fn var(&self, name: &str) -> String {
        let key = format!("{}_{name}=", self.prefix);
        self.vars
            .lines()
            .find_map(|line| line.strip_prefix(&key))
            .unwrap_or_else(|| panic!("{}/start printed no {key}", self.prefix.to_lowercase()))
            .trim()
            .to_owned()
    }
}

/// Starts the kit's `panel` on a free port; `None` (after a loud message)
/// when the kit is not here or the panel does not start, and CI does not require it.
fn start_kit_panel(panel: &'static str, prefix: &'static str) -> Option<Started> {
    let Some(kit) = kit() else {
        assert!(!required(), "the real-panel kit (shared/panels) is required in CI but was not found");
        eprintln!("SKIPPED: the real {panel} contract test needs the panel kit (set BAZAR_PANELS_KIT)");
        return None;
    };
    let start = || {
        Command::new("bash")
            .arg(kit.join(panel).join("start"))
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("bash runs")
    };
    // `--port 0` has the kit pick a free port, which another test's listener
    // can take before the panel binds it ("address already in use"): a
    // second start picks another.
    let mut output = start();
    if !output.status.success() {
        eprintln!("the real {panel} did not start; trying once more on another port");
        output = start();
    }
    if !output.status.success() {
        assert!(!required(), "the real {panel} did not start (see the messages above)");
        eprintln!("SKIPPED: the real {panel} did not start on this machine");
        return None;
    }
    let vars = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut started = Started { vars, prefix, pid: String::new(), kit };
    started.pid = started.var("PID");
    Some(started)
}

fn stop_kit_panel(kit: &std::path::Path, panel: &str, pid: &str) {
    let _ = Command::new("bash")
        .arg(kit.join(panel).join("stop"))
        .arg(pid)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl RealMarzban {
    /// Starts a fresh real Marzban on a free port. `None` (after a loud
    /// message) when the kit is not here and CI does not require it.
    pub fn start() -> Option<Self> {
        let started = start_kit_panel("marzban", "MARZBAN")?;
        Some(Self {
            url: started.var("URL"),
            username: started.var("USERNAME"),
            password: started.var("PASSWORD"),
            db: PathBuf::from(started.var("DB")),
            pid: started.pid,
            kit: started.kit,
        })
    }
}

impl Drop for RealMarzban {
    fn drop(&mut self) {
        stop_kit_panel(&self.kit, "marzban", &self.pid);
    }
}

/// A running real PasarGuard 5.2.1 (no node attached; one group `kit`
/// holding its four inbounds, each with a host); stopped when dropped.
pub struct RealPasarGuard {
    /// Base URL.
    pub url: String,
    /// The owner admin's user name.
    pub username: String,
    /// Its password.
    pub password: String,
    /// The seeded group's id (what `group_ids` takes).
    pub group_id: String,
    pid: String,
    kit: PathBuf,
}

impl RealPasarGuard {
    /// Starts a fresh real PasarGuard on a free port, as [`RealMarzban::start`].
    pub fn start() -> Option<Self> {
        let started = start_kit_panel("pasarguard", "PASARGUARD")?;
        Some(Self {
            url: started.var("URL"),
            username: started.var("USERNAME"),
            password: started.var("PASSWORD"),
            group_id: started.var("GROUP_ID"),
            pid: started.pid,
            kit: started.kit,
        })
    }
}

impl Drop for RealPasarGuard {
    fn drop(&mut self) {
        stop_kit_panel(&self.kit, "pasarguard", &self.pid);
    }
}

/// `Bearer …` for a Marzban or PasarGuard (real or fake) admin: the form
/// login every test that calls the panel's API directly needs.
pub async fn marzban_bearer(url: &str, username: &str, password: &str) -> String {
    form_login(&format!("{url}/api/admin/token"), username, password).await
}

/// `Bearer …` for a Marzneshin admin (its login lives at `/api/admins/token`).
pub async fn marzneshin_bearer(url: &str, username: &str, password: &str) -> String {
    form_login(&format!("{url}/api/admins/token"), username, password).await
}

async fn form_login(url: &str, username: &str, password: &str) -> String {
    let token: serde_json::Value = reqwest::Client::new()
        .post(url)
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .expect("the panel answers the login")
        .json()
        .await
        .expect("the login answers JSON");
    format!("Bearer {}", token["access_token"].as_str().expect("an access token"))
}
