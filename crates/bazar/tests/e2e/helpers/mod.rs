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
        // Panel probes would add requests to the fakes' scripts at times no
        // test controls; the tests of panel health turn them on.
        env.push(("BAZAR_PANEL_CHECK_MS".into(), "0".into()));
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

/// A running `bazar serve`: in this test process (the usual case) or as a
/// child process (where the process boundary is the point: its logs, its exit
/// status, `kill -9`).
pub struct Server {
    pub port: u16,
    pub log: PathBuf,
    kind: ServerKind,
}

enum ServerKind {
    Child(std::process::Child),
    /// `bazar::Application` on a thread of its own with its own multi-thread
    /// runtime, as in production; `stop` ends it, its result says how.
    InProcess {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        hooks: bazar::Hooks,
        thread: Option<std::thread::JoinHandle<Result<(), String>>>,
    },
}

/// The test binary's platform access: it is its own composition root.
pub fn platform_scope() -> bazar_store::PlatformScope {
    static SCOPE: std::sync::OnceLock<bazar_store::PlatformScope> = std::sync::OnceLock::new();
    #[expect(clippy::disallowed_methods, reason = "a test binary is its own composition root")]
    let claim = || bazar_store::CompositionRoot::claim().expect("claimed once per test binary").platform_scope();
    SCOPE.get_or_init(claim).clone()
}

