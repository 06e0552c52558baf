//! The README stays true: every configuration key, flag, tenant setting and
//! panel kind (with its credentials and plan options) is documented.

#[test]
fn readme_documents_every_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_bazar")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for line in help.lines().filter(|l| l.trim_start().starts_with("BAZAR_") || l.contains(" BAZAR_")) {
        let word = line.split_whitespace().find(|w| w.contains("BAZAR_")).unwrap();
        let env: String = word[word.find("BAZAR_").unwrap()..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if env == "BAZAR_" {
            continue; // the "BAZAR_<KEY>" pattern in the heading
        }
        assert!(readme.contains(&format!("`{env}`")), "README lacks {env}");
    }
    assert!(help.matches("BAZAR_").count() >= 10, "help lists the configuration");
    for flag in bazar_domain::FeatureFlag::ALL {
        assert!(readme.contains(&format!("`{}`", flag.key())), "README lacks flag {flag}");
    }
    for key in bazar_domain::ConfigKey::ALL {
        assert!(readme.contains(&format!("`{}`", key.key())), "README lacks config key {key}");
    }
    for kind in bazar_panels::KINDS {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}`", kind.name)))
            .unwrap_or_else(|| panic!("README's panel table lacks {}", kind.name));
        for field in kind.credentials.iter().flat_map(|set| set.fields) {
            assert!(row.contains(&format!("{}=", field.key)), "README: {} logs in with {}", kind.name, field.key);
        }
        for option in kind.options {
            assert!(row.contains(&format!("`{}`", option.key)), "README: {} reads option {}", kind.name, option.key);
        }
    }
}
