//! Runs the real `bazar` binary against a fresh database (SQLite or the
//! throwaway PostgreSQL cluster) and the fake Telegram Bot API.
#![allow(dead_code)]

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
        Self::with(dir, vec![("BAZAR_DATABASE_URL".into(), url)], false).await
    }

    /// `None` when PostgreSQL is not installed (and not required).
    pub async fn postgres() -> Option<Self> {
        let pg = PgCluster::shared()?.create_database();
        let key = bazar_secrets::MasterKey::generate().to_base64();
        let env = vec![
            ("BAZAR_DATABASE_URL".into(), pg.app_url),
            ("BAZAR_DATABASE_MIGRATION_URL".into(), pg.owner_url),
            ("BAZAR_MASTER_KEY".into(), key),
        ];
        Some(Self::with(tempfile::tempdir().unwrap(), env, true).await)
    }

    async fn with(dir: tempfile::TempDir, mut env: Vec<(String, String)>, postgres: bool) -> Self {
        let telegram = FakeTelegram::start().await;
        env.push(("BAZAR_TELEGRAM_API_URL".into(), telegram.url()));
        env.push(("RUST_LOG".into(), "warn".into()));
        Self { dir, env, telegram, postgres }
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