impl Platform {
    /// Builds the application in-process (webhook mode when `webhook`, else
    /// long polling) from this platform's variables; returns once it is bound
    /// and its runtime started, so the first request is answered.
    pub async fn serve(&self, webhook: bool) -> Server {
        let (port, vars) = self.serve_vars(webhook);
        let config = bazar::Config::from_vars(vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<Result<bazar::Hooks, String>>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async move {
                let app = match bazar::Application::build(config, platform_scope()).await {
                    Ok(app) => app,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return Err("did not start".to_owned());
                    }
                };
                let _ = ready_tx.send(Ok(app.hooks()));
                app.run_until(async move {
                    let _ = stopped.await;
                })
                .await
                .map_err(|e| e.to_string())
            })
        });
        let hooks = ready_rx.await.unwrap().unwrap_or_else(|e| panic!("bazar serve did not start: {e}"));
        let kind = ServerKind::InProcess { stop: Some(stop), hooks, thread: Some(thread) };
        Server { port, log: self.path("no-log-in-process"), kind }
    }

    /// Starts `bazar serve` as a child process and waits until `/healthz`
    /// answers; its log (at `info`) is kept for [`Server::logs`].
    pub async fn serve_process(&self, webhook: bool) -> Server {
        let (port, vars) = self.serve_vars(webhook);
        let log = self.path(&format!("serve-{port}.log"));
        let mut cmd = self.command(&["serve"]);
        cmd.envs(vars).env("RUST_LOG", "info");
        cmd.stdout(Stdio::null()).stderr(std::fs::File::create(&log).unwrap());
        let child = cmd.spawn().unwrap();
        let server = Server { port, log, kind: ServerKind::Child(child) };
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

    /// This platform's variables plus a free `listen` port (and the public
    /// URL on it in webhook mode).
    fn serve_vars(&self, webhook: bool) -> (u16, Vec<(String, String)>) {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut vars = self.env.clone();
        vars.push(("BAZAR_LISTEN".into(), format!("127.0.0.1:{port}")));
        if webhook {
            vars.push(("BAZAR_PUBLIC_URL".into(), format!("http://127.0.0.1:{port}")));
        }
        (port, vars)
    }
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The child process's log so far (an in-process server keeps none).
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Makes the server read settings and the bots table afresh after
    /// another process (a CLI run) or a master-bot button changed them: the
    /// explicit hook, not a wait for a cache or the registry's refresh tick.
    /// A child process gets SIGHUP and is waited for until it logs the reload.
    pub async fn reload(&self) {
        match &self.kind {
            ServerKind::InProcess { hooks, .. } => {
                hooks.settings();
                hooks.bots().await;
            }
            ServerKind::Child(child) => {
                let reloads = || self.logs().matches("settings reloaded").count();
                let before = reloads();
                Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
                while reloads() == before {
                    assert!(std::time::Instant::now() < deadline, "no reload:\n{}", self.logs());
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }

    /// Waits until everything pushed to `bots` so far is done and what it
    /// produced is sent. Telegram has the updates confirmed (polling) or
    /// delivered (webhook), so they were stored and queued; the queue is
    /// empty, so they were handled and their replies handed to the outbox; no
    /// job is due or running (the credits, deliveries and notices updates
    /// start); the outbox is empty, so every reply was sent. Checked in the
    /// pipeline's own order, until one pass finds all of it done, so nothing
    /// slips between the checks. What "nothing more happens" assertions wait
    /// for, instead of a fixed pause. In-process servers only.
    pub async fn settled(&self, p: &Platform, bots: &[i64]) {
        let ServerKind::InProcess { hooks, .. } = &self.kind else { panic!("settled needs an in-process server") };
        let due = "SELECT COUNT(*) FROM jobs WHERE status = 'running' OR (status = 'pending' AND run_at <= ";
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let taken = bots.iter().all(|bot| p.telegram.pending_updates(*bot) == 0);
            let handled = taken && hooks.queued_updates() == 0;
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
            let worked = handled && p.count(&format!("{due}{now})")).await == 0;
            if worked && hooks.queued_updates() == 0 && hooks.pending_sends() == 0 {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "never settled (taken {taken}, handled {handled})");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// A graceful stop (SIGTERM for a child), then waits for a clean exit.
    pub async fn stop(mut self) -> String {
        match &mut self.kind {
            ServerKind::Child(child) => {
                let pid = child.id().to_string();
                Command::new("kill").args(["-TERM", &pid]).status().unwrap();
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
                loop {
                    if let Some(status) = child.try_wait().unwrap() {
                        assert!(status.success(), "unclean exit {status}:\n{}", self.logs());
                        return self.logs();
                    }
                    assert!(std::time::Instant::now() < deadline, "no graceful stop:\n{}", self.logs());
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
            ServerKind::InProcess { stop, thread, .. } => {
                let _ = stop.take().unwrap().send(());
                let thread = thread.take().unwrap();
                let result = tokio::task::spawn_blocking(move || thread.join()).await.unwrap();
                result.expect("the server thread panicked").expect("unclean stop");
                String::new()
            }
        }
    }

    /// SIGKILL: the process dies wherever it is (child processes only).
    pub fn kill(mut self) -> String {
        let ServerKind::Child(child) = &mut self.kind else { panic!("kill -9 needs serve_process") };
        child.kill().unwrap();
        child.wait().unwrap();
        self.logs()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        match &mut self.kind {
            ServerKind::Child(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            ServerKind::InProcess { stop, .. } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
            }
        }
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

/// Where at rest `secret` can be found: stored updates, any table (PostgreSQL),
/// the SQLite file and its write-ahead log.
pub async fn found_at_rest(p: &Platform, secret: &str) -> Vec<String> {
    let mut found = Vec::new();
    let in_updates = p.count(&format!("SELECT COUNT(*) FROM telegram_updates WHERE payload LIKE '%{secret}%'")).await;
    if in_updates > 0 {
        found.push(format!("{in_updates} rows of telegram_updates"));
    }
    if p.postgres {
        let tables = p
            .count(&format!(
                "SELECT COUNT(*) FROM information_schema.tables t WHERE t.table_schema = 'public' \
                 AND CAST(query_to_xml(format('SELECT * FROM %I', t.table_name), true, false, '') AS TEXT) \
                 LIKE '%{secret}%'"
            ))
            .await;
        if tables > 0 {
            found.push(format!("{tables} PostgreSQL tables"));
        }
    } else {
        for file in ["data/bazar.db", "data/bazar.db-wal"] {
            let bytes = std::fs::read(p.path(file)).unwrap_or_default();
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                found.push(file.to_owned());
            }
        }
    }
    found
}
