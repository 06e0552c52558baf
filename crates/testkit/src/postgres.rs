//! A throwaway PostgreSQL cluster for tests, started from the installed binaries.
//!
//! One cluster per test process (started on first use), one fresh database per
//! test. Roles: `postgres` (superuser, setup only), `bazar_owner` (owns the
//! tables, runs migrations) and `bazar_app` (what the application connects as:
//! no superuser, no BYPASSRLS, not the owner). A watchdog shell stops the
//! cluster and deletes its files when the test process exits.
//!
//! When no PostgreSQL is installed, [`PgCluster::shared`] returns `None` and
//! tests skip loudly — unless `CI` or `BAZAR_REQUIRE_POSTGRES` is set, in which
//! case it panics: CI never skips the PostgreSQL tests.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// A running cluster.
#[derive(Debug)]
pub struct PgCluster {
    bin: PathBuf,
    port: u16,
    socket_dir: PathBuf,
}

/// One fresh database on the shared cluster.
#[derive(Debug, Clone)]
pub struct PgDatabase {
    /// Connects as `bazar_app` (ordinary role, subject to row-level security).
    pub app_url: String,
    /// Connects as `bazar_owner` (owns the tables; runs migrations).
    pub owner_url: String,
    /// Connects as the `postgres` superuser (for test setup only).
    pub superuser_url: String,
}

static SHARED: OnceLock<Option<PgCluster>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// Whether PostgreSQL tests must run (CI) instead of being skipped.
fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
        || std::env::var_os("BAZAR_REQUIRE_POSTGRES").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Where `initdb`, `pg_ctl` and `psql` live: `BAZAR_PG_BIN`, the newest
/// `/usr/lib/postgresql/*/bin`, or the `PATH`.
pub fn find_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BAZAR_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists() && p.join("postgres").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    if let Some(newest) = versions.pop() {
        return Some(newest);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
}

impl PgCluster {
    /// The process-wide cluster, started on first call; `None` (after a loud
    /// message) when PostgreSQL is not installed and not required.
    pub fn shared() -> Option<&'static PgCluster> {
        SHARED
            .get_or_init(|| match find_bin_dir() {
                Some(bin) => Some(PgCluster::start(bin)),
                None if required() => panic!(
                    "PostgreSQL is required (CI or BAZAR_REQUIRE_POSTGRES is set) but no initdb was found; install postgresql or set BAZAR_PG_BIN"
                ),
                None => {
                    eprintln!(
                        "\n*** SKIPPING PostgreSQL tests: no PostgreSQL installation found (apt-get install postgresql, or set BAZAR_PG_BIN). CI runs them. ***\n"
                    );
                    None
                }
            })
            .as_ref()
    }

    fn start(bin: PathBuf) -> PgCluster {
        let root = tempfile::Builder::new()
            .prefix("bazar-pg-")
            .tempdir_in(std::env::temp_dir())
            .expect("temp dir for PostgreSQL")
            .keep();
        let data = root.join("data");
        let socket_dir = root.join("sock");
        std::fs::create_dir_all(&socket_dir).expect("socket dir");
        let as_root = is_root();
        if as_root {
            run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&root));
        }
        let pg = |tool: &str| -> Command {
            let exe = bin.join(tool);
            if as_root {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(exe);
                c
            } else {
                Command::new(exe)
            }
        };
        run(pg("initdb").args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D"]).arg(&data));
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            let options = format!(
                "-k {} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500",
                socket_dir.display()
            );
            let status = pg("pg_ctl")
                .args(["-w", "-t", "30", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(root.join("postgres.log"))
                .args(["-o", &options, "start"])
                .stdout(Stdio::null())
                .status()
                .expect("run pg_ctl");
            if status.success() {
                spawn_watchdog(&bin, &data, &root, as_root);
                let cluster = PgCluster { bin, port, socket_dir };
                cluster.psql(
                    "postgres",
                    "CREATE ROLE bazar_owner LOGIN; CREATE ROLE bazar_app LOGIN NOSUPERUSER NOBYPASSRLS;",
                );
                return cluster;
            }
            last_error = std::fs::read_to_string(root.join("postgres.log")).unwrap_or_default();
        }
        panic!("could not start PostgreSQL:\n{last_error}");
    }

    /// Creates an empty database owned by `bazar_owner`.
    pub fn create_database(&self) -> PgDatabase {
        let name = format!("bazar_test_{}_{}", std::process::id(), NEXT_DB.fetch_add(1, Ordering::Relaxed));
        self.psql("postgres", &format!("CREATE DATABASE {name} OWNER bazar_owner"));
        let url = |user: &str| format!("postgres://{user}@127.0.0.1:{}/{name}", self.port);
        PgDatabase { app_url: url("bazar_app"), owner_url: url("bazar_owner"), superuser_url: url("postgres") }
    }

    /// Runs SQL as the superuser through `psql`, panicking on failure.
    pub fn psql(&self, database: &str, sql: &str) {
        let output = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.socket_dir)
            .args(["-p", &self.port.to_string(), "-U", "postgres", "-d", database, "-c", sql])
            .output()
            .expect("run psql");
        assert!(output.status.success(), "psql failed: {}", String::from_utf8_lossy(&output.stderr));
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn run(cmd: &mut Command) {
    let output = cmd.output().expect("spawn");
    assert!(
        output.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Stops the cluster and removes its files once this test process is gone.
fn spawn_watchdog(bin: &Path, data: &Path, root: &Path, as_root: bool) {
    let pg_ctl = bin.join("pg_ctl");
    let stop = if as_root {
        format!("runuser -u postgres -- {} -D {} stop -m immediate", pg_ctl.display(), data.display())
    } else {
        format!("{} -D {} stop -m immediate", pg_ctl.display(), data.display())
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {root}",
        pid = std::process::id(),
        root = root.display()
    );
    // Deliberately detached: it must outlive this process to clean up after it.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn PostgreSQL watchdog");
}
