//! Runs the real `bazar` binary against a fresh database (SQLite or the
//! throwaway PostgreSQL cluster) and the fake Telegram Bot API.
#![allow(dead_code)]

pub mod chat;

use bazar_testkit::postgres::PgCluster;
use bazar_testkit::telegram::FakeTelegram;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// One isolated platform installation.
pub struct Platform {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
    pub telegram: FakeTelegram,
    pub postgres: bool,
    /// A URL that sees every row (SQLite file, or the PostgreSQL superuser), for assertions.
    pub inspect_url: String,
}

/// The result of one `bazar` invocation.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "expected success\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    /// Asserts failure with a one-line `error: …` containing `needle`.
    pub fn fails_with(&self, needle: &str) -> &Self {
        assert_ne!(self.code, 0, "expected failure\nstdout: {}", self.stdout);
        let errors: Vec<&str> = self.stderr.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "expected one error line, got: {}", self.stderr);
        assert!(errors[0].contains(needle), "error line {:?} lacks {needle:?}", errors[0]);
        self
    }
}

impl Platform {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("data/bazar.db").display());
        Self::with(dir, vec![("BAZAR_DATABASE_URL".into(), url.clone())], false, url).await
    }

    /// `None` when PostgreSQL is not installed (and not required).
    pub async fn postgres() -> Option<Self> {
        let pg = PgCluster::shared()?.create_database();
        let key = bazar_secrets::MasterKey::generate().to_base64();
        let inspect = pg.superuser_url.clone();
        let env = vec![
            ("BAZAR_DATABASE_URL".into(), pg.app_url),
            ("BAZAR_DATABASE_MIGRATION_URL".into(), pg.owner_url),
            ("BAZAR_MASTER_KEY".into(), key),
        ];
        Some(Self::with(tempfile::tempdir().unwrap(), env, true, inspect).await)
    }

    async fn with(dir: tempfile::TempDir, mut env: Vec<(String, String)>, postgres: bool, inspect_url: String) -> Self {
        let telegram = FakeTelegram::start().await;
        env.push(("BAZAR_TELEGRAM_API_URL".into(), telegram.url()));
        env.push(("RUST_LOG".into(), "warn".into()));
        // Daily summaries would add a message to admin chats at a time of day
        // no test controls; the tests of summaries turn them on.
        env.push(("BAZAR_DAILY_SUMMARY_HOUR".into(), "-1".into()));
        Self { dir, env, telegram, postgres, inspect_url }
    }

    /// Runs a query returning one integer, with full visibility (assertions only).
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.inspect_url).await.unwrap();
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
        let _ = sqlx::Connection::close(conn).await;
        n
    }

    /// Executes one statement with full visibility (test set-up and fault injection only).
    pub async fn execute(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.inspect_url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{e}: {sql}"));
        let _ = sqlx::Connection::close(conn).await;
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bazar"));
        cmd.args(args).current_dir(self.dir.path()).env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `bazar ARGS…` to completion (off the async runtime's threads).
    pub async fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        let output: Output =
            tokio::task::spawn_blocking(move || cmd.stdin(Stdio::null()).output().unwrap()).await.unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

/// Runs an async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::helpers::Platform::sqlite().await).await
                }
                #[tokio::test]
                async fn postgres() {
                    if let Some(p) = $crate::helpers::Platform::postgres().await {
                        super::$name(p).await
                    }
                }
            }
        )*
    };
}

/// A running `bazar serve` process.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Platform {
    /// Starts `bazar serve` (webhook mode when `webhook`, else long polling) and
    /// waits until `/healthz` answers.
    pub async fn serve(&self, webhook: bool) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = self.path(&format!("serve-{port}.log"));
        let mut cmd = self.command(&["serve"]);
        cmd.env("BAZAR_LISTEN", format!("127.0.0.1:{port}"));
        cmd.env("RUST_LOG", "info");
        if webhook {
            cmd.env("BAZAR_PUBLIC_URL", format!("http://127.0.0.1:{port}"));
        }
        cmd.stdout(Stdio::null()).stderr(std::fs::File::create(&log).unwrap());
        let child = cmd.spawn().unwrap();
        let server = Server { child, port, log };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Ok(r) = reqwest::get(format!("{}/healthz", server.url())).await
                && r.status() == 200
            {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "bazar serve did not start:\n{}", server.logs());
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        server
    }
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, then waits for a clean exit.
    pub async fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "unclean exit {status}:\n{}", self.logs());
                return self.logs();
            }
            assert!(std::time::Instant::now() < deadline, "no graceful stop:\n{}", self.logs());
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: the process dies wherever it is.
    pub fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.logs()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Platform {
    /// Registers a shop bot (known to the fake Telegram as `username`) with
    /// `admins`; returns its id and its API token.
    pub async fn add_shop(&self, telegram_id: i64, username: &str, admins: &[i64]) -> (String, String) {
        let token = self.telegram.add_bot(telegram_id, username);
        let admins: Vec<String> = admins.iter().map(i64::to_string).collect();
        let mut args = vec!["bot", "add", "--token", &token, "--json"];
        for admin in &admins {
            args.extend(["--admin", admin.as_str()]);
        }
        let out = self.run(&args).await;
        let v: serde_json::Value = serde_json::from_str(out.ok().stdout.trim()).unwrap();
        (v["id"].to_string(), v["api_token"].as_str().unwrap().to_owned())
    }

    /// Registers the fake Remnawave as the platform's default panel.
    pub async fn add_remnawave(&self, panel: &bazar_testkit::panels::FakeRemnawave) {
        let (url, token) = (panel.url(), panel.token());
        self.run(&[
            "panel",
            "add",
            "--name",
            "main",
            "--default",
            "--kind",
            "remnawave",
            "--url",
            &url,
            "--token",
            &token,
        ])
        .await
        .ok();
    }
}
