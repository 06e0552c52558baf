//! Configuration loading as the binary does it: the file, then the
//! environment over it, unknown keys refused, bad values named but never
//! echoed. Its own test binary: figment's `Jail` changes the process's working
//! directory and environment, which no other test may share.
#![allow(clippy::result_large_err)] // figment's Jail API fixes the closure's error type

use bazar::config::{Config, KEYS, LogFormat};
use figment::Jail;
use secrecy::ExposeSecret;
use std::path::Path;

#[test]
fn defaults_file_then_environment() {
    Jail::expect_with(|jail| {
        jail.create_file("bazar.toml", "listen = \"0.0.0.0:9000\"\nlog_format = \"json\"\n")?;
        jail.set_env("BAZAR_LISTEN", "127.0.0.1:7000");
        jail.set_env("BAZAR_PG_BIN", "/not/a/config/key");
        let config = Config::load(Path::new("bazar.toml"), true).unwrap();
        assert_eq!(config.listen.port(), 7000);
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.database_url.expose_secret(), "sqlite://data/bazar.db");
        Ok(())
    });
}

#[test]
fn bad_values_are_named_but_not_echoed() {
    Jail::expect_with(|jail| {
        jail.set_env("BAZAR_LISTEN", "hunter2-not-an-address");
        let err = Config::load(Path::new("absent.toml"), false).unwrap_err().to_string();
        assert!(err.contains("listen"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        Ok(())
    });
}

#[test]
fn unknown_file_keys_are_refused() {
    Jail::expect_with(|jail| {
        jail.create_file("bazar.toml", "listne = \"x\"\n")?;
        let err = Config::load(Path::new("bazar.toml"), true).unwrap_err().to_string();
        assert!(err.contains("unknown key `listne`"), "{err}");
        Ok(())
    });
}

#[test]
fn node_id_defaults_to_host_and_address_and_refuses_a_slash() {
    Jail::expect_with(|jail| {
        jail.set_env("BAZAR_LISTEN", "127.0.0.1:7001");
        let config = Config::load(Path::new("absent.toml"), false).unwrap();
        let node = config.node_id().unwrap();
        assert!(node.ends_with("-127.0.0.1:7001") && node.len() > "-127.0.0.1:7001".len(), "{node}");
        assert_eq!(node, Config::load(Path::new("absent.toml"), false).unwrap().node_id().unwrap(), "stable");
        jail.set_env("BAZAR_NODE_ID", "eu-1");
        assert_eq!(Config::load(Path::new("absent.toml"), false).unwrap().node_id().as_deref(), Some("eu-1"));
        jail.set_env("BAZAR_NODE_ID", "eu/1");
        assert_eq!(Config::load(Path::new("absent.toml"), false).unwrap().node_id(), None);
        Ok(())
    });
}

#[test]
fn help_lists_every_key() {
    let help = Config::help_text();
    for k in KEYS {
        assert!(help.contains(k.key) && help.contains(&format!("BAZAR_{}", k.key.to_ascii_uppercase())));
    }
}
