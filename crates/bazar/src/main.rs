//! `bazar`: one binary for the whole platform, and its composition root: the
//! one place platform access (`PlatformScope`) is made, handed from here to
//! the commands and to `serve`.

use bazar::{Cli, CliError, Config};
use bazar_store::CompositionRoot;
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[expect(clippy::disallowed_methods, reason = "main is the composition root: it claims platform access once")]
    let root = CompositionRoot::claim();
    let platform = match root {
        Ok(root) => root.platform_scope(),
        Err(e) => return fail(&CliError::input(e.to_string())),
    };
    let cli = Cli::parse();
    let (path, explicit) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => (PathBuf::from("bazar.toml"), false),
    };
    let config = match Config::load(&path, explicit) {
        Ok(c) => c,
        Err(e) => return fail(&e.into()),
    };
    bazar::init_logs(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&e.into()),
    };
    match runtime.block_on(bazar::run(cli.command, config, platform)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(error: &CliError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
